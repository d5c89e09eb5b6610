"""A real worker draining the outbox is killed ten times (SIGKILL) and no email is lost.

The worker is `celery -A tyreso_it worker` as docker-compose runs it (prefork, two processes),
in a process group of its own, configured from the environment as production is: PostgreSQL
(the test database), Redis as the broker, and the SMTP backend sending to a real SMTP server in
this process that takes 150 ms to answer each message. The test publishes the drain task as
beat would, kills the whole worker at a random instant of its sends ten times, starting it
again each time, and then counts what the server received, by Message-ID.

Every email arrives. A second copy can only be of a message in flight at a kill, in one of two
instants, and the test tells them apart by when the server accepted the first copy:

- after the server accepted it and before the killed worker's mark reached the database: the
  window of the design (claim, send, mark), as short as one UPDATE; the target is at most one
  such copy in ten kills;
- in the moment between the kill and the operating system closing the killed process's
  connection (it frees the process's memory first, which takes a moment): the server
  cannot tell a worker being torn down from a live one and accepts a message it was finishing.
  No design of the sender avoids that; the copy carries the same Message-ID.

A copy at any other time would be a fault of the outbox and fails the test. The server accepts a
message at the instant it answers "250": a client whose connection is closed before then has
not had it accepted (aiosmtpd drops the transaction when the connection is lost).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis as redis_client
from django.db import connection

from tests.core.smtp_server import Received, SMTPServer
from tyreso_it.celery import app
from tyreso_it.core.models import OutboxMessage
from tyreso_it.core.services import outbox_enqueue
from tyreso_it.core.tasks import deliver_outbox

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 200
KILLS = 10
LATENCY = 0.15  # seconds the SMTP server takes to answer each message
CLAIM_LEASE = 3  # seconds; the worker's claim on a message (production: minutes)
# A live worker's mark reaches the database within this of the server's "250" (it follows at
# once; the margin is for a busy machine).
MARK_MARGIN = 0.05
TIMEOUT = 150  # seconds for the whole run, on a busy machine


def database_url() -> str:
    """The test database, as a DATABASE_URL for the worker's process."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return (f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}")


@dataclass(frozen=True)
class Kill:
    at: float  # time.monotonic() when SIGKILL was sent
    gone: float  # when every process of the worker had been torn down


class Worker:
    """`celery worker` in a process group of its own, started and killed at will."""

    def __init__(self, env: dict[str, str], queue: str, log: Path) -> None:
        self.env = env
        self.queue = queue
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "tyreso_it", "worker",
                 "--pool=prefork", "--concurrency=2", "-Q", self.queue,
                 "-n", f"{self.queue}@%h", "--without-heartbeat", "--without-gossip",
                 "--without-mingle", "--loglevel=WARNING"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> Kill:
        """SIGKILL to the worker and its pool processes: no handler, no cleanup runs."""
        assert self.process is not None
        members = _group_members(self.process.pid)
        at = time.monotonic()
        os.killpg(self.process.pid, signal.SIGKILL)
        # A killed process closes its connections when it has been torn down, just before
        # it becomes a zombie.
        deadline = at + 10
        while any(_running(pid) for pid in members) and time.monotonic() < deadline:
            time.sleep(0.001)
        gone = time.monotonic()
        self.process.wait(timeout=30)
        self.process = None
        return Kill(at=at, gone=gone)

    def stop(self) -> None:
        if self.process is not None:
            self.kill()


def _stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command's name (state first), if any."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(entry)) and int(fields[2]) == pgid:
            members.append(int(entry))
    return members


