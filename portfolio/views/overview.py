"""The year's timeline, the IT chief's dashboard with its print view and exports, and the
status report to kommundirektörens ledningsgrupp as PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from board.selectors import board_access
from costs.selectors import dashboard_line
from organisation.models import Department
from organisation.predicates import sees_all
from tyreso_it.core import kept
from tyreso_it.core.exports import export_response

from .. import dashboard as figures
from .. import permissions as perms
from .. import selectors
from .. import timeline as timeline_module
from ..forms import DashboardFilterForm, TimelineFilterForm
from ..pdf import management_report_pdf
from .common import export_format, health_label, query_without, require_access, require_whole

# --- the timeline --------------------------------------------------------------------------

TIMELINE_HEADERS = (
    gettext_lazy("Type"),
    gettext_lazy("Reference"),
    gettext_lazy("Title"),
    gettext_lazy("Department"),
    gettext_lazy("Start"),
    gettext_lazy("End"),
    gettext_lazy("Phase or status"),
    gettext_lazy("Health"),
    gettext_lazy("Milestone reached"),
)


def timeline_rows(timeline: timeline_module.Timeline) -> list[list]:
    rows = []
    for row in timeline.rows:
        kind = _("Project") if row.kind == "project" else pgettext("noun", "Order")
        rows.append([kind, row.reference, row.title, row.department.name, row.start, row.end,
                     row.status, health_label(row.health) if row.kind == "project" else None,
                     None])
        for mark in row.milestones:
            rows.append([_("Milestone"), "", f"{row.title}: {mark.name}", row.department.name,
                         mark.day, mark.day, "", None, _("Yes") if mark.done else _("No")])
    return rows


@require_GET
def timeline(request: HttpRequest) -> HttpResponse:
    """Projects and planned orders of the year (or a quarter) by month, with milestones; the
    planned orders counted by department and quarter and shown a page at a time."""
    require_access(request)
    user = request.user
    own = None if sees_all(user) else perms.own_departments(user)
    departments = (Department.objects.all() if own is None
                   else Department.objects.filter(pk__in=own))
    today = timezone.localdate()
    form = TimelineFilterForm(request.GET or None, departments=departments,
                              initial={"year": today.year, "paper": "a4"})
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    year = data.get("year") or today.year
    department, quarter = data.get("department"), data.get("quarter")
    fmt = export_format(request)
    if fmt:
        result = timeline_module.build(user, year, department, today=today, quarter=quarter,
                                       page=None)
        title = (_("Timeline %(year)s, Q%(quarter)s") % {"year": year, "quarter": quarter}
                 if quarter else _("Timeline %(year)s") % {"year": year})
        return export_response(fmt, title, [str(h) for h in TIMELINE_HEADERS],
                               timeline_rows(result))
    # Counts link to a department only where the person may filter by it (someone with a
    # direct permission on another department's order sees it counted, without a link).
    result = timeline_module.build(user, year, department, today=today, quarter=quarter,
                                   page=data.get("page") or 1, departments=own)
    timeline_module.link_counts(
        result, query_without(request, "export", "page", "department", "quarter"), department)
    return render(request, "portfolio/timeline.html", {
        "form": form, "timeline": result, "paper": data.get("paper") or "a4",
        "department": department, "query": query_without(request, "export", "page"),
    })


# --- the dashboard ---------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, figures.Filters]:
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET or None, initial={"year": today.year})
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return form, figures.Filters(year=data.get("year") or today.year,
                                 department=data.get("department"), kind=data.get("kind") or "")


def _dashboard_page(request: HttpRequest, template: str, *, printed: bool = False,
                    ) -> HttpResponse:
    require_whole(request)
    form, filters = _filters(request)
    # On screen the budget chart and its table show the first projects of the portfolio and
    # give the rest on request; on paper, all.
    all_projects = printed or request.GET.get("projects") == "all"
    swapped = bool(request.htmx) and all_projects and not printed
    query = query_without(request, "export", "projects")
    context = {"swapped": swapped, "form": form, "query": query, "year": filters.year}

    def with_figures() -> dict:
        context.update({
            "d": figures.build(request.user, filters, all_projects=all_projects),
            # The year's IT costs, on the screen's dashboard of those who keep them.
            "costs_line": None if printed or swapped else dashboard_line(request.user,
                                                                         filters.year),
            "board_link": board_access(request.user),
            "department_name": filters.department.name if filters.department else "",
            "kind_name": dict(form.fields["kind"].choices).get(filters.kind, ""),
        })
        return context

    if swapped:
        return render(request, "portfolio/dashboard.html#projects", with_figures())
    # The figures are kept while the database stays as it was (tyreso_it.core.kept): they
    # are the same for the same person and filters until someone writes.
    department = filters.department.pk if filters.department else None
    context["figures"] = kept.markup(
        "dashboard", (request.user.pk, printed, filters.year, department, filters.kind,
                      all_projects, query),
        lambda: render_to_string("portfolio/dashboard.html#figures", with_figures()))
    return render(request, template, context)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The IT chief's dashboard: orders, lead times, backlog, BIT, projects, key figures."""
    return _dashboard_page(request, "portfolio/dashboard.html")


