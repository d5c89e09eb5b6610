"""Meetings: planning (one at a time or as a series), changing, cancelling, the members, and
who may open a meeting."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

import holidays
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import Role, User
from organisation.predicates import is_change_manager, sees_all

from ..calendar import STOCKHOLM
from ..models import BoardSettings, Meeting, MeetingMember, MeetingSeries, SeriesException
from .agenda import agenda_freeze_and_send
from .common import (
    BoardError,
    NeedsConfirmation,
    NotAllowed,
    S,
    WrongState,
    _clear_signatures,
    _lock,
    _require_chair,
    _require_open,
    _save,
)
from .notices import _meeting_when, _send_invitations
from .states import MEETING_FLOW

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


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise BoardError(_("The meeting must end after it starts."), field="ends_at")
    if starts_at <= timezone.now():
        raise BoardError(
            _("A meeting cannot be planned in the past: choose a time that has not come yet."),
            field="starts_at",
        )


def _warnings(
    *, starts_at: datetime, ends_at: datetime, place: str, board: BoardSettings,
    meeting: Meeting | None = None, cutoff: bool = True,
) -> list[tuple[str, str]]:
    """What the person should know before a meeting is planned at this time and place, each
    with a key for what it is about: another meeting in the same room at the same time, and
    an agenda whose cut-off has already passed."""
    found = []
    room = place.strip().casefold()
    if room:
        # The room is compared here, not in SQL, so case and spaces count the same on every
        # database (Å, Ä and Ö included); few meetings overlap in time.
        others = (
            Meeting.objects.exclude(status=S.CANCELLED)
            .filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
            .order_by("starts_at", "pk")
        )
        if meeting is not None:
            others = others.exclude(pk=meeting.pk)
        for other in others:
            if other.place.strip().casefold() == room:
                found.append((
                    f"overlap:{other.pk}:{other.starts_at.isoformat()}:{other.ends_at.isoformat()}",
                    _("%(place)s is taken by another meeting at the same time: %(when)s to "
                      "%(end)s.") % {
                        "place": other.place.strip(), "when": _meeting_when(other),
                        "end": timezone.localtime(other.ends_at).strftime("%H:%M")},
                ))
    cutoff_at = starts_at - timedelta(hours=board.cutoff_hours)
    if cutoff and cutoff_at <= timezone.now():
        found.append((
            f"cutoff:{cutoff_at.isoformat()}",
            _("The agenda's cut-off, %(cutoff)s, has already passed: the agenda is frozen and "
              "sent to the members as soon as the meeting is saved. What is added to it "
              "afterwards is a late item.") % {
                "cutoff": timezone.localtime(cutoff_at).strftime("%Y-%m-%d %H:%M")},
        ))
    return found


def _confirm(warnings: list[tuple[str, str]], confirmed: str) -> None:
    """Go on only if there is nothing to warn about, or the person has seen exactly these
    warnings and saves anyway (`confirmed` is the token they were shown with them)."""
    if not warnings:
        return
    token = hashlib.sha256("\n".join(sorted(k for k, _m in warnings)).encode()).hexdigest()[:24]
    if confirmed != token:
        raise NeedsConfirmation([message for _k, message in warnings], token)


def _plan(
    *, actor: User | None, chair: User, starts_at: datetime, ends_at: datetime, place: str,
    video_link: str, board: BoardSettings, series: MeetingSeries | None = None,
) -> Meeting:
    _check_times(starts_at, ends_at)
    meeting = Meeting(
        starts_at=starts_at, ends_at=ends_at, place=place, video_link=video_link, chair=chair,
        series=series,
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
    _freeze_if_past_cutoff(meeting, board)
    return meeting


def _freeze_if_past_cutoff(meeting: Meeting, board: BoardSettings) -> None:
    """A meeting planned, or moved, after its agenda's cut-off has its agenda frozen and sent
    now, so it is never shown as freezing at a time that has passed."""
    if meeting.status == S.PLANNED and meeting.cutoff_at(board) <= timezone.now():
        agenda_freeze_and_send(meeting_id=meeting.pk)


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str = "",
    video_link: str = "",
    chair: User | None = None,
    confirmed: str = "",
) -> Meeting:
    """Plan a meeting with the default members; the chair is the change manager.

    A start that has passed is refused. Another meeting in the same room at the same time, or
    a cut-off that has passed (the agenda is then sent at once), is NeedsConfirmation until
    the person saves again with its token as `confirmed`.
    """
    if not is_change_manager(actor):
        raise NotAllowed(_("Only the change manager plans meetings of Beslutsråd IT."))
    board = BoardSettings.load()
    ends_at = ends_at or starts_at + timedelta(minutes=board.meeting_minutes)
    # A video meeting has no room; a meeting given neither is in the usual room.
    place = place if place or video_link else board.default_place
    _check_times(starts_at, ends_at)
    _confirm(_warnings(starts_at=starts_at, ends_at=ends_at, place=place, board=board),
             confirmed)
    return _plan(actor=actor, chair=chair or actor, starts_at=starts_at, ends_at=ends_at,
                 place=place, video_link=video_link, board=board)


def meeting_update(
    *, meeting_id: int, actor: User, data: dict[str, Any], expected_version: int,
    confirmed: str = "",
) -> Meeting:
    """Change time or place; a sent invitation is sent again with a raised SEQUENCE.

    A meeting is not moved once it has started, nor to a time that has passed; the warnings
    of `meeting_create` apply to the new time and place.
    """
    with transaction.atomic():
        meeting = _lock(meeting_id)
        _require_chair(meeting, actor)
        _require_open(meeting)
        if meeting.version != expected_version:
            raise WrongState(_("Someone else changed the meeting meanwhile: reload the page."))
        fields = ("starts_at", "ends_at", "place", "video_link")
        changed = [f for f in fields if f in data and getattr(meeting, f) != data[f]]
        moved = "starts_at" in changed
        if moved and meeting.has_started:
            raise BoardError(_("The meeting has started: its time can no longer be changed."),
                             field="starts_at")
        old_day = timezone.localtime(meeting.starts_at).date()
        for field in changed:
            setattr(meeting, field, data[field])
        if moved:
            _check_times(meeting.starts_at, meeting.ends_at)
        elif meeting.ends_at <= meeting.starts_at:
            raise BoardError(_("The meeting must end after it starts."), field="ends_at")
        board = BoardSettings.load()
        if {"starts_at", "ends_at", "place"} & set(changed):
            _confirm(_warnings(starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                               place=meeting.place, board=board, meeting=meeting,
                               cutoff=moved and meeting.agenda_frozen_at is None), confirmed)
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
            elif moved:
                _freeze_if_past_cutoff(meeting, board)
                meeting.refresh_from_db()
        return meeting


def meeting_cancel(*, meeting_id: int, actor: User, reason: str) -> Meeting:
    """Cancel a meeting before it starts: members who had the agenda get a cancellation, and
    no reminder is sent for it."""
    with transaction.atomic():
        meeting = _lock(meeting_id)
        was = MEETING_FLOW.advance("cancel", meeting, actor, reason)
        meeting.cancelled_reason = reason
        meeting.sequence += 1
        _save(meeting, actor, reason)
        # Orders on the agenda go to the next meeting.
        meeting.items.filter(outcome="").delete()
        if was == S.AGENDA_SENT:
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
    creates nothing more. A meeting whose start has passed (today's, later in the day than
    its time) is not planned."""
    now = timezone.now()
    since = since or timezone.localdate(now)
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if not series.is_active:
        return []
    board = BoardSettings.load()
    existing = {
        timezone.localtime(start).date()
        for start in series.meetings.values_list("starts_at", flat=True)
    }
    created = []
    for day in series_dates(series, until):
        starts_at = datetime.combine(day, series.start_time, tzinfo=STOCKHOLM)
        if day in existing or day < since or starts_at <= now:
            continue
        created.append(
            _plan(
                actor=None,
                chair=series.chair,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=series.duration_minutes),
                place=series.place if series.place or series.video_link
                else board.default_place,
                video_link=series.video_link,
                board=board,
                series=series,
            )
        )
    return created


def board_visible_meetings(user: User):
    """Meetings a person may open: the board's own and those who see every order."""
    queryset = Meeting.objects.all()
    if sees_all(user):
        return queryset
    return queryset.filter(Q(members__person=user) | Q(chair=user)).distinct()
