"""Orders of IT function and everything recorded on their way to delivery."""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tyreso_it.core.models import ScopedYearCounter, ScopedYearCounters, YearCounter

from .querysets import OrderQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}


class PriorityModel(models.Model):
    """One version of the priority model: its factors and weights, frozen once in use.

    Changing the weights means publishing a new version, so a past score can always be
    traced to the weights it was computed with.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    is_active = models.BooleanField(_("in force"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("priority model")
        verbose_name_plural = _("priority models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="priority_model_one_active",
            )
        ]

    def __str__(self) -> str:
        return _("Priority model, version %(version)s") % {"version": self.version}


class PriorityFactor(models.Model):
    """A factor of a priority model version, scored 0–5 on each order, with its weight."""

    model = models.ForeignKey(
        PriorityModel, verbose_name=_("priority model"), on_delete=models.CASCADE,
        related_name="factors",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    help_text = models.CharField(_("guidance"), max_length=255, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("priority factor")
        verbose_name_plural = _("priority factors")
        ordering = ["model", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="priority_factor_unique_code"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="priority_factor_weight_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    """A department's order of IT function, from draft to closed.

    The state changes only through the services in `orders.services`, each of which checks
    the actor's right and the current state under a row lock; `version` rises on every write
    so a stale form is refused instead of overwriting newer data. Who may see it is said once,
    by `Order.objects.visible_to(user)` (`orders.querysets`).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("order status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("order status", "Submitted")
        IN_PREPARATION = "in_preparation", pgettext_lazy("order status", "In preparation")
        AWAITING_SUPPLEMENT = "awaiting_supplement", pgettext_lazy(
            "order status", "Supplement requested"
        )
        READY_FOR_DECISION = "ready_for_decision", pgettext_lazy(
            "order status", "Ready for decision"
        )
        APPROVED = "approved", pgettext_lazy("order status", "Approved")
        REJECTED = "rejected", pgettext_lazy("order status", "Rejected")
        PLANNED = "planned", pgettext_lazy("order status", "Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("order status", "In progress")
        DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
        CLOSED = "closed", pgettext_lazy("order status", "Closed")
        WITHDRAWN = "withdrawn", pgettext_lazy("order status", "Withdrawn")

    class Kind(models.TextChoices):
        NEW_FUNCTION = "new_function", _("New function or system")
        CHANGE = "change", _("Change to an existing system")
        PROJECT = "project", _("Project")
        CATALOGUE_SERVICE = "catalogue_service", _("Service from the catalogue")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        "organisation.Department", verbose_name=_("department"), on_delete=models.PROTECT,
        related_name="orders",
    )
    orderer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("orderer"), on_delete=models.PROTECT,
        related_name="orders",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    service = models.ForeignKey(
        "servicecatalog.Service", verbose_name=_("catalogue service"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="orders",
    )
    need = models.TextField(_("need"), help_text=_("Describe the need, not a technical solution."))
    functional_requirements = models.TextField(_("functional requirements"), blank=True)
    expected_benefit = models.TextField(_("expected benefit"), blank=True)
    # Pre-study (förstudie): the orderer's own estimate of benefit against lifecycle cost.
    one_off_cost = models.DecimalField(
        _("one-off cost (SEK)"), null=True, blank=True, **MONEY
    )
    yearly_cost = models.DecimalField(_("yearly cost (SEK)"), null=True, blank=True, **MONEY)
    lifetime_years = models.PositiveSmallIntegerField(_("lifetime (years)"), null=True, blank=True)
    yearly_benefit = models.DecimalField(
        _("estimated yearly benefit (SEK)"), null=True, blank=True, **MONEY
    )
    desired_date = models.DateField(_("desired date"), null=True, blank=True)
    legal_driver = models.TextField(_("legal or regulatory driver"), blank=True)
    personal_data = models.BooleanField(_("involves personal data"), default=False)
    # Secrecy marking (sekretessmarkering), set by the ordering function: see orders.secrecy.
    secrecy_provision = models.CharField(
        _("secrecy provision"), max_length=120, blank=True,
        help_text=_("The provision of the Public Access to Information and Secrecy Act (OSL), "
                    "e.g. “OSL 18 kap. 8 §”. Empty: the order is not marked."),
    )
    secrecy_reason = models.TextField(_("reason for secrecy"), blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Preparation (beredning) by the ordering function.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="handled_orders",
    )
    it_requirements = models.TextField(_("IT requirements"), blank=True)
    architecture_review = models.TextField(_("architecture review"), blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost (SEK)"), null=True, blank=True, **MONEY
    )
    estimated_hours = models.PositiveIntegerField(
        _("estimated effort (hours)"), null=True, blank=True
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=Risk.choices, blank=True)
    risk_description = models.TextField(_("risks"), blank=True)
    recommendation = models.TextField(_("recommendation (decision brief)"), blank=True)
    priority_model = models.ForeignKey(
        PriorityModel, verbose_name=_("priority model"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="orders",
    )
    priority_values = models.JSONField(_("priority factor scores"), default=dict, blank=True)
    priority_score = models.DecimalField(
        _("priority score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    # Decision and delivery.
    decision_note = models.TextField(_("decision note"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    delegated_decision = models.BooleanField(_("delegated decision"), default=False)
    provider = models.ForeignKey(
        "organisation.Provider", verbose_name=_("provider"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="orders",
    )
    planning_priority = models.PositiveSmallIntegerField(
        _("planning priority"), null=True, blank=True
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned delivery"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("view_all_orders", _("Can see every order")),
            ("prepare_order", _("Can prepare and plan orders (ordering function)")),
            ("decide_order", _("Can record decisions on orders (change manager)")),
            ("view_register", _("Can read the register of orders and meetings (diarium)")),
        ]
        indexes = [
            models.Index(fields=["department", "-created_at"], name="order_dept_created_idx"),
            models.Index(fields=["status", "-created_at"], name="order_status_created_idx"),
            models.Index(fields=["handler", "status"], name="order_handler_status_idx"),
            models.Index(fields=["orderer", "-created_at"], name="order_orderer_created_idx"),
            # The lists' default order, newest first. It also holds every column the
            # permission filter reads, so counting a person's orders and skipping to a deep
            # page read this index only, never the table (orders.selectors.OrderPaginator).
            models.Index(
                fields=["-created_at", "-id", "department", "status", "orderer", "provider"],
                name="order_list_idx",
            ),
            # Search by reference, as `reference__iexact` asks. (The trigram indexes for
            # searching titles and needs are PostgreSQL's own: see migration 0004.)
            models.Index(Upper("reference"), name="order_reference_upper_idx"),
            # The portfolio's timeline: the planned orders of a year (or a quarter), read
            # from the index alone on PostgreSQL (the INCLUDE columns are what it filters and
            # shows; SQLite keeps the key columns only).
            models.Index(
                fields=["planned_end", "planned_start"],
                include=["id", "department", "orderer", "reference"],
                condition=Q(status__in=["planned", "in_progress", "delivered", "closed"]),
                name="order_planned_idx",
            ),
            # Counting a department's orders as its people see them (orders.selectors.
            # order_count): every column that half of the permission filter reads.
            models.Index(fields=["department", "status", "orderer"], name="order_visible_idx"),
            # The orders a person wrote (the start page's own orders): found and checked
            # from the index alone.
            models.Index(fields=["orderer", "department", "status"], include=["id"],
                         name="order_own_idx"),
            # The dashboard's lead times: the orders decided, or delivered, in a period.
            models.Index(fields=["decided_at"], name="order_decided_idx"),
            models.Index(fields=["delivered_at"], name="order_delivered_idx"),
            # The same, covering what the lead times read and the dashboard filters by, so
            # PostgreSQL answers them from the indexes alone (portfolio.dashboard.lead_times).
            # Partial, so that no other query over most orders takes them for a small copy
            # of the table.
            models.Index(
                fields=["decided_at"],
                include=["submitted_at", "status", "department", "kind"],
                condition=Q(decided_at__isnull=False),
                name="order_decided_cover_idx",
            ),
            models.Index(
                fields=["delivered_at"],
                include=["decided_at", "submitted_at", "status", "department", "kind"],
                condition=Q(delivered_at__isnull=False),
                name="order_delivered_cover_idx",
            ),
            # The change orders the change manager may rank (portfolio.selectors.
            # rankable_orders): a few hundred among the thousands decided and not delivered.
            models.Index(
                fields=["kind", "estimated_cost"],
                condition=Q(status__in=["approved", "planned", "in_progress"]),
                name="order_rankable_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="order_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(secrecy_provision="") | ~Q(secrecy_reason=""),
                name="order_secrecy_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or _('Draft')}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.pk])

    @property
    def is_secret(self) -> bool:
        """Marked secret: its need and attachments are read only as orders.secrecy allows."""
        return bool(self.secrecy_provision)

    @property
    def status_label(self) -> str:
        """The state's name, as get_status_display() gives it but without building a dict of
        every choice (and translating every label) on each call: lists show it on every row."""
        return str(self.Status(self.status).label)

    @property
    def lifecycle_cost(self) -> Decimal | None:
        """One-off cost plus the yearly cost over the lifetime."""
        if self.lifetime_years is None or (self.one_off_cost is None and self.yearly_cost is None):
            return None
        yearly = (self.yearly_cost or Decimal(0)) * self.lifetime_years
        return (self.one_off_cost or Decimal(0)) + yearly

    @property
    def lifecycle_benefit(self) -> Decimal | None:
        if self.lifetime_years is None or self.yearly_benefit is None:
            return None
        return self.yearly_benefit * self.lifetime_years

    @property
    def net_benefit(self) -> Decimal | None:
        cost, benefit = self.lifecycle_cost, self.lifecycle_benefit
        if cost is None or benefit is None:
            return None
        return benefit - cost

    @property
    def is_open(self) -> bool:
        return self.status not in {
            self.Status.CLOSED, self.Status.REJECTED, self.Status.WITHDRAWN
        }


class ReferenceCounter(ScopedYearCounter, YearCounter):
    """The last reference number given out per year (B-2026-0001): the year counter of the
    orders' references (tyreso_it.core.models.YearCounter)."""

    SCOPE = "orders.reference"

    objects = ScopedYearCounters()

    class Meta:
        proxy = True
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")


class OrderEvent(models.Model):
    """A transition of an order: who moved it, from which state to which, when and why."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, choices=Order.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Order.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["order", "at"], name="order_event_order_at_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"


class Comment(models.Model):
    """A message on an order between the orderer's side and the ordering function."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        SUPPLEMENT_REQUEST = "supplement_request", _("Supplement request")
        SUPPLEMENT = "supplement", _("Supplement")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField(_("text"))
    due_date = models.DateField(_("answer by"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "created_at"], name="comment_order_created_idx")]

    def __str__(self) -> str:
        return self.body[:60]


class SolutionOption(models.Model):
    """One way of meeting the order's need, weighed during preparation."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="options"
    )
    title = models.CharField(_("option"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    pros = models.TextField(_("advantages"), blank=True)
    cons = models.TextField(_("disadvantages"), blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost (SEK)"), null=True, blank=True, **MONEY
    )
    recommended = models.BooleanField(_("recommended"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("solution option")
        verbose_name_plural = _("solution options")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: the uploader's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{instance.order_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file attached to an order; served only to those who may see the order."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
