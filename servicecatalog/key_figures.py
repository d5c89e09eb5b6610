"""Key figures per service (nyckeltal, §6.5.11): what the orders of a service came to in a
year, how long they took, and what the service has promised and planned.

For a service and a year: the orders received (submitted in the year) by type; the orders
decided in the year, approved by Beslutsråd IT, approved under delegation or rejected; the
orders delivered in the year; the lead times submitted → decided, decided → delivered and
submitted → delivered as the IT chief's dashboard computes them (`portfolio.dashboard.
lead_time_figures`: median and 90th percentile, by month and for the year); and the state of
the service's management plan for the year. The service level itself is the service's own
(`Service.availability_target`, `support_hours`, `ServiceLevel`).

Who may see them: the catalogue is readable by every employee (§6.5.5), and so are these
figures. They are counts and durations over all the service's orders, whoever may open each
order: a count names no order, no title, no department and no person, so it tells a reader
nothing that the order's own permission keeps from them. Nothing here links to an order.

Every figure of any number of years comes from three queries, whatever the number of orders:
the counts (one GROUP BY), the lead times (one query) and the plans.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import Order
from portfolio.dashboard import lead_time_figures, month_label, year_bounds

from .models import ManagementPlan, Service


@dataclass
class Lead:
    """A lead time of a period in days: how many orders it counts, median, 90th percentile."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass
class Figures:
    """The figures of a month, or of a year (`month` 0)."""

    label: str
    month: int = 0
    received_by_kind: Counter = field(default_factory=Counter)
    approved: int = 0  # by Beslutsråd IT
    delegated: int = 0  # approved under delegation
    rejected: int = 0
    delivered: int = 0
    decision: Lead = field(default_factory=Lead)  # submitted → decided
    delivery: Lead = field(default_factory=Lead)  # decided → delivered
    total: Lead = field(default_factory=Lead)  # submitted → delivered

    @property
    def received(self) -> int:
        return sum(self.received_by_kind.values())

    @property
    def decided(self) -> int:
        return self.approved + self.delegated + self.rejected

    def kinds(self) -> list[tuple[str, int]]:
        """Each type of order with the number received, in the order of `Order.Kind`."""
        return [(str(label), self.received_by_kind[value]) for value, label in Order.Kind.choices]


@dataclass
class PlanState:
    """The service's management plan for a year, or its absence."""

    year: int
    status: str  # "approved", "draft" or "missing"
    label: str
    plan_id: int | None = None
    has_continuity_plan: bool = False


@dataclass
class YearFigures:
    year: int
    figures: Figures
    months: list[Figures]
    plan: PlanState


def _plan_state(year: int, plan: ManagementPlan | None) -> PlanState:
    if plan is None:
        return PlanState(year, "missing", _("No management plan"))
    return PlanState(year, plan.status, str(ManagementPlan.Status(plan.status).label),
                     plan.pk, plan.has_continuity_plan)


