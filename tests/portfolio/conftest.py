"""Helpers of the portfolio tests: projects entered through the services, and orders written
directly with the timestamps a test needs (lead times are about time, not about transitions)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from orders.models import Order
from portfolio import services
from tests import factories

_numbers = count(1)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in Stockholm time."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def timed_order(department, status: str, *, kind: str = Order.Kind.NEW_FUNCTION,
                title: str = "", estimated_cost=None, **stamps) -> Order:
    """An order row in `status` with the given timestamps (submitted_at, decided_at, ...),
    written directly: fast, and exact to the second."""
    number = next(_numbers)
    order = factories.OrderFactory(
        department=department, status=status, kind=kind,
        title=title or f"Tidsatt beställning {number}", estimated_cost=estimated_cost,
        reference=None if status == Order.Status.DRAFT else f"B-1901-{number:04d}",
        rejection_reason="Ryms inte i budgeten." if status == Order.Status.REJECTED else "",
    )
    created = stamps.pop("created_at", None)
    Order.objects.filter(pk=order.pk).update(**stamps, **(
        {"created_at": created} if created else {}))
    order.refresh_from_db()
    return order


@pytest.fixture
def decided_order(department):
    """An order row in a decided state (no transitions played: fast, and independent of the
    notifications that transitions send)."""

    def make(status: str = Order.Status.APPROVED, kind: str = Order.Kind.PROJECT, **fields):
        fields.setdefault("decided_at", timezone.now())
        fields.setdefault("submitted_at", timezone.now())
        return timed_order(fields.pop("department", department), status, kind=kind, **fields)

    return make


@pytest.fixture
def make_project(change_manager, department):
    """A project entered by the change manager; `manager` defaults to the change manager."""

    def make(name: str = "E-arkiv", **data):
        data.setdefault("sponsor_department", department)
        data.setdefault("manager", change_manager)
        data.setdefault("phase", "execution")
        data.setdefault("status", "active")
        data.setdefault("budget", Decimal("500000"))
        data.setdefault("planned_start", date(2026, 2, 1))
        data.setdefault("planned_end", date(2026, 10, 31))
        order = data.pop("order", None)
        return services.project_create(actor=change_manager, data={"name": name, **data},
                                       order=order)

    return make


def days_ago(today: date, days: int, hour: int = 12) -> datetime:
    day = today - timedelta(days=days)
    return at(day.year, day.month, day.day, hour)
