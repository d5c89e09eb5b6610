"""Two retention runs at the same instant (the nightly task and the command, say) share the
work: each batch is claimed by one of them, nothing is done or logged twice."""

from __future__ import annotations

import pytest

from records import retention, services
from records.models import CullingRecord
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_do_each_thing_once(world, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 1)
    planned = {step.rule.kind: step.count for step in services.retention_dry_run()}
    results = run_together(2, lambda _i: services.retention_apply())
    assert not [r for r in results if isinstance(r, Exception)], results
    done: dict[str, int] = {}
    for outcomes in results:
        for outcome in outcomes:
            done[outcome.rule.kind] = done.get(outcome.rule.kind, 0) + outcome.count
    for kind in ("history", "comments", "attachments"):
        assert done[kind] == planned[kind], kind
    items = [(r.kind, tuple(r.items)) for r in CullingRecord.objects.all()]
    assert len(items) == len(set(items))
    assert all(step.count == 0 for step in services.retention_dry_run())
