"""The municipality's organisation: people, roles, departments and who may order for them."""

from datetime import date

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in: an employee of the municipality or of a supplier."""

    title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_session_auth_hash(self) -> str:
        """What a session of this person is checked against (Django's own hash of the
        password hash).

        The user of a request rebuilt from the access cache has no password hash (the cache
        holds none, `organisation.backends`): it carries this hash instead, as it was when
        the entry was built, and the entry is renewed whenever the password changes. Once the
        password is set or loaded on the object, the hash is computed from it again.
        """
        if "password" not in self.__dict__:
            known = self.__dict__.get("_session_auth_hash")
            if known is not None:
                return known
        return super().get_session_auth_hash()


class AccessVersion(models.Model):
    """One row whose token names the state of everything that decides access.

    Database triggers on the tables that decide who may see and do what (`organisation.
    triggers`: people, groups, permissions, roles, departments, the register, providers'
    staff, meetings' chairs and members) write a new random token in the writer's own
    transaction, whoever writes: a service, the admin, `QuerySet.update`, a bulk load or SQL
    by hand. The access cache (`organisation.access`) uses an entry only while the token it
    was built under is the one in force, so no change of access can be missed.

    A token rather than a counter: a rolled-back transaction or a restored backup brings an
    older value back, and a counter would then climb to values that entries built for other
    rights already carry; a random token names one state only.
    """

    token = models.CharField(_("token"), max_length=40)

    class Meta:
        verbose_name = _("access version")
        verbose_name_plural = _("access versions")

    def __str__(self) -> str:
        return self.token


class Role(models.Model):
    """A role of the IT organisation (a column of the HUKI matrix).

    Holding a role is being in its group: the group carries the role's model permissions, so
    "sees every order" is a plain permission check and never a per-object lookup.
    """

    class Code(models.TextChoices):
        ORDERER = "orderer", _("Authorised orderer")
        DEPARTMENT_IT_LEAD = "department_it_lead", _("Department IT lead")
        IT_COORDINATOR = "it_coordinator", _("IT coordinator")
        REQUIREMENTS_ANALYST = "requirements_analyst", _("Requirements analyst")
        IT_ARCHITECT = "it_architect", _("IT architect")
        DELIVERY_MANAGER = "delivery_manager", _("Supplier and delivery manager")
        CHANGE_MANAGER = "change_manager", _("Change manager")
        IT_CHIEF = "it_chief", _("IT chief")
        DEPUTY_IT_CHIEF = "deputy_it_chief", _("Deputy IT chief")
        IT_OPERATIONS_MANAGER = "it_operations_manager", _("IT operations manager")
        SERVICE_DESK = "service_desk", _("Service desk")
        PROVIDER = "provider", _("Provider")

    code = models.CharField(_("code"), max_length=40, choices=Code.choices, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    group = models.OneToOneField(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="role"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A förvaltning (or a staff unit of one) that orders IT function.

    Who belongs is read from the department's register of authorised orderers as it stands
    today, never kept anywhere else (`organisation.selectors.standing_of`): a person on it (or
    the deputy of one) belongs, sees the department's submitted orders and writes drafts; the
    `it_lead` belongs too, and coordinates: sees every order of the department, drafts
    included, and submits on its behalf.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("abbreviation"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    it_lead = models.ForeignKey(
        User,
        verbose_name=_("department IT lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_departments",
    )
    email = models.EmailField(_("functional mailbox"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrdererRegistrationQuerySet(models.QuerySet):
    def valid_on(self, day: date | None = None) -> "OrdererRegistrationQuerySet":
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class OrdererRegistration(models.Model):
    """An entry in a department's register of authorised orderers (§3 of the report).

    The register is the one source of who belongs to a department: a person (and the deputy)
    belongs from `valid_from` to `valid_until`, both days included, read on each request and
    kept nowhere else, so an end date takes effect on that day and a deleted entry at once.
    Only a person on the register on the day of submission (or its deputy, or the department
    IT lead) may submit an order for the department.
    """

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="orderer_registrations",
    )
    person = models.ForeignKey(
        User,
        verbose_name=_("authorised orderer"),
        on_delete=models.CASCADE,
        related_name="orderer_registrations",
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    deputy = models.ForeignKey(
        User,
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_registrations",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = OrdererRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("authorised orderer")
        verbose_name_plural = _("register of authorised orderers")
        ordering = ["department", "person"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="orderer_registration_period_valid",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(deputy=models.F("person")),
                name="orderer_registration_deputy_not_self",
                violation_error_message=_("A person cannot be their own deputy."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.department}"


class Provider(models.Model):
    """An utförare: IT-enheten or an external supplier carrying out decided orders."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal (IT unit)")
        EXTERNAL = "external", _("External supplier")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    members = models.ManyToManyField(
        User, verbose_name=_("staff"), blank=True, related_name="providers"
    )
    email = models.EmailField(_("functional mailbox"), blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExternalIdentity(models.Model):
    """The person's account at the municipality's identity provider (single sign-on).

    A login through the provider finds its person by the employee id (the stable key the
    provider's claim carries), never by email: an address can change hands, an employee id
    does not. Name and email are copied from the claims at every login.
    """

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="external_identity"
    )
    employee_id = models.CharField(_("employee id"), max_length=150, unique=True)
    issuer = models.CharField(_("identity provider"), max_length=255, blank=True)
    last_login = models.DateTimeField(_("last login through the provider"), null=True,
                                      blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        ordering = ["employee_id"]

    def __str__(self) -> str:
        return self.employee_id
