"""Calendar invitations (.ics) for board meetings, in Europe/Stockholm."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _event(meeting: Meeting, *, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(STOCKHOLM))
    event.add("dtend", meeting.ends_at.astimezone(STOCKHOLM))
    event.add("summary", f"Beslutsråd IT – {meeting.title}" if meeting.number else "Beslutsråd IT")
    location = meeting.place or ""
    if meeting.video_link:
        location = f"{location} ({meeting.video_link})" if location else meeting.video_link
    if location:
        event.add("location", location)
    url = settings.SITE_URL.rstrip("/") + meeting.get_absolute_url()
    event.add("url", url)
    event.add("description", f"Dagordning och beslutsunderlag: {url}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.chair.email:
        organizer = vCalAddress(f"mailto:{meeting.chair.email}")
        organizer.params["cn"] = vText(str(meeting.chair))
        event.add("organizer", organizer)
    for member in meeting.members.all():
        if member.person.email:
            attendee = vCalAddress(f"mailto:{member.person.email}")
            attendee.params["cn"] = vText(str(member.person))
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=0)
    return event


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Tyresö kommun//tyreso-it//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    if method:
        calendar.add("method", method)
    return calendar


def meeting_ics(meeting: Meeting, *, cancelled: bool = False) -> str:
    """An invitation (METHOD:REQUEST) or a cancellation (METHOD:CANCEL) for one meeting."""
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_event(meeting, cancelled=cancelled))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def feed_ics(meetings: Iterable[Meeting], name: str) -> str:
    """A subscribable calendar of meetings (no METHOD: it is a published feed)."""
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(
            _event(meeting, cancelled=meeting.status == Meeting.Status.CANCELLED)
        )
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def local(dt: datetime) -> datetime:
    return dt.astimezone(STOCKHOLM)
