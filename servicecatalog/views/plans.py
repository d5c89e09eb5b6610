"""Management plan pages: every employee reads a plan (its budget only those who see the
service's internal figures); the system owner, the system manager and the ordering function
write it; the system owner or the ordering function approves it. Every change is a POST
handed to one service in `servicecatalog.plans`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tyreso_it.core.exports import export_response
from tyreso_it.core.views import show_refusal

from .. import plans
from ..forms_plans import (
    ApproveForm,
    MissingFilterForm,
    PlanFilterForm,
    PlanForm,
    PlanStartForm,
    ScenarioForm,
)
from ..models import ManagementPlan, Service
from ..permissions import can_edit_service, sees_internal

EXPORT_FORMATS = {"csv", "xlsx"}


def _get_plan(pk: int) -> ManagementPlan:
    try:
        return plans.plan_detail(pk)
    except ManagementPlan.DoesNotExist as exc:
        raise Http404(_("No such management plan.")) from exc


def _get_service(pk: int) -> Service:
    try:
        return Service.objects.select_related("system_owner", "system_manager").get(pk=pk)
    except Service.DoesNotExist as exc:
        raise Http404(_("No such service.")) from exc


def _export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export", "")
    return fmt if fmt in EXPORT_FORMATS else None


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


# --- lists -------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """Every management plan, filtered by year and status."""
    form = PlanFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    rows = list(plans.plan_list(year=filters.get("year"), status=filters.get("status", "")))
    fmt = _export_format(request)
    if fmt:
        headers = [_("System"), _("Year"), _("Status"), _("Approved by"), _("Approved"),
                   _("Recovery time objective (hours)"), _("Continuity plan"),
                   _("System owner"), _("System manager")]
        return export_response(fmt, _("Management plans"), headers, [
            [plan.service.name, plan.year, plan.get_status_display(),
             plan.approved_by and plan.approved_by.get_full_name(), plan.approved_at,
             plan.recovery_time_hours, _yes_no(plan.has_continuity_plan),
             plan.service.system_owner and plan.service.system_owner.get_full_name(),
             plan.service.system_manager and plan.service.system_manager.get_full_name()]
            for plan in rows
        ])
    query = request.GET.copy()
    query.pop("export", None)
    return render(request, "servicecatalog/plan_list.html", {
        "form": form, "plans": rows, "query": query.urlencode(),
        "filtered": bool({k: v for k, v in filters.items() if v}),
    })


@require_GET
def plans_missing(request: HttpRequest) -> HttpResponse:
    """Managed systems without an approved plan for the year or without a continuity plan."""
    form = MissingFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    year = filters.get("year") or timezone.localdate().year
    department = filters.get("department")
    rows = plans.systems_missing_plans(year, department_id=department.pk if department else None)
    fmt = _export_format(request)
    if fmt:
        headers = [_("System"), _("Owning department"), _("System owner"), _("System manager"),
                   _("Month of the yearly review"), _("Plan for the year"),
                   _("Approved plan"), _("Continuity plan")]
        return export_response(fmt, _("Systems without a current plan"), headers, [
            [row.service.name, row.service.department and row.service.department.name,
             row.service.system_owner and row.service.system_owner.get_full_name(),
             row.service.system_manager and row.service.system_manager.get_full_name(),
             row.service.review_month,
             row.plan.get_status_display() if row.plan else _("Missing"),
             _yes_no(row.has_current_plan), _yes_no(row.has_continuity_plan)]
            for row in rows
        ])
    query = request.GET.copy()
    query.pop("export", None)
    return render(request, "servicecatalog/plan_missing.html", {
        "form": form, "rows": rows, "year": year, "query": query.urlencode(),
    })


@require_GET
def service_plans(request: HttpRequest, service_pk: int) -> HttpResponse:
    """One system's plans, year by year, and (for its editors) the start of a new one."""
    service = _get_service(service_pk)
    rows = list(service.plans.select_related("approved_by").order_by("-year"))
    years = {plan.year for plan in rows}
    start_form = None
    if can_edit_service(request.user, service):
        this_year = timezone.localdate().year
        year = this_year if this_year not in years else this_year + 1
        if year not in years:
            start_form = PlanStartForm(initial={"year": year, "copy": True},
                                       can_copy=any(p.year < year for p in rows))
    return render(request, "servicecatalog/plan_service.html", {
        "service": service, "plans": rows, "start_form": start_form,
    })


# --- writes ------------------------------------------------------------------------------


@require_POST
def plan_start(request: HttpRequest, service_pk: int) -> HttpResponse:
    """Start a plan for a year: empty, or copied from the latest earlier plan."""
    service = _get_service(service_pk)
    if not can_edit_service(request.user, service):
        raise PermissionDenied
    form = PlanStartForm(request.POST, can_copy=True)
    status = 400
    if form.is_valid():
        year, copy = form.cleaned_data["year"], form.cleaned_data.get("copy")
        try:
            if copy and plans.previous_plan(service, year) is not None:
                plan = plans.plan_copy_from_previous_year(service=service, year=year,
                                                          actor=request.user)
                messages.success(request, _("The plan for %(year)s is started as a copy of "
                                            "the latest earlier plan. It is a draft until "
                                            "approved.") % {"year": year})
            else:
                plan = plans.plan_create(service=service, year=year, actor=request.user)
                messages.success(request, _("The plan for %(year)s is started.") % {
                    "year": year})
        except plans.PlanError as exc:
            status = show_refusal(request, exc, form)
        else:
            return redirect("servicecatalog:plan_edit", pk=plan.pk)
    rows = list(service.plans.select_related("approved_by").order_by("-year"))
    return render(request, "servicecatalog/plan_service.html", {
        "service": service, "plans": rows, "start_form": form,
    }, status=status)


