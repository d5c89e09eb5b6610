"""Management plans (förvaltningsplaner, §6.5.7–6.5.8): every write, and the reads the plan
pages use.

A system has one plan per year. The system owner, the system manager and the ordering
function write it; the system owner or the ordering function approves it. An approved plan is
a decision and stays as it was approved: next year's work starts as a new draft, copied from
it. Every change is recorded in the plan's history with who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisation.models import User
from tyreso_it.core.errors import ServiceError
from tyreso_it.core.workflow import Transition, Workflow

from .models import ContinuityScenario, ManagementPlan, Service
from .permissions import can_edit_catalogue, can_edit_service

S = ManagementPlan.Status

#: What a plan's edit form writes.
PLAN_FIELDS = ("goals", "activities", "budget", "recovery_time_hours", "manual_fallback")
#: What a scenario is made of.
SCENARIO_FIELDS = ("scenario", "impact", "measures")
#: Systems in these states are managed, so they need a plan every year.
MANAGED_LIFECYCLES = (Service.Lifecycle.IN_USE, Service.Lifecycle.PHASING_OUT)
#: The years a plan may be written for, around the current one.
YEARS_BACK, YEARS_AHEAD = 10, 1


class PlanError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class NotAllowed(PlanError):
    status_code = 403


class InvalidTransition(PlanError):
    """The plan is not in a state the action applies to (often: someone was first)."""

    status_code = 409


class StaleVersion(PlanError):
    status_code = 409


def _already_approved(transition: Transition, plan: ManagementPlan) -> PlanError:
    return InvalidTransition(
        _("The plan is already approved (by %(who)s).") % {"who": plan.approved_by or _("someone")}
    )


def _not_an_approver(transition: Transition, plan: ManagementPlan) -> PlanError:
    return NotAllowed(_("The plan is approved by the system owner or the ordering function."))


#: The plan's only transition. Approved is final for the year.
PLAN_FLOW: Workflow[ManagementPlan] = Workflow(
    [
        Transition("approve", gettext_lazy("Approve"), frozenset({S.DRAFT}), S.APPROVED,
                   lambda user, plan: is_plan_approver(user, plan.service)),
    ],
    invalid=_already_approved,
    not_allowed=_not_an_approver,
)


# --- who may do what --------------------------------------------------------------------


def can_edit_plan(user: User, plan: ManagementPlan) -> bool:
    """The service's owner and manager and the ordering function, while it is a draft."""
    return plan.status == S.DRAFT and can_edit_service(user, plan.service)


def is_plan_approver(user: User, service: Service) -> bool:
    """The system owner answers for the plan; the ordering function may approve it too.

    The system manager writes the plan but does not approve it alone.
    """
    return user.is_authenticated and (
        can_edit_catalogue(user) or service.system_owner_id == user.pk
    )


def can_approve_plan(user: User, plan: ManagementPlan) -> bool:
    return PLAN_FLOW.permits("approve", user, plan)


# --- writes ----------------------------------------------------------------------------


def _save(plan: ManagementPlan, actor: User, reason: str) -> None:
    plan.version += 1
    plan._history_user = actor
    plan._change_reason = reason[:100]
    plan.save()


def _lock(plan_id: int) -> ManagementPlan:
    try:
        return ManagementPlan.objects.select_for_update().select_related("service").get(
            pk=plan_id
        )
    except ManagementPlan.DoesNotExist as exc:
        raise PlanError(_("The management plan does not exist.")) from exc


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not this_year - YEARS_BACK <= year <= this_year + YEARS_AHEAD:
        raise PlanError(
            _("Give a year from %(first)s to %(last)s.")
            % {"first": this_year - YEARS_BACK, "last": this_year + YEARS_AHEAD},
            field="year",
        )


def _check_writable(plan: ManagementPlan, actor: User, expected_version: int | None) -> None:
    if expected_version is not None and plan.version != expected_version:
        raise StaleVersion(
            _(
                "Someone else saved this management plan while you were working on it. Your "
                "changes were not saved: compare them with the newer version shown on the "
                "page and save again."
            )
        )
    if plan.status != S.DRAFT:
        raise InvalidTransition(
            _(
                "The plan for %(year)s is approved and can no longer be changed. Start next "
                "year's plan from it instead."
            )
            % {"year": plan.year}
        )
    if not can_edit_service(actor, plan.service):
        raise NotAllowed(
            _("Only the system owner, the system manager and the ordering function can "
              "change this plan.")
        )


