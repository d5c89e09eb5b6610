"""The portfolio's status report for kommundirektörens ledningsgrupp, as PDF (reportlab).

One document: the figures of the dashboard in a few sentences and a table, the ranked portfolio
with each project's health, budget and actuals, and each project's latest status report.
Helvetica's encoding covers Swedish letters, so no font file is needed (but not arrows: the
text says "till" instead).
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table, TableStyle

from .dashboard import Dashboard
from .models import Health, PortfolioEntry, Project

INK = colors.HexColor("#1b1f23")
MUTED = colors.HexColor("#545b64")
LINE = colors.HexColor("#c9ced6")
HEAD = colors.HexColor("#e3f1f5")
HEALTH_COLOURS = {
    Health.GREEN: colors.HexColor("#d8efdf"),
    Health.AMBER: colors.HexColor("#ffe9a8"),
    Health.RED: colors.HexColor("#f6c6c8"),
}
PAGE = landscape(A4)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=9.5,
                          leading=12.5, textColor=INK, spaceAfter=3)
    return {
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=17,
                                leading=21, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=12.5,
                             leading=16, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=body, fontName="Helvetica-Bold", fontSize=10.5,
                             leading=13, spaceBefore=8, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        "head": ParagraphStyle("head", parent=body, fontName="Helvetica-Bold", fontSize=8.5,
                               leading=10.5, spaceAfter=0),
        "body": body,
        "muted": ParagraphStyle("muted", parent=body, textColor=MUTED, fontSize=8.5,
                                leading=11),
    }


def _text(value) -> str:
    return escape(str(value if value not in (None, "") else "–")).replace("\n", "<br/>")


def _money(value) -> str:
    if value is None:
        return "–"
    return f"{number_format(value, decimal_pos=0, force_grouping=True)} kr"


def _days(value) -> str:
    return "–" if value is None else number_format(value, decimal_pos=1)


def _health(value: str | None) -> str:
    return str(Health(value).label) if value else _("Not reported")


def _table(rows: list[list], widths: list[float], st, health_cells=()) -> Table:
    data = [[Paragraph(cell if isinstance(cell, str) else _text(cell),
                       st["head"] if index == 0 else st["cell"]) for cell in row]
            for index, row in enumerate(rows)]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for column, row, health in health_cells:
        if health in HEALTH_COLOURS:
            style.append(("BACKGROUND", (column, row), (column, row), HEALTH_COLOURS[health]))
    table.setStyle(TableStyle(style))
    return table


def _portfolio_table(entries: list[PortfolioEntry], st) -> Table:
    rows = [[escape(h) for h in (
        _("Rank"), _("Project or order"), _("Department"), _("Phase or status"),
        _("Schedule"), _("Cost"), _("Scope"), _("Budget"), _("Actuals"), _("Planned end"),
    )]]
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
            colours += [(4 + n, index, a) for n, a in enumerate(aspects)]
        else:
            order = entry.order
            rows.append([
                entry.rank, f"{order.reference} {order.title}", order.department.short_name,
                order.get_status_display(), "–", "–", "–", _money(order.estimated_cost), "–",
                date_format(order.planned_end, "j M Y") if order.planned_end else None,
            ])
    widths = [12 * mm, 70 * mm, 20 * mm, 28 * mm, 18 * mm, 18 * mm, 18 * mm, 27 * mm,
              27 * mm, 24 * mm]
    return _table(rows, widths, st, colours)


def _project_block(project: Project, st) -> list:
    report = project.latest_report
    block = [Paragraph(_text(project.name), st["h3"])]
    facts = _("%(department)s · project manager %(manager)s · %(phase)s · budget %(budget)s, "
              "actuals %(actual)s") % {
        "department": project.sponsor_department.name, "manager": project.manager,
        "phase": project.get_phase_display().lower(), "budget": _money(project.budget),
        "actual": _money(project.actual_cost)}
    block.append(Paragraph(escape(facts), st["muted"]))
    if report is None:
        block.append(Paragraph(escape(_("No status report yet.")), st["body"]))
        return block
    block.append(Paragraph(
        f"<b>{escape(_('Status report %(month)s') % {'month': date_format(report.period, 'F Y')})}"
        f"</b>", st["body"]))
    for label, value, comment in (
        (_("Schedule"), report.schedule, report.schedule_comment),
        (_("Cost"), report.cost, report.cost_comment),
        (_("Scope"), report.scope, report.scope_comment),
    ):
        line = f"<b>{escape(label)}: {escape(_health(value))}</b>"
        if comment:
            line += f" – {_text(comment)}"
        block.append(Paragraph(line, st["body"]))
    for label, value in ((_("Done in the period"), report.summary),
                         (_("Next steps"), report.next_steps),
                         (_("Risks and issues"), report.risks)):
        if value:
            block.append(Paragraph(f"<b>{escape(label)}:</b> {_text(value)}", st["body"]))
    return block


def management_report_pdf(board: Dashboard, entries: list[PortfolioEntry]) -> bytes:
    """The status report to the municipal management group, as PDF bytes."""
    st = _styles()
    today = timezone.localdate()
    heading = _("The IT portfolio: status report to kommundirektörens ledningsgrupp")
    flow: list = [Paragraph(escape(heading), st["title"])]
    scope = _("Year %(year)s, as of %(date)s") % {"year": board.filters.year,
                                                   "date": date_format(today, "j F Y")}
    if board.filters.department is not None:
        scope += f" · {board.filters.department.name}"
    flow.append(Paragraph(escape(scope), st["muted"]))

    flow.append(Paragraph(escape(_("Summary")), st["h2"]))
    for text in (board.projects.summary, board.backlog.summary, board.lead.summary):
        flow.append(Paragraph(escape(text), st["body"]))
    meeting = board.board.meeting
    if meeting is not None:
        flow.append(Paragraph(escape(_(
            "Next meeting of Beslutsråd IT: %(when)s; %(count)s orders are ready for decision."
        ) % {"when": date_format(timezone.localtime(meeting.starts_at), "j F Y H:i"),
             "count": board.board.count}), st["body"]))

    lead = board.lead.year
    rows = [[escape(_("Key figure")), escape(_("Value"))],
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
    rows = [rows[0]] + [[_text(a), _text(b)] for a, b in rows[1:]]
    flow.append(_table(rows, [110 * mm, 50 * mm], st))

    flow.append(Paragraph(escape(_("The portfolio in order of priority")), st["h2"]))
    if entries:
        flow.append(_portfolio_table(entries, st))
    else:
        flow.append(Paragraph(escape(_("The portfolio is empty.")), st["body"]))

    projects = [e.project for e in entries if e.project_id and e.project.is_open]
    if projects:
        flow.append(Paragraph(escape(_("The projects' latest status reports")), st["h2"]))
        for project in projects:
            flow.append(KeepTogether(_project_block(project, st)))

    buffer = BytesIO()
    footer = f"{_('Tyresö kommun, IT')} – {date_format(today, 'j F Y')}"

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(15 * mm, 10 * mm, footer)
        canvas.drawRightString(PAGE[0] - 15 * mm, 10 * mm,
                               _("Page %(page)s") % {"page": doc.page})
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=16 * mm, title=heading, author="Tyresö kommun", lang="sv",
    )
    doc.build(flow, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
