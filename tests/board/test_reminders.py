"""Reminders: what the scanners send, when (Stockholm time), and that each goes out once.

A scanner computes from the database what is due at `now` and logs each reminder under a
unique key in the same transaction as its email: running it twice, two at once, or again
after a worker died half-way sends every reminder exactly once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from board import reminders, services
from board import tasks as board_tasks
from board.models import BoardSettings, Meeting, Reminder
from board.reminders import due, reminders_send_due
from orders import services as order_services
from tests.board.conftest import at
from tests.concurrency import run_together
from tests.factories import COMPLETE_BRIEF, ensure_priority_model
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

K = Reminder.Kind


def sent(kind: str | None = None) -> list[tuple[str, str]]:
    """(kind, recipient's email) of each reminder logged, with exactly one email each."""
    rows = Reminder.objects.exclude(kind__in=[K.AGENDA, K.EXPEDITION]).select_related(
        "recipient", "message")
    if kind:
        rows = rows.filter(kind=kind)
    result = []
    for reminder in rows:
        assert reminder.message is not None
        assert reminder.message.recipients == [reminder.recipient.email]
        result.append((reminder.kind, reminder.recipient.email))
    return sorted(result)


def reminder_messages() -> int:
    return OutboxMessage.objects.filter(dedupe_key__startswith="reminder:").exclude(
        dedupe_key__startswith="reminder:agenda:").count()


# --- members, the day before ----------------------------------------------------------------


def test_members_are_reminded_the_day_before(make_meeting, members):
    meeting = make_meeting(at(2026, 3, 10, 13))

    assert reminders_send_due(at(2026, 3, 9, 12, 59)) == 0
    assert reminders_send_due(at(2026, 3, 9, 13, 0)) == 3

    assert sent() == sorted((K.MEMBER, person.email) for person in members)
    reminder = Reminder.objects.filter(kind=K.MEMBER).select_related("message").first()
    assert reminder.meeting == meeting
    assert "13:00" in reminder.message.subject
    assert "10 mars 2026" in reminder.message.subject


def test_the_day_before_is_counted_in_stockholm_time_in_summer(make_meeting):
    make_meeting(at(2026, 6, 16, 13))  # 11:00 UTC in summer

    assert reminders_send_due(datetime(2026, 6, 15, 10, 59, tzinfo=UTC)) == 0
    assert reminders_send_due(datetime(2026, 6, 15, 11, 0, tzinfo=UTC)) == 3


def test_the_member_reminder_lead_time_is_a_setting(make_meeting):
    board = BoardSettings.load()
    board.member_reminder_hours = 48
    board.save()
    make_meeting(at(2026, 3, 10, 13))

    assert reminders_send_due(at(2026, 3, 8, 13)) == 3


def test_no_reminder_for_a_meeting_that_has_started(make_meeting):
    make_meeting(at(2026, 3, 10, 13))

    assert reminders_send_due(at(2026, 3, 10, 13, 30)) == 0


# --- handlers, before the cut-off -----------------------------------------------------------


@pytest.fixture
def incomplete_and_complete(make_order, coordinator):
    """Two orders in preparation: one without a brief, one whose brief is complete."""
    ensure_priority_model()
    incomplete = make_order("in_preparation", title="Utan underlag")
    complete = make_order("in_preparation", title="Med underlag")
    order_services.order_update_preparation(
        order_id=complete.pk, actor=coordinator,
        data={**COMPLETE_BRIEF, "priority_values": {"legal": 3}},
        expected_version=complete.version,
    )
    return incomplete, complete


def test_handlers_are_reminded_before_the_cut_off_of_orders_without_a_complete_brief(
    make_meeting, incomplete_and_complete, coordinator
):
    incomplete, _complete = incomplete_and_complete
    meeting = make_meeting(at(2026, 3, 10, 13))
    # Cut-off 72 h before the meeting, the reminder 48 h before that.
    assert reminders_send_due(at(2026, 3, 5, 12, 59)) == 0

    assert reminders_send_due(at(2026, 3, 5, 13, 0)) == 1

    [reminder] = Reminder.objects.filter(kind=K.HANDLER).select_related("message")
    assert (reminder.recipient, reminder.order, reminder.meeting) == (
        coordinator, incomplete, meeting)
    assert incomplete.reference in reminder.message.subject
    assert "2026-03-07 13:00" in reminder.message.body  # the cut-off, local time
    assert "IT-krav" in reminder.message.body  # what the brief lacks


def test_handlers_are_not_reminded_after_the_cut_off(make_meeting, incomplete_and_complete):
    make_meeting(at(2026, 3, 10, 13))

    assert reminders_send_due(at(2026, 3, 7, 13, 0)) == 0


# --- supplements --------------------------------------------------------------------------


@pytest.fixture
def awaiting(make_order, coordinator):
    """An order whose supplement was due on Monday 2 March 2026."""
    order = make_order("in_preparation")
    order_services.order_request_supplement(
        order_id=order.pk, actor=coordinator, question="Hur många användare?",
        due_date=date(2026, 3, 2),
    )
    return order


def test_an_overdue_supplement_is_reminded_at_the_due_date_and_again_up_to_the_limit(
    awaiting, orderer
):
    # Overdue from midnight after the due date, Stockholm time (23:00 UTC in winter).
    assert reminders_send_due(at(2026, 3, 2, 23, 59)) == 0
    assert reminders_send_due(datetime(2026, 3, 2, 23, 0, tzinfo=UTC)) == 1
    assert reminders_send_due(at(2026, 3, 7, 23, 59)) == 0
    assert reminders_send_due(at(2026, 3, 8, 0, 0)) == 1  # every 5 days
    assert reminders_send_due(at(2026, 3, 13, 0, 0)) == 1
    assert reminders_send_due(at(2026, 3, 18, 0, 0)) == 0  # at most 3
    assert reminders_send_due(at(2026, 6, 1)) == 0

    assert sent() == [(K.SUPPLEMENT, orderer.email)] * 3
    subjects = sorted(r.message.subject for r in Reminder.objects.select_related("message"))
    assert [s.split(":")[0] for s in subjects] == ["Påminnelse 1", "Påminnelse 2", "Påminnelse 3"]
    assert all(awaiting.reference in s for s in subjects)


def test_a_scanner_that_was_not_running_sends_one_supplement_reminder_not_a_burst(awaiting):
    assert reminders_send_due(at(2026, 3, 12, 9)) == 1
    assert reminders_send_due(at(2026, 3, 12, 10)) == 0
    assert reminders_send_due(at(2026, 3, 13, 0)) == 1
    assert reminders_send_due(at(2026, 4, 1)) == 0


def test_the_supplement_is_due_after_the_configured_days_when_no_date_was_given(
    make_order
):
    order = make_order("awaiting_supplement")
    asked = order.comments.get().created_at

    assert reminders_send_due(asked + timedelta(days=10) - timedelta(minutes=1)) == 0
    assert reminders_send_due(asked + timedelta(days=10)) == 1


def test_an_answered_supplement_is_not_reminded(awaiting, orderer):
    order_services.order_supplement(order_id=awaiting.pk, actor=orderer, answer="Tvåhundra.")

    assert reminders_send_due(at(2026, 3, 20)) == 0


# --- the chair, when the minutes are late ----------------------------------------------------


def test_the_chair_is_reminded_once_when_the_minutes_are_not_adjusted_in_time(
    sent_meeting, chair
):
    meeting = sent_meeting(at(2026, 3, 10, 13))

    # A week after the meeting ended (13:00–14:30).
    assert reminders_send_due(at(2026, 3, 17, 14, 29)) == 0
    assert reminders_send_due(at(2026, 3, 17, 14, 30)) == 1
    assert reminders_send_due(at(2026, 3, 30)) == 0

    assert sent() == [(K.MINUTES, chair.email)]
    assert Reminder.objects.get(kind=K.MINUTES).meeting == meeting


def test_adjusted_minutes_are_not_reminded(sent_meeting, decide, chair, coordinator):
    meeting = decide(sent_meeting(at(2026, 3, 10, 13)), adjuster=coordinator)
    services.minutes_sign(meeting_id=meeting.pk, actor=chair)
    services.minutes_sign(meeting_id=meeting.pk, actor=coordinator)

    assert reminders_send_due(at(2026, 3, 20)) == 0


# --- exactly once ---------------------------------------------------------------------------


@pytest.fixture
def everything_due(make_meeting, sent_meeting, incomplete_and_complete, awaiting):
    """At NOW: three member reminders (tomorrow's meeting), one handler reminder (a meeting
    in five days), one supplement reminder and one minutes reminder (a meeting 8 days ago)."""
    sent_meeting(at(2026, 3, 2, 13))
    make_meeting(at(2026, 3, 11, 13))
    make_meeting(at(2026, 3, 15, 13))
    return 6


NOW = at(2026, 3, 10, 13)


def test_each_reminder_is_sent_once_when_the_scanner_runs_twice(everything_due):
    assert reminders_send_due(NOW) == everything_due
    assert reminders_send_due(NOW) == 0
    assert reminders_send_due(NOW + timedelta(minutes=5)) == 0

    assert Reminder.objects.exclude(kind=K.AGENDA).count() == everything_due
    assert reminder_messages() == everything_due
    assert [kind for kind, _email in sent()].count(K.MEMBER) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_reminder_is_sent_once_when_scanners_run_at_the_same_time(everything_due):
    results = run_together(4, lambda i: reminders_send_due(NOW))

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == everything_due
    assert Reminder.objects.exclude(kind=K.AGENDA).count() == everything_due
    assert reminder_messages() == everything_due


@pytest.fixture
def due_now(make_meeting, clock):
    """A meeting in twelve hours, planned two weeks ago: its three member reminders are due
    now."""
    meeting = make_meeting(clock.now() + timedelta(days=14))
    clock.set(meeting.starts_at - timedelta(hours=12))
    return meeting


def test_a_retried_task_sends_nothing_twice(due_now):
    assert board_tasks.send_due_reminders() == 3
    assert board_tasks.send_due_reminders() == 0

    assert reminder_messages() == 3


def test_a_worker_dying_half_way_through_a_send_leaves_nothing_and_the_next_run_sends_it(
    due_now, monkeypatch
):
    # Every reminder is logged and queued by the services' notices module.
    real_enqueue = services.notices.outbox_enqueue

    def dies_after_queueing(**kwargs):
        real_enqueue(**kwargs)
        # The Reminder row and the email are written; the worker dies before the commit.
        raise SystemExit("worker lost")

    monkeypatch.setattr(services.notices, "outbox_enqueue", dies_after_queueing)
    with pytest.raises(SystemExit):
        board_tasks.send_due_reminders()
    assert not Reminder.objects.exists()
    assert not OutboxMessage.objects.exists()

    monkeypatch.undo()
    assert board_tasks.send_due_reminders() == 3
    assert board_tasks.send_due_reminders() == 0
    assert reminder_messages() == 3


# --- cancelled and moved meetings ------------------------------------------------------------


def test_no_reminder_is_sent_for_a_cancelled_meeting(
    sent_meeting, make_meeting, incomplete_and_complete, chair
):
    sent = sent_meeting(at(2026, 3, 10, 13))
    planned = make_meeting(at(2026, 3, 24, 13))
    for meeting in (sent, planned):
        services.meeting_cancel(meeting_id=meeting.pk, actor=chair, reason="Inställt.")

    for now in (at(2026, 3, 9, 13), at(2026, 3, 17, 13), at(2026, 3, 19, 13),
                at(2026, 3, 23, 13), at(2026, 4, 1)):
        assert reminders_send_due(now) == 0
        assert due(now, timedelta(days=30)) == []

    assert not Reminder.objects.exclude(kind=K.AGENDA).exists()
    # The members of the sent meeting got its cancellation.
    cancellations = [m for m in OutboxMessage.objects.all()
                     if m.attachments and "CANCEL" in m.attachments[0]["mimetype"]]
    assert len(cancellations) == 3


def test_a_moved_meeting_gets_a_new_invitation_and_a_new_member_reminder(
    sent_meeting, chair, members
):
    meeting = sent_meeting(at(2026, 3, 10, 13))
    assert reminders_send_due(at(2026, 3, 9, 13)) == 3

    services.meeting_update(
        meeting_id=meeting.pk, actor=chair, expected_version=meeting.version,
        data={"starts_at": at(2026, 3, 12, 9), "ends_at": at(2026, 3, 12, 10, 30)},
    )

    invitations = OutboxMessage.objects.filter(dedupe_key__startswith="reminder:agenda:")
    assert invitations.count() == 6
    moved = invitations.filter(dedupe_key__startswith=f"reminder:agenda:{meeting.pk}:1:")
    assert sorted(m.recipients[0] for m in moved) == sorted(p.email for p in members)
    for message in moved:
        event = Calendar.from_ical(message.attachments[0]["content"]).walk("VEVENT")[0]
        assert (str(event["UID"]), event["SEQUENCE"]) == (meeting.uid, 1)
        assert event.decoded("DTSTART") == at(2026, 3, 12, 9)
    assert reminders_send_due(at(2026, 3, 10, 13)) == 0
    assert reminders_send_due(at(2026, 3, 11, 9)) == 3
    assert reminders_send_due(at(2026, 3, 11, 10)) == 0
    assert sent(K.MEMBER) == sorted([(K.MEMBER, p.email) for p in members] * 2)


def test_a_meeting_changed_before_its_agenda_is_sent_sends_no_invitation(
    make_meeting, chair
):
    meeting = make_meeting(at(2026, 3, 10, 13))

    services.meeting_update(meeting_id=meeting.pk, actor=chair, data={"place": "Stora salen"},
                            expected_version=meeting.version)

    assert Meeting.objects.get(pk=meeting.pk).sequence == 1
    assert not OutboxMessage.objects.exists()


# --- what is due --------------------------------------------------------------------------


def test_due_lists_what_is_due_within_the_horizon_and_not_what_was_sent(
    make_meeting, awaiting, orderer, members
):
    make_meeting(at(2026, 3, 10, 13))
    now = at(2026, 3, 8, 12)

    upcoming = sorted(due(now, timedelta(days=3)),
                      key=lambda d: (d.due_at, d.recipient.email))

    # The second supplement reminder (the first is superseded), then tomorrow's meeting.
    assert [(d.kind, d.due_at, d.recipient.email) for d in upcoming] == [
        (K.SUPPLEMENT, at(2026, 3, 8), orderer.email),
        *sorted((K.MEMBER, at(2026, 3, 9, 13), person.email) for person in members),
    ]
    assert [d.key for d in due(now)] == [upcoming[0].key]

    reminders_send_due(at(2026, 3, 9, 13))

    assert due(at(2026, 3, 9, 13)) == []
    later = due(at(2026, 3, 9, 13), timedelta(days=10))
    # The meeting is held when it starts: the chair's reminder is due a week after it ends.
    assert [(d.kind, d.due_at) for d in later] == [(K.SUPPLEMENT, at(2026, 3, 13)),
                                                   (K.MINUTES, at(2026, 3, 17, 14, 30))]


def test_the_scanner_task_and_the_scanner_compute_the_same(due_now):
    assert [d.key for d in reminders.due()] == [d.key for d in due(timezone.now())]
