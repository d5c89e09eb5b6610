"""Public records and personal data: the retention schedule (gallringsplan), the culling
record (gallringslogg), legal holds on orders and the pseudonyms of people who have left.

None of this adds a field to another app's model: what retention needs to know about an
order or a person lives here, beside it.
"""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.models import HistoricalRecords


class RetentionRule(models.Model):
    """How long one kind of information is kept and what happens to it then.

    One row per kind (the kinds are fixed in code, each with its anchor: what the period is
    counted from); the period and the action are the archive's to decide and are changed on
    the schedule's page, with history. The nightly run (`records.retention`) applies them.
    """

    class Kind(models.TextChoices):
        CLOSED_ORDERS = "closed_orders", _("Finished orders")
        ATTACHMENTS = "attachments", _("Attachments of finished orders")
        COMMENTS = "comments", _("Comments on finished orders")
        HISTORY = "history", _("History records of finished orders")
        PERSONAL_DATA = "personal_data", _("Personal data of people who have left")
        OUTBOX = "outbox", _("Sent emails (the outbox)")
        LOGIN_RECORDS = "login_records", _("Login records")

    class Action(models.TextChoices):
        DELETE = "delete", pgettext_lazy("retention", "Delete")
        PSEUDONYMISE = "pseudonymise", pgettext_lazy("retention", "Pseudonymise")
        KEEP = "keep", pgettext_lazy("retention", "Keep for ever")

    class Unit(models.TextChoices):
        MONTHS = "months", _("months")
        YEARS = "years", _("years")

    #: The actions each kind allows: a person is pseudonymised, never deleted (orders and
    #: minutes point to them); everything else is deleted or kept.
    ALLOWED = {
        Kind.CLOSED_ORDERS: (Action.KEEP, Action.DELETE),
        Kind.ATTACHMENTS: (Action.KEEP, Action.DELETE),
        Kind.COMMENTS: (Action.KEEP, Action.DELETE),
        Kind.HISTORY: (Action.KEEP, Action.DELETE),
        Kind.PERSONAL_DATA: (Action.KEEP, Action.PSEUDONYMISE),
        Kind.OUTBOX: (Action.KEEP, Action.DELETE),
        Kind.LOGIN_RECORDS: (Action.KEEP, Action.DELETE),
    }
    ORDER_KINDS = frozenset({Kind.CLOSED_ORDERS, Kind.ATTACHMENTS, Kind.COMMENTS, Kind.HISTORY})

    kind = models.CharField(_("kind of information"), max_length=20, choices=Kind.choices,
                            unique=True)
    period = models.PositiveSmallIntegerField(_("kept for"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices,
                            default=Unit.YEARS)
    action = models.CharField(_("then"), max_length=20, choices=Action.choices)
    reason = models.TextField(_("grounds"), blank=True,
                              help_text=_("Why the period and the action: the law, the "
                                          "decision or the practice they follow."))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention schedule")
        ordering = ["pk"]
        permissions = [
            ("keep_records", _("Can keep the retention schedule and see the culling record")),
            ("handle_personal_data",
             _("Can export and pseudonymise a person's personal data")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period__gte=1), name="retention_period_gte_1"),
        ]

    def __str__(self) -> str:
        return str(self.Kind(self.kind).label)

    def get_absolute_url(self) -> str:
        return reverse("records:rule_edit", args=[self.pk])

    @property
    def kind_label(self) -> str:
        return str(self.Kind(self.kind).label)

    @property
    def anchor_label(self) -> str:
        """What the period is counted from, for this kind."""
        return str(ANCHORS[self.kind])

    @property
    def period_label(self) -> str:
        return period_label(self.period, self.unit)

    @property
    def is_kept(self) -> bool:
        return self.action == self.Action.KEEP

    def cutoff(self, now: datetime) -> datetime:
        """The moment before which the anchor must lie for the rule to act."""
        if self.unit == self.Unit.MONTHS:
            return now - relativedelta(months=self.period)
        return now - relativedelta(years=self.period)


