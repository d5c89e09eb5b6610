"""Fixtures of the outbox's fault tests: a real SMTP server, and the outbox sending to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.core.smtp_server import SMTPServer


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """A real SMTP server on a free loopback port, running; stopped after the test."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server, settings) -> SMTPServer:
    """The outbox sends through the SMTP backend of production to `smtp_server`."""
    settings.MAILERS = smtp_server.mailer()
    return smtp_server
