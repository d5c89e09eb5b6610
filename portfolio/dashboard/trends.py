"""Trends from the nightly snapshots: the last snapshot of each month of the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from .. import charts
from ..models import DashboardSnapshot, Health
from .common import WAITING_DECISION, WAITING_DELIVERY, Filters, month_label


@dataclass
class TrendRow:
    label: str
    day: date | None
    waiting_decision: int | None
    waiting_delivery: int | None
    projects_at_risk: int | None


@dataclass
class Trends:
    rows: list[TrendRow]
    chart: charts.LineChart | None = None
    summary: str = ""


def trends(filters: Filters) -> Trends:
    """The last snapshot of each month of the year, counted with the dashboard's filters."""
    # Only the last snapshot of each month is read: the day of each is chosen in a subquery.
    of_year = DashboardSnapshot.objects.filter(day__year=filters.year)
    last_days = (of_year.annotate(month=TruncMonth("day")).values("month")
                 .annotate(last=Max("day")).values("last").order_by())
    last_of_month = {snapshot.day.month: snapshot
                     for snapshot in of_year.filter(day__in=last_days).order_by("day")}
    department = filters.department.pk if filters.department else None
    rows = []
    for month in range(1, 13):
        snapshot = last_of_month.get(month)
        if snapshot is None:
            rows.append(TrendRow(month_label(month), None, None, None, None))
            continue
        decision = delivery = 0
        risk: int | None = 0
        for dept, kind, status, count in snapshot.data.get("orders", []):
            if department and dept != department or filters.kind and kind != filters.kind:
                continue
            if status in WAITING_DECISION:
                decision += count
            elif status in WAITING_DELIVERY:
                delivery += count
        projects = snapshot.data.get("projects")
        if projects is None:
            risk = None  # a snapshot rebuilt from the orders' history knows no projects
        for dept, health, count in projects or []:
            if department and dept != department:
                continue
            if health in (Health.RED, Health.AMBER):
                risk += count
        rows.append(TrendRow(month_label(month), snapshot.day, decision, delivery, risk))
    result = Trends(rows=rows)
    result.chart = charts.line_chart(
        _("Backlog at the end of each month"), [r.label for r in rows],
        [(_("Waiting for a decision"), "line-decision", [r.waiting_decision for r in rows]),
         (_("Waiting for delivery"), "line-delivery", [r.waiting_delivery for r in rows]),
         (_("Projects red or amber"), "line-risk", [r.projects_at_risk for r in rows])],
    )
    taken = [r for r in rows if r.day is not None]
    if taken:
        first, last = taken[0], taken[-1]
        result.summary = _(
            "Orders waiting for a decision: %(first)s in %(first_month)s, %(last)s in "
            "%(last_month)s. Waiting for delivery: %(first_d)s and %(last_d)s."
        ) % {"first": first.waiting_decision, "first_month": first.label.lower(),
             "last": last.waiting_decision, "last_month": last.label.lower(),
             "first_d": first.waiting_delivery, "last_d": last.waiting_delivery}
    else:
        result.summary = _("No snapshot has been taken in %(year)s yet.") % {
            "year": filters.year}
    return result
