"""Reads of the outbox for administrators and the health check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import MailServerState, OutboxMessage


@dataclass(frozen=True)
class OutboxHealth:
    """How the outbox stands: what waits, since when, what was given up, and the server."""

    checked_at: datetime
    pending: int
    oldest_pending_at: datetime | None
    failed_recently: int
    server: MailServerState | None  # only while the mail server is failing
    alert_after: timedelta = field(
        default_factory=lambda: timedelta(seconds=settings.OUTBOX_ALERT_AFTER)
    )

    @property
    def oldest_pending_age(self) -> timedelta | None:
        if self.oldest_pending_at is None:
            return None
        return self.checked_at - self.oldest_pending_at

    @property
    def overdue(self) -> bool:
        age = self.oldest_pending_age
        return age is not None and age > self.alert_after

    @property
    def healthy(self) -> bool:
        return not self.overdue and not self.failed_recently

    def problems(self) -> list[str]:
        """What an operator should look at, one line each (empty when healthy)."""
        found = []
        if self.overdue:
            minutes = int(self.oldest_pending_age.total_seconds() // 60)
            line = (f"the oldest of {self.pending} pending emails has waited {minutes} minutes "
                    f"(alert after {int(self.alert_after.total_seconds() // 60)})")
            if self.server is not None:
                line += (f"; the mail server has failed since "
                         f"{timezone.localtime(self.server.failing_since):%Y-%m-%d %H:%M}: "
                         f"{self.server.last_error}")
            found.append(line)
        if self.failed_recently:
            found.append(f"{self.failed_recently} emails given up in the last "
                         f"{settings.OUTBOX_ALERT_FAILED_FOR // 3600} hours (see the admin)")
        return found


def outbox_health() -> OutboxHealth:
    """The outbox's health, in four small queries on the partial indexes of pending and
    failed messages (the sent ones, nearly the whole table, are not read)."""
    now = timezone.now()
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True)[:1]
    failed = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.FAILED,
        failed_at__gte=now - timedelta(seconds=settings.OUTBOX_ALERT_FAILED_FOR),
    )
    return OutboxHealth(
        checked_at=now,
        pending=pending.count(),
        oldest_pending_at=next(iter(oldest), None),
        failed_recently=failed.count(),
        server=MailServerState.objects.filter(pk=MailServerState.ONE, failures__gt=0).first(),
    )
