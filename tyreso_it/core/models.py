"""Cross-cutting records: the notification outbox and the numbers counted per year."""

from email.utils import make_msgid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_message_id() -> str:
    """A Message-ID header for a new outbox row, on the product's own domain."""
    return make_msgid(domain=settings.OUTBOX_MESSAGE_ID_DOMAIN)


class OutboxMessage(models.Model):
    """An email to send, written in the same transaction as the change it tells about.

    Web requests never talk to the broker or the mail server: a periodic Celery task drains
    this table (`outbox_deliver_pending`). Delivery is at least once: a drain claims a row
    (`claim_token`, `claimed_until`) in a transaction of its own, sends, then marks it sent
    only while the claim is still its own, so a rerun or a second worker never sends a sent
    or claimed row, and a row whose worker died mid-send is claimed again once the lease
    ends. Every copy carries the row's own `message_id`, so the rare second copy (a worker
    lost between the server's acceptance and the mark) is recognisable as the same email.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    dedupe_key = models.CharField(
        _("deduplication key"), max_length=200, unique=True, null=True, blank=True
    )
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, default=new_message_id, editable=False
    )
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    # [{"filename": …, "content": …, "mimetype": …}], e.g. a calendar invitation.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Tries that reached the mail server with this message; a server that cannot be reached
    # charges none (see MailServerState).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # {address: the server's reply} for recipients refused while the others received it.
    refused = models.JSONField(_("refused recipients"), default=dict, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at"]
        permissions = [("requeue_outboxmessage", _("Can queue failed emails to be sent again"))]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["failed_at"],
                name="outbox_failed_idx",
                condition=models.Q(status="failed"),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class MailServerState(models.Model):
    """Whether the mail server could be reached at the last try: one row for the outbox.

    A server that cannot be reached is no message's fault: it charges no attempt to any
    message, and drains wait until `retry_at`, which backs off from a minute to an hour while
    the outage lasts, so the worker neither spins nor gives up on anyone's email.
    """

    ONE = 1

    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    retry_at = models.DateTimeField(_("next try"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mail server state")
        verbose_name_plural = _("mail server state")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class YearCounter(models.Model):
    """The last number given out in a year, per scope: the orders' references (B-2026-0001),
    the board's minutes (BIT 2026 §3), ... Each scope counts from 1 every year.

    A number is taken only by `services.year_counter_next`, which locks the row: numbers are
    unique and without gaps, and a transaction rolled back gives its number back.
    """

    scope = models.CharField(_("scope"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("year counter")
        verbose_name_plural = _("year counters")
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="core_year_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.year}: {self.last}"


class ScopedYearCounters(models.Manager):
    """The counters of one scope: the manager of a proxy of YearCounter with a `SCOPE`."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(scope=self.model.SCOPE)


class ScopedYearCounter:
    """A proxy of YearCounter for one scope (`SCOPE`): its rows are made in that scope.

    The app that numbers something names its counter this way (`orders.ReferenceCounter`),
    so it reads and seeds its own numbers without repeating the scope.
    """

    SCOPE: str

    def __init__(self, *args, **kwargs):
        # Positional arguments are a row read from the database, with its scope.
        if not args:
            kwargs.setdefault("scope", self.SCOPE)
        super().__init__(*args, **kwargs)
