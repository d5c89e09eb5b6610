"""The notification outbox: queued in the transaction of the change, delivered later.

No web request talks to the broker or the mail server: a transition writes its email to
`OutboxMessage` in its own transaction, and the periodic task `deliver_outbox` (Celery beat)
sends what is pending. So an unreachable or stalled Redis slows nothing down, and the
notification goes out when delivery runs again; a rerun sends nothing twice. These tests use
Django's test mailer; tests/core/test_outbox_faults.py sends to a real SMTP server.
"""

from __future__ import annotations

import socket
import time
from datetime import timedelta
from smtplib import (
    SMTPAuthenticationError,
    SMTPConnectError,
    SMTPDataError,
    SMTPRecipientsRefused,
    SMTPSenderRefused,
    SMTPServerDisconnected,
)

import pytest
from celery import Celery
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError

from orders import services
from orders.models import Order, OrderEvent, ReferenceCounter
from tests.concurrency import run_together
from tyreso_it.celery import app as celery_app
from tyreso_it.core.models import MailServerState, OutboxMessage
from tyreso_it.core.services import (
    Fault,
    fault_of,
    outbox_deliver_pending,
    outbox_enqueue,
    retry_delay,
)
from tyreso_it.core.tasks import deliver_outbox

pytestmark = pytest.mark.django_db

S = Order.Status
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
# Seconds: a submission normally takes a few milliseconds, while waiting on a stalled broker
# takes its connect timeout (4 s) or more; the margin keeps a busy machine from failing it.
FAST = 2.5


def pending() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING))


# --- queued with the change ------------------------------------------------------------------


def test_submitting_queues_the_notification_without_sending_it(make_order, orderer,
                                                               coordinator):
    draft = make_order("draft")

    services.order_submit(order_id=draft.pk, actor=orderer)

    event = OrderEvent.objects.get(order=draft, action="submit")
    [message] = pending()
    assert message.dedupe_key == f"order-event-{event.pk}"
    assert coordinator.email in message.recipients
    assert orderer.email not in message.recipients
    assert mail.outbox == []


def test_the_notification_is_rolled_back_with_the_submission(make_order, orderer):
    draft = make_order("draft")

    with pytest.raises(RuntimeError), transaction.atomic():
        services.order_submit(order_id=draft.pk, actor=orderer)
        assert len(pending()) == 1
        raise RuntimeError("the request fails after the service")

    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (S.DRAFT, None)
    assert pending() == []
    assert not OrderEvent.objects.exists()


def test_a_submission_whose_notification_cannot_be_queued_is_not_saved(
    make_order, orderer, monkeypatch
):
    draft = make_order("draft")

    def broken(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("orders.notifications.outbox_enqueue", broken)

    with pytest.raises(RuntimeError):
        services.order_submit(order_id=draft.pk, actor=orderer)

    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (S.DRAFT, None)
    assert not OrderEvent.objects.exists()
    assert not ReferenceCounter.objects.filter(last__gt=0).exists()


def test_a_message_with_the_same_key_is_queued_once():
    first = outbox_enqueue(recipients=["a@tyreso.se"], subject="Ämne", body="Text",
                           dedupe_key="key-1")
    second = outbox_enqueue(recipients=["a@tyreso.se"], subject="Ämne", body="Text",
                            dedupe_key="key-1")

    assert first is not None
    assert second is None
    assert OutboxMessage.objects.count() == 1


def test_a_message_without_recipients_is_not_queued():
    assert outbox_enqueue(recipients=["", ""], subject="Ämne", body="Text") is None
    assert not OutboxMessage.objects.exists()


# --- delivered once ----------------------------------------------------------------------------


def queue(count: int) -> list[OutboxMessage]:
    return [
        outbox_enqueue(recipients=[f"person{i}@tyreso.se"], subject=f"Meddelande {i}",
                       body="Text", dedupe_key=f"test-{i}")
        for i in range(count)
    ]


def test_delivery_sends_each_message_once_even_when_run_twice():
    queue(3)

    assert outbox_deliver_pending() == 3
    assert outbox_deliver_pending() == 0

    assert sorted(m.subject for m in mail.outbox) == ["Meddelande 0", "Meddelande 1",
                                                      "Meddelande 2"]
    assert [m.to for m in mail.outbox] == [["person0@tyreso.se"], ["person1@tyreso.se"],
                                           ["person2@tyreso.se"]]
    for message in OutboxMessage.objects.all():
        assert message.status == OutboxMessage.Status.SENT
        assert message.sent_at is not None
        assert message.attempts == 1


def test_delivery_stops_at_its_limit_and_the_next_run_sends_the_rest():
    queue(3)

    assert outbox_deliver_pending(limit=2) == 2
    assert outbox_deliver_pending(limit=2) == 1

    assert len(mail.outbox) == 3


def test_the_periodic_task_drains_the_outbox(make_order):
    make_order("submitted")

    deliver_outbox()
    deliver_outbox()

    assert len(mail.outbox) == 1
    assert pending() == []


def test_a_transport_failure_charges_no_message_and_the_drain_waits_to_try_again(
    monkeypatch, settings
):
    queue(2)
    real_send = EmailBackend.send_messages
    failures = iter([SMTPServerDisconnected("Connection unexpectedly closed")])

    def flaky(self, messages):
        for failure in failures:
            raise failure
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)

    assert outbox_deliver_pending() == 0
    first = OutboxMessage.objects.order_by("pk").first()
    assert (first.status, first.attempts, first.last_error) == (OutboxMessage.Status.PENDING,
                                                                0, "")
    state = MailServerState.objects.get()
    assert state.failures == 1
    assert "Connection unexpectedly closed" in state.last_error
    assert mail.outbox == []

    # Beat's next drain comes before the back-off is over: it leaves the server alone.
    assert outbox_deliver_pending() == 0

    MailServerState.objects.update(retry_at=timezone.now())
    assert outbox_deliver_pending() == 2
    first.refresh_from_db()
    assert (first.status, first.attempts) == (OutboxMessage.Status.SENT, 1)
    assert len(mail.outbox) == 2
    assert MailServerState.objects.get().failures == 0


