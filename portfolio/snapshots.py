"""The dashboard's nightly snapshot: the counts its trends are drawn from.

Taken by a beat task (portfolio.tasks.take_dashboard_snapshot). One row per day, unique by
date: a rerun on the same day replaces that day's figures, so retries, restarts and a second
beat never make two.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from orders.models import Order

from .models import DashboardSnapshot, Project, worst_health


def snapshot_data() -> dict[str, Any]:
    """What the trends need, counted over every order and project (two queries)."""
    orders = [
        [row["department_id"], row["kind"], row["status"], row["n"]]
        for row in Order.objects.exclude(status=Order.Status.DRAFT)
        .values("department_id", "kind", "status").annotate(n=Count("pk"))
        .order_by("department_id", "kind", "status")
    ]
    health: Counter = Counter()
    budget = actual = Decimal(0)
    for dept, schedule, cost, scope, planned, spent in Project.objects.filter(
        status__in=Project.OPEN_STATUSES
    ).values_list("sponsor_department_id", "latest_report__schedule", "latest_report__cost",
                  "latest_report__scope", "budget", "actual_cost"):
        health[(dept, worst_health(schedule, cost, scope) or "none")] += 1
        budget += planned or 0
        actual += spent or 0
    return {
        "orders": orders,
        "projects": [[dept, h, n] for (dept, h), n in sorted(health.items())],
        "budget": str(budget),
        "actual": str(actual),
    }


def snapshot_take(day: date | None = None) -> DashboardSnapshot:
    """Take today's snapshot: one row per day, a rerun replaces the figures of the day."""
    day = day or timezone.localdate()
    snapshot, _created = DashboardSnapshot.objects.update_or_create(
        day=day, defaults={"data": snapshot_data()}
    )
    return snapshot
