"""The IT chief's dashboard: every figure computed from one query (or two, where a reused
selector takes two), whatever the number of orders, and each with the address of the list
behind it, filtered by the same permission scope.

Definitions (shown on the page as well):

- Orders by state and department: orders created in the chosen year, drafts left out (a draft
  is its writer's own, not yet an order of the department).
- Lead times, in days: submitted → decided for orders decided in the year, decided → delivered
  and submitted → delivered for orders delivered in the year, grouped by the month the period
  ended (Stockholm time). Median and 90th percentile by linear interpolation between the
  closest ranks, as Excel's PERCENTILE.INC (PERCENTIL.INK) and numpy compute them.
- Backlog: orders waiting now. Waiting for a decision: submitted, in preparation, awaiting a
  supplement or ready for decision, aged from the day submitted. Waiting for delivery:
  approved, planned or in progress, aged from the day decided. Ages are whole days. The year
  filter does not apply to what waits today.
- Overdue: active projects without the status report of the last month; orders whose latest
  supplement request is past its answer-by date; notifications not sent
  `PORTFOLIO_OUTBOX_OVERDUE_MINUTES` (default 60) after they were queued.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractMonth, TruncDate, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from board.models import AgendaItem, Meeting
from orders.models import Comment, Order
from organisation.models import Department, User
from tyreso_it.core.models import OutboxMessage

from . import charts
from .models import DashboardSnapshot, Health, Project
from .permissions import projects_visible_to
from .selectors import health_filter, report_missing_filter

S = Order.Status
#: The states shown as columns of "orders by state and department" (no drafts).
STATUS_COLUMNS = [s for s in S if s != S.DRAFT]
WAITING_DECISION = (S.SUBMITTED, S.IN_PREPARATION, S.AWAITING_SUPPLEMENT, S.READY_FOR_DECISION)
WAITING_DELIVERY = (S.APPROVED, S.PLANNED, S.IN_PROGRESS)
#: Backlog age groups in whole days, (first, last); None is open-ended.
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 14), (15, 30), (31, 60), (61, 90), (91, None),
)


def percentile(values: list[float], share: float) -> float | None:
    """The `share` (0–1) percentile by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def median(values: list[float]) -> float | None:
    return percentile(values, 0.5)


@dataclass
class Filters:
    year: int
    department: Department | None = None
    kind: str = ""

    def order_params(self, **params: Any) -> str:
        """The order list's address with the dashboard's department and type filters."""
        query: list[tuple[str, Any]] = []
        for key, value in params.items():
            if isinstance(value, list | tuple):
                query += [(key, v) for v in value]
            elif value not in (None, ""):
                query.append((key, value))
        if self.department is not None:
            query.append(("department", self.department.pk))
        if self.kind:
            query.append(("kind", self.kind))
        return self._order_list + "?" + urlencode(query)

    @cached_property
    def _order_list(self) -> str:
        # A dashboard links to the order list some three hundred times: reversed once.
        return reverse("orders:list")

    @cached_property
    def without_department(self) -> Filters:
        """The same filters for every department (a department row's own links)."""
        return Filters(year=self.year, department=None, kind=self.kind)

    def project_params(self, **params: Any) -> str:
        query: list[tuple[str, Any]] = []
        for key, value in params.items():
            if isinstance(value, list | tuple):
                query += [(key, v) for v in value]
            elif value not in (None, ""):
                query.append((key, value))
        if self.department is not None:
            query.append(("department", self.department.pk))
        return reverse("portfolio:projects") + "?" + urlencode(query)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def month_label(month: int) -> str:
    return str(MONTHS_3[month]).capitalize()


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, first + relativedelta(months=1) - timedelta(days=1)


# --- orders by state and department ----------------------------------------------------------


@dataclass
class Cell:
    count: int
    href: str


@dataclass
class MatrixRow:
    department: Any
    cells: list[Cell]
    total: Cell


@dataclass
class StatusMatrix:
    columns: list[tuple[str, str]]
    rows: list[MatrixRow]
    totals: list[Cell]
    total: Cell
    chart: charts.BarChart | None = None
    summary: str = ""


