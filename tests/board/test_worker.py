"""A real Celery worker against Redis builds, freezes and sends an agenda.

The worker runs in a thread of this process (`celery.contrib.testing.worker.start_worker`)
and reaches the test database through its own connection, so the test commits what it sets
up (`transaction=True`). It listens to a queue of its own, which is deleted afterwards, so
nothing is left in Redis for a later test or a development worker.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from board.models import AgendaItem, Meeting
from board.tasks import generate_series_meetings, scan_agendas, send_due_reminders
from tyreso_it.celery import app
from tyreso_it.core.models import OutboxMessage
from tyreso_it.core.tasks import deliver_outbox

TIMEOUT = 30  # seconds; the tasks themselves take well under one


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not {what} within {TIMEOUT} s")
        time.sleep(0.1)


@pytest.fixture
def worker_queue(redis, monkeypatch) -> Iterator[str]:
    """The project's app pointed at Redis, with a worker consuming a queue of its own."""
    queue = f"test-board-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.conf, "broker_url", redis)
    monkeypatch.setitem(app.conf, "broker_transport_options", {"visibility_timeout": 3600})
    monkeypatch.setitem(app.conf, "worker_enable_remote_control", False)
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    # Connections made for another broker earlier in the run are not reused.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue],
                          shutdown_timeout=TIMEOUT):
            yield queue
    finally:
        with app.connection_for_write() as connection:
            # Declared on this channel first, so deleting it also removes its binding.
            bound = app.amqp.queues[queue](connection.default_channel)
            bound.declare()
            bound.delete()
        app.pool.force_close_all()
        app.amqp.producer_pool.force_close_all()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_freezes_and_sends_the_agenda_and_delivers_the_invitations(
    worker_queue, make_meeting, ready_order, members
):
    order = ready_order()
    meeting = make_meeting(timezone.now() + timedelta(hours=48))  # past its 72 h cut-off

    scan_agendas.apply_async(queue=worker_queue)
    wait_for(lambda: Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.AGENDA_SENT,
             "freeze the agenda")

    meeting.refresh_from_db()
    assert meeting.agenda_frozen_at is not None
    assert list(meeting.items.order_by("position").values_list("kind", "order_id")) == [
        (AgendaItem.Kind.ORDER, order.pk), (AgendaItem.Kind.PORTFOLIO, None),
    ]
    invitations = OutboxMessage.objects.filter(dedupe_key__startswith="reminder:agenda:")
    assert sorted(m.recipients[0] for m in invitations) == sorted(p.email for p in members)

    deliver_outbox.apply_async(queue=worker_queue)
    wait_for(lambda: not OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING).exists(), "deliver the outbox")

    assert set(invitations.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    sent = [m for m in mail.outbox if m.attachments]
    assert sorted(m.to[0] for m in sent) == sorted(p.email for p in members)
    for message in sent:
        _name, content, mimetype = message.attachments[0]
        assert mimetype.startswith("text/calendar")
        calendar = Calendar.from_ical(content)
        assert str(calendar.walk("VEVENT")[0]["UID"]) == meeting.uid

    # Beat's scanners run again: nothing is sent twice.
    scan_agendas.apply_async(queue=worker_queue)
    send_due_reminders.apply_async(queue=worker_queue)
    deliver_outbox.apply_async(queue=worker_queue)
    marker = OutboxMessage.objects.create(recipients=["sist@tyreso.se"], subject="Sist",
                                          body="Kön är tömd.")
    deliver_outbox.apply_async(queue=worker_queue)
    wait_for(lambda: OutboxMessage.objects.get(pk=marker.pk).status == "sent",
             "run the later tasks")
    assert invitations.count() == len(members)


@pytest.mark.django_db
def test_beat_runs_the_board_scanners_with_tasks_the_worker_knows():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule

    for name, task in [("board-scan-agendas", scan_agendas),
                       ("board-send-due-reminders", send_due_reminders),
                       ("board-generate-series-meetings", generate_series_meetings)]:
        entry = schedule[name]
        assert entry["task"] == task.name
        assert entry["task"] in app.tasks
        assert entry["schedule"] > 0
        # A scan that could not start in time is superseded by the next one, never queued up.
        assert 0 < entry["options"]["expires"] <= entry["schedule"]
