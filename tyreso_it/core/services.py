"""Queueing and delivering notifications through the outbox.

What is guaranteed: every queued email is sent at least once. A drain claims one message at a
time in a transaction of its own, sends it outside any transaction, then marks it sent while
the claim is still its own. So a rerun, or a second drain at the same time, never sends a
message that is sent or claimed, and a message whose drain was lost is claimed again once its
claim expires (`OUTBOX_CLAIM_LEASE`). A second copy goes out only when the drain is lost
between the mail server accepting the message and the mark reaching the database: the worker
killed, or the connection or the database lost, in that instant. (A killed worker's connection
stays open until the operating system has torn the process down, so a server finishing the
message in those few milliseconds accepts it too.) The second copy carries the same
Message-ID, so mail servers and clients can tell it for the same email.

A fault of the mail server (it cannot be reached, it times out or hangs up, it answers "try
later") is no message's fault: the drain stops, charges no message and waits, backing off from
`OUTBOX_RETRY_MIN` to `OUTBOX_RETRY_MAX` for as long as the outage lasts. A fault of the
message itself (its recipients or its content refused, a message that cannot be built) is
charged to it: refused for good, it is given up at once; otherwise it is retried with the same
back-off and given up after `OUTBOX_MAX_ATTEMPTS` tries. Administrators see the messages given
up, with the reason, and can queue them again (`outbox_requeue`).
"""

from __future__ import annotations

import enum
import logging
import smtplib
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from .models import MailServerState, OutboxMessage, YearCounter

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.core.mail.backends.base import BaseEmailBackend

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


class Fault(enum.Enum):
    """Whose fault a failed send was, which decides who pays for it."""

    SERVER = "server"  # the mail server's: charge no message, stop and back off
    TEMPORARY = "temporary"  # this message's, perhaps not next time: charge it, retry later
    PERMANENT = "permanent"  # this message's for good: give it up now


def outbox_deliver_pending(*, limit: int = 100) -> int:
    """Send up to `limit` due messages over one connection; returns how many were sent.

    At least once, and a second copy only in the narrow case the module docstring names. Call
    it outside a transaction (as the Celery task does): each claim and each mark must commit
    on its own for the guarantee to hold.
    """
    server = MailServerState.objects.filter(pk=MailServerState.ONE).first()
    if server is not None and server.retry_at and server.retry_at > timezone.now():
        return 0
    if not _due(timezone.now()).exists():
        return 0
    connection = mail.mailers.default
    try:
        connection.open()
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever stops the connection is the server's
        _close(connection)
        _server_failed(exc)
        return 0
    if server is not None and server.failures:
        MailServerState.objects.filter(pk=MailServerState.ONE).update(
            failures=0, failing_since=None, retry_at=None
        )
    sent = 0
    try:
        for _ in range(limit):
            message = _claim_next()
            if message is None:
                break
            fault = _send(connection, message)
            if fault is None:
                sent += 1
            elif fault is Fault.SERVER:
                break
    finally:
        _close(connection)
    return sent


def outbox_requeue(*, message_ids: Iterable[int], actor: AbstractBaseUser) -> int:
    """Queue messages that were given up to be tried afresh; returns how many.

    Only failed messages move (a pending or sent one is left alone, so nothing is sent twice
    this way), and each one's history in the admin records who queued it again.
    """
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=list(message_ids), status=OutboxMessage.Status.FAILED)
            .order_by("pk")
        )
        for message in messages:
            message.status = OutboxMessage.Status.PENDING
            message.attempts = 0
            message.next_attempt_at = None
            message.failed_at = None
        OutboxMessage.objects.bulk_update(
            messages, ["status", "attempts", "next_attempt_at", "failed_at"]
        )
        if messages:
            LogEntry.objects.log_actions(
                user_id=actor.pk, queryset=messages, action_flag=CHANGE,
                change_message=gettext("Queued to be sent again."),
            )
    return len(messages)


# --- the steps of a drain ----------------------------------------------------------------------


def retry_delay(failures: int) -> timedelta:
    """The wait after the `failures`-th failure in a row: doubling, up to a ceiling."""
    seconds = settings.OUTBOX_RETRY_MIN * 2 ** min(max(failures - 1, 0), 20)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX))


def _due(now: datetime) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status=OutboxMessage.Status.PENDING,
    )