def _new_plan(*, service: Service, year: int, actor: User, reason: str,
              values: dict[str, Any]) -> ManagementPlan:
    if not can_edit_service(actor, service):
        raise NotAllowed(
            _("Only the system owner, the system manager and the ordering function can write "
              "this system's management plan.")
        )
    _check_year(year)
    if ManagementPlan.objects.filter(service=service, year=year).exists():
        raise PlanError(
            _("%(service)s already has a management plan for %(year)s.")
            % {"service": service, "year": year},
            field="year",
        )
    plan = ManagementPlan(service=service, year=year, status=S.DRAFT,
                          **{k: v for k, v in values.items() if k in PLAN_FIELDS})
    plan._history_user = actor
    plan._change_reason = reason[:100]
    try:
        # A savepoint: a plan written by someone else a moment ago only fails this insert.
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise PlanError(
            _("%(service)s already has a management plan for %(year)s.")
            % {"service": service, "year": year},
            field="year",
        ) from exc
    return plan


@transaction.atomic
def plan_create(
    *, service: Service, year: int, actor: User, data: dict[str, Any] | None = None
) -> ManagementPlan:
    """Start an empty draft for `service` and `year` (one plan per system and year)."""
    return _new_plan(service=service, year=year, actor=actor, values=data or {},
                     reason=_("Plan started"))


def previous_plan(service: Service, year: int) -> ManagementPlan | None:
    """The latest plan of `service` before `year`: last year's, or an older one if it is
    missing."""
    return (
        ManagementPlan.objects.filter(service=service, year__lt=year)
        .order_by("-year")
        .first()
    )


@transaction.atomic
def plan_copy_from_previous_year(
    *, service: Service, year: int, actor: User
) -> ManagementPlan:
    """Start `year`'s plan as a draft copy of the latest earlier plan, scenarios included.

    What the copy does not take over: approval (a new year is approved anew), and the
    history of the old plan, which stays with it.
    """
    source = previous_plan(service, year)
    if source is None:
        raise PlanError(
            _("%(service)s has no earlier management plan to copy.") % {"service": service}
        )
    plan = _new_plan(
        service=service, year=year, actor=actor,
        values={field: getattr(source, field) for field in PLAN_FIELDS},
        reason=_("Copied from the plan for %(year)s") % {"year": source.year},
    )
    for old in source.scenarios.order_by("pk"):
        scenario = ContinuityScenario(
            plan=plan, **{field: getattr(old, field) for field in SCENARIO_FIELDS}
        )
        scenario._history_user = actor
        scenario.save()
    return plan


def plan_update(
    *, plan_id: int, actor: User, data: dict[str, Any], expected_version: int
) -> ManagementPlan:
    """Save the plan's text, budget and continuity fields, unless someone saved first."""
    with transaction.atomic():
        plan = _lock(plan_id)
        _check_writable(plan, actor, expected_version)
        changed = [f for f in PLAN_FIELDS if f in data and getattr(plan, f) != data[f]]
        for field in changed:
            setattr(plan, field, data[field])
        if changed:
            _save(plan, actor, _("Plan edited"))
        return plan


def plan_approve(
    *, plan_id: int, actor: User, expected_version: int | None = None
) -> ManagementPlan:
    """Approve the draft as it stands; from then on it is read-only.

    With `expected_version`, the approver approves the version they read: a plan changed
    after they opened it is refused, so nobody approves text they have not seen.
    """
    with transaction.atomic():
        plan = _lock(plan_id)
        transition = PLAN_FLOW.check("approve", plan, actor)
        if expected_version is not None and plan.version != expected_version:
            raise StaleVersion(
                _("The plan was changed after you opened it. Read the new version before "
                  "approving it.")
            )
        if not (plan.goals.strip() and plan.activities.strip()):
            raise PlanError(
                _("A plan without goals and planned activities cannot be approved.")
            )
        plan.status = transition.target
        plan.approved_by = actor
        plan.approved_at = timezone.now()
        _save(plan, actor, _("Plan approved"))
        return plan


def scenario_add(*, plan_id: int, actor: User, data: dict[str, Any]) -> ContinuityScenario:
    """Add a continuity scenario (what happens, its impact, the measures) to a draft."""
    with transaction.atomic():
        plan = _lock(plan_id)
        _check_writable(plan, actor, None)
        scenario = ContinuityScenario(
            plan=plan, **{k: v for k, v in data.items() if k in SCENARIO_FIELDS}
        )
        scenario._history_user = actor
        scenario.save()
        # The plan changed: an approval of the version before this one is refused.
        _save(plan, actor, _("Scenario added"))
        return scenario


