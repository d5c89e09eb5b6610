"""The HUKI matrix (§6.5.1): who is Huvudansvarig, Utförare, Konsulteras and Informeras for
each activity in the interfaces between the departments' orderers, the ordering function and
IT-enheten.

Roles (`organisation.Role`) are the columns, activities the rows. The matrix is kept in
versions: one draft at a time is edited, then published; the published version is the one in
force, and every earlier one stays as it was, readable and comparable. The order flow reads
the version in force at each transition (`raci.services.order_step_consult_and_inform`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Process(models.TextChoices):
    """The processes the activities are grouped by (§6.5.3, §6.5.9, §6.5.10), in this order."""

    ORDERING = "ordering", _("Ordering")
    PREPARATION = "preparation", _("Preparation")
    DECISION = "decision", _("Decision (BIT)")
    DELIVERY = "delivery", _("Delivery")
    SYSTEM_MANAGEMENT = "system_management", _("System management")
    INCIDENT_PROBLEM = "incident_problem", _("Incident and problem handling")
    CHANGE = "change", _("Change handling")
    SERVICE_DESK = "service_desk", _("Service desk")
    PROCUREMENT = "procurement", _("Procurement and supplier management")
    GOVERNANCE = "governance", _("Governance and processes")


class Letter(models.TextChoices):
    """What a role is for an activity. The values are the Swedish letters of the matrix."""

    H = "H", _("Accountable")
    U = "U", _("Responsible")
    K = "K", _("Consulted")
    I = "I", _("Informed")  # noqa: E741 - the letter of the matrix


class Activity(models.Model):
    """A row of the matrix: something done in the interface between orderer and IT.

    `accountable_roles` says which roles can act on the activity and so may hold its H (the
    order flow's steps list exactly the roles the product lets take that step). Activities
    are never deleted, only retired, so every published version keeps its rows.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    process = models.CharField(_("process"), max_length=30, choices=Process.choices)
    name = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    accountable_roles = models.ManyToManyField(
        "organisation.Role",
        verbose_name=_("may be accountable (H)"),
        related_name="accountable_activities",
        blank=True,
        help_text=_("The roles that act on this activity and so may hold its H."),
    )
    is_active = models.BooleanField(
        _("in use"), default=True,
        help_text=_("A retired activity is left out of new drafts; old versions keep it."),
    )
    history = HistoricalRecords(m2m_fields=[accountable_roles])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_order_step(self) -> bool:
        """True when the order flow carries this activity out (see `raci.flow`)."""
        from .flow import ORDER_STEP_CODES

        return self.code in ORDER_STEP_CODES


class MatrixVersion(models.Model):
    """One version of the whole matrix.

    A draft is edited by the process owner; publishing puts it in force and supersedes the
    version in force until then. Published and superseded versions are never changed again,
    so a consultation or a notice can always be traced to the matrix that caused it.
    `revision` rises on every save of a draft: a form carrying an older one is refused.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("matrix version", "Draft")
        PUBLISHED = "published", pgettext_lazy("matrix version", "In force")
        SUPERSEDED = "superseded", pgettext_lazy("matrix version", "Superseded")

    number = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    note = models.TextField(_("what changed and why"), blank=True)
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
    saved_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last saved by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("HUKI matrix version")
        verbose_name_plural = _("HUKI matrix versions")
        ordering = ["-number"]
        permissions = [("edit_matrix", _("Can edit and publish the HUKI matrix"))]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="draft"), name="raci_one_draft"
            ),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="published"), name="raci_one_in_force"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="raci_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return _("HUKI matrix, version %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        if self.status == self.Status.DRAFT:
            return reverse("raci:draft")
        return reverse("raci:version", args=[self.number])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Cell(models.Model):
    """One letter of one version: what `role` is for `activity`. An empty cell has no row."""

    version = models.ForeignKey(
        MatrixVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="cells"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="cells"
    )
    role = models.ForeignKey(
        "organisation.Role", verbose_name=_("role"), on_delete=models.PROTECT,
        related_name="huki_cells",
    )
    letter = models.CharField(_("letter"), max_length=1, choices=Letter.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("HUKI cell")
        verbose_name_plural = _("HUKI cells")
        ordering = ["version", "activity", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "activity", "role"], name="raci_cell_unique"
            ),
            models.CheckConstraint(
                condition=Q(letter__in=["H", "U", "K", "I"]), name="raci_cell_letter_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.role_id}: {self.letter}"


class ConsultationTask(models.Model):
    """A role asked for its view on an order's step, because the matrix in force says K.

    Made in the transaction of the transition that brought the order to the step; the people
    of the role answer it on the order's page, where the handler sees it answered or open.
    Once the order has gone past the step (or is finished), an open one lapses unanswered.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("consultation", "Awaiting an answer")
        ANSWERED = "answered", pgettext_lazy("consultation", "Answered")
        # The order went past the step before anyone answered.
        LAPSED = "lapsed", pgettext_lazy("consultation", "Not answered")

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.CASCADE,
        related_name="consultations",
    )
    event = models.ForeignKey(
        "orders.OrderEvent", verbose_name=_("asked at the transition"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.ForeignKey(
        "organisation.Role", verbose_name=_("role"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        MatrixVersion, verbose_name=_("HUKI matrix version"), on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "activity", "role"], condition=Q(status="open"),
                name="raci_consultation_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="raci_consultation_answered_has_answer",
            ),
        ]
        indexes = [models.Index(fields=["order", "asked_at"], name="raci_consult_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.activity_id}/{self.role_id} ({self.status})"


class OrderRoleSight(models.Model):
    """A role a HUKI step showed an order to: it was consulted (K) or informed (I) on it.

    Whoever holds the role sees the order (`orders.querysets.Visibility`), for as long as they
    hold it: sight is read from the role's group at each request, never granted per person,
    so it ends when the person leaves the role. Contextual roles (the orderer, the department
    IT lead, the provider) see the order through the order itself and get no row; the service
    desk holds no right on orders and gets none either (`organisation.roles`).
    """

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.CASCADE,
        related_name="role_sights",
    )
    role = models.ForeignKey(
        "organisation.Role", verbose_name=_("role"), on_delete=models.CASCADE,
        related_name="order_sights",
    )
    since = models.DateTimeField(_("shown since"), auto_now_add=True)

    class Meta:
        verbose_name = _("order shown to a role")
        verbose_name_plural = _("orders shown to roles")
        constraints = [
            models.UniqueConstraint(fields=["order", "role"], name="raci_order_role_sight_unique"),
        ]
        # A person's orders: looked up by the roles they hold.
        indexes = [models.Index(fields=["role", "order"], name="raci_sight_role_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.role_id}"
