"""A meeting follows the calendar, through one transition table.

planned → agenda sent → held → adjusted, or cancelled before it starts. The agenda is sent and
a meeting cancelled only before its start; the minutes open at the start (the scanner marks
the meeting held then, or the chair's first write to the minutes does) and nothing is kept,
signed or applied before. Nothing is planned or moved into the past, and a second meeting in
the same room at the same time, or a cut-off that has already passed, is saved only once the
change manager has seen the warning and saves anyway.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from board import services
from board.models import BoardSettings, Meeting, MeetingSeries, Reminder
from board.reminders import agendas_scan, due, reminders_send_due
from board.services import BoardError, NeedsConfirmation, NotAllowed, WrongState
from orders.models import Order
from tests.board.conftest import at
from tests.board.test_views import fresh, html, post_data, snapshot, url
from tests.orders.test_views import assert_error_by_field
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

M = Meeting.Status
OPENS = "Protokollet öppnas när mötet börjar, tisdag 10 mars 2026 kl. 13:00."
ROOM = "Sammanträdesrum Bollmora"


def invitations() -> int:
    return OutboxMessage.objects.filter(dedupe_key__startswith="reminder:agenda:").count()


# --- the table ----------------------------------------------------------------------------


def test_every_change_of_a_meetings_state_is_in_its_table():
    assert {t.action: (set(t.sources), t.target) for t in services.MEETING_FLOW} == {
        "send_agenda": ({M.PLANNED}, M.AGENDA_SENT),
        "hold": ({M.PLANNED, M.AGENDA_SENT}, M.HELD),
        "adjust": ({M.HELD}, M.ADJUSTED),
        "cancel": ({M.PLANNED, M.AGENDA_SENT}, M.CANCELLED),
    }


def test_the_meeting_page_offers_sending_and_cancelling_only_while_the_service_allows_it(
    client, make_meeting, chair, it_chief, clock
):
    meeting = make_meeting(at(2026, 3, 10, 13))
    send, cancel = url("send_agenda", meeting), url("meeting_cancel", meeting)

    def offered(person) -> set[str]:
        client.force_login(person)
        page = html(client.get(url("meeting", meeting)))
        actions = {f.attrs.get("action") for f in page.find_all("form")}
        return {name for name, action in (("send", send), ("cancel", cancel))
                if action in actions}

    assert offered(chair) == {"send", "cancel"}
    assert offered(it_chief) == set()
    clock.set(at(2026, 3, 10, 13))
    assert offered(chair) == set()
    response = client.post(send, post_data("send_agenda", meeting))
    assert response.status_code == 409
    assert fresh(meeting).status == M.PLANNED


# --- the agenda and cancelling, before the start only -----------------------------------------


def test_the_agenda_is_sent_and_the_meeting_cancelled_only_before_it_starts(
    make_meeting, chair, it_chief, orderer, clock
):
    meeting = make_meeting(at(2026, 3, 10, 13))
    for person in (it_chief, orderer):
        with pytest.raises(NotAllowed):
            services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=person)
        with pytest.raises(NotAllowed):
            services.meeting_cancel(meeting_id=meeting.pk, actor=person, reason="Sjuk.")

    clock.set(at(2026, 3, 10, 13))
    with pytest.raises(WrongState, match="Mötet har börjat: dagordningen skickas inte"):
        services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=chair)
    # The scanner's or the task's late run sends nothing: the meeting is held instead.
    assert services.agenda_freeze_and_send(meeting_id=meeting.pk) is False
    with pytest.raises(WrongState, match="Mötet har börjat och kan inte längre ställas in"):
        services.meeting_cancel(meeting_id=meeting.pk, actor=chair, reason="För sent.")
    assert fresh(meeting).status == M.PLANNED
    assert invitations() == 0


def test_the_chair_cancels_a_meeting_until_it_starts(make_meeting, chair, clock):
    meeting = make_meeting(at(2026, 3, 10, 13))
    clock.set(at(2026, 3, 10, 12, 59))

    services.meeting_cancel(meeting_id=meeting.pk, actor=chair, reason="Inga ärenden.")

    assert fresh(meeting).status == M.CANCELLED


# --- the minutes open at the start --------------------------------------------------------------


@pytest.fixture
def fortnight_ahead(sent_meeting, ready_order, chair, it_chief, clock):
    """The issue's meeting: its agenda sent, it meets in 14 days (10 March 2026 at 13:00)."""
    order = ready_order()
    meeting = sent_meeting(at(2026, 3, 10, 13))
    clock.set(at(2026, 2, 24, 10))
    return meeting, order