def scenario_remove(*, plan_id: int, scenario_id: int, actor: User) -> None:
    """Remove a scenario from a draft; its history stays."""
    with transaction.atomic():
        plan = _lock(plan_id)
        _check_writable(plan, actor, None)
        scenario = plan.scenarios.filter(pk=scenario_id).first()
        if scenario is None:
            raise PlanError(_("The scenario is already removed."))
        scenario._history_user = actor
        scenario.delete()
        _save(plan, actor, _("Scenario removed"))


# --- reads -------------------------------------------------------------------------------


def plan_detail(pk: int) -> ManagementPlan:
    """One plan with its system, people and scenarios (every employee may read plans)."""
    return (
        ManagementPlan.objects.select_related(
            "service__system_owner", "service__system_manager", "service__department",
            "approved_by",
        )
        .prefetch_related(
            Prefetch("scenarios", queryset=ContinuityScenario.objects.order_by("pk"))
        )
        .get(pk=pk)
    )


def plan_list(year: int | None = None, status: str = "") -> QuerySet[ManagementPlan]:
    plans = ManagementPlan.objects.select_related(
        "service__department", "service__system_owner", "service__system_manager",
        "approved_by",
    ).order_by("-year", "service__name")
    if year:
        plans = plans.filter(year=year)
    if status:
        plans = plans.filter(status=status)
    return plans


def plan_history(plan: ManagementPlan, *, show_budget: bool, limit: int = 20) -> list:
    """The plan's recorded changes, newest first, each with its field-by-field difference
    (the budget's only for those who may see it). Approval shows as its status change; who
    approved and when are the record's own user and time."""
    hidden = ["version", "approved_by", "approved_at"]
    if not show_budget:
        hidden.append("budget")
    records = list(
        plan.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None:
            for change in record.diff_against(older, excluded_fields=hidden).changes:
                field = ManagementPlan._meta.get_field(change.field)
                changes.append((capfirst(field.verbose_name), _display(change.field, change.old),
                                _display(change.field, change.new)))
        entries.append({"record": record, "changes": changes})
    return entries


def _display(field: str, value: Any) -> Any:
    if field == "status" and value:
        return S(value).label
    if value == "":
        return None
    return value


def services_for_review(year: int) -> QuerySet[Service]:
    """Managed systems with their plan for `year` (or none), for the list of what is missing."""
    return (
        Service.objects.filter(lifecycle__in=MANAGED_LIFECYCLES)
        .select_related("department", "system_owner", "system_manager")
        .prefetch_related(
            Prefetch("plans", queryset=ManagementPlan.objects.filter(year=year),
                     to_attr="plans_of_year")
        )
        .order_by("name")
    )


@dataclass
class MissingRow:
    """A managed system whose plan for the year is not approved or has no continuity plan."""

    service: Service
    plan: ManagementPlan | None

    @property
    def review_month_name(self) -> str:
        return MONTHS[self.service.review_month]

    @property
    def has_current_plan(self) -> bool:
        return self.plan is not None and self.plan.status == S.APPROVED

    @property
    def has_continuity_plan(self) -> bool:
        return self.plan is not None and self.plan.has_continuity_plan


def count_systems_missing_plans(year: int, department_id: int | None = None) -> int:
    """How many rows `systems_missing_plans` lists, in one query of three columns a system:
    what the dashboard shows, without building the systems, their people and their plans."""
    services = Service.objects.filter(lifecycle__in=MANAGED_LIFECYCLES)
    if department_id:
        services = services.filter(department_id=department_id)
    plans = (
        services.annotate(plan=FilteredRelation("plans", condition=Q(plans__year=year)))
        .values_list("plan__status", "plan__recovery_time_hours", "plan__manual_fallback")
        .order_by()
    )
    # MissingRow's has_current_plan and has_continuity_plan (ManagementPlan's), on the values.
    return sum(
        1 for status, hours, fallback in plans
        if not (status == S.APPROVED and hours is not None and (fallback or "").strip())
    )


def systems_missing_plans(year: int, department_id: int | None = None) -> list[MissingRow]:
    """Every managed system without an approved plan for `year` or without a continuity
    plan in it, in one query for the systems and one for their plans."""
    services = services_for_review(year)
    if department_id:
        services = services.filter(department_id=department_id)
    rows = []
    for service in services:
        plan = service.plans_of_year[0] if service.plans_of_year else None
        row = MissingRow(service=service, plan=plan)
        if not (row.has_current_plan and row.has_continuity_plan):
            rows.append(row)
    return rows

