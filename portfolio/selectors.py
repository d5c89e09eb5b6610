"""The reads the portfolio pages use, with the permission filter and joins already applied."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Window
from django.utils import timezone

from orders.models import Order
from organisation.models import User

from .models import Health, Milestone, PortfolioEntry, Project, RankChange, StatusReport
from .permissions import projects_visible_to
from .services import (
    PROJECT_ORDER_STATES,
    RANKED_ORDER_KINDS,
    RANKED_ORDER_STATES,
    large_order_threshold,
)

PROJECT_SORTS = {
    "name": ("name", "pk"),
    "end": ("planned_end", "name"),
    "department": ("sponsor_department__name", "name"),
    "rank": ("entry__rank", "name"),
}


def report_period(today: date | None = None) -> date:
    """The month whose status report is due now: the last month that has ended."""
    today = today or timezone.localdate()
    return today.replace(day=1) - relativedelta(months=1)


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def health_filter(health: str) -> Q:
    """Projects whose latest report's overall health (its worst aspect) is `health`;
    "none" for projects without a report."""
    aspects = ("schedule", "cost", "scope")
    if health == "none":
        return Q(latest_report__isnull=True)
    red = Q()
    for aspect in aspects:
        red |= Q(**{f"latest_report__{aspect}": Health.RED})
    if health == Health.RED:
        return red
    amber = Q()
    for aspect in aspects:
        amber |= Q(**{f"latest_report__{aspect}": Health.AMBER})
    if health == Health.AMBER:
        return amber & ~red
    return Q(latest_report__isnull=False) & ~amber & ~red


def report_missing_filter(today: date | None = None) -> Q:
    """Active projects, begun before the due period ended, without its report."""
    period = report_period(today)
    period_end = period + relativedelta(months=1)
    return (
        Q(status=Project.Status.ACTIVE, created_at__lt=start_of_day(period_end))
        & (Q(latest_report__isnull=True) | Q(latest_report__period__lt=period))
    )


def project_list(user: User, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    """Projects `user` may see, filtered and sorted, with what each row shows."""
    filters = filters or {}
    queryset = projects_visible_to(user).select_related(
        "sponsor_department", "manager", "latest_report", "entry"
    )
    if filters.get("status"):
        queryset = queryset.filter(status__in=filters["status"])
    if filters.get("phase"):
        queryset = queryset.filter(phase=filters["phase"])
    if filters.get("department"):
        queryset = queryset.filter(sponsor_department=filters["department"])
    if filters.get("health"):
        queryset = queryset.filter(health_filter(filters["health"]))
    if filters.get("report_missing"):
        queryset = queryset.filter(report_missing_filter())
    if filters.get("q"):
        term = filters["q"].strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(description__icontains=term))
    return queryset.order_by(*PROJECT_SORTS.get(filters.get("sort") or "", ("name", "pk")))


def project_detail(user: User, pk: int) -> Project:
    """One project `user` may see; any other is Project.DoesNotExist (a 404, as if missing)."""
    return (
        projects_visible_to(user)
        .select_related(
            "sponsor_department", "manager", "latest_report", "latest_report__author", "order",
            "order__department", "entry", "created_by",
        )
        .prefetch_related(
            "milestones",
            Prefetch("reports", queryset=StatusReport.objects.select_related("author")
                     .order_by("-period")),
        )
        .get(pk=pk)
    )


def linked_orders(user: User, project: Project) -> list[Order]:
    """The project's own order and its linked orders, those `user` may see; the others are
    not named."""
    orders = Order.objects.filter(Q(pk=project.order_id) | Q(linked_projects=project))
    return list(
        orders.visible_to(user).select_related("department").distinct()
        .order_by("reference", "pk")
    )


def project_history(project: Project) -> list:
    return list(project.history.select_related("history_user").order_by("-history_date")[:20])


#: What a row of the ranked portfolio's page shows (the export and the report read more).
RANKING_ROW_FIELDS = (
    "rank", "project", "order",
    "project__name", "project__phase", "project__status", "project__budget",
    "project__planned_end", "project__sponsor_department__short_name",
    "project__latest_report__schedule", "project__latest_report__cost",
    "project__latest_report__scope",
    "order__reference", "order__title", "order__status", "order__estimated_cost",
    "order__planned_end", "order__department__short_name",
)


def _ranked(user: User, *, row_fields_only: bool = False) -> QuerySet[PortfolioEntry]:
    entries = PortfolioEntry.objects.select_related(
        "project", "project__sponsor_department", "project__latest_report",
        "order", "order__department",
    ).order_by("rank", "pk")
    if row_fields_only:
        entries = entries.only(*RANKING_ROW_FIELDS)
    else:
        entries = entries.select_related("project__manager")
    # The orders' permission filter asked of the ranked orders only (a hundred or so), not of
    # every order the person may see (21,000 for a large department's IT lead: 12 ms).
    ranked_orders = Order.objects.filter(portfolio_entry__isnull=False)
    visible = Q(project__in=projects_visible_to(user).values("pk")) | Q(
        order__in=ranked_orders.visible_to(user).values("pk")
    )
    return entries.filter(visible)


def ranked_entries(user: User, *, row_fields_only: bool = False) -> list[PortfolioEntry]:
    """The ranked portfolio as far as `user` may see it, with what each row shows.

    Ranks are the portfolio's own: someone who sees part of it sees gaps, not a renumbering.
    `row_fields_only`: only the columns the page's rows show, not the orders' and reports'
    texts (a tenth of the data for 250 entries).
    """
    return list(_ranked(user, row_fields_only=row_fields_only))


def ranked_rows(user: User) -> QuerySet[PortfolioEntry]:
    """The ranked portfolio as far as `user` may see it, as a queryset of what its rows show
    (for the API's cursor pages: a page reads only its own entries)."""
    return _ranked(user, row_fields_only=True)


def ranked_page(user: User, number: int | str | None, per_page: int, *,
                holding: int | None = None) -> tuple[Page, list[PortfolioEntry]]:
    """A page of the ranked portfolio as `user` may see it (what its rows show), and the
    page (Django's, over the positions) it is: the page `number` (the first for anything
    not a number, the last for one past it), or the one holding the entry `holding`.

    One query, which counts the entries too; the entries of other pages are not read (250
    entries with their projects and orders were a thousand model instances a view). Asking
    for the page of an entry takes one more (the places), a page past the last one too.
    """
    entries = _ranked(user, row_fields_only=True)
    if holding is not None:
        places = list(entries.values_list("pk", flat=True))
        if holding in places:
            number = places.index(holding) // per_page + 1
    try:
        wanted = max(int(number or 1), 1)
    except (TypeError, ValueError):
        wanted = 1

    def read(page_number: int) -> list[PortfolioEntry]:
        start = (page_number - 1) * per_page
        return list(entries.annotate(total=Window(Count("pk")))[start:start + per_page])

    shown = read(wanted)
    total = shown[0].total if shown else (entries.count() if wanted > 1 else 0)
    page = Paginator(range(total), per_page).get_page(wanted)
    if page.number != wanted:  # past the last page: the last one
        shown = read(page.number)
    return page, shown


def rank_history(limit: int | None = None) -> QuerySet[RankChange]:
    changes = RankChange.objects.select_related("actor", "project", "order").order_by("-at", "-pk")
    return changes[:limit] if limit else changes


def rankable_orders() -> QuerySet[Order]:
    """Larger change orders, decided and not delivered, not yet in the portfolio."""
    return (
        Order.objects.filter(
            kind__in=RANKED_ORDER_KINDS, status__in=RANKED_ORDER_STATES,
            estimated_cost__gte=large_order_threshold(), portfolio_entry__isnull=True,
        )
        .select_related("department")
        .order_by("-estimated_cost", "reference")
    )


def orders_awaiting_project() -> QuerySet[Order]:
    """Approved project orders that have no project yet."""
    return (
        Order.objects.filter(kind=Order.Kind.PROJECT, status__in=PROJECT_ORDER_STATES,
                             project__isnull=True)
        .select_related("department", "orderer")
        .order_by("decided_at", "pk")
    )


def milestones_of(projects: list[Project]) -> dict[int, list[Milestone]]:
    result: dict[int, list[Milestone]] = {p.pk: [] for p in projects}
    for milestone in Milestone.objects.filter(project__in=[p.pk for p in projects]):
        result[milestone.project_id].append(milestone)
    return result