def status_matrix(base: QuerySet[Order], filters: Filters) -> StatusMatrix:
    start, end = year_bounds(filters.year)
    counts = (
        base.filter(created_at__gte=start, created_at__lt=end)
        .values("department_id", "department__name", "department__short_name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_department: dict[int, dict[str, int]] = defaultdict(Counter)
    names: dict[int, tuple[str, str]] = {}
    for row in counts:
        by_department[row["department_id"]][row["status"]] += row["n"]
        names[row["department_id"]] = (row["department__name"], row["department__short_name"])
    columns = [(s.value, str(s.label)) for s in STATUS_COLUMNS]
    year = filters.year
    # A department's row links each count to the order list of that department (whatever
    # the dashboard's own department filter) in that state and year, with the dashboard's
    # type: Filters.order_params's address, put together from parts encoded once instead of
    # 220 times.
    order_list = filters._order_list
    by_state = {value: urlencode([("status", value), ("year", year)]) for value, _l in columns}
    every_state = urlencode([("year", year), *(("status", value) for value, _l in columns)])
    kind = [("kind", filters.kind)] if filters.kind else []
    rows = []
    for department_id in sorted(names, key=lambda pk: names[pk][0]):
        counter = by_department[department_id]
        own = "&" + urlencode([("department", department_id), *kind])
        cells = [Cell(counter[value], f"{order_list}?{by_state[value]}{own}")
                 for value, _label in columns]
        rows.append(MatrixRow(
            department={"pk": department_id, "name": names[department_id][0],
                        "short_name": names[department_id][1]},
            cells=cells,
            total=Cell(sum(counter.values()), f"{order_list}?{every_state}{own}"),
        ))
    totals = [
        Cell(sum(by_department[d][value] for d in names),
             filters.order_params(status=value, year=year))
        for value, _label in columns
    ]
    grand = sum(cell.count for cell in totals)
    matrix = StatusMatrix(
        columns=columns, rows=rows, totals=totals,
        total=Cell(grand, filters.order_params(status=[c for c, _l in columns], year=year)),
    )
    matrix.chart = charts.bar_chart(
        _("Orders by state"),
        [(label, cell.count, charts.fmt(cell.count), cell.href, f"bar-status-{value}")
         for (value, label), cell in zip(columns, totals, strict=True)],
    )
    if grand:
        top_label, top_cell = max(zip(columns, totals, strict=True), key=lambda p: p[1].count)
        matrix.summary = ngettext(
            "%(count)s order created in %(year)s; most are “%(state)s” (%(top)s).",
            "%(count)s orders created in %(year)s; most are “%(state)s” (%(top)s).", grand,
        ) % {"count": grand, "year": year, "state": top_label[1], "top": top_cell.count}
    else:
        matrix.summary = _("No orders were created in %(year)s.") % {"year": year}
    return matrix


# --- lead times --------------------------------------------------------------------------


@dataclass
class LeadStat:
    count: int
    median: float | None
    p90: float | None
    href: str = ""


@dataclass
class LeadRow:
    month: int
    label: str
    decision: LeadStat
    delivery: LeadStat
    total: LeadStat


@dataclass
class LeadTimes:
    rows: list[LeadRow]
    year: LeadRow
    chart_decision: charts.LineChart | None = None
    chart_delivery: charts.LineChart | None = None
    summary: str = ""


class _DaysBetween(Func):
    """The days (a float) from one moment to another, computed by PostgreSQL; None where
    either is not set (so PERCENTILE_CONT and COUNT leave the row out)."""

    # date_part gives a double precision; EXTRACT a numeric, which costs PostgreSQL about a
    # third of the query's time over a year's orders.
    template = "DATE_PART('epoch', %(expressions)s) / 86400.0"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self, end: str, start: str):
        super().__init__(F(end), F(start))


@dataclass
class _Lead:
    """Lead times of a month (or, with month 0, the year) as the database summarised them."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass
class _LeadGroup:
    """Orders counted by the month of `moment`, those matching `where`; for each of `periods`
    (name: (end, start)) the days from start to end (a row where either is not set is left
    out of that period). `year`: the year whose months `moment` falls in, when not the one
    the figures are asked for."""

    moment: str
    where: Q
    periods: dict[str, tuple[str, str]]
    year: int | None = None


def _lead_columns(groups: list[_LeadGroup], days) -> dict:
    """Each group's month and each period's days, set only on the rows of that group."""
    columns = {}
    for i, group in enumerate(groups):
        columns[f"lead_m{i}"] = Case(When(group.where, then=ExtractMonth(group.moment)),
                                     default=None, output_field=IntegerField())
        for name, (end, start) in group.periods.items():
            expression = days(end, start)
            columns[f"lead_{name}"] = Case(When(group.where, then=expression), default=None,
                                           output_field=expression.output_field)
    return columns


class _MonthOf(Func):
    """The month (1–12, Stockholm time) of a moment of `year`: its place among the months'
    first moments (PostgreSQL's WIDTH_BUCKET), which costs less than converting every row's
    moment to local time to take its month."""

    function = "WIDTH_BUCKET"
    output_field = IntegerField()

    def __init__(self, moment: str, year: int):
        tz = timezone.get_current_timezone()
        starts = [datetime(year, month, 1, tzinfo=tz) for month in range(1, 13)]
        super().__init__(F(moment), Value(starts, output_field=ArrayField(DateTimeField())))


def _lead_in_database(orders: QuerySet[Order], groups: list[_LeadGroup], year: int,
                      ) -> dict[str, dict[int, _Lead]]:
    """One query on PostgreSQL: each period's count, median and 90th percentile by its
    group's month of `year` and, as month 0, for the year (each group's `where` holds its
    moment within the year).

    Each group's orders (`orders` with the group's `where`, in the ORM's own SQL) are read
    and summarised apart, by GROUPING SETS (the months, and the year), and the summaries
    joined by UNION ALL. Read apart, each group's rows come from the index of its moment
    alone (order_decided_cover_idx, order_delivered_cover_idx: an index-only scan of the
    year), where one reading of both groups' rows had to visit the table for each."""
    width = max(len(group.periods) for group in groups)
    parts: list[str] = []
    params: list[Any] = []
    for index, group in enumerate(groups):
        columns: dict[str, Any] = {"lead_month": _MonthOf(group.moment, group.year or year)}
        for position, (end, start) in enumerate(group.periods.values()):
            columns[f"lead_p{position}"] = _DaysBetween(end, start)
        rows = (orders.filter(group.where).annotate(**columns).values_list(*columns)
                .order_by())
        sql, group_params = rows.query.sql_with_params()
        figures = ", ".join(
            f"COUNT(t.p{p}), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY t.p{p}), "
            f"PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY t.p{p})"
            if p < len(group.periods) else
            "NULL::bigint, NULL::double precision, NULL::double precision"
            for p in range(width)
        )
        aliases = ", ".join(["month", *(f"p{p}" for p in range(len(group.periods)))])
        # Only the ORM's own SQL and fixed names are put together here; values stay
        # parameters.
        parts.append(
            f"(SELECT {index}, GROUPING(t.month), t.month, {figures} "  # noqa: S608
            f"FROM ({sql}) AS t({aliases}) GROUP BY GROUPING SETS ((t.month), ()))"
        )
        params.extend(group_params)
    names = {index: list(group.periods) for index, group in enumerate(groups)}
    result: dict[str, dict[int, _Lead]] = {
        name: defaultdict(_Lead) for group in groups for name in group.periods}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for row in cursor.fetchall():
            index, whole_year, month, values = row[0], row[1], row[2], row[3:]
            month = 0 if whole_year else int(month)
            for position, name in enumerate(names[index]):
                count, middle, p90 = values[3 * position:3 * position + 3]
                if count:
                    result[name][month] = _Lead(count, middle, p90)
    return result


def _duration(end: str, start: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _lead_in_python(orders: QuerySet[Order], groups: list[_LeadGroup],
                    ) -> dict[str, dict[int, _Lead]]:
    """The same figures where the database has no percentile_cont (SQLite): the database
    gives the months and the durations, the percentiles are worked out here."""
    columns = _lead_columns(groups, _duration)
    values: dict[str, dict[int, list[float]]] = {
        name: defaultdict(list) for group in groups for name in group.periods}
    for row in orders.annotate(**columns).values_list(*columns):
        position = 0
        for group in groups:
            month = row[position]
            position += 1
            for name in group.periods:
                span = row[position]
                position += 1
                if month is not None and span is not None:
                    days = span.total_seconds() / 86400
                    values[name][month].append(days)
                    values[name][0].append(days)
    return {
        name: defaultdict(_Lead, {
            month: _Lead(len(days), median(days), percentile(days, 0.9))
            for month, days in by_month.items()
        })
        for name, by_month in values.items()
    }


def _lead_figures(orders: QuerySet[Order], groups: list[_LeadGroup], year: int,
                  ) -> dict[str, dict[int, _Lead]]:
    """The lead times of `orders`, each group of them by the month of its moment."""
    if connection.vendor == "postgresql":
        return _lead_in_database(orders, groups, year)
    either = Q()
    for group in groups:
        either |= group.where
    return _lead_in_python(orders.filter(either), groups)


def _stat_of(lead: _Lead, href: str) -> LeadStat:
    return LeadStat(count=lead.count, median=lead.median, p90=lead.p90, href=href)


#: The lead times, by name: the days from the second moment to the first.
LEAD_PERIODS = {
    "decision": ("decided_at", "submitted_at"),
    "delivery": ("delivered_at", "decided_at"),
    "total": ("delivered_at", "submitted_at"),
}


def lead_time_figures(orders: QuerySet[Order], years: Sequence[int],
                      ) -> dict[int, dict[str, dict[int, _Lead]]]:
    """The lead times of `orders` in each of `years`, by year, period (`LEAD_PERIODS`) and
    month (0 for the whole year), in one query whatever the number of years.

    Submitted → decided counts the orders decided in the year, by the month of the decision;
    decided → delivered and submitted → delivered those delivered in it, by the month of
    delivery. On PostgreSQL the database works out the percentiles. The dashboard and the
    catalogue's key figures per service both read their lead times here."""
    groups = []
    for year in years:
        start, end = year_bounds(year)
        decided = Q(decided_at__gte=start, decided_at__lt=end, submitted_at__isnull=False)
        delivered = Q(delivered_at__gte=start, delivered_at__lt=end, decided_at__isnull=False)
        groups += [
            _LeadGroup("decided_at", decided,
                       {f"decision_{year}": LEAD_PERIODS["decision"]}, year),
            _LeadGroup("delivered_at", delivered,
                       {f"delivery_{year}": LEAD_PERIODS["delivery"],
                        f"total_{year}": LEAD_PERIODS["total"]}, year),
        ]
    figures = _lead_figures(orders, groups, year=years[0])
    return {year: {name: figures[f"{name}_{year}"] for name in LEAD_PERIODS}
            for year in years}


def lead_times(base: QuerySet[Order], filters: Filters) -> LeadTimes:
    """One query: the orders decided in the year (submitted → decided by the month of the
    decision) and those delivered in it (decided → delivered and submitted → delivered by
    the month of delivery), summarised by month and for the year; on PostgreSQL the
    database works out the percentiles."""
    figures = lead_time_figures(base, [filters.year])[filters.year]
    to_decision, to_delivery, whole = (figures["decision"], figures["delivery"],
                                       figures["total"])
    rows = []
    for month in range(1, 13):
        first, last = month_bounds(filters.year, month)
        rows.append(LeadRow(
            month=month, label=month_label(month),
            decision=_stat_of(to_decision[month], filters.order_params(
                decided_from=first, decided_to=last)),
            delivery=_stat_of(to_delivery[month], filters.order_params(
                delivered_from=first, delivered_to=last)),
            total=_stat_of(whole[month], filters.order_params(
                delivered_from=first, delivered_to=last)),
        ))
    first, last = date(filters.year, 1, 1), date(filters.year, 12, 31)
    year_row = LeadRow(
        month=0, label=str(filters.year),
        decision=_stat_of(to_decision[0],
                          filters.order_params(decided_from=first, decided_to=last)),
        delivery=_stat_of(to_delivery[0],
                          filters.order_params(delivered_from=first, delivered_to=last)),
        total=_stat_of(whole[0], filters.order_params(delivered_from=first, delivered_to=last)),
    )
    result = LeadTimes(rows=rows, year=year_row)
    labels = [row.label for row in rows]
    result.chart_decision = charts.line_chart(
        _("Submitted → decided (days)"), labels,
        [(_("Median"), "line-median", [r.decision.median for r in rows]),
         (_("90th percentile"), "line-p90", [r.decision.p90 for r in rows])],
        unit_decimals=1,
    )
    result.chart_delivery = charts.line_chart(
        _("Decided → delivered (days)"), labels,
        [(_("Median"), "line-median", [r.delivery.median for r in rows]),
         (_("90th percentile"), "line-p90", [r.delivery.p90 for r in rows])],
        unit_decimals=1,
    )
    parts = []
    if year_row.decision.count:
        parts.append(_(
            "From submitted to decided took %(median)s days in the median and at most "
            "%(p90)s days for nine orders in ten (%(count)s decided in %(year)s)."
        ) % {"median": charts.fmt(year_row.decision.median, 1),
             "p90": charts.fmt(year_row.decision.p90, 1),
             "count": year_row.decision.count, "year": filters.year})
    if year_row.delivery.count:
        parts.append(_(
            "From decided to delivered took %(median)s days in the median, %(p90)s days at "
            "the 90th percentile (%(count)s delivered)."
        ) % {"median": charts.fmt(year_row.delivery.median, 1),
             "p90": charts.fmt(year_row.delivery.p90, 1), "count": year_row.delivery.count})
    result.summary = " ".join(parts) or _(
        "No order was decided or delivered in %(year)s.") % {"year": filters.year}
    return result


# --- backlog -------------------------------------------------------------------------------


@dataclass
class Bucket:
    label: str
    count: int
    href: str


@dataclass
class Queue:
    name: str
    count: int
    median: float | None
    p90: float | None
    oldest: int | None
    buckets: list[Bucket]
    href: str


@dataclass
class Backlog:
    decision: Queue
    delivery: Queue
    ready_for_decision: int
    chart: charts.BarChart | None = None
    summary: str = ""

    @property
    def rows(self) -> list[tuple[str, Bucket, Bucket]]:
        """Each age group with its count in both queues, for the table."""
        return [(a.label, a, b) for a, b in zip(self.decision.buckets, self.delivery.buckets,
                                                 strict=True)]


def bucket_label(first: int, last: int | None) -> str:
    if last is None:
        return _("over %(days)s days") % {"days": first - 1}
    return _("%(first)s–%(last)s days") % {"first": first, "last": last}


def backlog(base: QuerySet[Order], filters: Filters, today: date) -> Backlog:
    """One query: the orders waiting now, counted by their queue and the day (Stockholm time)
    they entered it: some hundreds of rows for the thousands of orders waiting."""
    in_decision = Q(status__in=WAITING_DECISION)
    rows = (
        base.filter(status__in=[*WAITING_DECISION, *WAITING_DELIVERY])
        .annotate(
            queue=Case(When(status=S.READY_FOR_DECISION, then=Value(2)),
                       When(in_decision, then=Value(1)), default=Value(0),
                       output_field=IntegerField()),
            since=Case(When(in_decision, then=TruncDate("submitted_at")),
                       default=TruncDate("decided_at"), output_field=DateField()),
        )
        .values_list("queue", "since").annotate(n=Count("pk")).order_by()
    )
    decision_ages: list[int] = []
    delivery_ages: list[int] = []
    ready = 0
    for waits_for, since, count in rows:
        ready += count if waits_for == 2 else 0
        if since is not None:
            ages = decision_ages if waits_for else delivery_ages
            ages.extend([(today - since).days] * count)

    def queue(name: str, ages: list[int], states: tuple, field_name: str) -> Queue:
        ages.sort()
        buckets = []
        for first, last in AGE_BUCKETS:
            count = (len(ages) if last is None else bisect_right(ages, last)) - bisect_left(
                ages, first)
            params = {f"{field_name}_to": today - timedelta(days=first)}
            if last is not None:
                params[f"{field_name}_from"] = today - timedelta(days=last)
            buckets.append(Bucket(bucket_label(first, last), count,
                                  filters.order_params(status=list(states), **params)))
        return Queue(
            name=name, count=len(ages), median=median(ages), p90=percentile(ages, 0.9),
            oldest=max(ages) if ages else None, buckets=buckets,
            href=filters.order_params(status=list(states), sort="stale"),
        )

    result = Backlog(
        decision=queue(_("Waiting for a decision"), decision_ages, WAITING_DECISION,
                       "submitted"),
        delivery=queue(_("Waiting for delivery"), delivery_ages, WAITING_DELIVERY, "decided"),
        ready_for_decision=ready,
    )
    result.chart = charts.bar_chart(
        _("Orders waiting for a decision, by age"),
        [(b.label, b.count, charts.fmt(b.count), b.href, "bar-age") for b in
         result.decision.buckets],
    )
    result.summary = _(
        "%(decision)s orders wait for a decision (median age %(median)s days, the oldest "
        "%(oldest)s days); %(delivery)s decided orders wait for delivery."
    ) % {"decision": result.decision.count, "median": charts.fmt(result.decision.median),
         "oldest": charts.fmt(result.decision.oldest), "delivery": result.delivery.count}
    return result


# --- Beslutsråd IT -------------------------------------------------------------------------


@dataclass
class BoardFigures:
    meeting: Meeting | None
    waiting: list[Order]
    on_agenda: set[int]
    count: int
    href: str


def board_figures(base: QuerySet[Order], filters: Filters, ready_count: int) -> BoardFigures:
    meeting = (
        Meeting.objects.filter(
            status__in=[Meeting.Status.PLANNED, Meeting.Status.AGENDA_SENT],
            starts_at__gte=timezone.now(),
        )
        .select_related("chair")
        .annotate(item_count=Count("items"))
        .order_by("starts_at")
        .first()
    )
    on_agenda: set[int] = set()
    if meeting is not None:
        on_agenda = set(
            AgendaItem.objects.filter(meeting=meeting, order__isnull=False)
            .values_list("order_id", flat=True)
        )
    waiting = list(
        base.filter(status=S.READY_FOR_DECISION)
        .select_related("department")
        .order_by("-priority_score", "submitted_at")[:10]
    )
    return BoardFigures(
        meeting=meeting, waiting=waiting, on_agenda=on_agenda, count=ready_count,
        href=filters.order_params(status=S.READY_FOR_DECISION, sort="priority"),
    )


# --- projects ------------------------------------------------------------------------------


@dataclass
class HealthCount:
    health: str
    label: str
    count: int
    href: str


@dataclass
class ProjectFigures:
    #: How many open projects there are; every figure counts them all.
    count: int
    health: list[HealthCount]
    budget: Decimal
    actual: Decimal
    missing_reports: int
    missing_href: str
    health_chart: charts.BarChart | None = None
    budget_chart: charts.PairedChart | None = None
    summary: str = ""
    #: The projects the page shows in the budget chart and its table: the first
    #: PROJECTS_SHOWN in the order of the portfolio, or all of them on request.
    shown: list[Project] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


#: Open projects in the dashboard's budget chart and table unless all are asked for.
PROJECTS_SHOWN = 15
HEALTHS = (Health.RED.value, Health.AMBER.value, Health.GREEN.value, "none")


def project_figures(user: User, filters: Filters, today: date,
                    all_projects: bool = False) -> ProjectFigures:
    """One query: the first PROJECTS_SHOWN open projects (or, with `all_projects`, all) with
    their latest report, each row carrying the figures of them all, worked out by the
    database over every open project (window aggregates) by the conditions of the project
    list each figure links to (selectors.health_filter, report_missing_filter)."""
    projects = projects_visible_to(user).filter(status__in=Project.OPEN_STATUSES)
    if filters.department is not None:
        projects = projects.filter(sponsor_department=filters.department)
    totals = {
        "n_count": Window(Count("pk")),
        "n_budget": Window(Sum("budget")),
        "n_actual": Window(Sum("actual_cost")),
        "n_missing": Window(Count("pk", filter=report_missing_filter(today))),
        **{f"n_{health}": Window(Count("pk", filter=health_filter(health)))
           for health in HEALTHS},
    }
    rows = (
        projects.select_related("latest_report", "sponsor_department")
        # What the table and the chart show; not the texts.
        .only("name", "phase", "status", "budget", "actual_cost", "created_at",
              "sponsor_department__name", "sponsor_department__short_name",
              "latest_report__period", "latest_report__schedule", "latest_report__cost",
              "latest_report__scope")
        .annotate(**totals)
        .order_by("entry__rank", "name")
    )
    shown = list(rows if all_projects else rows[:PROJECTS_SHOWN])
    first = shown[0] if shown else None

    def total(name: str) -> Any:
        return getattr(first, f"n_{name}") if first is not None else None

    counts = {health: total(health) or 0 for health in HEALTHS}
    count = total("count") or 0
    open_states = [s.value for s in Project.OPEN_STATUSES]
    health = [
        HealthCount(h.value, str(h.label), counts[h.value],
                    filters.project_params(health=h.value, status=open_states))
        for h in (Health.RED, Health.AMBER, Health.GREEN)
    ] + [HealthCount("none", _("Not reported"), counts["none"],
                     filters.project_params(health="none", status=open_states))]
    result = ProjectFigures(
        count=count, health=health,
        budget=total("budget") or Decimal(0),
        actual=total("actual") or Decimal(0),
        missing_reports=total("missing") or 0,
        missing_href=filters.project_params(report_missing=1),
        shown=shown,
    )
    result.health_chart = charts.bar_chart(
        _("Open projects by health"),
        [(h.label, h.count, charts.fmt(h.count), h.href, f"bar-health-{h.health}")
         for h in health],
    )
    result.budget_chart = charts.paired_chart(
        _("Budget and actuals by project (SEK)"), _("Budget"), _("Actuals"),
        [(p.name, float(p.budget or 0), float(p.actual_cost), p.get_absolute_url())
         for p in result.shown],
    )
    result.summary = ngettext(
        "%(count)s open project: %(red)s red, %(amber)s amber, %(green)s green, %(none)s "
        "not reported. Actuals %(actual)s SEK of a budget of %(budget)s SEK.",
        "%(count)s open projects: %(red)s red, %(amber)s amber, %(green)s green, %(none)s "
        "not reported. Actuals %(actual)s SEK of a budget of %(budget)s SEK.",
        count,
    ) % {"count": count, "red": counts[Health.RED], "amber": counts[Health.AMBER],
         "green": counts[Health.GREEN], "none": counts["none"],
         "actual": charts.fmt(result.actual), "budget": charts.fmt(result.budget)}
    return result


# --- overdue ---------------------------------------------------------------------------------


@dataclass
class Overdue:
    supplements: int
    supplements_href: str
    unsent: int
    unsent_href: str
    threshold_minutes: int


def overdue(user: User, base: QuerySet[Order], filters: Filters, today: date) -> Overdue:
    latest_due = (
        Comment.objects.filter(order=OuterRef("pk"), kind=Comment.Kind.SUPPLEMENT_REQUEST)
        .order_by("-created_at", "-pk")
        .values("due_date")[:1]
    )
    supplements = (
        base.filter(status=S.AWAITING_SUPPLEMENT)
        .annotate(due=Subquery(latest_due))
        .filter(due__lt=today)
        .count()
    )
    minutes = int(getattr(settings, "PORTFOLIO_OUTBOX_OVERDUE_MINUTES", 60))
    unsent = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED],
        created_at__lt=timezone.now() - timedelta(minutes=minutes),
    ).count()
    return Overdue(
        supplements=supplements,
        supplements_href=filters.order_params(status=S.AWAITING_SUPPLEMENT, sort="stale"),
        unsent=unsent,
        unsent_href=reverse("admin:core_outboxmessage_changelist") if user.is_staff else "",
        threshold_minutes=minutes,
    )


