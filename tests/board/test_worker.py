"""A real Celery worker against Redis builds, freezes and sends an agenda.

The worker runs in a thread of this process (`celery.contrib.testing.worker.start_worker`)
and reaches the test database through its own connection, so the test commits what it sets
up (`transaction=True`). The test waits for each task to finish (the worker's
`task_postrun` signal) before it looks at the database, so the two never write and read at
the same instant (SQLite's shared in-memory test database refuses that). The worker listens
to a queue of its own, deleted afterwards, so nothing is left in Redis for a later test or a
development worker.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.core import mail
from icalendar import Calendar

from board.models import AgendaItem, Meeting
from board.tasks import generate_series_meetings, scan_agendas, send_due_reminders
from tyreso_it.celery import app
from tyreso_it.core.models import OutboxMessage
from tyreso_it.core.tasks import deliver_outbox

TIMEOUT = 30  # seconds; the tasks themselves take well under one


@pytest.fixture
def worker(redis, monkeypatch) -> Iterator[Callable[[Any], tuple[str, Any]]]:
    """The project's app pointed at Redis, and a worker consuming a queue of its own.

    Gives `run(task)`: queue the task through Redis, wait until the worker has run it, and
    return its state and result.
    """
    queue = f"test-board-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.conf, "broker_url", redis)
    monkeypatch.setitem(app.conf, "broker_transport_options", {"visibility_timeout": 3600})
    monkeypatch.setitem(app.conf, "worker_enable_remote_control", False)
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    # Connections made for another broker earlier in the run are not reused.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    finished: dict[str, tuple[str, Any]] = {}
    done = threading.Condition()

    def on_postrun(task_id=None, state=None, retval=None, **kwargs) -> None:
        with done:
            finished[task_id] = (state, retval)
            done.notify_all()

    def run(task) -> tuple[str, Any]:
        task_id = task.apply_async(queue=queue).id
        with done:
            if not done.wait_for(lambda: task_id in finished, timeout=TIMEOUT):
                pytest.fail(f"the worker did not run {task.name} within {TIMEOUT} s")
            return finished[task_id]

    signals.task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue],
                          shutdown_timeout=TIMEOUT):
            yield run
    finally:
        signals.task_postrun.disconnect(on_postrun)
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
    worker, make_meeting, ready_order, members, clock
):
    order = ready_order()
    meeting = make_meeting(clock.now() + timedelta(days=14))
    clock.set(meeting.starts_at - timedelta(hours=48))  # past its 72 h cut-off

    assert worker(scan_agendas) == ("SUCCESS", {"built": 0, "frozen": 1, "held": 0})

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_SENT
    assert meeting.agenda_frozen_at is not None
    assert list(meeting.items.order_by("position").values_list("kind", "order_id")) == [
        (AgendaItem.Kind.ORDER, order.pk), (AgendaItem.Kind.PORTFOLIO, None),
    ]
    invitations = OutboxMessage.objects.filter(dedupe_key__startswith="reminder:agenda:")
    assert sorted(m.recipients[0] for m in invitations) == sorted(p.email for p in members)

    state, delivered = worker(deliver_outbox)

    assert state == "SUCCESS"
    assert delivered == OutboxMessage.objects.count()
    assert set(invitations.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    sent = [m for m in mail.outbox if m.attachments]
    assert sorted(m.to[0] for m in sent) == sorted(p.email for p in members)
    for message in sent:
        _name, content, mimetype = message.attachments[0]
        assert mimetype.startswith("text/calendar")
        calendar = Calendar.from_ical(content)
        assert str(calendar.walk("VEVENT")[0]["UID"]) == meeting.uid

    # Beat's scanners run again: nothing is sent twice.
    assert worker(scan_agendas) == ("SUCCESS", {"built": 0, "frozen": 0, "held": 0})
    assert worker(send_due_reminders) == ("SUCCESS", 0)
    assert worker(deliver_outbox) == ("SUCCESS", 0)
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
