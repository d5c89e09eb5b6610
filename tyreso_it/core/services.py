"""Queueing and delivering notifications through the outbox."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_enqueue(
    *,
    recipients: Iterable[str],
    subject: str,
    body: str,
    dedupe_key: str | None = None,
    attachments: list[dict] | None = None,
) -> OutboxMessage | None:
    """Queue an email in the caller's transaction; nothing is sent until the outbox drains.

    With a `dedupe_key`, a second call for the same key queues nothing (returns None).
    """
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return None
    if dedupe_key:
        message, created = OutboxMessage.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={"recipients": addresses, "subject": subject[:255], "body": body,
                      "attachments": attachments or []},
        )
        return message if created else None
    return OutboxMessage.objects.create(
        recipients=addresses, subject=subject[:255], body=body, attachments=attachments or []
    )


def outbox_deliver_pending(*, limit: int = 100) -> int:
    """Send pending messages, each exactly once; returns how many were sent.

    Each message is locked (skipping rows another worker holds), sent and marked sent in one
    transaction: a concurrent drain skips it, and one that runs after sees it sent.
    """
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status=OutboxMessage.Status.PENDING)
                .order_by("created_at", "pk")
                .first()
            )
            if message is None:
                break
            message.attempts += 1
            try:
                email = EmailMessage(
                    subject=message.subject,
                    body=message.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=message.recipients,
                )
                for attachment in message.attachments:
                    email.attach(
                        attachment["filename"], attachment["content"], attachment["mimetype"]
                    )
                email.send()
            except Exception as exc:  # noqa: BLE001 - any transport error is retried later
                logger.warning("outbox message %s not sent: %s", message.pk, exc)
                message.last_error = str(exc)[:2000]
                if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                    message.status = OutboxMessage.Status.FAILED
                message.save(update_fields=["attempts", "last_error", "status"])
                if message.status == OutboxMessage.Status.PENDING:
                    # Leave the rest for the next drain rather than spinning on a dead server.
                    break
                continue
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "status", "sent_at"])
            sent += 1
    return sent
