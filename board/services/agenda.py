"""The agenda: built from the orders ready for decision and the delegated decisions, arranged
by the chair, frozen and sent at the cut-off."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderEvent
from organisation.models import User

from ..models import AgendaItem, BoardSettings, Meeting
from .common import (
    BoardError,
    S,
    WrongState,
    _clear_signatures,
    _lock,
    _require_chair,
    _require_open,
    _require_unfrozen,
    _save,
)
from .notices import _send_invitations
from .states import MEETING_FLOW


def _deferred_order_ids() -> set[int]:
    """Orders whose latest board event is a deferral (bordläggning)."""
    latest = {}
    events = OrderEvent.objects.filter(
        action__in=["board_defer", "mark_ready", "board_return"],
        order__status=Order.Status.READY_FOR_DECISION,
    ).values_list("order_id", "action", "at")
    for order_id, action, at in events:
        if order_id not in latest or at >= latest[order_id][1]:
            latest[order_id] = (action, at)
    return {order_id for order_id, (action, _at) in latest.items() if action == "board_defer"}


def _lock_agendas() -> None:
    """Put orders on one agenda at a time: two agendas built at once would each take every
    ready order (neither sees the other's new items)."""
    BoardSettings.load()
    BoardSettings.objects.select_for_update().get(pk=1)


def next_open_meeting(after: datetime | None = None) -> Meeting | None:
    after = after or timezone.now()
    return (
        Meeting.objects.filter(status=S.PLANNED, agenda_frozen_at__isnull=True,
                               starts_at__gt=after)
        .order_by("starts_at")
        .first()
    )


def agenda_build(*, meeting_id: int) -> bool:
    """Bring a planned meeting's agenda up to date; returns whether anything changed.

    Every order ready for decision and not already on another open agenda is an item,
    deferred ones first, then by priority score; delegated decisions since the previous
    meeting are information items; a portfolio status item closes the list. Building twice
    changes nothing, and a frozen agenda is never touched.
    """
    with transaction.atomic():
        meeting = _lock(meeting_id)
        if meeting.status != S.PLANNED or meeting.agenda_frozen_at is not None:
            return False
        _lock_agendas()
        changed = False
        ready = list(
            Order.objects.filter(status=Order.Status.READY_FOR_DECISION)
            # On another open agenda, decided or not: a decision awaits its justering.
            .exclude(agenda_items__meeting__status__in=[S.PLANNED, S.AGENDA_SENT, S.HELD])
            .select_related("department")
        ) + [
            item.order
            for item in meeting.items.filter(kind=AgendaItem.Kind.ORDER).select_related(
                "order__department"
            )
        ]
        ready_ids = {order.pk for order in ready if order.status == Order.Status.READY_FOR_DECISION}
        # Orders no longer ready (withdrawn, returned by a delegated decision) leave the agenda.
        stale = meeting.items.filter(kind=AgendaItem.Kind.ORDER, added_by_chair=False).exclude(
            order_id__in=ready_ids
        )
        if stale.exists():
            stale.delete()
            changed = True
        deferred = _deferred_order_ids()
        present = set(
            meeting.items.filter(kind=AgendaItem.Kind.ORDER).values_list("order_id", flat=True)
        )
        # Orders the chair took off this agenda wait for the next meeting.
        present |= set(
            AgendaItem.history.filter(
                meeting_id=meeting.pk, kind=AgendaItem.Kind.ORDER, history_type="-",
                history_change_reason=REMOVED_BY_CHAIR,
            ).values_list("order_id", flat=True)
        )
        new_orders = sorted(
            (o for o in ready if o.pk in ready_ids and o.pk not in present),
            key=lambda o: (o.pk not in deferred, -(o.priority_score or 0), o.pk),
        )
        for order in new_orders:
            AgendaItem.objects.create(
                meeting=meeting, kind=AgendaItem.Kind.ORDER, order=order,
                title=f"{order.reference} {order.title} ({order.department.short_name})",
                is_deferred=order.pk in deferred, position=0,
            )
            changed = True
        changed |= _add_delegations(meeting)
        if not meeting.items.filter(kind=AgendaItem.Kind.PORTFOLIO).exists():
            AgendaItem.objects.create(
                meeting=meeting, kind=AgendaItem.Kind.PORTFOLIO,
                title=_("Portfolio status"), position=0,
            )
            changed = True
        if changed or meeting.agenda_built_at is None:
            _renumber(meeting)
            meeting.agenda_built_at = timezone.now()
            meeting.save(update_fields=["agenda_built_at"])
        return changed


def _add_delegations(meeting: Meeting) -> bool:
    previous = (
        Meeting.objects.filter(starts_at__lt=meeting.starts_at)
        .exclude(status=S.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .first()
    )
    events = OrderEvent.objects.filter(action="decide_delegated").select_related(
        "order", "order__department"
    )
    if previous is not None:
        # From the previous agenda's freeze: a delegation decided between that cut-off and
        # that meeting was not on its agenda, so it is reported here.
        events = events.filter(at__gte=previous.agenda_frozen_at or previous.starts_at)
    reported = set(
        AgendaItem.objects.filter(kind=AgendaItem.Kind.DELEGATION).values_list(
            "order_id", flat=True
        )
    )
    changed = False
    for event in events:
        if event.order_id in reported:
            continue
        order = event.order
        AgendaItem.objects.create(
            meeting=meeting, kind=AgendaItem.Kind.DELEGATION, order=order,
            title=_("Delegated decision: %(reference)s %(title)s")
            % {"reference": order.reference, "title": order.title},
            note=event.reason, position=0,
        )
        reported.add(event.order_id)
        changed = True
    return changed


#: The history change reason of an item the chair removed (not translated: it is matched).
REMOVED_BY_CHAIR = "Removed from the agenda by the chair"


KIND_RANK = {
    AgendaItem.Kind.ORDER: 1,
    AgendaItem.Kind.OTHER: 2,
    AgendaItem.Kind.DELEGATION: 3,
    AgendaItem.Kind.PORTFOLIO: 4,
}


def _renumber(meeting: Meeting) -> None:
    """Positions 1…n: kept as the chair arranged them, else in the agenda's standard order."""
    items = list(meeting.items.select_related("order"))
    if meeting.agenda_customised:
        items.sort(key=lambda i: (i.position == 0, i.position, i.pk))
    else:
        items.sort(
            key=lambda i: (
                KIND_RANK[i.kind],
                not i.is_deferred,
                -(i.order.priority_score or 0) if i.order else 0,
                i.pk,
            )
        )
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def agenda_add_item(
    *,
    meeting_id: int,
    actor: User,
    title: str = "",
    order: Order | None = None,
    note: str = "",
    time_minutes: int | None = None,
) -> AgendaItem:
    """The chair adds an item; after the cut-off it is marked as a late item."""
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_chair(meeting, actor)
        _require_open(meeting)
        if order is not None:
            if order.status != Order.Status.READY_FOR_DECISION:
                raise BoardError(_("Only an order ready for decision can be put on the agenda."),
                                 field="order")
            if meeting.items.filter(order=order, kind=AgendaItem.Kind.ORDER).exists():
                raise BoardError(_("The order is already on the agenda."), field="order")
            _lock_agendas()
            _take_off_other_agendas(meeting, order, actor)
            title = title or f"{order.reference} {order.title} ({order.department.short_name})"
        if not title.strip():
            raise BoardError(_("Give the item a title."), field="title")
        last = meeting.items.aggregate(m=Max("position"))["m"] or 0
        item = AgendaItem(
            meeting=meeting,
            kind=AgendaItem.Kind.ORDER if order else AgendaItem.Kind.OTHER,
            order=order, title=title.strip(), note=note, time_minutes=time_minutes,
            is_late=meeting.agenda_frozen_at is not None, added_by_chair=True,
            position=last + 1,
        )
        item._history_user = actor
        item.save()
        # An item placed by hand keeps its place: later builds only append.
        meeting.agenda_customised = True
        _save(meeting, actor, _("Item added"))
        return item


def _take_off_other_agendas(meeting: Meeting, order: Order, actor: User) -> None:
    """An order is decided at one meeting: moving it here takes it off a later draft agenda,
    and an order on another sent agenda stays there."""
    others = (
        AgendaItem.objects.filter(
            order=order, kind=AgendaItem.Kind.ORDER,
            meeting__status__in=[S.PLANNED, S.AGENDA_SENT, S.HELD],
        )
        .exclude(meeting=meeting)
        .select_related("meeting")
    )
    for other in others:
        other_meeting = _lock(other.meeting_id)
        if other_meeting.agenda_frozen_at is not None or other.outcome:
            raise BoardError(
                _("The order is already on the agenda of %(meeting)s.")
                % {"meeting": other_meeting},
                field="order",
            )
        other._history_user = actor
        other.delete()
        _renumber(other_meeting)


def agenda_remove_item(*, item_id: int, actor: User) -> None:
    with transaction.atomic():
        item = AgendaItem.objects.select_related("meeting").get(pk=item_id)
        meeting = _lock(item.meeting_id)
        _require_chair(meeting, actor)
        if not item.is_late:
            _require_unfrozen(meeting)
        else:
            _require_open(meeting)
        if item.outcome:
            raise WrongState(_("A decided item cannot be removed."))
        item._history_user = actor
        # Remembered in the item's history, so the next build does not put the order back.
        item._change_reason = REMOVED_BY_CHAIR
        item.delete()
        meeting.agenda_customised = True
        _renumber(meeting)
        _save(meeting, actor, _("Item removed"))


def agenda_move_item(*, item_id: int, actor: User, offset: int) -> None:
    """Move an item up (-1) or down (+1) before the agenda freezes."""
    with transaction.atomic():
        item = AgendaItem.objects.get(pk=item_id)
        meeting = _lock(item.meeting_id)
        _require_chair(meeting, actor)
        _require_unfrozen(meeting)
        items = list(meeting.items.order_by("position", "pk"))
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
        target = max(0, min(len(items) - 1, index + offset))
        items.insert(target, items.pop(index))
        for position, each in enumerate(items, start=1):
            if each.position != position:
                each.position = position
                each.save(update_fields=["position"])
        meeting.agenda_customised = True
        _save(meeting, actor, _("Item moved"))


def agenda_update_item(
    *, item_id: int, actor: User, time_minutes: int | None, note: str
) -> AgendaItem:
    """Time-box an item and note something on it (allowed until the minutes are adjusted)."""
    with transaction.atomic():
        item = AgendaItem.objects.get(pk=item_id)
        meeting = _lock(item.meeting_id)
        _require_chair(meeting, actor)
        _require_open(meeting)
        if (item.time_minutes, item.note) == (time_minutes, note):
            return item
        item.time_minutes = time_minutes
        item.note = note
        item._history_user = actor
        item.save()
        # The note is part of the minutes: signatures given before it changed are void.
        _clear_signatures(meeting)
        _save(meeting, actor, _("Item changed"))
        return item


def _still_to_send(meeting: Meeting, actor: User | None) -> bool:
    """Whether the agenda is to be frozen and sent now. False when that is done (a second run
    sends nothing), and for the scanner or the task also when the meeting has started (the
    scanner holds it instead); a person who may not send it is refused with the reason."""
    if meeting.status not in MEETING_FLOW["send_agenda"].sources or meeting.agenda_frozen_at:
        return False
    if actor is None and not MEETING_FLOW.permits("send_agenda", None, meeting):
        return False
    MEETING_FLOW.check("send_agenda", meeting, actor)
    return True


def agenda_freeze_and_send(*, meeting_id: int, actor: User | None = None) -> bool:
    """Freeze the agenda at the cut-off and send it with the invitation to every member.

    Only before the meeting starts. Returns False when it was already frozen (a second run
    sends nothing).
    """
    with transaction.atomic():
        if not _still_to_send(_lock(meeting_id), actor):
            return False
    agenda_build(meeting_id=meeting_id)
    with transaction.atomic():
        meeting = _lock(meeting_id)
        if not _still_to_send(meeting, actor):
            return False
        MEETING_FLOW.advance("send_agenda", meeting, actor)
        meeting.agenda_frozen_at = timezone.now()
        _save(meeting, actor, _("Agenda frozen and sent"))
        _send_invitations(meeting, reason="agenda")
        return True