def _claim_next() -> OutboxMessage | None:
    """Claim the oldest due message, committed before anything is sent."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            _due(now).select_for_update(skip_locked=True).order_by("created_at", "pk").first()
        )
        if message is None:
            return None
        message.claim_token = uuid.uuid4()
        message.claimed_until = now + timedelta(seconds=settings.OUTBOX_CLAIM_LEASE)
        message.save(update_fields=["claim_token", "claimed_until"])
    return message


def _send(connection: BaseEmailBackend, message: OutboxMessage) -> Fault | None:
    """Send one claimed message and record the outcome; None when it went out."""
    valid, invalid = _split_addresses(message.recipients)
    try:
        if not valid:
            raise ValueError(f"no valid address: {', '.join(message.recipients)}")
        email = _email(message, valid)
        connection.send_messages([email])
    except SoftTimeLimitExceeded:
        # The task is out of time: not the message's fault. Let another drain have it now.
        _update_claimed(message, claim_token=None, claimed_until=None)
        raise
    except Exception as exc:  # noqa: BLE001 - sorted into the server's or the message's fault
        fault = fault_of(exc)
        if fault is Fault.SERVER:
            _update_claimed(message, claim_token=None, claimed_until=None)
            _server_failed(exc)
        else:
            _message_failed(message, exc, permanent=fault is Fault.PERMANENT)
        return fault
    # Nothing more than the mark between the server's acceptance and the database: a worker
    # lost in between sends the message a second time.
    refused = {address: gettext("Invalid address") for address in invalid} | {
        address: describe_reply(code, reply)
        for address, (code, reply) in getattr(email, "refused_recipients", {}).items()
    }
    marked = _update_claimed(
        message, status=OutboxMessage.Status.SENT, sent_at=timezone.now(),
        attempts=F("attempts") + 1, refused=refused, claim_token=None, claimed_until=None,
    )
    if refused:
        logger.warning("outbox message %s: recipients refused: %s", message.pk, refused)
    if not marked:
        logger.warning("outbox message %s was sent after its claim had run out; another "
                       "drain may send it again, with the same Message-ID", message.pk)
    return None


def _split_addresses(addresses: list[str]) -> tuple[list[str], list[str]]:
    """The valid addresses and the invalid ones: one bad address among a meeting's members
    must not keep the email from the rest."""
    valid, invalid = [], []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(address)
        else:
            valid.append(address)
    return valid, invalid


def _email(message: OutboxMessage, recipients: list[str]) -> EmailMessage:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        # The same Message-ID on every try: a second copy is recognisably the same email.
        # Auto-Submitted asks out-of-office responders not to answer (RFC 3834).
        headers={"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"},
    )
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def fault_of(exc: Exception) -> Fault:
    """Sort a failed send: the server's fault, or the message's, temporary or permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return Fault.PERMANENT if permanent else Fault.TEMPORARY
    if isinstance(exc, smtplib.SMTPSenderRefused):
        # 552 answers the size the message declared; any other refusal of the sender is the
        # configuration's (DEFAULT_FROM_EMAIL) and would refuse every message alike.
        return Fault.PERMANENT if exc.smtp_code == 552 else Fault.SERVER
    if isinstance(exc, smtplib.SMTPDataError):
        # 5xx refuses this content; 4xx is the server's "try again later".
        return Fault.PERMANENT if exc.smtp_code >= 500 else Fault.SERVER
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return Fault.PERMANENT  # an address that needs SMTPUTF8, which the server lacks
    if isinstance(exc, OSError):
        # Refused, timed out, unknown host, hung up, TLS, login: smtplib's errors are OSErrors.
        return Fault.SERVER
    if isinstance(exc, ValueError | TypeError | LookupError):
        return Fault.PERMANENT  # the message cannot be built: an invalid address, say
    return Fault.TEMPORARY


def describe(exc: Exception) -> str:
    """The reason, as an administrator reads it in the admin."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "; ".join(
            f"{address}: {describe_reply(code, reply)}"
            for address, (code, reply) in exc.recipients.items()
        )
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = describe_reply(exc.smtp_code, exc.smtp_error)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:2000]


def describe_reply(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}"[:500]


def _message_failed(message: OutboxMessage, exc: Exception, *, permanent: bool) -> None:
    attempts = message.attempts + 1
    reason = describe(exc)
    if permanent or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error("outbox message %s given up after %s tries: %s", message.pk, attempts,
                     reason)
        changes = {"status": OutboxMessage.Status.FAILED, "failed_at": timezone.now()}
    else:
        logger.warning("outbox message %s not sent (try %s): %s", message.pk, attempts, reason)
        changes = {"next_attempt_at": timezone.now() + retry_delay(attempts)}
    _update_claimed(message, attempts=F("attempts") + 1, last_error=reason, claim_token=None,
                    claimed_until=None, **changes)


def _update_claimed(message: OutboxMessage, **changes) -> bool:
    """Write the outcome of a send, only while the claim is still this drain's own."""
    return bool(
        OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token)
        .update(**changes)
    )


def _server_failed(exc: Exception) -> None:
    reason = describe(exc)
    with transaction.atomic():
        state, _created = MailServerState.objects.select_for_update().get_or_create(
            pk=MailServerState.ONE
        )
        now = timezone.now()
        state.failures += 1
        state.failing_since = state.failing_since or now
        state.retry_at = now + retry_delay(state.failures)
        state.last_error = reason
        state.save()
    logger.warning("mail server failed (%s in a row), next try at %s: %s", state.failures,
                   state.retry_at.isoformat(), reason)


def _close(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a connection that cannot even say goodbye is done with
        logger.debug("closing the mail connection failed", exc_info=True)


# --- numbers counted per year -------------------------------------------------------------


def year_counter_next(*, scope: str, year: int) -> int:
    """Take the next number of `scope` in `year` under a row lock: unique and gap-free.

    Called inside the transaction that uses the number, the lock is held until it commits,
    and a rollback gives the number back.
    """
    with transaction.atomic():
        YearCounter.objects.bulk_create(
            [YearCounter(scope=scope, year=year)], ignore_conflicts=True
        )
        counter = YearCounter.objects.select_for_update().get(scope=scope, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
    return counter.last
