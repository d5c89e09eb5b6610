"""Calendar invitations: valid iCalendar, in Europe/Stockholm, one UID per meeting, a SEQUENCE
raised on every change, cancellations as METHOD:CANCEL, and a feed of several meetings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from board import services
from board.calendar import feed_ics, meeting_ics
from board.models import Meeting
from tests.board.conftest import at
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def parse(ics: str) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_the_invitation_parses_back_as_a_request_for_one_event(make_meeting, chair, members):
    meeting = make_meeting(at(2026, 3, 10, 13), place="Sammanträdesrum Bollmora",
                           video_link="https://meet.tyreso.se/bit")

    calendar, event = parse(meeting_ics(meeting))

    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert "tyreso-it" in str(calendar["PRODID"])
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.get("DTSTAMP") is not None
    assert str(event["SUMMARY"]) == "Beslutsråd IT"
    assert str(event["LOCATION"]) == (
        "Sammanträdesrum Bollmora (https://meet.tyreso.se/bit)")
    assert str(event["ORGANIZER"]) == f"mailto:{chair.email}"
    attendees = event["ATTENDEE"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert sorted(str(a) for a in attendees) == sorted(f"mailto:{p.email}" for p in members)
    assert f"/{meeting.pk}/" in str(event["URL"])


def test_the_start_is_in_stockholm_time_in_winter(make_meeting):
    meeting = make_meeting(at(2026, 1, 13, 13), ends_at=at(2026, 1, 13, 14, 30))
    ics = meeting_ics(meeting)

    _calendar, event = parse(ics)

    assert "DTSTART;TZID=Europe/Stockholm:20260113T130000" in ics.splitlines()
    assert "DTEND;TZID=Europe/Stockholm:20260113T143000" in ics.splitlines()
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (13, 0)
    assert start.astimezone(UTC) == datetime(2026, 1, 13, 12, 0, tzinfo=UTC)


def test_the_start_is_in_stockholm_time_in_summer(make_meeting):
    meeting = make_meeting(at(2026, 6, 16, 13))
    ics = meeting_ics(meeting)

    _calendar, event = parse(ics)

    assert "DTSTART;TZID=Europe/Stockholm:20260616T130000" in ics.splitlines()
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 6, 16, 11, 0, tzinfo=UTC)


def test_the_invitation_carries_the_stockholm_time_zone(make_meeting):
    meeting = make_meeting(at(2026, 1, 13, 13))

    calendar, _event = parse(meeting_ics(meeting))

    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Stockholm"
    offsets = {sub.name: sub.decoded("TZOFFSETTO") for sub in zone.subcomponents}
    assert offsets == {"STANDARD": timedelta(hours=1), "DAYLIGHT": timedelta(hours=2)}


def test_a_change_keeps_the_uid_and_raises_the_sequence(make_meeting, chair):
    meeting = make_meeting(at(2026, 3, 10, 13))
    _calendar, first = parse(meeting_ics(meeting))

    services.meeting_update(meeting_id=meeting.pk, actor=chair, expected_version=meeting.version,
                            data={"starts_at": at(2026, 3, 10, 14),
                                  "ends_at": at(2026, 3, 10, 15)})
    meeting = Meeting.objects.get(pk=meeting.pk)
    _calendar, second = parse(meeting_ics(meeting))
    services.meeting_update(meeting_id=meeting.pk, actor=chair, expected_version=meeting.version,
                            data={"place": "Stora salen"})
    _calendar, third = parse(meeting_ics(Meeting.objects.get(pk=meeting.pk)))

    assert str(first["UID"]) == str(second["UID"]) == str(third["UID"]) == meeting.uid
    assert (first["SEQUENCE"], second["SEQUENCE"], third["SEQUENCE"]) == (0, 1, 2)
    assert second.decoded("DTSTART") == at(2026, 3, 10, 14)
    assert str(third["LOCATION"]) == "Stora salen"


def test_a_change_that_changes_nothing_keeps_the_sequence(make_meeting, chair):
    meeting = make_meeting(at(2026, 3, 10, 13))

    services.meeting_update(meeting_id=meeting.pk, actor=chair, expected_version=meeting.version,
                            data={"starts_at": at(2026, 3, 10, 13), "place": meeting.place})

    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


def test_a_cancellation_is_a_cancel_with_a_raised_sequence(sent_meeting, chair, members):
    meeting = sent_meeting(at(2026, 3, 10, 13))

    services.meeting_cancel(meeting_id=meeting.pk, actor=chair, reason="Inga ärenden.")

    cancellations = [
        m for m in OutboxMessage.objects.filter(dedupe_key__startswith="reminder:agenda:")
        if m.attachments[0]["mimetype"] == "text/calendar; method=CANCEL"
    ]
    assert sorted(m.recipients[0] for m in cancellations) == sorted(p.email for p in members)
    for message in cancellations:
        assert "Inga ärenden." in message.body
        calendar, event = parse(message.attachments[0]["content"])
        assert calendar["METHOD"] == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert (str(event["UID"]), event["SEQUENCE"]) == (meeting.uid, 1)


def test_adjusted_minutes_give_the_event_their_number(sent_meeting, decide, chair,
                                                      coordinator):
    meeting = decide(sent_meeting(at(2026, 3, 10, 13)), adjuster=coordinator)
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    services.minutes_sign(meeting_id=meeting.pk, actor=coordinator)

    _calendar, event = parse(meeting_ics(Meeting.objects.get(pk=meeting.pk)))

    assert str(event["SUMMARY"]) == "Beslutsråd IT – BIT 2026:1"


def test_the_feed_lists_several_meetings_without_a_method(make_meeting, chair):
    winter = make_meeting(at(2026, 3, 10, 13))
    summer = make_meeting(at(2026, 6, 16, 13))
    cancelled = make_meeting(at(2026, 6, 30, 13))
    services.meeting_cancel(meeting_id=cancelled.pk, actor=chair, reason="Semester.")

    ics = feed_ics(Meeting.objects.order_by("starts_at"), "Beslutsråd IT")

    calendar = Calendar.from_ical(ics)
    assert "METHOD" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == "Beslutsråd IT"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {winter.uid, summer.uid, cancelled.uid}
    assert events[winter.uid].decoded("DTSTART").astimezone(UTC).hour == 12
    assert events[summer.uid].decoded("DTSTART").astimezone(UTC).hour == 11
    assert str(events[cancelled.uid]["STATUS"]) == "CANCELLED"
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]


def test_an_empty_feed_is_still_a_calendar(db):
    calendar = Calendar.from_ical(feed_ics([], "Beslutsråd IT"))

    assert calendar.walk("VEVENT") == []
