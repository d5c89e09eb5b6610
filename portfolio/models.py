"""The IT project portfolio (§6.5.4): projects, their milestones and monthly status reports, the
one ranked list the change manager keeps, and the nightly snapshots the dashboard's trends are
drawn from."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}


class Health(models.TextChoices):
    """Traffic light of one aspect of a project (schedule, cost, scope)."""

    GREEN = "green", pgettext_lazy("health", "Green")
    AMBER = "amber", pgettext_lazy("health", "Amber")
    RED = "red", pgettext_lazy("health", "Red")


#: Worst first: the overall health of a project is its worst aspect.
HEALTH_ORDER = (Health.RED, Health.AMBER, Health.GREEN)


def worst_health(*values: str | None) -> str | None:
    """The worst of the given traffic lights, or None when none is given."""
    given = [value for value in values if value]
    for health in HEALTH_ORDER:
        if health in given:
            return health.value
    return None


class Project(models.Model):
    """A project of the portfolio: from an approved project order, or entered directly.

    Written only through `portfolio.services`: the change manager creates and edits it, the
    project manager keeps its phase, dates, actuals and milestones up to date. `version` rises
    on every write, so a stale form is refused instead of overwriting newer data. Its health is
    that of its latest status report (`latest_report`, kept by the report service).
    """

    class Phase(models.TextChoices):
        INITIATION = "initiation", pgettext_lazy("project phase", "Pre-study")
        PLANNING = "planning", pgettext_lazy("project phase", "Planning")
        EXECUTION = "execution", pgettext_lazy("project phase", "Execution")
        CLOSING = "closing", pgettext_lazy("project phase", "Closing")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("project status", "Active")
        ON_HOLD = "on_hold", pgettext_lazy("project status", "On hold")
        COMPLETED = "completed", pgettext_lazy("project status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("project status", "Cancelled")

    OPEN_STATUSES = (Status.ACTIVE, Status.ON_HOLD)

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("goal and scope"), blank=True)
    sponsor_department = models.ForeignKey(
        "organisation.Department", verbose_name=_("sponsor department"),
        on_delete=models.PROTECT, related_name="projects",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("project manager"), on_delete=models.PROTECT,
        related_name="managed_projects",
    )
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices,
                             default=Phase.INITIATION)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.ACTIVE)
    budget = models.DecimalField(_("budget (SEK)"), null=True, blank=True, **MONEY)
    actual_cost = models.DecimalField(_("actuals (SEK)"), default=0, **MONEY)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    order = models.OneToOneField(
        "orders.Order", verbose_name=_("project order"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="project",
    )
    linked_orders = models.ManyToManyField(
        "orders.Order", verbose_name=_("linked orders"), blank=True,
        related_name="linked_projects",
    )
    latest_report = models.ForeignKey(
        "StatusReport", verbose_name=_("latest status report"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(
        excluded_fields=["updated_at", "version", "latest_report"], m2m_fields=[linked_orders]
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["sponsor_department", "status"], name="project_dept_status_idx"),
            models.Index(fields=["status", "planned_end"], name="project_status_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="project_planned_end_after_start",
                violation_error_message=_("The planned end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="project_actual_end_after_start",
                violation_error_message=_("The actual end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="project_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(actual_cost__gte=0), name="project_actuals_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:project", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def health(self) -> str | None:
        """The overall health of the latest status report: its worst aspect."""
        report = self.latest_report
        return report.overall if report is not None else None

    def get_health_display(self) -> str:
        return Health(self.health).label if self.health else _("Not reported")

    @property
    def budget_used(self) -> int | None:
        """Actuals as a whole percentage of the budget."""
        if not self.budget:
            return None
        return round(self.actual_cost * 100 / self.budget)


class Milestone(models.Model):
    """A point in a project's plan, shown on the timeline; done when its date is recorded."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("date"))
    done_on = models.DateField(_("reached"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["project", "due_date"], name="milestone_project_date_idx")]

    def __str__(self) -> str:
        return self.name