# --- the service catalogue's key figures (§6.5.11) -------------------------------------------


@dataclass
class KeyFigure:
    label: str
    value: str
    href: str
    note: str = ""


def catalogue_figures(filters: Filters, today: date) -> list[KeyFigure]:
    """Services by lifecycle, systems without a current plan for the year, contract notice
    dates and licence renewals coming up, licences in use."""
    from servicecatalog.contracts import DUE_MONTHS_DEFAULT, due_items
    from servicecatalog.models import Licence, Service
    from servicecatalog.plans import MANAGED_LIFECYCLES, count_systems_missing_plans

    services = Service.objects.all()
    if filters.department is not None:
        services = services.filter(department=filters.department)
    by_lifecycle = {
        row["lifecycle"]: row for row in services.values("lifecycle").annotate(
            n=Count("pk"), with_sla=Count("pk", filter=Q(availability_target__isnull=False))
        ).order_by()
    }
    catalogue = reverse("servicecatalog:service_list")
    figures = []
    for value, label in Service.Lifecycle.choices:
        row = by_lifecycle.get(value, {"n": 0, "with_sla": 0})
        note = ""
        if value in MANAGED_LIFECYCLES and row["n"]:
            note = _("%(count)s with a service level agreement") % {"count": row["with_sla"]}
        query = {"lifecycle": value}
        if filters.department is not None:
            query["department"] = filters.department.pk
        figures.append(KeyFigure(
            _("Services: %(state)s") % {"state": str(label).lower()}, charts.fmt(row["n"]),
            f"{catalogue}?{urlencode(query)}", note,
        ))
    managed = sum(by_lifecycle.get(v, {"n": 0})["n"] for v in MANAGED_LIFECYCLES)
    missing = count_systems_missing_plans(
        filters.year, department_id=filters.department.pk if filters.department else None
    )
    query = {"year": filters.year}
    if filters.department is not None:
        query["department"] = filters.department.pk
    figures.append(KeyFigure(
        _("Systems without an approved plan with continuity planning for %(year)s")
        % {"year": filters.year},
        charts.fmt(missing),
        reverse("servicecatalog:plans_missing") + "?" + urlencode(query),
        _("of %(count)s systems in use or being phased out") % {"count": managed},
    ))
    due = due_items(today)
    figures.append(KeyFigure(
        _("Contract notice dates and licence renewals in the coming %(months)s months")
        % {"months": DUE_MONTHS_DEFAULT},
        charts.fmt(len(due)), reverse("servicecatalog:due_list"),
        _("%(count)s notice dates") % {"count": sum(1 for d in due if d.kind == "contract")},
    ))
    licences = Licence.objects.aggregate(count=Sum("count"), used=Sum("used"))
    total, used = licences["count"] or 0, licences["used"] or 0
    figures.append(KeyFigure(
        _("Licences in use"), f"{charts.fmt(used)} / {charts.fmt(total)}",
        reverse("servicecatalog:licence_list"),
        _("%(share)s %% used") % {"share": charts.fmt(used * 100 / total) if total else "–"},
    ))
    return figures


