"""The meeting pack and the minutes as PDF, built with reportlab's platypus.

Before justering the PDF is the meeting pack: the agenda with every decision brief. After it
is the minutes: number, attendance, one paragraph per item with its decision, signatures and
corrections. The pages, type and escaping are `tyreso_it.core.pdf`'s.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from orders.secrecy import PLACEHOLDER
from tyreso_it.core import pdf
from tyreso_it.core.pdf import Span, bold, muted, paragraph

from .models import AgendaItem, Meeting, MeetingMember, MinutesCorrection

PAGE = pdf.Page()


def _when(value) -> str:
    return date_format(timezone.localtime(value), "j F Y H:i") if value else pdf.DASH


def _money(value) -> str:
    if value is None:
        return pdf.DASH
    return f"{number_format(value, decimal_pos=0, force_grouping=True)} kr"


def _brief(item: AgendaItem) -> list:
    order = item.order
    flow = [pdf.facts([
        (_("Department"), order.department.name),
        (_("Orderer"), order.orderer),
        (_("Handler"), order.handler),
        (_("Estimated cost"), _money(order.estimated_cost)),
        (_("Risk level"), order.get_risk_level_display()),
        (_("Priority score"),
         number_format(order.priority_score, decimal_pos=2)
         if order.priority_score is not None else None),
    ], width=PAGE.width)]
    for label, value in [
        # A document leaves the product: a secrecy-marked need is never in it.
        (_("Need"), str(PLACEHOLDER) if order.is_secret else order.need),
        (_("IT requirements"), order.it_requirements),
        (_("Risks"), order.risk_description),
    ]:
        flow += [paragraph(label, style="label"), paragraph(value)]
    options = list(order.options.all())
    if options:
        flow.append(paragraph(_("Solution options"), style="label"))
        for option in options:
            mark = f" ({_('recommended')})" if option.recommended else ""
            parts = [bold(f"{option.title}{mark}"), f": {_money(option.estimated_cost)}"]
            if option.pros:
                parts.append(f"\n+ {option.pros}")
            if option.cons:
                parts.append(f"\n- {option.cons}")
            flow.append(paragraph(*parts))
    flow += [paragraph(_("Recommendation"), style="label"), paragraph(order.recommendation)]
    return flow


def _decision(item: AgendaItem) -> list:
    flow = [paragraph(bold(f"{_('Decision')}:"), " ", item.get_outcome_display() or None)]
    if item.decision_reason:
        flow.append(paragraph(bold(f"{_('Reason')}:"), " ", item.decision_reason))
    if item.decision_note:
        flow.append(paragraph(item.decision_note))
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
    adjusted = meeting.is_adjusted
    heading = (
        _("Minutes %(title)s") % {"title": meeting.title} if adjusted
        else _("Beslutsråd IT: agenda and meeting pack")
    )
    flow: list = [paragraph(heading, style="title")]
    place = meeting.place or ""
    if meeting.video_link:
        place = f"{place} ({meeting.video_link})" if place else meeting.video_link
    facts = [
        (_("Time"), f"{_when(meeting.starts_at)}–{timezone.localtime(meeting.ends_at):%H:%M}"),
        (_("Place"), place),
        (_("Chair"), meeting.chair),
        (_("Status"), meeting.get_status_display()),
    ]
    if meeting.adjuster_id:
        facts.append((_("Adjuster"), meeting.adjuster))
    if meeting.status == Meeting.Status.CANCELLED:
        facts.append((_("Reason for cancelling"), meeting.cancelled_reason))
    flow.append(pdf.facts(facts, width=PAGE.width))

    flow.append(paragraph(_("Present") if adjusted else _("Members"), style="h2"))
    shown = [m for m in members if m.attended] if adjusted else members
    flow += [paragraph(_member_line(m)) for m in shown]
    if adjusted:
        absent = [m for m in members if not m.attended]
        if absent:
            flow.append(paragraph(_("Absent"), style="h3"))
            flow += [paragraph(_member_line(m)) for m in absent]

    flow.append(paragraph(_("Paragraphs") if adjusted else _("Agenda"), style="h2"))
    for item in items:
        number = f"§{item.paragraph}" if adjusted and item.paragraph else f"{item.position}."
        marks = []
        if item.is_late:
            marks.append(_("late item"))
        if item.is_deferred:
            marks.append(_("deferred earlier"))
        if item.time_minutes:
            marks.append(_("%(minutes)s min") % {"minutes": item.time_minutes})
        title = [f"{number} {item.title}"]
        if marks:
            title.append(muted(f" ({', '.join(marks)})"))
        block = [paragraph(*title, style="h3")]
        if item.note:
            block.append(paragraph(item.note, style="muted"))
        if adjusted:
            block += _decision(item)
        elif item.kind == AgendaItem.Kind.ORDER and item.order_id:
            block += _brief(item)
        flow.append(KeepTogether(block[:3]))
        flow += block[3:]

    if adjusted:
        flow.append(paragraph(_("Adjustment"), style="h2"))
        signatures = pdf.table(
            [
                [Span(_("Chair"), bold=True, muted=True),
                 Span(_("Adjuster"), bold=True, muted=True)],
                [meeting.chair, meeting.adjuster],
                [muted(_("Signed %(when)s") % {"when": _when(meeting.chair_signed_at)}),
                 muted(_("Signed %(when)s") % {"when": _when(meeting.adjuster_signed_at)})],
            ],
            [80 * mm, 80 * mm], header=False, cell_style="body", rules=False,
            style=[("LINEABOVE", (0, 1), (-1, 1), 0.5, pdf.LINE),
                   ("LEFTPADDING", (0, 0), (-1, -1), 0)],
        )
        flow.append(signatures)
        if corrections:
            flow.append(paragraph(_("Corrections"), style="h2"))
            for correction in corrections:
                where = f"§{correction.paragraph}: " if correction.paragraph else ""
                flow.append(paragraph(
                    where, correction.text,
                    muted(f" ({correction.created_by}, {_when(correction.created_at)})"),
                ))

    return pdf.document(flow, title=heading,
                        footer=f"{meeting.title} – {_when(meeting.starts_at)}", page=PAGE)
