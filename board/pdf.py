"""The meeting pack and the minutes as PDF, built with reportlab's platypus.

Before justering the PDF is the meeting pack: the agenda with every decision brief. After it
is the minutes: number, attendance, one paragraph per item with its decision, signatures and
corrections. Helvetica's encoding covers Swedish letters, so no font file is needed.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from .models import AgendaItem, Meeting, MeetingMember, MinutesCorrection

INK = colors.HexColor("#1b1f23")
MUTED = colors.HexColor("#545b64")
LINE = colors.HexColor("#c9ced6")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10,
                          leading=13, textColor=INK, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=18,
                                leading=22, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=13,
                             leading=16, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=body, fontName="Helvetica-Bold", fontSize=11,
                             leading=14, spaceBefore=8, spaceAfter=2),
        "label": ParagraphStyle("label", parent=body, fontName="Helvetica-Bold", fontSize=9,
                                leading=11, textColor=MUTED, spaceAfter=0),
        "body": body,
        "muted": ParagraphStyle("muted", parent=body, textColor=MUTED, fontSize=9, leading=11),
    }


def _text(value) -> str:
    """Plain text for a Paragraph: escaped, line breaks kept."""
    return escape(str(value or "–")).replace("\n", "<br/>")


def _when(value) -> str:
    return date_format(timezone.localtime(value), "j F Y H:i") if value else "–"


def _money(value) -> str:
    if value is None:
        return "–"
    return f"{number_format(value, decimal_pos=0, force_grouping=True)} kr"


def _facts(rows: list[tuple[str, str]], st) -> Table:
    table = Table(
        [[Paragraph(escape(label), st["label"]), Paragraph(value, st["body"])]
         for label, value in rows],
        colWidths=[45 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def _brief(item: AgendaItem, st) -> list:
    order = item.order
    flow = [_facts([
        (_("Department"), _text(order.department.name)),
        (_("Orderer"), _text(order.orderer)),
        (_("Handler"), _text(order.handler)),
        (_("Estimated cost"), _money(order.estimated_cost)),
        (_("Risk level"), _text(order.get_risk_level_display())),
        (_("Priority score"), _text(
            number_format(order.priority_score, decimal_pos=2)
            if order.priority_score is not None else None)),
    ], st)]
    for label, value in [
        (_("Need"), order.need),
        (_("IT requirements"), order.it_requirements),
        (_("Risks"), order.risk_description),
    ]:
        flow += [Paragraph(escape(label), st["label"]), Paragraph(_text(value), st["body"])]
    options = list(order.options.all())
    if options:
        flow.append(Paragraph(escape(_("Solution options")), st["label"]))
        for option in options:
            mark = f" ({_('recommended')})" if option.recommended else ""
            line = f"<b>{escape(option.title)}{escape(mark)}</b>: {_money(option.estimated_cost)}"
            if option.pros:
                line += f"<br/>+ {_text(option.pros)}"
            if option.cons:
                line += f"<br/>- {_text(option.cons)}"
            flow.append(Paragraph(line, st["body"]))
    flow += [Paragraph(escape(_("Recommendation")), st["label"]),
             Paragraph(_text(order.recommendation), st["body"])]
    return flow


def _decision(item: AgendaItem, st) -> list:
    flow = [Paragraph(f"<b>{escape(_('Decision'))}:</b> {_text(item.get_outcome_display())}",
                      st["body"])]
    if item.decision_reason:
        flow.append(Paragraph(f"<b>{escape(_('Reason'))}:</b> {_text(item.decision_reason)}",
                              st["body"]))
    if item.decision_note:
        flow.append(Paragraph(_text(item.decision_note), st["body"]))
    return flow


def _member_line(member: MeetingMember) -> str:
    text = str(member.person)
    if member.role_id:
        text += f", {member.role.name}"
    if member.deputy_for_id:
        text += " " + _("(deputy for %(name)s)") % {"name": member.deputy_for}
    return text


def meeting_pdf(
    *,
    meeting: Meeting,
    items: list[AgendaItem],
    members: list[MeetingMember],
    corrections: list[MinutesCorrection],
    **_context,
) -> bytes:
    """The meeting pack (before justering) or the adjusted minutes, as PDF bytes."""
    st = _styles()
    adjusted = meeting.is_adjusted
    heading = (
        _("Minutes %(title)s") % {"title": meeting.title} if adjusted
        else _("Beslutsråd IT: agenda and meeting pack")
    )
    flow: list = [Paragraph(escape(heading), st["title"])]
    place = meeting.place or ""
    if meeting.video_link:
        place = f"{place} ({meeting.video_link})" if place else meeting.video_link
    facts = [
        (_("Time"), escape(f"{_when(meeting.starts_at)}–"
                           f"{timezone.localtime(meeting.ends_at):%H:%M}")),
        (_("Place"), _text(place)),
        (_("Chair"), _text(meeting.chair)),
        (_("Status"), _text(meeting.get_status_display())),
    ]
    if meeting.adjuster_id:
        facts.append((_("Adjuster"), _text(meeting.adjuster)))
    if meeting.status == Meeting.Status.CANCELLED:
        facts.append((_("Reason for cancelling"), _text(meeting.cancelled_reason)))
    flow.append(_facts(facts, st))

    flow.append(Paragraph(escape(_("Present") if adjusted else _("Members")), st["h2"]))
    shown = [m for m in members if m.attended] if adjusted else members
    flow += [Paragraph(escape(_member_line(m)), st["body"]) for m in shown]
    if adjusted:
        absent = [m for m in members if not m.attended]
        if absent:
            flow.append(Paragraph(escape(_("Absent")), st["h3"]))
            flow += [Paragraph(escape(_member_line(m)), st["body"]) for m in absent]

    flow.append(Paragraph(escape(_("Paragraphs") if adjusted else _("Agenda")), st["h2"]))
    for item in items:
        number = f"§{item.paragraph}" if adjusted and item.paragraph else f"{item.position}."
        marks = []
        if item.is_late:
            marks.append(_("late item"))
        if item.is_deferred:
            marks.append(_("deferred earlier"))
        if item.time_minutes:
            marks.append(_("%(minutes)s min") % {"minutes": item.time_minutes})
        title = f"{number} {escape(item.title)}"
        if marks:
            title += f" <font color='#545b64'>({escape(', '.join(marks))})</font>"
        block = [Paragraph(title, st["h3"])]
        if item.note:
            block.append(Paragraph(_text(item.note), st["muted"]))
        if adjusted:
            block += _decision(item, st)
        elif item.kind == AgendaItem.Kind.ORDER and item.order_id:
            block += _brief(item, st)
        flow.append(KeepTogether(block[:3]))
        flow += block[3:]

    if adjusted:
        flow.append(Paragraph(escape(_("Adjustment")), st["h2"]))
        signatures = Table(
            [
                [Paragraph(escape(_("Chair")), st["label"]),
                 Paragraph(escape(_("Adjuster")), st["label"])],
                [Paragraph(_text(meeting.chair), st["body"]),
                 Paragraph(_text(meeting.adjuster), st["body"])],
                [Paragraph(escape(_("Signed %(when)s") % {"when": _when(meeting.chair_signed_at)}),
                           st["muted"]),
                 Paragraph(escape(_("Signed %(when)s") % {
                     "when": _when(meeting.adjuster_signed_at)}), st["muted"])],
            ],
            colWidths=[80 * mm, 80 * mm], hAlign="LEFT",
        )
        signatures.setStyle(TableStyle([
            ("LINEABOVE", (0, 1), (-1, 1), 0.5, LINE),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]))
        flow.append(signatures)
        if corrections:
            flow.append(Paragraph(escape(_("Corrections")), st["h2"]))
            for correction in corrections:
                where = f"§{correction.paragraph}: " if correction.paragraph else ""
                flow.append(Paragraph(
                    f"{escape(where)}{_text(correction.text)} "
                    f"<font color='#545b64'>({escape(str(correction.created_by))}, "
                    f"{_when(correction.created_at)})</font>",
                    st["body"],
                ))

    buffer = BytesIO()
    footer = f"{meeting.title} – {_when(meeting.starts_at)}"

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(20 * mm, 12 * mm, footer)
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm,
                               _("Page %(page)s") % {"page": doc.page})
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
        bottomMargin=20 * mm, title=heading, author="Tyresö kommun", lang="sv",
    )
    doc.build(flow, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
