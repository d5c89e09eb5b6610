"""Every write of Beslutsråd IT: meetings, agendas, minutes and justering.

Each service runs in one transaction, locks the meeting row it changes and refuses what the
actor or the meeting's state does not allow, with a Swedish message.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import holidays
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orders import permissions as order_perms
from orders.models import Order, OrderEvent
from orders.services import OrderError, order_apply_board_decision
from organisation.models import Role, User
from tyreso_it.core.services import outbox_enqueue

from .calendar import STOCKHOLM, meeting_ics
from .models import (
    AgendaItem,
    BoardSettings,
    Meeting,
    MeetingMember,
    MeetingSeries,
    MinutesCorrection,
    MinutesCounter,
    Reminder,
    SeriesException,
)

S = Meeting.Status
# Roles called to every meeting unless the chair changes the list.
MEMBER_ROLES = (
    Role.Code.CHANGE_MANAGER,
    Role.Code.IT_CHIEF,
    Role.Code.DEPUTY_IT_CHIEF,
    Role.Code.IT_COORDINATOR,
    Role.Code.IT_ARCHITECT,
    Role.Code.DELIVERY_MANAGER,
    Role.Code.IT_OPERATIONS_MANAGER,
)


class BoardError(Exception):
    """A refused write, with a message fit to show the user."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(BoardError):
    status_code = 403


class WrongState(BoardError):
    status_code = 409


class MinutesNotApplied(BoardError):
    """Justering stopped: one decision could not be applied, so none was."""

    status_code = 409

    def __init__(self, message: str, item: AgendaItem):
        super().__init__(message)
        self.item = item


def _lock(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _save(meeting: Meeting, actor: User | None, reason: str) -> None:
    meeting.version += 1
    meeting._history_user = actor
    meeting._change_reason = reason[:100]
    meeting.save()


def _require_chair(meeting: Meeting, actor: User) -> None:
    if actor.pk != meeting.chair_id:
        raise NotAllowed(_("Only the chair of the meeting can do this."))


def _require_open(meeting: Meeting) -> None:
    if meeting.status == S.ADJUSTED:
        raise WrongState(_("The minutes are adjusted and can no longer be changed."))
    if meeting.status == S.CANCELLED:
        raise WrongState(_("The meeting is cancelled."))


def _require_unfrozen(meeting: Meeting) -> None:
    _require_open(meeting)
    if meeting.agenda_frozen_at is not None:
        raise WrongState(
            _("The agenda is frozen: only late items can be added now.")
        )


# --- meetings ---------------------------------------------------------------------------------


def default_members() -> list[tuple[User, Role]]:
    """Everyone who holds a member role, each once (with their first such role)."""
    seen: dict[int, tuple[User, Role]] = {}
    roles = Role.objects.filter(code__in=MEMBER_ROLES).select_related("group")
    by_code = {role.code: role for role in roles}
    for code in MEMBER_ROLES:
        role = by_code.get(code)
        if role is None:
            continue
        for user in role.group.user_set.filter(is_active=True).order_by("pk"):
            seen.setdefault(user.pk, (user, role))
    return list(seen.values())


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str = "",
    video_link: str = "",
    chair: User | None = None,
    series: MeetingSeries | None = None,
) -> Meeting:
    """Plan a meeting with the default members; the chair is the change manager."""
    if actor is not None and not order_perms.is_change_manager(actor):
        raise NotAllowed(_("Only the change manager plans meetings of Beslutsråd IT."))
    board = BoardSettings.load()
    chair = chair or actor
    ends_at = ends_at or starts_at + timedelta(minutes=board.meeting_minutes)
    if ends_at <= starts_at:
        raise BoardError(_("The meeting must end after it starts."), field="ends_at")
    meeting = Meeting(
        starts_at=starts_at, ends_at=ends_at, place=place or board.default_place,
        video_link=video_link, chair=chair, series=series,
    )
    meeting._history_user = actor
    meeting.save()
    for user, role in default_members():
        MeetingMember.objects.create(meeting=meeting, person=user, role=role)
    if not meeting.members.filter(person=chair).exists():
        MeetingMember.objects.create(
            meeting=meeting, person=chair,
            role=Role.objects.filter(code=Role.Code.CHANGE_MANAGER).first(),
        )
    return meeting


def meeting_update(
    *, meeting_id: int, actor: User, data: dict[str, Any], expected_version: int
) -> Meeting:
    """Change time or place; a sent invitation is sent again with a raised SEQUENCE."""
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_chair(meeting, actor)
        _require_open(meeting)
        if meeting.version != expected_version:
            raise WrongState(_("Someone else changed the meeting meanwhile: reload the page."))
        fields = ("starts_at", "ends_at", "place", "video_link")
        changed = [f for f in fields if f in data and getattr(meeting, f) != data[f]]
        old_day = timezone.localtime(meeting.starts_at).date()
        for field in changed:
            setattr(meeting, field, data[field])
        if meeting.ends_at <= meeting.starts_at:
            raise BoardError(_("The meeting must end after it starts."), field="ends_at")
        if changed:
            meeting.sequence += 1
            _clear_signatures(meeting)
            _save(meeting, actor, _("Meeting changed"))
            if meeting.series_id and timezone.localtime(meeting.starts_at).date() != old_day:
                # The series does not meet on the old day: it is not planned there again.
                SeriesException.objects.get_or_create(
                    series_id=meeting.series_id, date=old_day,
                    defaults={"reason": _("Moved to %(day)s") % {
                        "day": timezone.localtime(meeting.starts_at).date().isoformat()}},
                )
            if meeting.status == S.AGENDA_SENT:
                _send_invitations(meeting, reason="update")
        return meeting


