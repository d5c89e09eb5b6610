"""Trends from the nightly snapshots: the last snapshot of each month of the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
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


# Each month's last snapshot summed in PostgreSQL: a snapshot holds some seven hundred rows,
# and reading a year of them into Python cost the dashboard more CPU than any other section.
_SUMS_SQL = """
SELECT s.day,
  (SELECT COALESCE(SUM((o->>3)::bigint) FILTER (WHERE o->>2 = ANY(%(decision)s)), 0)::bigint
   FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.data->'orders') = 'array'
                                  THEN s.data->'orders' ELSE '[]'::jsonb END) o
   WHERE (%(department)s::bigint IS NULL OR (o->>0)::bigint = %(department)s::bigint)
     AND (%(kind)s = '' OR o->>1 = %(kind)s)),
  (SELECT COALESCE(SUM((o->>3)::bigint) FILTER (WHERE o->>2 = ANY(%(delivery)s)), 0)::bigint
   FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.data->'orders') = 'array'
                                  THEN s.data->'orders' ELSE '[]'::jsonb END) o
   WHERE (%(department)s::bigint IS NULL OR (o->>0)::bigint = %(department)s::bigint)
     AND (%(kind)s = '' OR o->>1 = %(kind)s)),
  CASE WHEN jsonb_typeof(s.data->'projects') = 'array' THEN
    (SELECT COALESCE(SUM((p->>2)::bigint) FILTER (WHERE p->>1 = ANY(%(risk)s)), 0)::bigint
     FROM jsonb_array_elements(s.data->'projects') p
     WHERE %(department)s::bigint IS NULL OR (p->>0)::bigint = %(department)s::bigint)
  END
FROM portfolio_dashboardsnapshot s
WHERE s.day IN (SELECT MAX(day) FROM portfolio_dashboardsnapshot
                WHERE day BETWEEN %(first)s AND %(last)s
                GROUP BY date_trunc('month', day))
ORDER BY s.day
"""


def _monthly_sums(filters: Filters) -> dict[int, tuple[date, int, int, int | None]]:
    """Month: (the day of its last snapshot, orders waiting for a decision, for delivery,
    projects red or amber; None where the snapshot knows no projects), with the filters."""
    department = filters.department.pk if filters.department else None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_SUMS_SQL, {
                "decision": [s.value for s in WAITING_DECISION],
                "delivery": [s.value for s in WAITING_DELIVERY],
                "risk": [Health.RED.value, Health.AMBER.value], "department": department,
                "kind": filters.kind, "first": date(filters.year, 1, 1),
                "last": date(filters.year, 12, 31)})
            return {day.month: (day, decision, delivery, risk)
                    for day, decision, delivery, risk in cursor.fetchall()}
    # Other databases (SQLite, for development): the same sums in Python.
    of_year = DashboardSnapshot.objects.filter(day__year=filters.year)
    last_days = (of_year.annotate(month=TruncMonth("day")).values("month")
                 .annotate(last=Max("day")).values("last").order_by())
    sums = {}
    for snapshot in of_year.filter(day__in=last_days).order_by("day"):
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
        sums[snapshot.day.month] = (snapshot.day, decision, delivery, risk)
    return sums


def trends(filters: Filters) -> Trends:
    """The last snapshot of each month of the year, counted with the dashboard's filters."""
    sums = _monthly_sums(filters)
    rows = [TrendRow(month_label(month), *sums[month]) if month in sums
            else TrendRow(month_label(month), None, None, None, None)
            for month in range(1, 13)]
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