def test_minutes_a_fortnight_ahead_are_neither_kept_signed_nor_applied(
    fortnight_ahead, chair, it_chief
):
    meeting, order = fortnight_ahead
    item = meeting.items.get(order=order)
    before = snapshot(meeting)
    writes = {
        "attendance": lambda: services.meeting_record_attendance(
            meeting_id=meeting.pk, actor=chair,
            present={m.pk: True for m in meeting.members.all()}),
        "adjuster": lambda: services.meeting_set_adjuster(
            meeting_id=meeting.pk, actor=chair, adjuster=it_chief),
        "decision": lambda: services.item_record_decision(
            item_id=item.pk, actor=chair, outcome="approve"),
        "sign": lambda: services.minutes_sign(meeting_id=meeting.pk, actor=chair),
    }

    for name, write in writes.items():
        with pytest.raises(WrongState) as refused:
            write()
        assert refused.value.message == OPENS, name

    assert snapshot(meeting) == before
    assert Order.objects.get(pk=order.pk).status == Order.Status.READY_FOR_DECISION


@pytest.mark.parametrize("who", ["it_chief", "orderer"])
def test_someone_other_than_the_chair_is_refused_the_minutes_before_and_after_the_start(
    who, request, fortnight_ahead, meet
):
    person = request.getfixturevalue(who)
    meeting, order = fortnight_ahead
    before = snapshot(meeting)

    for _moment in ("before", "after"):
        with pytest.raises(NotAllowed):
            services.meeting_record_attendance(meeting_id=meeting.pk, actor=person,
                                               present={})
        with pytest.raises(NotAllowed):
            services.item_record_decision(item_id=meeting.items.get(order=order).pk,
                                          actor=person, outcome="approve")
        with pytest.raises(NotAllowed):
            services.minutes_sign(meeting_id=meeting.pk, actor=person)
        meet(meeting)

    assert snapshot(meeting) == before


def test_a_meeting_marked_held_before_its_start_is_not_adjusted_before_it(
    fortnight_ahead, decide, chair, it_chief, clock
):
    """Minutes kept ahead of the meeting, as the board allowed before it followed the
    calendar, are not adjusted and their decisions not applied until the meeting has
    started."""
    meeting, order = fortnight_ahead
    decide(meeting, adjuster=it_chief)
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    # The same minutes, dated back to before the start (what the old rules left behind).
    clock.set(at(2026, 2, 24, 10))

    with pytest.raises(WrongState, match=OPENS):
        services.minutes_sign(meeting_id=meeting.pk, actor=it_chief)
    with pytest.raises(WrongState, match=OPENS):
        services.meeting_record_attendance(meeting_id=meeting.pk, actor=chair, present={})

    assert fresh(meeting).status == M.HELD
    assert Order.objects.get(pk=order.pk).status == Order.Status.READY_FOR_DECISION
    clock.set(at(2026, 3, 10, 15))
    services.minutes_sign(meeting_id=meeting.pk, actor=it_chief)
    assert fresh(meeting).status == M.ADJUSTED
    assert Order.objects.get(pk=order.pk).status == Order.Status.APPROVED


def test_the_minutes_page_says_when_the_minutes_open(client, fortnight_ahead, chair, clock):
    meeting, _order = fortnight_ahead
    client.force_login(chair)

    page = html(client.get(url("minutes", meeting)))
    assert "Protokollet öppnas när mötet börjar, tisdag 10 mars 2026 kl. 13:00." in (
        " ".join(page.by_id("minutes-closed").text().split()))
    assert not page.has_id("narvaro")

    clock.set(at(2026, 3, 10, 13))
    page = html(client.get(url("minutes", meeting)))
    assert not page.has_id("minutes-closed")
    assert page.find_all("form", action=url("attendance", meeting))


