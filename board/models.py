"""Beslutsråd IT (BIT): meetings, agendas, minutes with justering, and reminders."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tyreso_it.core.models import ScopedYearCounter, ScopedYearCounters, YearCounter


class BoardSettings(models.Model):
    """The board's clockwork: cut-off, lead times and reminder timing (one row, in admin)."""

    cutoff_hours = models.PositiveIntegerField(
        _("agenda cut-off (hours before the meeting)"), default=72,
        help_text=_("The agenda freezes and is sent to the members this long before."),
    )
    build_days = models.PositiveIntegerField(
        _("agenda drafted (days before the meeting)"), default=14,
        help_text=_("From this many days before, the agenda is kept up to date automatically."),
    )
    member_reminder_hours = models.PositiveIntegerField(
        _("member reminder (hours before the meeting)"), default=24
    )
    handler_reminder_hours = models.PositiveIntegerField(
        _("handler reminder (hours before the cut-off)"), default=48,
        help_text=_("Handlers whose orders lack a complete brief are reminded this long "
                    "before the cut-off."),
    )
    supplement_due_days = models.PositiveIntegerField(
        _("supplement due (days), when no date is given"), default=10
    )
    supplement_reminder_interval_days = models.PositiveIntegerField(
        _("days between supplement reminders"), default=5
    )
    supplement_reminder_limit = models.PositiveSmallIntegerField(
        _("supplement reminders at most"), default=3
    )
    minutes_due_days = models.PositiveIntegerField(
        _("minutes to be adjusted within (days after the meeting)"), default=7
    )
    meeting_minutes = models.PositiveIntegerField(_("default meeting length (minutes)"), default=90)
    default_place = models.CharField(_("default place"), max_length=200, blank=True,
                                     default="Tyresö kommunhus, sammanträdesrum Bollmora")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("board settings")
        verbose_name_plural = _("board settings")

    def __str__(self) -> str:
        return str(_("Board settings"))

    @classmethod
    def load(cls) -> "BoardSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class MeetingSeries(models.Model):
    """A recurring schedule of meetings, e.g. every second Tuesday, skipping holidays."""

    name = models.CharField(_("name"), max_length=120)
    first_date = models.DateField(_("first meeting"))
    interval_weeks = models.PositiveSmallIntegerField(_("every … weeks"), default=2)
    start_time = models.TimeField(_("time"))
    duration_minutes = models.PositiveIntegerField(_("length (minutes)"), default=90)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    until = models.DateField(_("last date"), null=True, blank=True)
    skip_holidays = models.BooleanField(
        _("skip Swedish public holidays and eves"), default=True
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chair"), on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SeriesException(models.Model):
    """A date on which the series does not meet."""

    series = models.ForeignKey(
        MeetingSeries, verbose_name=_("series"), on_delete=models.CASCADE,
        related_name="exceptions",
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exception")
        verbose_name_plural = _("exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["series", "date"], name="series_exception_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class Meeting(models.Model):
    """One meeting of Beslutsråd IT, from planning to adjusted minutes.

    Adjusted minutes are a public record: once `status` is adjusted nothing on the meeting,
    its items or its attendance changes again; a correction is a linked MinutesCorrection.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
        AGENDA_SENT = "agenda_sent", pgettext_lazy("meeting status", "Agenda sent")
        HELD = "held", pgettext_lazy("meeting status", "Held")
        ADJUSTED = "adjusted", pgettext_lazy("meeting status", "Minutes adjusted")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")

    series = models.ForeignKey(
        MeetingSeries, verbose_name=_("series"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="meetings",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chair"), on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )
    adjuster = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adjuster (justerare)"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="adjusted_meetings",
    )
    uid = models.CharField(_("calendar UID"), max_length=100, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    agenda_customised = models.BooleanField(_("agenda arranged by the chair"), default=False)
    agenda_built_at = models.DateTimeField(_("agenda built"), null=True, blank=True)
    agenda_frozen_at = models.DateTimeField(_("agenda frozen"), null=True, blank=True)
    number = models.PositiveIntegerField(_("minutes number"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    chair_signed_at = models.DateTimeField(_("signed by the chair"), null=True, blank=True)
    adjuster_signed_at = models.DateTimeField(_("signed by the adjuster"), null=True, blank=True)
    adjusted_at = models.DateTimeField(_("adjusted"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"], name="meeting_status_start_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"], name="meeting_minutes_number_unique",
                condition=Q(number__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        from django.utils.formats import date_format

        when = date_format(timezone.localtime(self.starts_at), "j F Y H:i")
        return f"{self.title} {when}"

    def save(self, *args, **kwargs):
        if not self.uid:
            self.uid = f"bit-{secrets.token_hex(12)}@tyreso-it"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("board:meeting", args=[self.pk])

    @property
    def title(self) -> str:
        if self.number:
            return f"BIT {self.year}:{self.number}"
        return str(_("Beslutsråd IT"))

    def cutoff_at(self, board: BoardSettings):
        return self.starts_at - timedelta(hours=board.cutoff_hours)

    @property
    def has_started(self) -> bool:
        """The calendar's side of the meeting's states: from its start the agenda is no longer
        sent and the meeting no longer cancelled, and its minutes are open."""
        return self.starts_at <= timezone.now()

    @property
    def is_adjusted(self) -> bool:
        return self.status == self.Status.ADJUSTED

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.PLANNED, self.Status.AGENDA_SENT, self.Status.HELD}


class MeetingMember(models.Model):
    """A person called to the meeting, by role, possibly standing in for a member."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
        related_name="board_memberships",
    )
    role = models.ForeignKey(
        "organisation.Role", verbose_name=_("role"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    deputy_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deputy for"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    attended = models.BooleanField(_("present"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_member_unique")
        ]

    def __str__(self) -> str:
        return str(self.person)


class AgendaItem(models.Model):
    """An item of the agenda and, once decided, a paragraph (§) of the minutes."""

    class Kind(models.TextChoices):
        ORDER = "order", _("Order for decision")
        DELEGATION = "delegation", _("Delegated decision, for information")
        PORTFOLIO = "portfolio", _("Portfolio status")
        OTHER = "other", _("Other item")

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        DEFER = "defer", _("Deferred")
        RETURN = "return", _("Returned for more preparation")
        NOTED = "noted", _("Noted")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="agenda_items",
    )
    title = models.CharField(_("title"), max_length=255)
    position = models.PositiveIntegerField(_("position"), default=0)
    time_minutes = models.PositiveSmallIntegerField(_("time (minutes)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_late = models.BooleanField(_("late item"), default=False)
    is_deferred = models.BooleanField(_("deferred from an earlier meeting"), default=False)
    added_by_chair = models.BooleanField(_("added by the chair"), default=False)
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    paragraph = models.PositiveSmallIntegerField(_("paragraph"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order", "kind"], name="agenda_item_order_once",
                condition=Q(order__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MinutesCorrection(models.Model):
    """A correction of adjusted minutes: a new record linked to them, never an edit."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="corrections"
    )
    paragraph = models.PositiveSmallIntegerField(_("paragraph"), null=True, blank=True)
    text = models.TextField(_("correction"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction of minutes")
        verbose_name_plural = _("corrections of minutes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class MinutesCounter(ScopedYearCounter, YearCounter):
    """The last minutes number given out per year (BIT 2026 §3): the year counter of the
    board's minutes (tyreso_it.core.models.YearCounter)."""

    SCOPE = "board.minutes"

    objects = ScopedYearCounters()

    class Meta:
        proxy = True
        verbose_name = _("minutes counter")
        verbose_name_plural = _("minutes counters")


class Reminder(models.Model):
    """A reminder that was sent, logged under a unique key so it is never sent twice.

    The row and its outbox message are written in one transaction: a scanner that runs
    twice, or two at once, or a retried task, finds the key taken and sends nothing; a worker
    that dies before committing leaves no row, so the next scan sends it.
    """

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda sent")
        MEMBER = "member", _("Meeting tomorrow")
        HANDLER = "handler", _("Brief incomplete before the cut-off")
        SUPPLEMENT = "supplement", _("Supplement overdue")
        MINUTES = "minutes", _("Minutes not adjusted")
        EXPEDITION = "expedition", _("Decision sent out")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="reminders",
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="reminders",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    message = models.ForeignKey(
        "core.OutboxMessage", verbose_name=_("message"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class CalendarFeed(models.Model):
    """A person's secret calendar address, for calendar programs that cannot log in."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.person)

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)
