"""Recurring meetings: every n weeks, skipping Swedish public holidays and their eves
(julafton, nyårsafton, midsommarafton) and the series' own exceptions, up to its last date;
generating again creates nothing more."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from board import services
from board.models import Meeting, MeetingSeries, SeriesException
from board.services import series_dates, series_generate
from tests.board.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_series(chair, members):
    def make(first_date: date, **fields) -> MeetingSeries:
        fields = {"name": "Beslutsråd IT", "interval_weeks": 2, "start_time": time(13),
                  "duration_minutes": 90, "place": "Bollmora", **fields}
        return MeetingSeries.objects.create(first_date=first_date, chair=chair, **fields)

    return make


def generate(series: MeetingSeries, until: date) -> list[Meeting]:
    """Generate from the series' first date (the tests' dates are fixed, today is not)."""
    return series_generate(series=series, until=until, since=series.first_date)


def local_dates() -> list[date]:
    return [timezone.localtime(m.starts_at).date() for m in Meeting.objects.order_by("starts_at")]


def test_every_second_tuesday_skips_a_public_holiday(make_series):
    series = make_series(date(2025, 12, 23))  # a Tuesday; 6 January 2026 is a holiday

    assert series_dates(series, date(2026, 2, 17)) == [
        date(2025, 12, 23), date(2026, 1, 20), date(2026, 2, 3), date(2026, 2, 17),
    ]


def test_a_weekly_thursday_skips_christmas_eve_and_new_years_eve(make_series):
    series = make_series(date(2026, 12, 10), interval_weeks=1)

    assert series_dates(series, date(2027, 1, 14)) == [
        date(2026, 12, 10), date(2026, 12, 17), date(2027, 1, 7), date(2027, 1, 14),
    ]


def test_a_friday_series_skips_midsummer_eve(make_series):
    series = make_series(date(2026, 6, 12), interval_weeks=1)

    assert date(2026, 6, 19) not in series_dates(series, date(2026, 6, 30))
    assert date(2026, 6, 26) in series_dates(series, date(2026, 6, 30))


def test_holidays_are_kept_when_the_series_says_so(make_series):
    series = make_series(date(2026, 12, 10), interval_weeks=1, skip_holidays=False)

    assert date(2026, 12, 24) in series_dates(series, date(2026, 12, 31))


def test_explicit_exceptions_are_skipped(make_series):
    series = make_series(date(2026, 3, 3))
    SeriesException.objects.create(series=series, date=date(2026, 3, 17), reason="Sportlov")

    assert series_dates(series, date(2026, 3, 31)) == [date(2026, 3, 3), date(2026, 3, 31)]


def test_the_series_ends_at_its_last_date_or_the_date_asked_for(make_series):
    series = make_series(date(2026, 3, 3), until=date(2026, 3, 20))

    assert series_dates(series, date(2026, 12, 31)) == [date(2026, 3, 3), date(2026, 3, 17)]
    assert series_dates(series, date(2026, 3, 16)) == [date(2026, 3, 3)]


def test_generating_creates_the_meetings_at_the_local_time_and_again_creates_nothing(
    make_series, chair, members
):
    # Summer time starts on 29 March 2026.
    series = make_series(date(2026, 3, 17), video_link="https://meet.tyreso.se/bit")

    created = generate(series, date(2026, 4, 14))
    again = generate(series, date(2026, 4, 14))

    assert again == []
    assert local_dates() == [date(2026, 3, 17), date(2026, 3, 31), date(2026, 4, 14)]
    assert [m.starts_at.astimezone(UTC) for m in Meeting.objects.order_by("starts_at")] == [
        datetime(2026, 3, 17, 12, tzinfo=UTC), datetime(2026, 3, 31, 11, tzinfo=UTC),
        datetime(2026, 4, 14, 11, tzinfo=UTC),
    ]
    meeting = created[0]
    assert (meeting.series, meeting.chair, meeting.place, meeting.video_link) == (
        series, chair, "Bollmora", "https://meet.tyreso.se/bit")
    assert (meeting.ends_at - meeting.starts_at).total_seconds() == 90 * 60
    assert sorted(meeting.members.values_list("person_id", flat=True)) == sorted(
        p.pk for p in members)
    assert meeting.status == Meeting.Status.PLANNED


def test_generating_further_adds_only_the_new_dates(make_series):
    series = make_series(date(2026, 3, 3))
    generate(series, date(2026, 3, 17))

    created = generate(series, date(2026, 4, 14))

    assert [timezone.localtime(m.starts_at).date() for m in created] == [
        date(2026, 3, 31), date(2026, 4, 14)]
    assert Meeting.objects.count() == 4


def test_an_inactive_series_generates_nothing(make_series):
    series = make_series(date(2026, 3, 3), is_active=False)

    assert generate(series, date(2026, 4, 14)) == []
    assert not Meeting.objects.exists()


def test_a_cancelled_meeting_of_the_series_is_not_planned_again(make_series, chair):
    series = make_series(date(2026, 3, 3))
    first, _second = generate(series, date(2026, 3, 17))
    services.meeting_cancel(meeting_id=first.pk, actor=chair, reason="Sportlov.")

    assert generate(series, date(2026, 3, 17)) == []


def test_a_moved_meeting_of_the_series_is_not_planned_again_on_its_old_date(
    make_series, chair
):
    series = make_series(date(2026, 3, 3))
    first, _second = generate(series, date(2026, 3, 17))

    services.meeting_update(meeting_id=first.pk, actor=chair, expected_version=first.version,
                            data={"starts_at": at(2026, 3, 4, 9), "ends_at": at(2026, 3, 4, 10)})

    assert generate(series, date(2026, 3, 17)) == []
    assert local_dates() == [date(2026, 3, 4), date(2026, 3, 17)]
    assert list(series.exceptions.values_list("date", flat=True)) == [date(2026, 3, 3)]


def test_a_series_that_began_in_the_past_is_planned_from_today(make_series):
    today = timezone.localdate()
    series = make_series(today - timedelta(weeks=10), interval_weeks=1, skip_holidays=False)

    created = series_generate(series=series, until=today + timedelta(days=13))

    assert [timezone.localtime(m.starts_at).date() for m in created] == [
        today, today + timedelta(weeks=1)]


def test_the_periodic_task_keeps_every_active_series_planned_ahead(make_series):
    from board.tasks import generate_series_meetings

    today = timezone.localdate()
    make_series(today, interval_weeks=1, skip_holidays=False)
    make_series(today, interval_weeks=1, skip_holidays=False, is_active=False)

    assert generate_series_meetings(weeks_ahead=3) == 4
    assert generate_series_meetings(weeks_ahead=3) == 0