def test_a_message_failing_for_its_own_sake_is_given_up_after_the_last_attempt(
    monkeypatch, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    queue(2)
    real_send = EmailBackend.send_messages

    def broken_first(self, messages):
        if messages[0].subject == "Meddelande 0":
            raise RuntimeError("cannot render")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", broken_first)
    assert outbox_deliver_pending() == 1  # the other one goes
    OutboxMessage.objects.update(next_attempt_at=None)  # its retry is due
    assert outbox_deliver_pending() == 0

    message = OutboxMessage.objects.get(subject="Meddelande 0")
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 2)
    assert message.last_error == "RuntimeError: cannot render"
    assert message.failed_at is not None
    OutboxMessage.objects.update(next_attempt_at=None)
    assert outbox_deliver_pending() == 0
    assert [m.subject for m in mail.outbox] == ["Meddelande 1"]


def test_every_send_of_a_message_carries_its_own_stored_message_id():
    [first, second] = queue(2)

    outbox_deliver_pending()

    assert first.message_id != second.message_id
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [first.message_id,
                                                                    second.message_id]
    assert mail.outbox[0].message()["Message-ID"] == first.message_id
    assert mail.outbox[0].message()["Auto-Submitted"] == "auto-generated"


def test_the_message_id_is_made_on_the_domain_of_the_site(settings):
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "it.tyreso.se"

    message = outbox_enqueue(recipients=["a@tyreso.se"], subject="Ämne", body="Text")

    assert message.message_id.startswith("<")
    assert message.message_id.endswith("@it.tyreso.se>")


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (50, 3600)],
)
def test_retries_back_off_by_doubling_up_to_an_hour(failures, seconds):
    assert retry_delay(failures) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (ConnectionRefusedError(111, "Connection refused"), Fault.SERVER),
        (TimeoutError("timed out"), Fault.SERVER),
        (socket.gaierror(-2, "Name or service not known"), Fault.SERVER),
        (SMTPServerDisconnected("Connection unexpectedly closed"), Fault.SERVER),
        (SMTPConnectError(421, b"Too busy"), Fault.SERVER),
        (SMTPAuthenticationError(535, b"Bad credentials"), Fault.SERVER),
        (SMTPDataError(451, b"Local error, try again"), Fault.SERVER),
        (SMTPSenderRefused(553, b"Sender not allowed", "it@tyreso.se"), Fault.SERVER),
        (SMTPSenderRefused(552, b"Message too big", "it@tyreso.se"), Fault.PERMANENT),
        (SMTPDataError(554, b"Rejected as spam"), Fault.PERMANENT),
        (SMTPRecipientsRefused({"a@x.se": (550, b"No such user")}), Fault.PERMANENT),
        (SMTPRecipientsRefused({"a@x.se": (550, b"No such user"),
                                "b@x.se": (452, b"Mailbox full")}), Fault.TEMPORARY),
        (ValueError("Invalid address"), Fault.PERMANENT),
        (RuntimeError("unexpected"), Fault.TEMPORARY),
    ],
)
def test_a_failed_send_is_charged_to_the_server_or_to_the_message(error, fault):
    assert fault_of(error) is fault


# --- with Redis away -------------------------------------------------------------------------


