"""The whole dashboard: every section's figures for one person and one choice of filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.models import Order
from organisation.models import User

from .. import charts
from .backlog import Backlog, backlog
from .board import BoardFigures, board_figures
from .catalogue import KeyFigure, catalogue_figures
from .common import Filters, S, days
from .leadtimes import LeadTimes, lead_times
from .overdue import Overdue, overdue
from .projects import ProjectFigures, project_figures
from .states import StatusMatrix, status_matrix
from .trends import Trends, trends


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
    red, missing = dashboard.projects.health[0], dashboard.projects.missing_reports
    dashboard.tiles = [
        KeyFigure(_("Waiting for a decision"), charts.fmt(queue.decision.count),
                  queue.decision.href,
                  _("median %(days)s") % {"days": days(queue.decision.median)}),
        KeyFigure(_("Waiting for delivery"), charts.fmt(queue.delivery.count),
                  queue.delivery.href,
                  _("median %(days)s") % {"days": days(queue.delivery.median)}),
        KeyFigure(_("Ready for BIT"), charts.fmt(queue.ready_for_decision),
                  dashboard.board.href),
        # The tile writes its number before its words: "1 rött projekt", "2 röda projekt".
        KeyFigure(ngettext("Project red", "Projects red", red.count), charts.fmt(red.count),
                  red.href),
        KeyFigure(ngettext("Status report missing", "Status reports missing", missing),
                  charts.fmt(missing), dashboard.projects.missing_href),
    ]
    return dashboard