def test_the_scanner_marks_a_meeting_held_when_it_starts(sent_meeting, clock):
    meeting = sent_meeting(at(2026, 3, 10, 13))
    version = fresh(meeting).version

    clock.set(at(2026, 3, 10, 12, 59))
    assert agendas_scan()["held"] == 0
    assert fresh(meeting).status == M.AGENDA_SENT
    clock.set(at(2026, 3, 10, 13))
    assert agendas_scan()["held"] == 1
    assert agendas_scan()["held"] == 0

    meeting = fresh(meeting)
    assert meeting.status == M.HELD
    # A form the chair opened before the start is not made stale by the start.
    assert meeting.version == version
    assert meeting.history.first().history_change_reason == "Mötet har börjat"


def test_a_meeting_whose_agenda_was_never_sent_is_held_at_its_start_with_its_agenda_frozen(
    make_meeting, ready_order, chair, clock
):
    order = ready_order()
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)
    clock.set(at(2026, 3, 10, 13, 10))

    services.item_record_decision(item_id=meeting.items.get(order=order).pk, actor=chair,
                                  outcome="approve")

    meeting = fresh(meeting)
    assert meeting.status == M.HELD
    assert meeting.agenda_frozen_at >= at(2026, 3, 10, 13, 10)
    # Too late for an invitation; an item added now is a late one.
    assert invitations() == 0
    assert services.agenda_add_item(meeting_id=meeting.pk, actor=chair, title="Övrigt").is_late


def test_the_chairs_first_write_holds_a_started_meeting_before_the_scanner_runs(
    sent_meeting, meet, chair
):
    meeting = meet(sent_meeting(at(2026, 3, 10, 13)))

    services.meeting_record_attendance(meeting_id=meeting.pk, actor=chair, present={})

    assert fresh(meeting).status == M.HELD


# --- planning and moving --------------------------------------------------------------------


def test_a_meeting_is_not_planned_in_the_past(chair, clock):
    with pytest.raises(BoardError) as refused:
        services.meeting_create(actor=chair, starts_at=clock.now() - timedelta(minutes=1))

    assert refused.value.field == "starts_at"
    assert "bakåt i tiden" in refused.value.message
    assert not Meeting.objects.exists()


def test_the_form_refuses_a_past_date_next_to_the_date_field(client, chair, members):
    client.force_login(chair)

    response = client.post(url("meeting_create"), {
        "day": "2026-01-02", "start": "13:00", "end": "14:30", "place": ROOM})

    assert response.status_code == 400
    assert_error_by_field(response, "id_day", "bakåt i tiden")
    assert not Meeting.objects.exists()


def test_a_meeting_is_not_moved_into_the_past_nor_once_it_has_started(
    client, make_meeting, chair, clock
):
    meeting = make_meeting(at(2026, 3, 10, 13))
    clock.set(at(2026, 3, 9, 9))
    client.force_login(chair)

    response = client.post(url("meeting_edit", meeting), post_data(
        "meeting_edit", meeting, day="2026-03-08"))
    assert response.status_code == 400
    assert_error_by_field(response, "id_day", "bakåt i tiden")

    clock.set(at(2026, 3, 10, 13, 30))
    with pytest.raises(BoardError, match="Mötet har börjat: tiden kan inte längre ändras"):
        services.meeting_update(meeting_id=meeting.pk, actor=chair,
                                expected_version=fresh(meeting).version,
                                data={"starts_at": at(2026, 3, 11, 13),
                                      "ends_at": at(2026, 3, 11, 14)})
    assert fresh(meeting).starts_at == at(2026, 3, 10, 13)
    # Where it was held can still be put right in the minutes' draft.
    services.meeting_update(meeting_id=meeting.pk, actor=chair,
                            expected_version=fresh(meeting).version,
                            data={"place": "Sammanträdesrum Tyresö slott"})
    assert fresh(meeting).place == "Sammanträdesrum Tyresö slott"


def test_a_meeting_planned_after_its_cut_off_is_confirmed_and_its_agenda_sent_at_once(
    chair, members, ready_order, clock
):
    order = ready_order()
    starts_at = clock.now() + timedelta(days=2)

    with pytest.raises(NeedsConfirmation) as warned:
        services.meeting_create(actor=chair, starts_at=starts_at, place=ROOM)
    [warning] = warned.value.warnings
    assert "stopptid" in warning and "har redan passerat" in warning
    assert not Meeting.objects.exists()

    before = timezone.now()
    meeting = services.meeting_create(actor=chair, starts_at=starts_at, place=ROOM,
                                      confirmed=warned.value.token)

    meeting = fresh(meeting)
    assert meeting.status == M.AGENDA_SENT
    # Frozen now, not at the cut-off that had passed.
    assert meeting.agenda_frozen_at >= before
    assert meeting.items.filter(order=order).exists()
    assert invitations() == len(members)


