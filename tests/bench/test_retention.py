"""The retention measurement of the benchmark on a small generated data set: the run does
what the dry run listed, a second run finds nothing, and everything is rolled back."""

from __future__ import annotations

import pytest

from bench.dataset import Size, generate
from bench.retention import measure_retention
from orders.models import Comment, Order
from records.models import CullingRecord, LegalHold

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_retention_measurement_runs_and_leaves_the_data_set_as_it_was():
    generate(Size(orders=200, departments=3, users=80, services=12, projects=6, meetings=4,
                  seed=7))
    before = (Order.objects.count(), Comment.objects.count(),
              Order.history.model.objects.count())
    result = measure_retention(log=lambda message: None)
    assert result["done"]["history"] == result["planned"]["history"] > 0
    assert result["done"]["comments"] == result["planned"]["comments"]
    assert result["second_run_done"] == 0
    assert result["held_orders"] > 0 and result["held_rows"] > result["held_orders"]
    assert result["held_untouched"] is True
    assert result["people_left"] > 0
    assert 0 < result["done"]["personal_data"] < result["people_left"]  # the held stay
    assert result["run_ms"] > 0 and result["dry_run_ms"] > 0
    assert (Order.objects.count(), Comment.objects.count(),
            Order.history.model.objects.count()) == before
    assert not CullingRecord.objects.exists()
    assert not LegalHold.objects.exists()


def test_a_run_that_ignored_the_holds_would_be_caught(monkeypatch):
    """The hold check can fail: with the holds left out of what the run chooses, the held
    orders' history goes and the measurement says so."""
    from records import retention

    generate(Size(orders=200, departments=3, users=80, services=12, projects=6, meetings=4,
                  seed=7))
    monkeypatch.setattr(retention, "finished_before", lambda cutoff: Order.objects.filter(
        status__in=retention.FINISHED, status_changed_at__lt=cutoff))
    monkeypatch.setattr(retention.LegalHold.objects, "active",
                        lambda: retention.LegalHold.objects.none())
    result = measure_retention(log=lambda message: None)
    assert result["held_orders"] > 0 and result["held_untouched"] is False