@require_GET
def dashboard_print(request: HttpRequest) -> HttpResponse:
    """The same figures laid out for paper: every chart with its table, A4 landscape."""
    return _dashboard_page(request, "portfolio/dashboard_print.html", printed=True)


def _table(board: figures.Dashboard, table: str) -> tuple[str, list, list] | None:
    if table == "status":
        matrix = board.matrix
        headers = [_("Department"), *[label for _v, label in matrix.columns], _("Total")]
        rows = [[row.department["name"], *[c.count for c in row.cells], row.total.count]
                for row in matrix.rows]
        rows.append([_("Total"), *[c.count for c in matrix.totals], matrix.total.count])
        return _("Orders by state and department"), headers, rows
    if table == "leadtimes":
        lead = board.lead
        headers = [
            _("Month"), _("Decided"), _("Submitted → decided, median (days)"),
            _("Submitted → decided, 90th percentile (days)"), _("Delivered"),
            _("Decided → delivered, median (days)"),
            _("Decided → delivered, 90th percentile (days)"),
            _("Submitted → delivered, median (days)"),
            _("Submitted → delivered, 90th percentile (days)"),
        ]
        rows = [[row.label, row.decision.count, _round(row.decision.median),
                 _round(row.decision.p90), row.delivery.count, _round(row.delivery.median),
                 _round(row.delivery.p90), _round(row.total.median), _round(row.total.p90)]
                for row in [*lead.rows, lead.year]]
        return _("Lead times"), headers, rows
    if table == "backlog":
        headers = [_("Queue"), _("Age"), _("Orders")]
        rows = []
        for queue in (board.backlog.decision, board.backlog.delivery):
            rows += [[queue.name, bucket.label, bucket.count] for bucket in queue.buckets]
            rows += [[queue.name, _("Median age (days)"), _round(queue.median)],
                     [queue.name, _("90th percentile (days)"), _round(queue.p90)],
                     [queue.name, _("Oldest (days)"), queue.oldest]]
        return _("Backlog"), headers, rows
    if table == "bit":
        headers = [_("Reference"), _("Title"), _("Department"), _("Priority score"),
                   _("On the next agenda")]
        rows = [[o.reference, o.title, o.department.name, o.priority_score,
                 _("Yes") if o.pk in board.board.on_agenda else _("No")]
                for o in board.board.waiting]
        return _("Waiting for BIT"), headers, rows
    if table == "projects":
        headers = [_("Project"), _("Sponsor department"), _("Phase"), _("Status"), _("Health"),
                   _("Budget (SEK)"), _("Actuals (SEK)"), _("Share of the budget used (%)")]
        rows = [[p.name, p.sponsor_department.name, p.get_phase_display(),
                 p.get_status_display(), health_label(p.health), p.budget, p.actual_cost,
                 p.budget_used] for p in board.projects.shown]
        return _("Projects, budget and actuals"), headers, rows
    if table == "keyfigures":
        headers = [_("Key figure"), _("Value"), _("Note")]
        rows = [[k.label, k.value, k.note] for k in board.catalogue]
        return _("Key figures of the service catalogue"), headers, rows
    if table == "trends":
        headers = [_("Month"), _("Snapshot of"), _("Waiting for a decision"),
                   _("Waiting for delivery"), _("Projects red or amber")]
        rows = [[r.label, r.day, r.waiting_decision, r.waiting_delivery, r.projects_at_risk]
                for r in board.trends.rows]
        return _("Trends"), headers, rows
    return None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@require_GET
def dashboard_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One of the dashboard's tables as CSV or XLSX, with the dashboard's filters."""
    require_whole(request)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    _form, filters = _filters(request)
    # The projects' table holds every open project, not the first the page shows.
    built = _table(figures.build(request.user, filters, all_projects=table == "projects"),
                   table)
    if built is None:
        raise Http404
    title, headers, rows = built
    return export_response(fmt, f"{title} {filters.year}", headers, rows)


@require_GET
def management_report(request: HttpRequest) -> HttpResponse:
    """The portfolio's status for kommundirektörens ledningsgrupp, as PDF."""
    require_whole(request)
    _form, filters = _filters(request)
    board = figures.build(request.user, filters)
    entries = selectors.ranked_entries(request.user)
    body = management_report_pdf(board, entries)
    response = HttpResponse(body, content_type="application/pdf")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'inline; filename="it-portfolj-ledningsgrupp-{day}.pdf"'
    return response