# --- trends from the nightly snapshots ---------------------------------------------------------


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


# --- the whole ---------------------------------------------------------------------------------


@dataclass
class Dashboard:
    filters: Filters
    today: date
    matrix: StatusMatrix
    lead: LeadTimes
    backlog: Backlog
    board: BoardFigures
    projects: ProjectFigures
    overdue: Overdue
    catalogue: list[KeyFigure]
    trends: Trends
    tiles: list[KeyFigure] = field(default_factory=list)


def order_scope(user: User, filters: Filters) -> QuerySet[Order]:
    base = Order.objects.visible_to(user).exclude(status=S.DRAFT)
    if filters.department is not None:
        base = base.filter(department=filters.department)
    if filters.kind:
        base = base.filter(kind=filters.kind)
    return base


def build(user: User, filters: Filters, today: date | None = None,
          all_projects: bool = False) -> Dashboard:
    """Every figure of the dashboard for `user`, in a fixed number of queries.
    `all_projects`: the budget chart and table show every open project, not the first."""
    today = today or timezone.localdate()
    base = order_scope(user, filters)
    queue = backlog(base, filters, today)
    dashboard = Dashboard(
        filters=filters, today=today,
        matrix=status_matrix(base, filters),
        lead=lead_times(base, filters),
        backlog=queue,
        board=board_figures(base, filters, queue.ready_for_decision),
        projects=project_figures(user, filters, today, all_projects),
        overdue=overdue(user, base, filters, today),
        catalogue=catalogue_figures(filters, today),
        trends=trends(filters),
    )
    dashboard.tiles = [
        KeyFigure(_("Waiting for a decision"), charts.fmt(queue.decision.count),
                  queue.decision.href,
                  _("median %(days)s days") % {"days": charts.fmt(queue.decision.median)}),
        KeyFigure(_("Waiting for delivery"), charts.fmt(queue.delivery.count),
                  queue.delivery.href,
                  _("median %(days)s days") % {"days": charts.fmt(queue.delivery.median)}),
        KeyFigure(_("Ready for BIT"), charts.fmt(queue.ready_for_decision),
                  dashboard.board.href),
        KeyFigure(_("Projects red"), charts.fmt(dashboard.projects.health[0].count),
                  dashboard.projects.health[0].href),
        KeyFigure(_("Status reports missing"), charts.fmt(dashboard.projects.missing_reports),
                  dashboard.projects.missing_href),
    ]
    return dashboard
