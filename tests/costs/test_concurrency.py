"""A year published twice at the same moment, and a pool added while the year is published
(PostgreSQL: SQLite serialises every writer, so it cannot show that the row lock does its
work)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from costs import services
from costs.models import CostItem, CostPool, KeySet
from organisation.models import Role
from tests.concurrency import as_user, run_together
from tests.factories import DepartmentFactory, make_role_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def a_draft():
    chief = make_role_user(Role.Code.IT_CHIEF)
    deputy = make_role_user(Role.Code.DEPUTY_IT_CHIEF)
    departments = [DepartmentFactory(), DepartmentFactory()]
    key_set = services.key_set_create(actor=chief, year=2025)
    key_set = services.key_set_update(
        key_set_id=key_set.pk, actor=chief, revision=key_set.revision, data={},
        entries={d.pk: (10 * (i + 1), Decimal(0)) for i, d in enumerate(departments)})
    services.cost_pool_create(key_set_id=key_set.pk, actor=chief, revision=key_set.revision,
                              data={"name": "Nätverk", "amount": Decimal("1000.00"),
                                    "basis": "users"})
    key_set.refresh_from_db()
    return key_set, [chief, deputy]


def test_two_people_publishing_the_same_year_at_once_publish_it_once():
    key_set, people = a_draft()
    results = run_together(2, lambda i: services.key_set_publish(
        key_set_id=key_set.pk, actor=as_user(people[i]), revision=key_set.revision))
    refused = [r for r in results if isinstance(r, services.CostError)]
    assert len(refused) == 1, results
    assert isinstance(refused[0], services.InvalidTransition | services.StaleRevision)
    published = KeySet.objects.get(pk=key_set.pk)
    assert published.status == KeySet.Status.PUBLISHED
    assert published.total == Decimal("1000.00")
    assert published.history.filter(status="published").count() == 1
    assert CostItem.objects.filter(key_set=published).count() == 0  # no contract, licence...


def test_a_pool_added_while_the_year_is_published_is_refused_or_published_with_it():
    key_set, people = a_draft()
    work = [
        lambda: services.key_set_publish(key_set_id=key_set.pk, actor=as_user(people[0]),
                                         revision=key_set.revision),
        lambda: services.cost_pool_create(key_set_id=key_set.pk, actor=as_user(people[1]),
                                          revision=key_set.revision,
                                          data={"name": "Drift", "amount": Decimal("500.00"),
                                                "basis": "users"}),
    ]
    results = run_together(2, lambda i: work[i]())
    assert sum(isinstance(r, services.CostError) for r in results) == 1, results
    key_set.refresh_from_db()
    pools = sum((p.amount for p in CostPool.objects.filter(key_set=key_set)), Decimal(0))
    if isinstance(results[0], services.CostError):
        # The pool came first: the page the publisher saw is out of date.
        assert isinstance(results[0], services.StaleRevision)
        assert key_set.is_draft and pools == Decimal("1500.00")
    else:
        # The year came first: the pool is refused, and what was published is what it holds.
        assert isinstance(results[1], services.InvalidTransition | services.StaleRevision)
        assert key_set.total == pools == Decimal("1000.00")