def test_the_page_warns_of_a_passed_cut_off_and_the_agenda_goes_out_when_confirmed(
    client, chair, members, clock
):
    client.force_login(chair)
    day = (clock.now() + timedelta(days=2)).date().isoformat()
    data = {"day": day, "start": "13:00", "end": "14:30", "place": ROOM}

    response = client.post(url("meeting_create"), data)

    assert response.status_code == 409
    page = html(response)
    assert "stopptid" in page.by_id("meeting-warnings").text()
    assert not Meeting.objects.exists()
    response = client.post(url("meeting_create"), {
        **data, "confirm": "on", "confirmed": response.context["form"].data["confirmed"]})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.status == M.AGENDA_SENT
    detail = " ".join(html(client.get(meeting.get_absolute_url())).text().split())
    assert "Den låses och skickas till ledamöterna" not in detail
    assert "Dagordningen låstes och skickades" in detail


@pytest.fixture
def booked(make_meeting):
    """A meeting on 10 March 2026, 13:00–14:30, in the Bollmora room."""
    return make_meeting(at(2026, 3, 10, 13), ends_at=at(2026, 3, 10, 14, 30), place=ROOM)


def test_a_second_meeting_in_the_same_room_at_the_same_time_is_saved_only_when_confirmed(
    booked, chair
):
    with pytest.raises(NeedsConfirmation) as warned:
        # The same room, however it is written.
        services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 14),
                                place="  sammanträdesrum BOLLMORA ")
    [warning] = warned.value.warnings
    assert warning == (f"{ROOM} är upptaget av ett annat möte samtidigt: tisdag 10 mars 2026 "
                       "kl. 13:00 till 14:30.")
    assert Meeting.objects.count() == 1

    services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 14),
                            place="  sammanträdesrum BOLLMORA ", confirmed=warned.value.token)
    assert Meeting.objects.count() == 2


def test_another_room_another_hour_or_a_cancelled_meeting_is_no_overlap(booked, chair):
    services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 13), place="Stora salen")
    services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 14, 30), place=ROOM)
    services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 11), place=ROOM,
                            ends_at=at(2026, 3, 10, 13))
    # A video meeting has no room to share.
    services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 13),
                            video_link="https://teams.example.se/bit")
    services.meeting_cancel(meeting_id=booked.pk, actor=chair, reason="Flyttas.")
    services.meeting_create(actor=chair, starts_at=at(2026, 3, 10, 13), place=ROOM)

    assert Meeting.objects.count() == 6


def test_the_page_warns_of_an_overlap_and_saves_when_save_anyway_is_ticked(
    client, booked, chair
):
    client.force_login(chair)
    data = {"day": "2026-03-10", "start": "13:30", "end": "15:00", "place": ROOM}

    response = client.post(url("meeting_create"), data)

    assert response.status_code == 409
    page = html(response)
    assert "upptaget av ett annat möte" in page.by_id("meeting-warnings").text()
    box = page.by_id("id_confirm")
    assert box.attrs["type"] == "checkbox" and "checked" not in box.attrs
    assert_error_by_field(response, "id_confirm", "Spara ändå")
    # Sent again without ticking the box, it is not saved either.
    token = response.context["form"].data["confirmed"]
    assert client.post(url("meeting_create"), {**data, "confirmed": token}).status_code == 409
    assert Meeting.objects.count() == 1
    response = client.post(url("meeting_create"), {**data, "confirmed": token, "confirm": "on"})
    assert response.status_code == 302
    assert Meeting.objects.count() == 2


