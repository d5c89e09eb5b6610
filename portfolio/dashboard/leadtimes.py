"""Lead times, in days: submitted → decided for orders decided in the year, decided →
delivered and submitted → delivered for orders delivered in the year, grouped by the month the
period ended (Stockholm time). Median and 90th percentile by linear interpolation between the
closest ranks, as Excel's PERCENTILE.INC (PERCENTIL.INK) and numpy compute them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from orders.models import Order

from .. import charts
from .common import Filters, median, month_bounds, month_label, percentile, year_bounds


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
    decided, delivered = year_row.decision.count, year_row.delivery.count
    if decided:
        parts.append(_(
            "From submitted to decided took %(median)s days in the median and at most "
            "%(p90)s days for nine orders in ten (%(decided)s)."
        ) % {"median": charts.fmt(year_row.decision.median, 1),
             "p90": charts.fmt(year_row.decision.p90, 1),
             "decided": npgettext("orders", "%(count)s decided in %(year)s",
                                  "%(count)s decided in %(year)s", decided) % {
                 "count": decided, "year": filters.year}})
    if delivered:
        parts.append(_(
            "From decided to delivered took %(median)s days in the median, %(p90)s days at "
            "the 90th percentile (%(delivered)s)."
        ) % {"median": charts.fmt(year_row.delivery.median, 1),
             "p90": charts.fmt(year_row.delivery.p90, 1),
             "delivered": npgettext("orders", "%(count)s delivered", "%(count)s delivered",
                                    delivered) % {"count": delivered}})
    result.summary = " ".join(parts) or _(
        "No order was decided or delivered in %(year)s.") % {"year": filters.year}
    return result
