"""The demo's IT costs: last year published, this year a draft started from it; loading the
demo again adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from costs.models import KeySet
from demo.costs import FIGURES, load_costs
from demo.loader import demo_clock
from organisation.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_last_year_and_drafts_this_year_once(world):
    factories.make_role_user(Role.Code.IT_CHIEF, username="it-chef")
    # The world has BUF, SOC and KFF; the demo's other departments:
    for short in set(FIGURES) - {"BUF", "SOC", "KFF"}:
        factories.DepartmentFactory(short_name=short, name=f"Förvaltning {short}")
    now = timezone.now()
    with demo_clock() as clock:
        created = load_costs(clock, now)
    today = timezone.localdate(now)
    last, this = KeySet.objects.get(year=today.year - 1), KeySet.objects.get(year=today.year)
    assert created == {"cost allocations": 2, "cost allocations published": 1}
    # Published on 20 January, or yesterday early in the year.
    assert not last.is_draft
    assert timezone.localdate(last.published_at) == min(date(today.year, 1, 20),
                                                         today - timedelta(days=1))
    assert this.is_draft and this.based_on == last
    assert {p.name for p in this.pools.all()} == {p.name for p in last.pools.all()}
    users = {e.department.short_name: e.users for e in last.entries.select_related(
        "department") if e.users}
    assert users == {short: users for short, (users, _share) in FIGURES.items()}
    with demo_clock() as clock:
        assert load_costs(clock, now) == {}
    assert KeySet.objects.count() == 2


def test_without_the_demos_it_chief_nothing_is_written(world):
    with demo_clock() as clock:
        assert load_costs(clock, timezone.now()) == {}
    assert not KeySet.objects.exists()
