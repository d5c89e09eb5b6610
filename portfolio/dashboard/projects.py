"""The open projects: by health, budget against actuals, missing status reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum, Window
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from organisation.models import User

from .. import charts
from ..models import Health, Project
from ..permissions import projects_visible_to
from ..selectors import health_filter, report_missing_filter
from .common import Filters


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
    # Each count agrees with its own number: "1 röd, 2 gula".
    red, amber, green, none = (counts[h] for h in HEALTHS)
    result.summary = _(
        "%(projects)s: %(red)s, %(amber)s, %(green)s, %(none)s. Actuals %(actual)s SEK of a "
        "budget of %(budget)s SEK."
    ) % {
        "projects": ngettext("%(count)s open project", "%(count)s open projects", count) % {
            "count": count},
        "red": npgettext("health", "%(count)s red", "%(count)s red", red) % {"count": red},
        "amber": npgettext("health", "%(count)s amber", "%(count)s amber", amber) % {
            "count": amber},
        "green": npgettext("health", "%(count)s green", "%(count)s green", green) % {
            "count": green},
        "none": npgettext("health", "%(count)s not reported", "%(count)s not reported",
                          none) % {"count": none},
        "actual": charts.fmt(result.actual), "budget": charts.fmt(result.budget),
    }
    return result
