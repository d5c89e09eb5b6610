"""The portfolio's status report for kommundirektörens ledningsgrupp, as PDF (reportlab).

One document: the figures of the dashboard in a few sentences and a table, the ranked portfolio
with each project's health, budget and actuals, and each project's latest status report.
The pages, type and escaping are `tyreso_it.core.pdf`'s: every name and title is printed as
written.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from tyreso_it.core import pdf
from tyreso_it.core.pdf import bold, paragraph

from .dashboard import Dashboard
from .models import Health, PortfolioEntry, Project

HEALTH_COLOURS = {
    Health.GREEN: colors.HexColor("#d8efdf"),
    Health.AMBER: colors.HexColor("#ffe9a8"),
    Health.RED: colors.HexColor("#f6c6c8"),
}
PAGE = pdf.Page(size=pdf.LANDSCAPE, left=15 * mm, right=15 * mm, top=15 * mm, bottom=16 * mm)


def _money(value) -> str:
    if value is None:
        return pdf.DASH
    return f"{number_format(value, decimal_pos=0, force_grouping=True)} kr"


def _days(value) -> str:
    return pdf.DASH if value is None else number_format(value, decimal_pos=1)


def _health(value: str | None) -> str:
    return str(Health(value).label) if value else _("Not reported")


def _portfolio_table(entries: list[PortfolioEntry]):
    rows = [[
        _("Rank"), _("Project or order"), _("Department"), _("Phase or status"),
        _("Schedule"), _("Cost"), _("Scope"), _("Budget"), _("Actuals"), _("Planned end"),
    ]]
    colours = []
    for index, entry in enumerate(entries, start=1):
        if entry.project_id:
            project = entry.project
            report = project.latest_report
            aspects = [report.schedule, report.cost, report.scope] if report else [None] * 3
            rows.append([
                entry.rank, project.name, project.sponsor_department.short_name,
                project.get_phase_display(), *[_health(a) for a in aspects],
                _money(project.budget), _money(project.actual_cost),
                date_format(project.planned_end, "j M Y") if project.planned_end else None,
            ])
            colours += [
                ("BACKGROUND", (4 + n, index), (4 + n, index), HEALTH_COLOURS[aspect])
                for n, aspect in enumerate(aspects) if aspect in HEALTH_COLOURS
            ]
        else:
            order = entry.order
            rows.append([
                entry.rank, f"{order.reference} {order.title}", order.department.short_name,
                order.get_status_display(), pdf.DASH, pdf.DASH, pdf.DASH,
                _money(order.estimated_cost), pdf.DASH,
                date_format(order.planned_end, "j M Y") if order.planned_end else None,
            ])
    widths = [12 * mm, 70 * mm, 20 * mm, 28 * mm, 18 * mm, 18 * mm, 18 * mm, 27 * mm,
              27 * mm, 24 * mm]
    return pdf.table(rows, widths, style=colours)


def _project_block(project: Project) -> list:
    report = project.latest_report
    block = [paragraph(project.name, style="h3")]
    facts = _("%(department)s · project manager %(manager)s · %(phase)s · budget %(budget)s, "
              "actuals %(actual)s") % {
        "department": project.sponsor_department.name, "manager": project.manager,
        "phase": project.get_phase_display().lower(), "budget": _money(project.budget),
        "actual": _money(project.actual_cost)}
    block.append(paragraph(facts, style="muted"))
    if report is None:
        block.append(paragraph(_("No status report yet.")))
        return block
    block.append(paragraph(bold(
        _("Status report %(month)s") % {"month": date_format(report.period, "F Y")})))
    for label, value, comment in (
        (_("Schedule"), report.schedule, report.schedule_comment),
        (_("Cost"), report.cost, report.cost_comment),
        (_("Scope"), report.scope, report.scope_comment),
    ):
        parts = [bold(f"{label}: {_health(value)}")]
        if comment:
            parts += [" – ", comment]
        block.append(paragraph(*parts))
    for label, value in ((_("Done in the period"), report.summary),
                         (_("Next steps"), report.next_steps),
                         (_("Risks and issues"), report.risks)):
        if value:
            block.append(paragraph(bold(f"{label}:"), " ", value))
    return block


def management_report_pdf(board: Dashboard, entries: list[PortfolioEntry]) -> bytes:
    """The status report to the municipal management group, as PDF bytes."""
    today = timezone.localdate()
    heading = _("The IT portfolio: status report to kommundirektörens ledningsgrupp")
    flow: list = [paragraph(heading, style="title")]
    scope = _("Year %(year)s, as of %(date)s") % {"year": board.filters.year,
                                                   "date": date_format(today, "j F Y")}
    if board.filters.department is not None:
        scope += f" · {board.filters.department.name}"
    flow.append(paragraph(scope, style="muted"))

    flow.append(paragraph(_("Summary"), style="h2"))
    for text in (board.projects.summary, board.backlog.summary, board.lead.summary):
        flow.append(paragraph(text))
    meeting = board.board.meeting
    if meeting is not None:
        flow.append(paragraph(_(
            "Next meeting of Beslutsråd IT: %(when)s; %(count)s orders are ready for decision."
        ) % {"when": date_format(timezone.localtime(meeting.starts_at), "j F Y H:i"),
             "count": board.board.count}))

    lead = board.lead.year
    rows = [[_("Key figure"), _("Value")],
            [_("Orders waiting for a decision"), board.backlog.decision.count],
            [_("Orders waiting for delivery"), board.backlog.delivery.count],
            [_("Submitted to decided, median / 90th percentile (days)"),
             f"{_days(lead.decision.median)} / {_days(lead.decision.p90)}"],
            [_("Decided to delivered, median / 90th percentile (days)"),
             f"{_days(lead.delivery.median)} / {_days(lead.delivery.p90)}"],
            [_("Open projects"), board.projects.count],
            [_("Budget of open projects"), _money(board.projects.budget)],
            [_("Actuals of open projects"), _money(board.projects.actual)],
            [_("Status reports missing for last month"), board.projects.missing_reports]]
    flow.append(pdf.table(rows, [110 * mm, 50 * mm]))

    flow.append(paragraph(_("The portfolio in order of priority"), style="h2"))
    if entries:
        flow.append(_portfolio_table(entries))
    else:
        flow.append(paragraph(_("The portfolio is empty.")))

    projects = [e.project for e in entries if e.project_id and e.project.is_open]
    if projects:
        flow.append(paragraph(_("The projects' latest status reports"), style="h2"))
        for project in projects:
            flow.append(KeepTogether(_project_block(project)))

    return pdf.document(flow, title=heading,
                        footer=f"{_('Tyresö kommun, IT')} – {date_format(today, 'j F Y')}",
                        page=PAGE)
