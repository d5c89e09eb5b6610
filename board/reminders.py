"""The board's periodic scanners: what reminder is due, and sending each exactly once.

A scanner never schedules anything ahead (no long `eta`): each run computes what is due from
the database and sends what has not been sent. `due(now, horizon)` is the same computation
looking ahead, for the page that lists what is due and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.models import Comment, Order
from orders.services import brief_missing
from organisation.models import User

from .models import BoardSettings, Meeting, Reminder
from .services import (
    MEETING_FLOW,
    _log_once,
    _meeting_when,
    agenda_build,
    agenda_freeze_and_send,
    meeting_hold,
)

S = Meeting.Status


@dataclass
class Due:
    """A reminder a scanner sends at `due_at`, under its unique key."""

    key: str
    kind: str
    due_at: datetime
    recipient: User
    subject: str
    body: str
    meeting: Meeting | None = None
    order: Order | None = None


def _url(obj) -> str:
    return settings.SITE_URL.rstrip("/") + obj.get_absolute_url()


def _member_reminders(board: BoardSettings, now: datetime, until: datetime) -> list[Due]:
    lead = timedelta(hours=board.member_reminder_hours)
    meetings = (
        Meeting.objects.filter(
            status__in=[S.PLANNED, S.AGENDA_SENT], starts_at__gt=now, starts_at__lte=until + lead
        )
        .prefetch_related("members__person")
    )
    due = []
    for meeting in meetings:
        when = _meeting_when(meeting)
        for member in meeting.members.all():
            due.append(Due(
                # The start time is in the key: a moved meeting gets a new reminder.
                key=f"member:{meeting.pk}:{member.person_id}:{meeting.starts_at:%Y%m%d%H%M}",
                kind=Reminder.Kind.MEMBER, due_at=meeting.starts_at - lead,
                recipient=member.person, meeting=meeting,
                subject=_("Reminder: Beslutsråd IT %(when)s") % {"when": when},
                body=_("Beslutsråd IT meets %(when)s, place: %(place)s.\n\nAgenda and decision "
                       "briefs: %(url)s") % {"when": when,
                                            "place": meeting.place or meeting.video_link,
                                            "url": _url(meeting)},
            ))
    return due


def _handler_reminders(board: BoardSettings, now: datetime, until: datetime) -> list[Due]:
    """Handlers whose orders are in preparation with an incomplete brief near the cut-off."""
    lead = timedelta(hours=board.cutoff_hours + board.handler_reminder_hours)
    meeting = (
        Meeting.objects.filter(status=S.PLANNED, agenda_frozen_at__isnull=True,
                               starts_at__gt=now + timedelta(hours=board.cutoff_hours))
        .order_by("starts_at")
        .first()
    )
    if meeting is None or meeting.starts_at - lead > until:
        return []
    cutoff = meeting.cutoff_at(board)
    due = []
    orders = Order.objects.filter(status=Order.Status.IN_PREPARATION, handler__isnull=False)
    for order in orders.select_related("handler"):
        missing = brief_missing(order)
        if not missing:
            continue
        due.append(Due(
            key=f"handler:{meeting.pk}:{order.pk}",
            kind=Reminder.Kind.HANDLER, due_at=meeting.starts_at - lead,
            recipient=order.handler, meeting=meeting, order=order,
            subject=_("%(reference)s: the decision brief is not complete") % {
                "reference": order.reference},
            body=_("The agenda of Beslutsråd IT %(when)s freezes at %(cutoff)s. The decision "
                   "brief of %(reference)s %(title)s still lacks: %(missing)s.\n\n%(url)s") % {
                "when": _meeting_when(meeting),
                "cutoff": timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M"),
                "reference": order.reference, "title": order.title,
                "missing": ", ".join(missing), "url": _url(order)},
        ))
    return due


def _supplement_reminders(board: BoardSettings, now: datetime, until: datetime) -> list[Due]:
    """Orderers whose supplement is overdue, again every interval, up to the limit."""
    requests = Prefetch(
        "comments",
        queryset=Comment.objects.filter(kind=Comment.Kind.SUPPLEMENT_REQUEST).order_by(
            "-created_at", "-pk"),
        to_attr="supplement_requests",
    )
    orders = (
        Order.objects.filter(status=Order.Status.AWAITING_SUPPLEMENT)
        .select_related("orderer")
        .prefetch_related(requests)
    )
    interval = timedelta(days=board.supplement_reminder_interval_days)
    due = []
    for order in orders:
        if not order.supplement_requests:
            continue
        request = order.supplement_requests[0]
        if request.due_date:
            deadline = timezone.make_aware(
                datetime.combine(request.due_date + timedelta(days=1), datetime.min.time())
            )
        else:
            deadline = request.created_at + timedelta(days=board.supplement_due_days)
        limit = board.supplement_reminder_limit
        for n in range(1, limit + 1):
            at = deadline + (n - 1) * interval
            if at > until:
                break
            if n < limit and deadline + n * interval <= now:
                # The next one is due as well (the scanner was not running, or the due date
                # was long past): only the latest goes out, not a burst of reminders.
                continue
            due.append(Due(
                key=f"supplement:{order.pk}:{request.pk}:{n}",
                kind=Reminder.Kind.SUPPLEMENT, due_at=at, recipient=order.orderer, order=order,
                subject=_("Reminder %(n)s: supplement to %(reference)s") % {
                    "n": n, "reference": order.reference},
                body=_("The ordering function is waiting for your supplement to %(reference)s "
                       "%(title)s:\n\n%(question)s\n\nAnswer on the order's page: %(url)s") % {
                    "reference": order.reference, "title": order.title,
                    "question": request.body, "url": _url(order)},
            ))
    return due


def _minutes_reminders(board: BoardSettings, now: datetime, until: datetime) -> list[Due]:
    """The chair, when the minutes are not adjusted the set number of days after the meeting
    ended (a meeting that has started is held, whether or not the scanner has marked it)."""
    lag = timedelta(days=board.minutes_due_days)
    meetings = Meeting.objects.filter(
        status__in=MEETING_FLOW["adjust"].sources | MEETING_FLOW["hold"].sources,
        ends_at__lte=until - lag,
    ).select_related("chair")
    return [
        Due(
            key=f"minutes:{meeting.pk}", kind=Reminder.Kind.MINUTES,
            due_at=meeting.ends_at + lag, recipient=meeting.chair, meeting=meeting,
            subject=_("The minutes of Beslutsråd IT %(when)s are not adjusted") % {
                "when": _meeting_when(meeting)},
            body=_("The minutes of the meeting %(when)s have not been adjusted. Until they are, "
                   "the decisions are not applied to the orders.\n\n%(url)s") % {
                "when": _meeting_when(meeting), "url": _url(meeting)},
        )
        for meeting in meetings
    ]


SCANNERS = (_member_reminders, _handler_reminders, _supplement_reminders, _minutes_reminders)


def due(now: datetime | None = None, horizon: timedelta = timedelta(0)) -> list[Due]:
    """Reminders due by `now + horizon` that have not been sent, soonest first."""
    now = now or timezone.now()
    board = BoardSettings.load()
    with translation.override(settings.LANGUAGE_CODE):
        candidates = [d for scan in SCANNERS for d in scan(board, now, now + horizon)]
    sent = set(
        Reminder.objects.filter(key__in=[d.key for d in candidates]).values_list("key", flat=True)
    )
    return sorted((d for d in candidates if d.key not in sent), key=lambda d: d.due_at)


def reminders_send_due(now: datetime | None = None) -> int:
    """Send every reminder that is due; each exactly once, however often this runs."""
    now = now or timezone.now()
    sent = 0
    for item in due(now):
        reminder = _log_once(
            key=item.key, kind=item.kind, recipient=item.recipient, meeting=item.meeting,
            order=item.order, subject=item.subject, body=item.body,
        )
        sent += reminder is not None
    return sent


def agendas_scan(now: datetime | None = None) -> dict[str, int]:
    """Mark the meetings that have started held, keep upcoming agendas built, and freeze and
    send those past their cut-off."""
    now = now or timezone.now()
    board = BoardSettings.load()
    built = frozen = held = 0
    started = Meeting.objects.filter(
        status__in=MEETING_FLOW["hold"].sources, starts_at__lte=now
    ).values_list("pk", flat=True)
    for meeting_id in list(started):
        held += meeting_hold(meeting_id=meeting_id)
    upcoming = Meeting.objects.filter(
        status=S.PLANNED, agenda_frozen_at__isnull=True, starts_at__gt=now,
        starts_at__lte=now + timedelta(days=board.build_days),
    ).order_by("starts_at")
    for meeting in upcoming:
        if now >= meeting.cutoff_at(board):
            frozen += agenda_freeze_and_send(meeting_id=meeting.pk)
        else:
            built += agenda_build(meeting_id=meeting.pk)
            # Orders ready now belong to the first open meeting only.
            break
    return {"built": built, "frozen": frozen, "held": held}