class StatusReport(models.Model):
    """The project manager's report for one month: health of schedule, cost and scope (a
    comment is required for each aspect that is not green), what was done and comes next.

    One per project and month (`period` is the month's first day); edited under a version
    check. The project shows the health of the report with the latest period.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    period = models.DateField(_("period"), help_text=_("The first day of the month reported."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
        related_name="+",
    )
    schedule = models.CharField(_("schedule"), max_length=5, choices=Health.choices)
    schedule_comment = models.TextField(_("comment on the schedule"), blank=True)
    cost = models.CharField(_("cost"), max_length=5, choices=Health.choices)
    cost_comment = models.TextField(_("comment on the cost"), blank=True)
    scope = models.CharField(_("scope"), max_length=5, choices=Health.choices)
    scope_comment = models.TextField(_("comment on the scope"), blank=True)
    summary = models.TextField(_("done in the period"))
    next_steps = models.TextField(_("next steps"), blank=True)
    risks = models.TextField(_("risks and issues"), blank=True)
    actual_cost = models.DecimalField(
        _("actuals to date (SEK)"), null=True, blank=True, **MONEY
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["project", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="status_report_once"),
            models.CheckConstraint(
                condition=Q(schedule=Health.GREEN) | ~Q(schedule_comment=""),
                name="status_report_schedule_explained",
            ),
            models.CheckConstraint(
                condition=Q(cost=Health.GREEN) | ~Q(cost_comment=""),
                name="status_report_cost_explained",
            ),
            models.CheckConstraint(
                condition=Q(scope=Health.GREEN) | ~Q(scope_comment=""),
                name="status_report_scope_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.period:%Y-%m}"

    @property
    def overall(self) -> str:
        return worst_health(self.schedule, self.cost, self.scope) or Health.GREEN.value


class PortfolioEntry(models.Model):
    """A place in the one ranked portfolio: a project, or a larger change order.

    Ranks run 1, 2, 3 … without gaps; `portfolio.services` renumbers under a lock and writes
    a RankChange for every move, so the order of the portfolio can always be explained.
    """

    project = models.OneToOneField(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="entry",
    )
    order = models.OneToOneField(
        "orders.Order", verbose_name=_("order"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="portfolio_entry",
    )
    rank = models.PositiveIntegerField(_("rank"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("portfolio entry")
        verbose_name_plural = _("portfolio entries")
        ordering = ["rank", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(order__isnull=True))
                | (Q(project__isnull=True) & Q(order__isnull=False)),
                name="portfolio_entry_project_or_order",
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="portfolio_entry_rank_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"

    @property
    def subject(self):
        return self.project if self.project_id else self.order

    @property
    def title(self) -> str:
        if self.project_id:
            return self.project.name
        return f"{self.order.reference or ''} {self.order.title}".strip()

    @property
    def department(self):
        return self.project.sponsor_department if self.project_id else self.order.department


class RankChange(models.Model):
    """One move in the ranked portfolio: what moved, from which place to which, who and why.

    An addition has no `from_rank`, a removal no `to_rank`. Kept when the entry is gone.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="rank_changes",
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="rank_changes",
    )
    title = models.CharField(_("title"), max_length=255)
    from_rank = models.PositiveIntegerField(_("from place"), null=True, blank=True)
    to_rank = models.PositiveIntegerField(_("to place"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("rank change")
        verbose_name_plural = _("rank changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["-at"], name="rank_change_at_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="rank_change_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.from_rank} → {self.to_rank}"


class DashboardSnapshot(models.Model):
    """The dashboard's counts as they stood on one day, taken nightly; one row per day.

    `data` holds order counts by (department, type, status) and project counts by
    (department, health), so a trend can be filtered like the dashboard itself.
    """

    day = models.DateField(_("day"), unique=True)
    taken_at = models.DateTimeField(_("taken"), auto_now=True)
    data = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        ordering = ["-day"]

    def __str__(self) -> str:
        return self.day.isoformat()
