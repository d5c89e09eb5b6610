"""What IT costs the municipality in a year, and how the cost is shared among the departments
(fördelningsnyckel, seed §6.5.12).

A year's `KeySet` says, for each kind of cost, by which basis (`Basis`) it is shared: the
contracts' part of the year, the licences' yearly costs, the projects' actuals of the year,
and each cost pool the IT chief enters (`CostPool`, e.g. "Nätverk"). What the bases count
per department is either entered by the IT chief (`DepartmentEntry.users`, `fixed_share`)
or counted from the product (licences held, systems owned, orders delivered).

A key set is edited as a draft and then published. Publishing freezes the year: the costs of
contracts, licences and projects as they then stood (`CostItem`) and the counted weights of
every department (`DepartmentEntry.licences_held`, …) are written down with it, and nothing
of a published year is changed again, so its report reads the same whatever later happens to
the contracts, licences and projects it was drawn from. The shares themselves are always
worked out from those inputs (`costs.allocation`), which is exact and deterministic.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}


class Basis(models.TextChoices):
    """What a cost is shared in proportion to (a fördelningsnyckel)."""

    USERS = "users", pgettext_lazy("allocation key", "Number of users")
    LICENCES = "licences", pgettext_lazy("allocation key", "Licences held")
    SYSTEMS = "systems", pgettext_lazy("allocation key", "Systems owned")
    ORDERS = "orders", pgettext_lazy("allocation key", "Orders delivered")
    FIXED = "fixed", pgettext_lazy("allocation key", "Fixed share")


class CostKind(models.TextChoices):
    """The kinds of cost drawn from the product; each cost pool is a kind of its own."""

    CONTRACTS = "contracts", _("Contracts")
    LICENCES = "licences", _("Licences")
    PROJECTS = "projects", _("Projects")


class KeySet(models.Model):
    """A year's allocation keys, cost pools and department figures: one per year.

    Protects the published year: the services refuse every write to a key set that is not a
    draft, and publishing (`costs.services.key_set_publish`) is the one transition, taken
    under a row lock. `revision` rises on every write to the draft (its keys, entries or
    pools), so a form opened before someone else saved is refused instead of overwriting.
    `total` and `department_count` are written when the year is published: what the IT
    chief's dashboard shows of it, in one read.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("cost allocation", "Draft")
        PUBLISHED = "published", pgettext_lazy("cost allocation", "Published")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    contracts_basis = models.CharField(
        _("key for contracts"), max_length=10, choices=Basis.choices, default=Basis.SYSTEMS
    )
    licences_basis = models.CharField(
        _("key for licences"), max_length=10, choices=Basis.choices, default=Basis.LICENCES
    )
    projects_basis = models.CharField(
        _("key for projects"), max_length=10, choices=Basis.choices, default=Basis.USERS
    )
    note = models.TextField(_("note"), blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    total = models.DecimalField(_("total (SEK)"), null=True, blank=True, editable=False,
                                **MONEY)
    department_count = models.PositiveSmallIntegerField(
        _("departments sharing"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords(excluded_fields=["revision"])

    class Meta:
        verbose_name = _("cost allocation")
        verbose_name_plural = _("cost allocations")
        ordering = ["-year"]
        permissions = [
            ("keep_costs", _("Can keep IT's costs and allocation keys and see every report")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(published_at__isnull=False)
                                               & Q(total__isnull=False)),
                name="costs_published_has_total",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100),
                                   name="costs_year_valid",
                                   violation_error_message=_("Give a year from 2000 to 2100.")),
        ]

    def __str__(self) -> str:
        return _("IT costs %(year)s") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("costs:year", args=[self.year])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def basis_of(self, kind: str) -> str:
        return getattr(self, f"{kind}_basis")


class CostPool(models.Model):
    """A cost of the year that the product does not know of, entered by the IT chief (the
    network, the service desk, operations), shared by a key of its own."""

    key_set = models.ForeignKey(
        KeySet, verbose_name=_("cost allocation"), on_delete=models.CASCADE,
        related_name="pools",
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(_("amount (SEK)"), **MONEY)
    basis = models.CharField(_("key"), max_length=10, choices=Basis.choices,
                             default=Basis.USERS)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost pool")
        verbose_name_plural = _("cost pools")
        ordering = ["key_set", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["key_set", "name"], name="costs_pool_name_unique",
                                    violation_error_message=_(
                                        "The year already has a cost pool of that name.")),
            models.CheckConstraint(condition=Q(amount__gte=0), name="costs_pool_not_negative",
                                   violation_error_message=_("The amount cannot be negative.")),
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentEntry(models.Model):
    """A department's figures in a year's key set.

    `users` and `fixed_share` are entered by the IT chief; the counted weights are empty in a
    draft (counted afresh on every reading) and written when the year is published.
    """

    key_set = models.ForeignKey(
        KeySet, verbose_name=_("cost allocation"), on_delete=models.CASCADE,
        related_name="entries",
    )
    department = models.ForeignKey(
        "organisation.Department", verbose_name=_("department"), on_delete=models.PROTECT,
        related_name="cost_entries",
    )
    users = models.PositiveIntegerField(_("number of users"), default=0)
    fixed_share = models.DecimalField(_("fixed share (%)"), max_digits=5, decimal_places=2,
                                      default=0)
    licences_held = models.PositiveIntegerField(_("licences held"), null=True, blank=True,
                                                editable=False)
    systems_owned = models.PositiveIntegerField(_("systems owned"), null=True, blank=True,
                                                editable=False)
    orders_delivered = models.PositiveIntegerField(_("orders delivered"), null=True,
                                                   blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department's figures")
        verbose_name_plural = _("departments' figures")
        ordering = ["key_set", "department__name"]
        constraints = [
            models.UniqueConstraint(fields=["key_set", "department"],
                                    name="costs_entry_unique"),
            models.CheckConstraint(condition=Q(fixed_share__gte=0, fixed_share__lte=100),
                                   name="costs_entry_share_percent",
                                   violation_error_message=_(
                                       "A share is a percentage from 0 to 100.")),
        ]

    def __str__(self) -> str:
        return f"{self.key_set}: {self.department}"


class CostItem(models.Model):
    """One cost of a published year as it stood when the year was published: a contract's
    part of the year, a licence's yearly cost, or a project's actuals of the year. Written
    once, by publishing; never changed."""

    key_set = models.ForeignKey(
        KeySet, verbose_name=_("cost allocation"), on_delete=models.CASCADE,
        related_name="items",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CostKind.choices)
    label = models.CharField(_("cost"), max_length=255)
    detail = models.CharField(_("how it is counted"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount (SEK)"), **MONEY)
    source_id = models.PositiveIntegerField(_("drawn from (id)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")
        ordering = ["key_set", "kind", "label", "pk"]

    def __str__(self) -> str:
        return self.label