def _running(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in {"Z", "X"}


@pytest.fixture
def smtp_server_slow() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.recorder.latency = LATENCY
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(redis, smtp_server_slow, tmp_path, monkeypatch) -> Iterator[Worker]:
    """A worker process on a queue of its own, and beat's drain published to it every
    second; every key the run leaves in Redis is removed afterwards."""
    queue = f"test-outbox-{uuid.uuid4().hex[:12]}"
    prefix = f"{queue}:"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis,
        "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server_slow.port),
        "EMAIL_TIMEOUT": "5",
        "TEST_BROKER_KEY_PREFIX": prefix,
        "TEST_OUTBOX_CLAIM_LEASE": str(CLAIM_LEASE),
        "CELERY_SKIP_CHECKS": "1",
    }
    options = {"visibility_timeout": 3600, "global_keyprefix": prefix}
    monkeypatch.setitem(app.conf, "broker_url", redis)
    monkeypatch.setitem(app.conf, "broker_transport_options", options)
    # Connections made for another broker earlier in the run are not reused.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)

    process = Worker(env, queue, tmp_path / "worker.log")
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            deliver_outbox.apply_async(queue=queue, expires=3)
            stop.wait(1)

    feeder = threading.Thread(target=beat, daemon=True)
    feeder.start()
    try:
        yield process
    finally:
        stop.set()
        feeder.join(timeout=10)
        process.stop()
        app.pool.force_close_all()
        app.amqp.producer_pool.force_close_all()
        client = redis_client.Redis.from_url(redis)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


def wait_for(condition: Callable[[], bool], *, until: float, what: str, log: Path,
             every: float = 0.01) -> None:
    while not condition():
        if time.monotonic() > until:
            tail = log.read_text()[-3000:] if log.exists() else ""
            pytest.fail(f"timed out waiting for {what}; the worker's log ends:\n{tail}")
        time.sleep(every)


def second_copies(received: list[Received], kills: list[Kill]) -> dict[str, list[str]]:
    """The messages that arrived more than once, by the instant their first copy was
    accepted: 'before the mark' (at most MARK_MARGIN before a kill), 'while torn down'
    (between a kill and its worker being gone, give or take the server noticing) or
    'unexplained'."""
    first: dict[str, float] = {}
    copies: dict[str, int] = {}
    for item in received:
        first.setdefault(item.message_id, item.at)
        copies[item.message_id] = copies.get(item.message_id, 0) + 1
    found: dict[str, list[str]] = {"before the mark": [], "while torn down": [],
                                   "unexplained": []}
    for message_id, count in copies.items():
        accepted = first[message_id]
        if any(kill.at - MARK_MARGIN <= accepted < kill.at for kill in kills):
            kind = "before the mark"
        elif any(kill.at <= accepted <= kill.gone + MARK_MARGIN for kill in kills):
            kind = "while torn down"
        else:
            kind = "unexplained"
        found[kind] += [message_id] * (count - 1)
    return found


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_ten_times_mid_send_loses_no_email_and_sends_a_copy_only_at_a_kill(
    worker, smtp_server_slow
):
    received = smtp_server_slow.recorder.received
    ids = {
        outbox_enqueue(recipients=[f"person{i}@tyreso.se"], subject=f"Meddelande {i}",
                       body="Text").message_id
        for i in range(MESSAGES)
    }
    until = time.monotonic() + TIMEOUT
    rng = random.Random()
    kills: list[Kill] = []

    worker.start()
    for number in range(1, KILLS + 1):
        # Once it is sending again, kill it at a random instant of its sends.
        target = len(received) + 1
        wait_for(lambda target=target: len(received) >= target, until=until,
                 what=f"the worker to send again before kill {number}", log=worker.log)
        time.sleep(rng.uniform(0, 0.6))
        kills.append(worker.kill())
        worker.start()

    wait_for(
        lambda: not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists(),
        until=until, what="every message to be marked sent", log=worker.log, every=0.25,
    )

    arrived = {item.message_id for item in received}
    assert arrived == ids, f"{len(ids - arrived)} emails never arrived"
    copies = second_copies(received, kills)
    assert copies["unexplained"] == [], copies
    assert len(copies["before the mark"]) <= 1, copies
    # At most the two messages in flight (one per pool process) at each kill.
    assert len(copies["while torn down"]) <= 2 * KILLS, copies