def meeting_cancel(*, meeting_id: int, actor: User, reason: str) -> Meeting:
    """Cancel a meeting: members get a cancellation, and no reminder is sent for it."""
    if not reason.strip():
        raise BoardError(_("Give a reason."), field="reason")
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_chair(meeting, actor)
        if meeting.status not in {S.PLANNED, S.AGENDA_SENT}:
            raise WrongState(_("Only a meeting that has not been held can be cancelled."))
        was_sent = meeting.status == S.AGENDA_SENT
        meeting.status = S.CANCELLED
        meeting.cancelled_reason = reason
        meeting.sequence += 1
        _save(meeting, actor, reason)
        # Orders on the agenda go to the next meeting.
        meeting.items.filter(outcome="").delete()
        if was_sent:
            _send_invitations(meeting, reason="cancel")
        return meeting


def meeting_set_members(
    *, meeting_id: int, actor: User, members: list[tuple[User, Role | None, User | None]]
) -> Meeting:
    """Replace the member list: (person, role, deputy_for) for each."""
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_chair(meeting, actor)
        _require_open(meeting)
        keep = {person.pk for person, _role, _deputy in members}
        meeting.members.exclude(person_id__in=keep).delete()
        for person, role, deputy_for in members:
            MeetingMember.objects.update_or_create(
                meeting=meeting, person=person,
                defaults={"role": role, "deputy_for": deputy_for},
            )
        # The members are part of the minutes: earlier signatures are void.
        _clear_signatures(meeting)
        _save(meeting, actor, _("Members changed"))
        if meeting.status == S.AGENDA_SENT:
            # Those added since the agenda was sent get it; the others have it already.
            _send_invitations(meeting, reason="agenda")
        return meeting


def series_dates(series: MeetingSeries, until: date) -> list[date]:
    """The dates the series meets up to `until`, without exceptions and holidays."""
    last = min(until, series.until) if series.until else until
    skip = set(series.exceptions.values_list("date", flat=True))
    years = range(series.first_date.year, last.year + 1)
    off = (
        holidays.Sweden(years=years, categories=("public", "de_facto"), include_sundays=False)
        if series.skip_holidays
        else {}
    )
    dates = []
    day = series.first_date
    while day <= last:
        if day not in skip and day not in off:
            dates.append(day)
        day += timedelta(weeks=series.interval_weeks)
    return dates


@transaction.atomic
def series_generate(
    *, series: MeetingSeries, until: date, since: date | None = None
) -> list[Meeting]:
    """Create the series' meetings from `since` (today) up to `until`; running it again
    creates nothing more. Dates already past are not planned."""
    since = since or timezone.localdate()
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if not series.is_active:
        return []
    existing = {
        timezone.localtime(start).date()
        for start in series.meetings.values_list("starts_at", flat=True)
    }
    created = []
    for day in series_dates(series, until):
        if day in existing or day < since:
            continue
        starts_at = datetime.combine(day, series.start_time, tzinfo=STOCKHOLM)
        created.append(
            meeting_create(
                actor=None,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=series.duration_minutes),
                place=series.place,
                video_link=series.video_link,
                chair=series.chair,
                series=series,
            )
        )
    return created


# --- the agenda -------------------------------------------------------------------------------


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


def agenda_freeze_and_send(*, meeting_id: int, actor: User | None = None) -> bool:
    """Freeze the agenda at the cut-off and send it with the invitation to every member.

    Returns False when it was already frozen (a second run sends nothing).
    """
    with transaction.atomic():
        meeting = _lock(meeting_id)
        if meeting.status != S.PLANNED or meeting.agenda_frozen_at is not None:
            return False
        if actor is not None:
            _require_chair(meeting, actor)
    agenda_build(meeting_id=meeting_id)
    with transaction.atomic():
        meeting = _lock(meeting_id)
        if meeting.status != S.PLANNED or meeting.agenda_frozen_at is not None:
            return False
        meeting.agenda_frozen_at = timezone.now()
        meeting.status = S.AGENDA_SENT
        _save(meeting, actor, _("Agenda frozen and sent"))
        _send_invitations(meeting, reason="agenda")
        return True


def _meeting_when(meeting: Meeting) -> str:
    return date_format(timezone.localtime(meeting.starts_at), "l j F Y \\k\\l. H:i")