ANCHORS = {
    RetentionRule.Kind.CLOSED_ORDERS: _("after the order was closed, rejected or withdrawn"),
    RetentionRule.Kind.ATTACHMENTS: _("after the order was closed, rejected or withdrawn"),
    RetentionRule.Kind.COMMENTS: _("after the order was closed, rejected or withdrawn"),
    RetentionRule.Kind.HISTORY: _("after the order was closed, rejected or withdrawn"),
    RetentionRule.Kind.PERSONAL_DATA: _("after the person's last login, once the account "
                                        "is closed"),
    RetentionRule.Kind.OUTBOX: _("after the email was sent or given up"),
    RetentionRule.Kind.LOGIN_RECORDS: _("after the login attempt"),
}


class CullingRecord(models.Model):
    """One action of the retention run on one batch: what was done, by which rule, to how
    many, when (the gallringslogg).

    Written in the same transaction as the batch it tells of, so the record and the data
    never disagree. Kept for ever: no rule culls it, the administration may not delete it,
    and it names no person (a pseudonymised person appears by pseudonym only).
    """

    run = models.UUIDField(_("run"), db_index=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    rule = models.ForeignKey(RetentionRule, verbose_name=_("rule"), on_delete=models.PROTECT,
                             related_name="culling_records")
    kind = models.CharField(_("kind of information"), max_length=20,
                            choices=RetentionRule.Kind.choices)
    action = models.CharField(_("action"), max_length=20,
                              choices=RetentionRule.Action.choices)
    #: The rule as it read when it acted, which a later change does not alter.
    period = models.PositiveSmallIntegerField(_("kept for"))
    unit = models.CharField(_("unit"), max_length=10, choices=RetentionRule.Unit.choices)
    cutoff = models.DateTimeField(_("anchor before"))
    count = models.PositiveIntegerField(_("count"))
    #: What was acted on: order references, pseudonyms or row numbers; never a name.
    items = models.JSONField(_("acted on"), default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("culling record")
        verbose_name_plural = _("culling record")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind} {self.count}"

    @property
    def kind_label(self) -> str:
        return str(RetentionRule.Kind(self.kind).label)

    @property
    def action_label(self) -> str:
        return str(RetentionRule.Action(self.action).label)

    @property
    def period_label(self) -> str:
        return period_label(self.period, self.unit)


class LegalHoldQuerySet(models.QuerySet):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """A stop on every retention action on one order and what belongs to it (attachments,
    comments, history, and the personal data of the people on it), while an inquiry, a
    dispute or a request for the documents needs them as they are.

    Set and lifted through `records.services` by the ordering function or the IT chief;
    lifting keeps the row, so who held what, and why, stays on record.
    """

    order = models.ForeignKey("orders.Order", verbose_name=_("order"),
                              on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"),
                               on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set"), auto_now_add=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lifted by"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    history = HistoricalRecords()

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(lifted_at__isnull=True),
                                    name="legal_hold_one_active_per_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.reason[:60]}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class Pseudonym(models.Model):
    """A person who has left, pseudonymised: their account now reads "Person <number>".

    The account row stays (orders, comments and minutes point to it, so counts and lead
    times are unchanged); only what identifies the person is replaced. The number is the
    account's own, so the pseudonym is stable and the same everywhere.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"),
                                on_delete=models.PROTECT, related_name="pseudonym")
    at = models.DateTimeField(_("pseudonymised"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                           blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pseudonym")
        verbose_name_plural = _("pseudonyms")
        ordering = ["-at"]

    def __str__(self) -> str:
        return pseudonym_of(self.user_id)


def period_label(period: int, unit: str) -> str:
    """"5 years", "3 months", in the reader's language."""
    if unit == RetentionRule.Unit.MONTHS:
        return ngettext("%(count)d month", "%(count)d months", period) % {"count": period}
    return ngettext("%(count)d year", "%(count)d years", period) % {"count": period}


def pseudonym_of(user_id: int) -> str:
    return f"Person {user_id}"
