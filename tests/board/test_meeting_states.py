"""A meeting follows the calendar, through one transition table.

planned → agenda sent → held → adjusted, or cancelled before it starts. The agenda is sent and
a meeting cancelled only before its start; the minutes open at the start (the scanner marks
the meeting held then, or the chair's first write to the minutes does) and nothing is kept,
signed or applied before.
"""

from __future__ import annotations

import pytest

from board import services
from board.models import BoardSettings, Meeting, Reminder
from board.reminders import agendas_scan, due, reminders_send_due
from board.services import NotAllowed, WrongState
from orders.models import Order
from tests.board.conftest import at
from tests.board.test_views import fresh, html, post_data, snapshot, url
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

M = Meeting.Status
OPENS = "Protokollet öppnas när mötet börjar, tisdag 10 mars 2026 kl. 13:00."


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
