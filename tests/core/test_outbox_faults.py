"""The outbox against a real SMTP server that is slow, refuses, hangs up and goes away.

The server is aiosmtpd on a loopback port (tests/core/smtp_server.py), and the drain sends to it
through production's SMTP backend. A mail server that cannot be reached is no message's fault:
nothing is charged, the drains back off, and when it is back every email goes out once. A
message's own fault (a refused address or content) is charged to that message only. Where the
test needs hours to pass, the clock is faked; the server really is stopped and started.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.utils import timezone

from tests.concurrency import run_together
from tyreso_it.core.models import MailServerState, OutboxMessage
from tyreso_it.core.services import outbox_deliver_pending, outbox_enqueue

pytestmark = pytest.mark.django_db

M = OutboxMessage.Status


class Clock:
    """`timezone.now()` as the test sets it."""

    def __init__(self, monkeypatch) -> None:
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def queue(count: int, *, start: int = 0, to: list[str] | None = None) -> list[OutboxMessage]:
    return [
        outbox_enqueue(recipients=to or [f"person{i}@tyreso.se"], subject=f"Meddelande {i}",
                       body="Text", dedupe_key=f"test-{i}")
        for i in range(start, start + count)
    ]


def statuses() -> dict[str, str]:
    return dict(OutboxMessage.objects.values_list("subject", "status"))


def server_state() -> MailServerState | None:
    return MailServerState.objects.filter(pk=MailServerState.ONE).first()


# --- sent once, over one connection, recognisably -----------------------------------------------


def test_a_drain_sends_each_message_once_over_one_connection_with_its_own_message_id(smtp):
    messages = queue(5)

    assert outbox_deliver_pending() == 5
    assert outbox_deliver_pending() == 0

    assert smtp.recorder.connections == 1
    assert smtp.recorder.copies() == {m.message_id: 1 for m in messages}
    assert len({m.message_id for m in messages}) == 5
    for message in messages:
        assert message.message_id.startswith("<") and message.message_id.endswith("@127.0.0.1>")
    assert {r.auto_submitted for r in smtp.recorder.received} == {"auto-generated"}
    assert set(statuses().values()) == {M.SENT}


def test_nothing_pending_opens_no_connection(smtp):
    assert outbox_deliver_pending() == 0
    assert smtp.recorder.connections == 0


def test_a_copy_sent_again_after_the_server_hung_up_carries_the_same_message_id(smtp, clock):
    first, second = queue(2)
    # The server accepts the first message and hangs up before the drain hears so.
    smtp.recorder.hang_ups = 1

    assert outbox_deliver_pending() == 0

    first.refresh_from_db()
    assert (first.status, first.attempts) == (M.PENDING, 0)
    assert first.claim_token is None
    assert smtp.recorder.copies() == {first.message_id: 1}

    clock.advance(minutes=1, seconds=1)
    assert outbox_deliver_pending() == 2

    # Sent twice, but as the same email: a mail client folds the copies by Message-ID.
    assert smtp.recorder.copies() == {first.message_id: 2, second.message_id: 1}
    assert set(statuses().values()) == {M.SENT}


# --- the mail server away ------------------------------------------------------------------------


@pytest.mark.parametrize("outage", [timedelta(seconds=60), timedelta(minutes=30)],
                         ids=["60-seconds", "30-minutes"])
def test_a_mail_server_outage_charges_no_message_and_loses_none(smtp, clock, outage):
    smtp.stop()
    before = queue(5)
    started = clock.now
    tries_while_down = 0
    queued_during = []

    # Beat drains every 15 seconds throughout the outage.
    while clock.now - started < outage:
        assert outbox_deliver_pending() == 0
        state = server_state()
        tries_while_down = state.failures if state else 0
        if not queued_during and clock.now - started >= outage / 2:
            queued_during = queue(5, start=5)
        clock.advance(seconds=15)

    assert OutboxMessage.objects.filter(status=M.PENDING).count() == 10
    assert not OutboxMessage.objects.filter(attempts__gt=0).exists()
    assert server_state().failing_since == started
    assert "ConnectionRefusedError" in server_state().last_error
    # Backing off: a try a minute at first, doubling, not one every drain.
    assert 1 <= tries_while_down <= 6

    smtp.start()
    back = clock.now
    while OutboxMessage.objects.filter(status=M.PENDING).exists():
        assert clock.now - back <= timedelta(hours=1), "not delivered within the longest wait"
        outbox_deliver_pending()
        clock.advance(seconds=15)

    assert smtp.recorder.copies() == {m.message_id: 1 for m in before + queued_during}
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(M.SENT, 1)}
    assert server_state().failures == 0


def test_retries_continue_for_hours_at_most_an_hour_apart(smtp, clock):
    smtp.stop()
    queue(1)
    tries = []
    for _ in range(12 * 60):  # twelve hours of drains, a minute apart
        outbox_deliver_pending()
        state = server_state()
        if state.failures > len(tries):
            tries.append(clock.now)
        clock.advance(minutes=1)

    gaps = [later - earlier for earlier, later in zip(tries, tries[1:], strict=False)]
    assert gaps[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(gaps) == timedelta(hours=1)
    assert tries[-1] - tries[0] > timedelta(hours=10)
    assert OutboxMessage.objects.get().status == M.PENDING
    assert OutboxMessage.objects.get().attempts == 0


def test_while_the_server_is_failing_a_drain_before_the_next_try_does_not_connect(smtp, clock):
    queue(1)
    smtp.stop()
    outbox_deliver_pending()
    smtp.start()

    clock.advance(seconds=30)
    assert outbox_deliver_pending() == 0
    assert smtp.recorder.connections == 0

    clock.advance(seconds=31)
    assert outbox_deliver_pending() == 1
    assert smtp.recorder.connections == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_server_lost_in_the_middle_of_a_drain_charges_nobody_and_the_rest_go_later(smtp):
    messages = queue(10)
    smtp.recorder.latency = 0.2
    result: list[int] = []

    def drain_in_a_worker() -> None:
        try:
            result.append(outbox_deliver_pending())
        finally:
            connection.close()  # the thread's own, so the test database can be dropped

    drain = threading.Thread(target=drain_in_a_worker)
    drain.start()
    deadline = time.monotonic() + 20
    while len(smtp.recorder.received) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    smtp.stop()
    drain.join(timeout=30)

    sent = OutboxMessage.objects.filter(status=M.SENT)
    assert 3 <= sent.count() < 10
    assert result == [sent.count()]
    assert not OutboxMessage.objects.filter(status=M.PENDING, attempts__gt=0).exists()
    assert not OutboxMessage.objects.filter(claim_token__isnull=False).exists()
    assert server_state().failures == 1

    smtp.start()
    MailServerState.objects.update(retry_at=None)  # the back-off has passed
    assert outbox_deliver_pending() == 10 - result[0]
    copies = smtp.recorder.copies()
    assert set(copies) == {m.message_id for m in messages}
    # At most the one message in flight when the server went can arrive twice.
    assert sum(copies.values()) - len(copies) <= 1


# --- a message's own faults ----------------------------------------------------------------------


def test_a_refused_address_fails_that_message_only_and_the_others_still_go(smtp):
    smtp.recorder.refuse = {"slutat@tyreso.se": "550 5.1.1 No such user"}
    gone = outbox_enqueue(recipients=["slutat@tyreso.se"], subject="Till en som slutat",
                          body="Text")
    mixed = outbox_enqueue(recipients=["slutat@tyreso.se", "kvar@tyreso.se"],
                           subject="Till båda", body="Text")
    others = queue(2)

    assert outbox_deliver_pending() == 3

    gone.refresh_from_db()
    assert (gone.status, gone.attempts) == (M.FAILED, 1)
    assert gone.failed_at is not None
    assert gone.last_error == "slutat@tyreso.se: 550 5.1.1 No such user"
    mixed.refresh_from_db()
    assert mixed.status == M.SENT
    assert mixed.refused == {"slutat@tyreso.se": "550 5.1.1 No such user"}
    received = {r.message_id: r.recipients for r in smtp.recorder.received}
    assert received == {mixed.message_id: ("kvar@tyreso.se",),
                        **{m.message_id: tuple(m.recipients) for m in others}}
    # Given up for good: a later drain does not try it again.
    assert outbox_deliver_pending() == 0
    assert len(smtp.recorder.received) == 3


def test_content_the_server_refuses_for_good_fails_at_once(smtp):
    smtp.recorder.refuse_subjects = {"Meddelande 0": "554 5.7.1 Message rejected"}
    queue(2)

    assert outbox_deliver_pending() == 1

    assert statuses() == {"Meddelande 0": M.FAILED, "Meddelande 1": M.SENT}
    assert OutboxMessage.objects.get(subject="Meddelande 0").last_error == (
        "554 5.7.1 Message rejected"
    )
    assert server_state() is None


def test_a_temporary_refusal_is_retried_with_back_off_then_given_up(smtp, clock, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp.recorder.refuse = {"full@tyreso.se": "452 4.2.2 Mailbox full"}
    [message] = queue(1, to=["full@tyreso.se"])
    queue(1, start=1)

    assert outbox_deliver_pending() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (M.PENDING, 1)
    assert message.next_attempt_at == clock.now + timedelta(minutes=1)
    assert message.last_error == "full@tyreso.se: 452 4.2.2 Mailbox full"

    clock.advance(seconds=30)
    assert outbox_deliver_pending() == 0
    message.refresh_from_db()
    assert message.attempts == 1  # not due yet: not tried

    clock.advance(seconds=31)
    outbox_deliver_pending()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (M.PENDING, 2)
    assert message.next_attempt_at == clock.now + timedelta(minutes=2)

    clock.advance(minutes=2, seconds=1)
    outbox_deliver_pending()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (M.FAILED, 3)
    assert server_state() is None  # the server was never at fault


def test_an_invalid_address_is_left_out_and_the_rest_receive_the_message(smtp):
    message = outbox_enqueue(recipients=["ok@tyreso.se", "trasig@@tyreso.se"],
                             subject="Kallelse", body="Text")
    broken = outbox_enqueue(recipients=["trasig@@tyreso.se"], subject="Bara trasig",
                            body="Text")

    assert outbox_deliver_pending() == 1

    message.refresh_from_db()
    assert message.status == M.SENT
    assert message.refused == {"trasig@@tyreso.se": "Ogiltig adress"}
    assert [r.recipients for r in smtp.recorder.received] == [("ok@tyreso.se",)]
    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == (M.FAILED, 1)
    assert "trasig@@tyreso.se" in broken.last_error


# --- several drains, reruns ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_drains_never_send_a_message_twice(smtp):
    smtp.recorder.latency = 0.01
    messages = queue(30)

    sent = run_together(4, lambda i: outbox_deliver_pending())

    assert sum(sent) == 30, sent
    assert smtp.recorder.copies() == {m.message_id: 1 for m in messages}
    assert set(statuses().values()) == {M.SENT}


def test_a_drain_run_twice_sends_nothing_twice(smtp):
    messages = queue(3)

    outbox_deliver_pending()
    outbox_deliver_pending()

    assert smtp.recorder.copies() == {m.message_id: 1 for m in messages}


def test_a_message_claimed_by_a_lost_drain_is_sent_once_its_claim_runs_out(smtp, clock):
    [message] = queue(1)
    # A drain claimed it and died before sending: the claim is committed, nothing was sent.
    OutboxMessage.objects.filter(pk=message.pk).update(
        claim_token="00000000-0000-0000-0000-000000000001",
        claimed_until=clock.now + timedelta(minutes=5),
    )

    assert outbox_deliver_pending() == 0
    clock.advance(minutes=5, seconds=1)
    assert outbox_deliver_pending() == 1
    assert smtp.recorder.copies() == {message.message_id: 1}


def test_requeued_messages_go_out_on_the_next_drain(smtp, admin_user):
    smtp.recorder.refuse = {"ny@tyreso.se": "550 5.1.1 No such user"}
    [message] = queue(1, to=["ny@tyreso.se"])
    outbox_deliver_pending()
    message.refresh_from_db()
    assert message.status == M.FAILED

    smtp.recorder.refuse = {}  # the address now exists
    from tyreso_it.core.services import outbox_requeue

    assert outbox_requeue(message_ids=[message.pk], actor=admin_user) == 1
    assert outbox_deliver_pending() == 1
    assert smtp.recorder.copies() == {message.message_id: 1}
    assert LogEntry.objects.get(object_id=str(message.pk)).user == admin_user