def _counts(service: Service, years: Sequence[int]) -> list[tuple]:
    """One GROUP BY over the service's orders submitted, decided or delivered in any of
    `years`: the rows of (type, state, delegated, month submitted, month decided, month
    delivered, count); a month is a moment truncated to its month, Stockholm time."""
    within = Q()
    for year in years:
        start, end = year_bounds(year)
        for moment in ("submitted_at", "decided_at", "delivered_at"):
            within |= Q(**{f"{moment}__gte": start, f"{moment}__lt": end})
    return list(
        Order.objects.filter(within, service=service)
        .annotate(submitted=TruncMonth("submitted_at"), decided=TruncMonth("decided_at"),
                  delivered=TruncMonth("delivered_at"))
        .values_list("kind", "status", "delegated_decision", "submitted", "decided",
                     "delivered")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _when(moment: datetime | None) -> tuple[int, int] | None:
    if moment is None:
        return None
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return local.year, local.month


def service_key_figures(service: Service, years: Sequence[int]) -> list[YearFigures]:
    """The key figures of `service` for each of `years` (in that order), by month and for
    the year, in three queries."""
    years = list(years)
    by_year = {year: [Figures(month_label(m), m) for m in range(1, 13)] for year in years}
    totals = {year: Figures(str(year)) for year in years}

    def tally(when: tuple[int, int] | None):
        if when is None or when[0] not in by_year:
            return ()
        return by_year[when[0]][when[1] - 1], totals[when[0]]

    for kind, status, delegated, submitted, decided, delivered, count in _counts(service,
                                                                                  years):
        for figures in tally(_when(submitted)):
            figures.received_by_kind[kind] += count
        for figures in tally(_when(decided)):
            if status == Order.Status.REJECTED:
                figures.rejected += count
            elif delegated:
                figures.delegated += count
            else:
                figures.approved += count
        for figures in tally(_when(delivered)):
            figures.delivered += count

    leads = lead_time_figures(Order.objects.filter(service=service), years)
    for year in years:
        for name, by_month in leads[year].items():
            for month, lead in by_month.items():
                target = totals[year] if month == 0 else by_year[year][month - 1]
                setattr(target, name, Lead(lead.count, lead.median, lead.p90))

    plans = {
        plan.year: plan for plan in ManagementPlan.objects.filter(service=service, year__in=years)
        .only("year", "status", "recovery_time_hours", "manual_fallback")
    }
    return [YearFigures(year, totals[year], by_year[year], _plan_state(year, plans.get(year)))
            for year in years]


# --- tables ------------------------------------------------------------------------------


@dataclass
class Row:
    """A line of the key figures' table: a label and a value per year. `kind` says how the
    values read: "count" (a number), "lead" (a `Lead`) or "plan" (a `PlanState`); a `sub`
    line is part of the line above it."""

    label: str
    values: list
    kind: str = "count"
    sub: bool = False


def summary_rows(years: Sequence[YearFigures]) -> list[Row]:
    """The key figures of each year as the lines of one table, a column per year."""
    totals = [y.figures for y in years]
    rows = [Row(_("Orders received"), [f.received for f in totals])]
    for index, (_value, label) in enumerate(Order.Kind.choices):
        rows.append(Row(str(label), [f.kinds()[index][1] for f in totals], sub=True))
    rows += [
        Row(_("Orders decided"), [f.decided for f in totals]),
        Row(_("approved by Beslutsråd IT"), [f.approved for f in totals], sub=True),
        Row(_("approved under delegation"), [f.delegated for f in totals], sub=True),
        Row(_("rejected"), [f.rejected for f in totals], sub=True),
        Row(_("Orders delivered"), [f.delivered for f in totals]),
        Row(_("From submitted to decided (days)"), [f.decision for f in totals], "lead"),
        Row(_("From decided to delivered (days)"), [f.delivery for f in totals], "lead"),
        Row(_("From submitted to delivered (days)"), [f.total for f in totals], "lead"),
        Row(_("Management plan"), [y.plan for y in years], "plan"),
    ]
    return rows


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


MONTH_HEADERS = (
    gettext_lazy("Month"), gettext_lazy("Received"), gettext_lazy("Decided"),
    gettext_lazy("Delivered"),
    gettext_lazy("From submitted to decided, median (days)"),
    gettext_lazy("From submitted to decided, 90th percentile (days)"),
    gettext_lazy("From decided to delivered, median (days)"),
    gettext_lazy("From decided to delivered, 90th percentile (days)"),
    gettext_lazy("From submitted to delivered, median (days)"),
    gettext_lazy("From submitted to delivered, 90th percentile (days)"),
)


def month_headers() -> list[str]:
    """The month table's headers, translated."""
    return [str(header) for header in MONTH_HEADERS]


def month_rows(year: YearFigures) -> list[list]:
    """The month table of a year, the year's own line last: counts, and lead times in days
    with one decimal (None where nothing was decided or delivered)."""
    return [
        [f.label, f.received, f.decided, f.delivered,
         _days(f.decision.median), _days(f.decision.p90),
         _days(f.delivery.median), _days(f.delivery.p90),
         _days(f.total.median), _days(f.total.p90)]
        for f in [*year.months, year.figures]
    ]
