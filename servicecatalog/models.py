"""The IT service catalogue (§6.5.5–6.5.12): services and business systems, how they connect,
their yearly management plans, and the contracts and licences behind them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}


class Category(models.Model):
    """A grouping of the catalogue, e.g. "Skola och förskola" or "Infrastruktur"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Supplier(models.Model):
    """A company the municipality buys IT from (§6.5.10)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation_number = models.CharField(_("organisation number"), max_length=20, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("servicecatalog:supplier", args=[self.pk])


class Contract(models.Model):
    """An agreement with a supplier: its period, notice period and what it covers."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="contracts"
    )
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("contract number"), max_length=60, blank=True)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    notice_months = models.PositiveSmallIntegerField(_("notice period (months)"), default=6)
    renewal_terms = models.TextField(
        _("renewal terms"), blank=True,
        help_text=_("E.g. extended by one year at a time unless terminated."),
    )
    value = models.DecimalField(_("value (SEK)"), null=True, blank=True, **MONEY)
    delivery_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("delivery manager"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="managed_contracts",
    )
    is_terminated = models.BooleanField(_("terminated"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["ends_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="contract_period_valid",
                violation_error_message=_("The contract cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.supplier})"

    def get_absolute_url(self) -> str:
        return reverse("servicecatalog:contract", args=[self.pk])

    @property
    def notice_date(self):
        """The last day on which the contract can be terminated before it ends."""
        from dateutil.relativedelta import relativedelta

        return self.ends_on - relativedelta(months=self.notice_months)


class Service(models.Model):
    """An IT service or business system that exists (or is planned) in the municipality."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("IT service")
        SYSTEM = "system", _("Business system")

    class Lifecycle(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_USE = "in_use", _("In use")
        PHASING_OUT = "phasing_out", _("Being phased out")
        RETIRED = "retired", _("Retired")

    class Level(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SYSTEM)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="services",
    )
    lifecycle = models.CharField(
        _("lifecycle state"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.IN_USE
    )
    department = models.ForeignKey(
        "organisation.Department", verbose_name=_("owning department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="services",
    )
    system_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("system owner"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="owned_services",
    )
    system_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("system manager"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="managed_services",
    )
    contact = models.TextField(
        _("contact points"), blank=True, help_text=_("Where users turn for help and questions.")
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="services",
    )
    contracts = models.ManyToManyField(
        Contract, verbose_name=_("contracts"), blank=True, related_name="services"
    )
    # Service level (serviceöverenskommelse, §6.5.11).
    availability_target = models.DecimalField(
        _("availability target (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    support_hours = models.CharField(
        _("support hours"), max_length=120, blank=True, help_text=_("E.g. weekdays 7–17.")
    )
    # Information security classification (konfidentialitet, riktighet, tillgänglighet).
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality"), choices=Level.choices, null=True, blank=True
    )
    integrity = models.PositiveSmallIntegerField(
        _("integrity"), choices=Level.choices, null=True, blank=True
    )
    availability = models.PositiveSmallIntegerField(
        _("availability"), choices=Level.choices, null=True, blank=True
    )
    personal_data = models.BooleanField(_("holds personal data"), default=False)
    orderable = models.BooleanField(_("can be ordered"), default=False)
    order_template = models.TextField(
        _("order template"), blank=True,
        help_text=_("Pre-filled into the need of a new order of this service."),
    )
    yearly_cost = models.DecimalField(
        _("yearly cost (SEK)"), null=True, blank=True, **MONEY,
        help_text=_("Internal: shown to the ordering function and the owning department."),
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True,
        help_text=_("Internal: shown to the ordering function and the owning department."),
    )
    review_month = models.PositiveSmallIntegerField(
        _("month of the yearly review"), default=10,
        help_text=_("The system manager is reminded when the management plan is due."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [models.Index(fields=["lifecycle", "name"], name="service_lifecycle_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(availability_target__isnull=True)
                | Q(availability_target__gte=0, availability_target__lte=100),
                name="service_availability_percent",
                violation_error_message=_("Availability is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(review_month__gte=1, review_month__lte=12),
                name="service_review_month_valid",
                violation_error_message=_("Give a month from 1 to 12."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("servicecatalog:service", args=[self.pk])


class ServiceLevel(models.Model):
    """Response and resolution times for one priority of a service's SLA."""

    class Priority(models.IntegerChoices):
        P1 = 1, _("1 – critical")
        P2 = 2, _("2 – high")
        P3 = 3, _("3 – normal")
        P4 = 4, _("4 – low")

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="levels"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    response_hours = models.DecimalField(_("response time (hours)"), max_digits=6,
                                         decimal_places=1)
    resolution_hours = models.DecimalField(_("resolution time (hours)"), max_digits=6,
                                           decimal_places=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["service", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["service", "priority"], name="service_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.get_priority_display()}"


class Integration(models.Model):
    """A flow of data between two systems, for the system map (§6.5.6)."""

    class Direction(models.TextChoices):
        ONE_WAY = "one_way", _("From source to target")
        BOTH = "both", _("Both ways")

    source = models.ForeignKey(
        Service, verbose_name=_("source"), on_delete=models.CASCADE, related_name="outgoing"
    )
    target = models.ForeignKey(
        Service, verbose_name=_("target"), on_delete=models.CASCADE, related_name="incoming"
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.ONE_WAY
    )
    data = models.CharField(_("data"), max_length=255)
    method = models.CharField(_("protocol or method"), max_length=120, blank=True)
    frequency = models.CharField(_("frequency"), max_length=120, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        ordering = ["source__name", "target__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="integration_not_to_itself",
                violation_error_message=_("A system cannot integrate with itself."),
            ),
            models.UniqueConstraint(
                fields=["source", "target", "data"], name="integration_unique"
            ),
        ]

    def __str__(self) -> str:
        arrow = "↔" if self.direction == self.Direction.BOTH else "→"
        return f"{self.source} {arrow} {self.target}: {self.data}"


class ManagementPlan(models.Model):
    """A system's yearly management plan (förvaltningsplan, §6.5.7) with its continuity plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    service = models.ForeignKey(
        Service, verbose_name=_("system"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    goals = models.TextField(_("goals"), blank=True)
    activities = models.TextField(_("planned activities"), blank=True)
    budget = models.DecimalField(_("budget (SEK)"), null=True, blank=True, **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # Continuity (kontinuitetsplan, §6.5.8).
    recovery_time_hours = models.PositiveIntegerField(
        _("recovery time objective (hours)"), null=True, blank=True
    )
    manual_fallback = models.TextField(_("manual fallback"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("management plan")
        verbose_name_plural = _("management plans")
        ordering = ["service__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="management_plan_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("servicecatalog:plan", args=[self.pk])

    @property
    def has_continuity_plan(self) -> bool:
        return self.recovery_time_hours is not None and bool(self.manual_fallback.strip())


class ContinuityScenario(models.Model):
    """A disruption the continuity plan prepares for: what happens and how hard it hits."""

    plan = models.ForeignKey(
        ManagementPlan, verbose_name=_("management plan"), on_delete=models.CASCADE,
        related_name="scenarios",
    )
    scenario = models.CharField(_("scenario"), max_length=255)
    impact = models.TextField(_("impact"))
    measures = models.TextField(_("measures"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("continuity scenario")
        verbose_name_plural = _("continuity scenarios")
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.scenario


class Licence(models.Model):
    """Licences of a product: how many, how many used, what they cost, when they renew."""

    product = models.CharField(_("product"), max_length=200)
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="licences",
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="licences",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="licences",
    )
    count = models.PositiveIntegerField(_("number of licences"))
    used = models.PositiveIntegerField(_("in use"), default=0)
    yearly_cost = models.DecimalField(_("yearly cost (SEK)"), null=True, blank=True, **MONEY)
    renews_on = models.DateField(_("renewal date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["product"]

    def __str__(self) -> str:
        return self.product