def _agenda_text(meeting: Meeting) -> str:
    lines = []
    for item in meeting.items.order_by("position"):
        mark = _(" (late item)") if item.is_late else ""
        lines.append(f"{item.position}. {item.title}{mark}")
    return "\n".join(lines)


def _send_invitations(meeting: Meeting, *, reason: str) -> None:
    """Queue an email with the .ics to every member, once per member and SEQUENCE."""
    with translation.override(settings.LANGUAGE_CODE):
        cancelled = reason == "cancel"
        ics = meeting_ics(meeting, cancelled=cancelled)
        url = settings.SITE_URL.rstrip("/") + meeting.get_absolute_url()
        when = _meeting_when(meeting)
        if cancelled:
            subject = _("Cancelled: Beslutsråd IT %(when)s") % {"when": when}
            body = _(
                "The meeting of Beslutsråd IT on %(when)s is cancelled. Reason: %(reason)s"
            ) % {"when": when, "reason": meeting.cancelled_reason}
        elif reason == "update":
            subject = _("Changed: Beslutsråd IT %(when)s") % {"when": when}
            body = _("The meeting of Beslutsråd IT has been moved or changed. New time: %(when)s, "
                     "place: %(place)s.\n\nAgenda:\n%(agenda)s\n\n%(url)s") % {
                "when": when, "place": meeting.place or meeting.video_link,
                "agenda": _agenda_text(meeting), "url": url}
        else:
            subject = _("Agenda: Beslutsråd IT %(when)s") % {"when": when}
            body = _("Welcome to Beslutsråd IT on %(when)s, place: %(place)s.\n\nAgenda:\n"
                     "%(agenda)s\n\nDecision briefs and the meeting pack: %(url)s") % {
                "when": when, "place": meeting.place or meeting.video_link,
                "agenda": _agenda_text(meeting), "url": url}
        attachment = {
            "filename": "bit.ics",
            "content": ics,
            "mimetype": f"text/calendar; method={'CANCEL' if cancelled else 'REQUEST'}",
        }
        for member in meeting.members.select_related("person"):
            key = f"agenda:{meeting.pk}:{meeting.sequence}:{member.person_id}"
            _log_once(
                key=key, kind=Reminder.Kind.AGENDA, recipient=member.person, meeting=meeting,
                subject=subject, body=body, attachments=[attachment],
            )


def _log_once(
    *, key: str, kind: str, recipient: User, subject: str, body: str,
    meeting: Meeting | None = None, order: Order | None = None,
    attachments: list[dict] | None = None,
) -> Reminder | None:
    """Record a reminder under its unique key and queue its email, or do nothing if taken."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                key=key, kind=kind, recipient=recipient, meeting=meeting, order=order
            )
            reminder.message = outbox_enqueue(
                recipients=[recipient.email], subject=subject, body=body,
                dedupe_key=f"reminder:{key}", attachments=attachments,
            )
            reminder.save(update_fields=["message"])
            return reminder
    except IntegrityError:
        return None


# --- minutes ----------------------------------------------------------------------------------


def meeting_record_attendance(
    *, meeting_id: int, actor: User, present: dict[int, bool]
) -> Meeting:
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_chair(meeting, actor)
        _require_open(meeting)
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
        _require_open(meeting)
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
    """The chair records the meeting's decision on an item (during or after the meeting)."""
    with transaction.atomic():
        item = AgendaItem.objects.select_related("order").get(pk=item_id)
        meeting = _lock(item.meeting_id)
        _require_chair(meeting, actor)
        _require_open(meeting)
        if meeting.status == S.PLANNED:
            raise WrongState(_("Decisions are recorded once the agenda has been sent."))
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
        if meeting.status == S.AGENDA_SENT:
            meeting.status = S.HELD
        _save(meeting, actor, _("Decision recorded"))
        return item


def _clear_signatures(meeting: Meeting) -> None:
    # Any change to the minutes makes earlier signatures void.
    meeting.chair_signed_at = None
    meeting.adjuster_signed_at = None


def minutes_missing(meeting: Meeting) -> list[str]:
    """What stops the minutes from being signed (Swedish, for the page)."""
    missing = []
    if meeting.status not in {S.AGENDA_SENT, S.HELD}:
        missing.append(_("the meeting has not been held"))
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
    MinutesNotApplied names the item), and queues the expediering to those concerned.
    """
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_open(meeting)
        if actor.pk not in {meeting.chair_id, meeting.adjuster_id}:
            raise NotAllowed(_("Only the chair and the adjuster sign the minutes."))
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
    MinutesCounter.objects.bulk_create([MinutesCounter(year=year)], ignore_conflicts=True)
    counter = MinutesCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    meeting.year, meeting.number = year, counter.last
    meeting.status = S.ADJUSTED
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


def board_visible_meetings(user: User):
    """Meetings a person may open: the board's own and those who see every order."""
    queryset = Meeting.objects.all()
    if order_perms.sees_all(user):
        return queryset
    return queryset.filter(Q(members__person=user) | Q(chair=user)).distinct()