@pytest.fixture
def broker_calls(monkeypatch) -> list[str]:
    """Every attempt to publish a task or open a broker connection, recorded and refused."""
    calls: list[str] = []

    def refuse(name):
        def call(*args, **kwargs):
            calls.append(name)
            raise ConnectionRefusedError(f"{name}: the broker is not reachable")

        return call

    monkeypatch.setattr(Celery, "send_task", refuse("send_task"))
    monkeypatch.setattr(Connection, "connect", refuse("connect"))
    monkeypatch.setattr(Connection, "ensure_connection", refuse("ensure_connection"))
    return calls


def point_at_redis(url: str, settings, monkeypatch) -> None:
    """Configure the app as production does with REDIS_URL=`url` (broker and cache)."""
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    settings.CACHES = {
        "default": {"BACKEND": "tyreso_it.core.cache.RedisCache", "LOCATION": url,
                    "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5}}
    }
    monkeypatch.setattr(celery_app.conf, "broker_url", url)


@pytest.fixture
def unreachable_redis(settings, monkeypatch) -> str:
    point_at_redis(UNREACHABLE_REDIS, settings, monkeypatch)
    return UNREACHABLE_REDIS


@pytest.fixture
def stalled_redis(settings, monkeypatch):
    """A Redis address that accepts connections and then never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    point_at_redis(url, settings, monkeypatch)
    yield url
    listener.close()


def test_the_unreachable_redis_of_these_tests_really_is_unreachable(unreachable_redis):
    with Connection(unreachable_redis, connect_timeout=1) as conn, pytest.raises(
        OperationalError
    ):
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0)


def test_with_redis_unreachable_submitting_is_fast_and_queues_the_notification(
    make_order, orderer, unreachable_redis, broker_calls, django_capture_on_commit_callbacks
):
    draft = make_order("draft")

    started = time.perf_counter()
    # What the service leaves for after the commit runs too, as it would in a request.
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_submit(order_id=draft.pk, actor=orderer)
    elapsed = time.perf_counter() - started

    assert elapsed < FAST
    assert order.status == S.SUBMITTED
    assert len(pending()) == 1
    assert broker_calls == []


def test_with_redis_stalled_every_step_of_preparation_stays_fast(
    make_order, orderer, coordinator, stalled_redis, broker_calls,
    django_capture_on_commit_callbacks,
):
    draft = make_order("draft")
    steps = [
        lambda: services.order_submit(order_id=draft.pk, actor=orderer),
        lambda: services.order_take_on(order_id=draft.pk, actor=coordinator),
        lambda: services.order_request_supplement(order_id=draft.pk, actor=coordinator,
                                                  question="Hur många?"),
        lambda: services.order_supplement(order_id=draft.pk, actor=orderer, answer="Tio."),
    ]

    for step in steps:
        started = time.perf_counter()
        with django_capture_on_commit_callbacks(execute=True):
            step()
        assert time.perf_counter() - started < FAST

    assert len(pending()) == 4
    assert broker_calls == []


def test_a_submit_request_with_redis_unreachable_saves_the_order_quickly(
    client, make_order, orderer, unreachable_redis, broker_calls,
    django_capture_on_commit_callbacks,
):
    draft = make_order("draft")
    client.force_login(orderer)

    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orders:transition", args=[draft.pk, "submit"]))
    elapsed = time.perf_counter() - started

    assert response.status_code == 302
    assert elapsed < FAST
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert len(pending()) == 1
    assert broker_calls == []


def test_notifications_queued_while_redis_was_away_go_out_once_when_delivery_runs(
    make_order, orderer, unreachable_redis, broker_calls
):
    draft = make_order("draft")
    services.order_submit(order_id=draft.pk, actor=orderer)
    assert mail.outbox == []

    # Redis is back: beat's drain task runs, perhaps more than once.
    deliver_outbox()
    deliver_outbox()

    assert len(mail.outbox) == 1
    assert draft.title in mail.outbox[0].subject
    assert pending() == []


# --- several workers draining at once ---------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_draining_at_the_same_time_send_each_message_once():
    queue(30)

    sent = run_together(6, lambda i: outbox_deliver_pending())

    assert sum(sent) == 30, sent
    assert sorted(m.subject for m in mail.outbox) == sorted(f"Meddelande {i}" for i in range(30))
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()


def test_beat_drains_the_outbox_with_a_task_the_worker_knows():
    celery_app.loader.import_default_modules()
    entry = celery_app.conf.beat_schedule["deliver-outbox"]

    assert entry["task"] in celery_app.tasks
    assert celery_app.tasks[entry["task"]].name == deliver_outbox.name
    assert entry["schedule"] > 0
