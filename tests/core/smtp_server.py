"""A real SMTP server for the outbox's fault tests: aiosmtpd in a thread on a loopback port.

It records every message it accepts (with its Message-ID), can answer slowly, refuse chosen
recipients, hang up right after accepting a message, and be stopped and started again on the
same port (an outage: while it is stopped, connecting is refused).
"""

from __future__ import annotations

import asyncio
import email
import logging
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass

from aiosmtpd.controller import Controller

# The server logs every command it hears; the tests look at what it recorded instead.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Received:
    message_id: str
    recipients: tuple[str, ...]
    subject: str
    auto_submitted: str | None
    at: float  # time.monotonic() when it was accepted


class Recorder:
    """The server's handler: what was accepted, and how to misbehave."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.connections = 0  # EHLO greetings: one per SMTP session
        self.latency = 0.0  # seconds before the answer to the end of the data
        self.refuse: dict[str, str] = {}  # address -> the reply to its RCPT
        self.refuse_subjects: dict[str, str] = {}  # subject -> the reply to its data
        self.hang_ups = 0  # hang up after accepting the next this-many messages

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.connections += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.latency:
            await asyncio.sleep(self.latency)
        message = email.message_from_bytes(envelope.original_content)
        if str(message["Subject"]) in self.refuse_subjects:
            return self.refuse_subjects[str(message["Subject"])]
        # Recorded in the same step as the "250" goes out: accepted is accepted.
        with self.lock:
            self.received.append(Received(
                message_id=message["Message-ID"], recipients=tuple(envelope.rcpt_tos),
                subject=str(message["Subject"]), auto_submitted=message["Auto-Submitted"],
                at=time.monotonic(),
            ))
            hang_up = self.hang_ups > 0
            self.hang_ups -= hang_up
        if hang_up:
            # Accepted, but the client never hears so: the connection drops before the reply.
            server.transport.abort()
        return "250 Message accepted for delivery"

    def copies(self) -> Counter[str]:
        """How many copies of each Message-ID arrived."""
        with self.lock:
            return Counter(received.message_id for received in self.received)


class SMTPServer:
    """An SMTP server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        assert self._controller is None
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening and drop every open connection."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def mailer(self, *, timeout: float = 5) -> dict:
        """A MAILERS entry that sends here, as production's SMTP settings do."""
        return {"default": {"BACKEND": "tyreso_it.core.smtp.EmailBackend",
                            "OPTIONS": {"host": "127.0.0.1", "port": self.port,
                                        "timeout": timeout}}}