def test_a_confirmation_counts_only_for_the_warnings_that_were_shown(
    client, booked, make_meeting, chair
):
    client.force_login(chair)
    data = {"day": "2026-03-10", "start": "13:30", "end": "15:00", "place": ROOM}
    token = client.post(url("meeting_create"), data).context["form"].data["confirmed"]
    # Meanwhile the room is booked from 14:45 as well.
    make_meeting(at(2026, 3, 10, 14, 45), place=ROOM)

    response = client.post(url("meeting_create"), {**data, "confirmed": token, "confirm": "on"})

    assert response.status_code == 409
    assert len(response.context["form"].warnings) == 2
    assert Meeting.objects.count() == 2
    # Seen and confirmed as they are now, it is saved.
    token = response.context["form"].data["confirmed"]
    response = client.post(url("meeting_create"), {**data, "confirmed": token, "confirm": "on"})
    assert response.status_code == 302
    assert Meeting.objects.count() == 3


def test_moving_a_meeting_onto_another_is_a_warning_to_confirm(
    client, booked, make_meeting, chair
):
    other = make_meeting(at(2026, 3, 12, 13), place=ROOM)
    client.force_login(chair)
    data = post_data("meeting_edit", other, day="2026-03-10", start="14:00", end="15:00",
                     place=ROOM)

    response = client.post(url("meeting_edit", other), data)

    assert response.status_code == 409
    assert "upptaget av ett annat möte" in html(response).by_id("meeting-warnings").text()
    assert fresh(other).starts_at == at(2026, 3, 12, 13)
    response = client.post(url("meeting_edit", other), {
        **data, "confirm": "on", "confirmed": response.context["form"].data["confirmed"]})
    assert response.status_code == 302
    assert fresh(other).starts_at == at(2026, 3, 10, 14)
    # Its own time and room are no overlap: changing only the video link warns of nothing.
    services.meeting_update(meeting_id=other.pk, actor=chair,
                            expected_version=fresh(other).version,
                            data={"video_link": "https://teams.example.se/bit"})


def test_a_series_plans_no_meeting_whose_start_has_passed(chair, members, clock):
    clock.set(at(2026, 3, 3, 14))  # a Tuesday, after the series' 13:00
    series = MeetingSeries.objects.create(
        name="Beslutsråd IT", first_date=date(2026, 3, 3), interval_weeks=1,
        start_time=time(13), chair=chair, place=ROOM, skip_holidays=False)

    created = services.series_generate(series=series, until=date(2026, 3, 17))

    assert [timezone.localtime(m.starts_at).date() for m in created] == [
        date(2026, 3, 10), date(2026, 3, 17)]


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_as_upcoming_only_meetings_still_to_be_held(
    client, sent_meeting, make_meeting, decide, chair, it_chief, clock
):
    adjusted = decide(sent_meeting(at(2026, 3, 3, 13)), adjuster=it_chief)
    services.minutes_sign(meeting_id=adjusted.pk, actor=chair)
    services.minutes_sign(meeting_id=adjusted.pk, actor=it_chief)
    under_way = sent_meeting(at(2026, 3, 10, 13))
    cancelled = make_meeting(at(2026, 3, 24, 13))
    services.meeting_cancel(meeting_id=cancelled.pk, actor=chair, reason="Inga ärenden.")
    upcoming = make_meeting(at(2026, 3, 31, 13))
    clock.set(at(2026, 3, 10, 13, 30))
    # Adjusted minutes dated ahead of their meeting (as the old rules allowed) are past too.
    early = make_meeting(at(2026, 4, 7, 13))
    Meeting.objects.filter(pk=early.pk).update(status=M.ADJUSTED)
    client.force_login(chair)

    response = client.get(url("meetings"))

    assert [m.pk for m in response.context["upcoming"]] == [upcoming.pk]
    assert response.context["next_meeting"].pk == upcoming.pk
    assert [m.pk for m in response.context["past"]] == [
        early.pk, cancelled.pk, under_way.pk, adjusted.pk]
    page = html(response)
    assert page.by_id("h-past").text() == "Tidigare och inställda möten"


# --- reminders ------------------------------------------------------------------------------


def test_no_minutes_reminder_before_the_meeting_has_ended(sent_meeting, chair):
    board = BoardSettings.load()
    board.minutes_due_days = 0
    board.save()
    sent_meeting(at(2026, 3, 10, 13))

    assert reminders_send_due(at(2026, 3, 10, 13)) == 0
    assert reminders_send_due(at(2026, 3, 10, 14, 29)) == 0
    assert [d.kind for d in due(at(2026, 3, 10, 14, 30))] == [Reminder.Kind.MINUTES]
    assert reminders_send_due(at(2026, 3, 10, 14, 30)) == 1
