"""The minutes: attendance, the adjuster, the decisions, the two signatures (justering) that
apply the decisions to their orders and send them out, and corrections afterwards."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.models import Order
from orders.services import OrderError, order_apply_board_decision
from organisation.models import User
from tyreso_it.core.services import year_counter_next

from ..models import AgendaItem, Meeting, MinutesCorrection, MinutesCounter, Reminder
from .common import (
    BoardError,
    MinutesNotApplied,
    S,
    WrongState,
    _clear_signatures,
    _lock,
    _require_chair,
    _require_open,
    _require_signer,
    _save,
)
from .notices import _log_once, _meeting_when
from .states import MEETING_FLOW, minutes_open


def _hold(meeting: Meeting, actor: User | None) -> None:
    """The meeting has started: it is held, and its minutes are open (refused before)."""
    MEETING_FLOW.advance("hold", meeting, actor)
    update = ["status"]
    if meeting.agenda_frozen_at is None:
        # The agenda was never sent (no scan between its cut-off and the start): what is on
        # it now is what the meeting has, and nothing moves on it during the meeting.
        meeting.agenda_frozen_at = timezone.now()
        update.append("agenda_frozen_at")
    meeting._history_user = actor
    meeting._change_reason = _("The meeting has started")
    # The version stays: a form opened before the start changes nothing someone else wrote.
    meeting.save(update_fields=update)


def meeting_hold(*, meeting_id: int) -> bool:
    """Mark a meeting held once it has started (the agenda scanner, at the start).

    Returns False when there is nothing to do: not started yet, already held, or adjusted or
    cancelled. The minutes' services hold a started meeting themselves, so the minutes never
    wait for the scanner.
    """
    with transaction.atomic():
        meeting = _lock(meeting_id)
        if not MEETING_FLOW.permits("hold", None, meeting):
            return False
        _hold(meeting, None)
        return True


def _open_minutes(meeting: Meeting, actor: User) -> None:
    """Refuse a write to the minutes of adjusted or cancelled minutes, or before the meeting
    has started; a started meeting that is not yet marked held is held now."""
    _require_open(meeting)
    if meeting.status != S.HELD:
        _hold(meeting, actor)
    elif not minutes_open(meeting):
        # Held ahead of its start, as the board allowed before it followed the calendar.
        raise WrongState(MEETING_FLOW["hold"].when(meeting))


def meeting_record_attendance(
    *, meeting_id: int, actor: User, present: dict[int, bool]
) -> Meeting:
    """The chair records who is present, once the meeting has started."""
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_chair(meeting, actor)
        _open_minutes(meeting, actor)
        _clear_signatures(meeting)
        for member in meeting.members.all():
            value = present.get(member.pk)
            if value is not None and member.attended != value:
                member.attended = value
                member._history_user = actor
                member.save(update_fields=["attended"])
        _save(meeting, actor, _("Attendance recorded"))
        return meeting


def meeting_set_adjuster(*, meeting_id: int, actor: User, adjuster: User) -> Meeting:
    """The meeting chooses its adjuster (justerare) among those present, not the chair."""
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_chair(meeting, actor)
        _open_minutes(meeting, actor)
        if adjuster.pk == meeting.chair_id:
            raise BoardError(_("The adjuster cannot be the chair."), field="adjuster")
        if not meeting.members.filter(person=adjuster).exclude(attended=False).exists():
            raise BoardError(_("The adjuster must be a member present at the meeting."),
                             field="adjuster")
        if meeting.adjuster_id != adjuster.pk:
            _clear_signatures(meeting)
            meeting.adjuster = adjuster
            _save(meeting, actor, _("Adjuster chosen"))
        return meeting


ORDER_OUTCOMES = {
    AgendaItem.Outcome.APPROVE, AgendaItem.Outcome.REJECT, AgendaItem.Outcome.DEFER,
    AgendaItem.Outcome.RETURN,
}


def item_record_decision(
    *, item_id: int, actor: User, outcome: str, reason: str = "", note: str = ""
) -> AgendaItem:
    """The chair records the meeting's decision on an item (during or after the meeting,
    never before it has started)."""
    with transaction.atomic():
        item = AgendaItem.objects.select_related("order").get(pk=item_id)
        meeting = _lock(item.meeting_id)
        _require_chair(meeting, actor)
        _open_minutes(meeting, actor)
        if (
            item.kind == AgendaItem.Kind.ORDER
            and item.order.status != Order.Status.READY_FOR_DECISION
        ):
            # Withdrawn since the agenda was sent: the board can only note it, and a
            # decision recorded earlier would stop the justering for good.
            if outcome != AgendaItem.Outcome.NOTED:
                raise BoardError(
                    _("The order is now “%(status)s”: the item can only be noted.")
                    % {"status": item.order.get_status_display()},
                    field="outcome",
                )
        elif item.kind == AgendaItem.Kind.ORDER:
            if outcome not in ORDER_OUTCOMES:
                raise BoardError(_("Choose a decision."), field="outcome")
        elif outcome != AgendaItem.Outcome.NOTED:
            raise BoardError(_("This item can only be noted."), field="outcome")
        if outcome == AgendaItem.Outcome.REJECT and not reason.strip():
            raise BoardError(_("A rejection needs a reason."), field="reason")
        if outcome == AgendaItem.Outcome.RETURN and not reason.strip():
            raise BoardError(_("Say what more preparation is needed."), field="reason")
        _clear_signatures(meeting)
        item.outcome = outcome
        item.decision_reason = reason.strip()
        item.decision_note = note.strip()
        item._history_user = actor
        item.save()
        _save(meeting, actor, _("Decision recorded"))
        return item


def minutes_missing(meeting: Meeting) -> list[str]:
    """What stops the minutes of a meeting that has started from being signed (Swedish, for
    the page)."""
    missing = []
    if meeting.adjuster_id is None:
        missing.append(_("an adjuster"))
    elif not meeting.members.filter(person_id=meeting.adjuster_id, attended=True).exists():
        # Chosen before attendance was taken, then recorded as absent.
        missing.append(_("an adjuster present at the meeting"))
    if not meeting.members.filter(attended=True).exists():
        missing.append(_("attendance"))
    undecided = [i.position for i in meeting.items.all() if not i.outcome]
    if undecided:
        missing.append(
            _("a decision on item %(items)s") % {"items": ", ".join(map(str, undecided))}
        )
    return missing


def minutes_sign(*, meeting_id: int, actor: User) -> Meeting:
    """The chair or the adjuster signs the minutes; the second signature adjusts them.

    Adjusting numbers the minutes (BIT <year>:<n>) and their paragraphs, applies every
    decision to its order in this one transaction (if one cannot be applied, none is, and
    MinutesNotApplied names the item), and queues the expediering to those concerned. Nothing
    is signed before the meeting has started.
    """
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_open(meeting)
        _require_signer(meeting, actor)
        _open_minutes(meeting, actor)
        missing = minutes_missing(meeting)
        if missing:
            raise WrongState(
                _("The minutes cannot be signed yet. Missing: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )
        now = timezone.now()
        if actor.pk == meeting.chair_id:
            meeting.chair_signed_at = meeting.chair_signed_at or now
        if actor.pk == meeting.adjuster_id:
            meeting.adjuster_signed_at = meeting.adjuster_signed_at or now
        if meeting.chair_signed_at and meeting.adjuster_signed_at:
            _adjust(meeting, actor)
        else:
            _save(meeting, actor, _("Minutes signed"))
        return meeting


def _adjust(meeting: Meeting, actor: User) -> None:
    MEETING_FLOW.advance("adjust", meeting, actor)
    items = list(meeting.items.select_related("order").order_by("position", "pk"))
    for paragraph, item in enumerate(items, start=1):
        item.paragraph = paragraph
        item.save(update_fields=["paragraph"])
    for item in items:
        if item.kind != AgendaItem.Kind.ORDER or item.outcome == AgendaItem.Outcome.NOTED:
            continue
        try:
            with transaction.atomic():
                order_apply_board_decision(
                    order_id=item.order_id, actor=meeting.chair, outcome=item.outcome,
                    reason=item.decision_reason,
                    note=_decision_note(meeting, item),
                )
        except OrderError as exc:
            raise MinutesNotApplied(
                _("§%(paragraph)s %(title)s could not be applied: %(error)s No decision was "
                  "applied and the minutes are not adjusted.")
                % {"paragraph": item.paragraph, "title": item.title, "error": exc.message},
                item,
            ) from exc
    local_start = timezone.localtime(meeting.starts_at)
    year = local_start.year
    meeting.year = year
    meeting.number = year_counter_next(scope=MinutesCounter.SCOPE, year=year)
    meeting.adjusted_at = timezone.now()
    _save(meeting, actor, _("Minutes adjusted"))
    _send_out(meeting, items)


def _decision_note(meeting: Meeting, item: AgendaItem) -> str:
    ref = _("Beslutsråd IT %(when)s §%(paragraph)s") % {
        "when": _meeting_when(meeting), "paragraph": item.paragraph}
    return f"{ref}. {item.decision_note}".strip()


def _send_out(meeting: Meeting, items: list[AgendaItem]) -> None:
    """Expediering: each decision to the orderer and the department IT lead, once each."""
    with translation.override(settings.LANGUAGE_CODE):
        url = settings.SITE_URL.rstrip("/") + meeting.get_absolute_url()
        for item in items:
            if item.kind != AgendaItem.Kind.ORDER or item.outcome == AgendaItem.Outcome.NOTED:
                continue
            order = Order.objects.select_related("orderer", "department__it_lead").get(
                pk=item.order_id
            )
            recipients = [order.orderer]
            if order.department.it_lead_id and order.department.it_lead_id != order.orderer_id:
                recipients.append(order.department.it_lead)
            subject = _("Decision of Beslutsråd IT on %(reference)s: %(outcome)s") % {
                "reference": order.reference, "outcome": item.get_outcome_display()}
            body = "\n".join(
                line for line in [
                    _("Beslutsråd IT decided on %(when)s (%(minutes)s §%(paragraph)s):") % {
                        "when": _meeting_when(meeting), "minutes": meeting.title,
                        "paragraph": item.paragraph},
                    "",
                    f"{order.reference} {order.title}",
                    _("Decision: %(outcome)s") % {"outcome": item.get_outcome_display()},
                    item.decision_reason,
                    item.decision_note,
                    "",
                    _("The order: %(url)s") % {
                        "url": settings.SITE_URL.rstrip("/") + order.get_absolute_url()},
                    _("The minutes: %(url)s") % {"url": url},
                ] if line is not None
            )
            for person in recipients:
                _log_once(
                    key=f"expedition:{meeting.pk}:{item.pk}:{person.pk}",
                    kind=Reminder.Kind.EXPEDITION, recipient=person, meeting=meeting,
                    order=order, subject=subject, body=body,
                )


def minutes_correct(
    *, meeting_id: int, actor: User, text: str, paragraph: int | None = None
) -> MinutesCorrection:
    """Correct adjusted minutes with a linked record; the minutes themselves stay as they are."""
    if not text.strip():
        raise BoardError(_("Write the correction."), field="text")
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_chair(meeting, actor)
        if meeting.status != S.ADJUSTED:
            raise WrongState(_("Only adjusted minutes are corrected; change the draft instead."))
        return MinutesCorrection.objects.create(
            meeting=meeting, paragraph=paragraph, text=text.strip(), created_by=actor
        )