def _stale(request, form: PlanForm, plan: ManagementPlan, message: str) -> HttpResponse:
    """Keep the user's input in the form, next to the version someone else saved."""
    fresh = plans.plan_detail(plan.pk)
    form.add_error(None, message)
    data = form.data.copy()
    data["version"] = fresh.version
    form.data = data
    saved = [(form.fields[name].label, getattr(fresh, name))
             for name in plans.PLAN_FIELDS if name in form.fields]
    return render(request, "servicecatalog/plan_form.html", {
        "form": form, "plan": fresh, "stale": True, "saved": saved,
    }, status=409)


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(pk)
    if not can_edit_service(request.user, plan.service):
        raise PermissionDenied
    if plan.status != ManagementPlan.Status.DRAFT:
        messages.error(request, _("An approved plan cannot be changed. Start next year's plan "
                                  "from it instead."))
        return redirect(plan)
    show_budget = sees_internal(request.user, plan.service)
    form = PlanForm(request.POST or None, instance=plan, initial={"version": plan.version},
                    show_budget=show_budget)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k in plans.PLAN_FIELDS}
            try:
                plans.plan_update(plan_id=plan.pk, actor=request.user, data=data,
                                  expected_version=form.cleaned_data["version"])
            except plans.StaleVersion as exc:
                return _stale(request, form, plan, exc.message)
            except plans.PlanError as exc:
                status = show_refusal(request, exc, form)
            else:
                messages.success(request, _("The management plan is saved."))
                return redirect(plan)
        else:
            status = 400
    return render(request, "servicecatalog/plan_form.html", {"form": form, "plan": plan},
                  status=status)


@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(pk)
    if not plans.is_plan_approver(request.user, plan.service):
        raise PermissionDenied
    form = ApproveForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        plans.plan_approve(plan_id=plan.pk, actor=request.user, expected_version=version)
    except plans.PlanError as exc:
        show_refusal(request, exc)
        return _detail(request, _get_plan(pk), status=exc.status_code)
    messages.success(request, _("The management plan is approved."))
    return redirect(plan)


@require_POST
def scenario_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(pk)
    if not can_edit_service(request.user, plan.service):
        raise PermissionDenied
    form = ScenarioForm(request.POST)
    if not form.is_valid():
        return _detail(request, plan, scenario_form=form, status=400)
    try:
        plans.scenario_add(plan_id=plan.pk, actor=request.user, data=form.cleaned_data)
    except plans.PlanError as exc:
        show_refusal(request, exc)
        return _detail(request, _get_plan(pk), scenario_form=form, status=exc.status_code)
    messages.success(request, _("The scenario is added."))
    return redirect(f"{plan.get_absolute_url()}#kontinuitet")


@require_POST
def scenario_remove(request: HttpRequest, pk: int, scenario_pk: int) -> HttpResponse:
    plan = _get_plan(pk)
    if not can_edit_service(request.user, plan.service):
        raise PermissionDenied
    if not any(s.pk == scenario_pk for s in plan.scenarios.all()):
        raise Http404(_("No such scenario."))
    try:
        plans.scenario_remove(plan_id=plan.pk, scenario_id=scenario_pk, actor=request.user)
    except plans.PlanError as exc:
        show_refusal(request, exc)
        return _detail(request, _get_plan(pk), status=exc.status_code)
    messages.success(request, _("The scenario is removed."))
    return redirect(f"{plan.get_absolute_url()}#kontinuitet")


# --- the plan page -----------------------------------------------------------------------


def _detail(request: HttpRequest, plan: ManagementPlan, *, scenario_form=None,
            status: int = 200) -> HttpResponse:
    user = request.user
    can_edit = plans.can_edit_plan(user, plan)
    next_year = plan.year + 1
    can_start_next = (
        plan.status == plan.Status.APPROVED
        and can_edit_service(user, plan.service)
        and not ManagementPlan.objects.filter(service=plan.service_id, year=next_year).exists()
    )
    sees_budget = sees_internal(user, plan.service)
    return render(request, "servicecatalog/plan_detail.html", {
        "plan": plan,
        "service": plan.service,
        "scenarios": list(plan.scenarios.all()),
        "sees_budget": sees_budget,
        "can_edit": can_edit,
        "can_approve": plans.can_approve_plan(user, plan),
        "approve_form": ApproveForm(initial={"version": plan.version}),
        "scenario_form": (scenario_form or ScenarioForm()) if can_edit else None,
        "can_start_next": can_start_next,
        "next_year": next_year,
        "history": plans.plan_history(plan, show_budget=sees_budget),
    }, status=status)


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get_plan(pk))
