"""Projects: the list, a project's page, entering and editing it, its milestones, linked
orders and monthly status reports."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orders.models import Order
from organisation.models import Department
from organisation.predicates import sees_all
from tyreso_it.core.exports import export_response
from tyreso_it.core.views import show_refusal

from .. import permissions as perms
from .. import selectors, services
from ..forms import (
    LinkOrderForm,
    MilestoneForm,
    PeriodForm,
    ProjectFilterForm,
    ProjectForm,
    StatusReportForm,
    month_name,
)
from ..models import Milestone, Project, StatusReport
from .common import export_format, health_label, query_without, require_access


def _get_project(request: HttpRequest, pk: int) -> Project:
    try:
        return selectors.project_detail(request.user, pk)
    except Project.DoesNotExist as exc:
        raise Http404(_("No such project.")) from exc


def _departments(user) -> object:
    if sees_all(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=perms.own_departments(user))


PROJECT_HEADERS = (
    gettext_lazy("Rank"),
    gettext_lazy("Project"),
    gettext_lazy("Sponsor department"),
    gettext_lazy("Project manager"),
    gettext_lazy("Phase"),
    gettext_lazy("Status"),
    gettext_lazy("Health"),
    gettext_lazy("Schedule"),
    gettext_lazy("Cost"),
    gettext_lazy("Scope"),
    gettext_lazy("Latest status report"),
    gettext_lazy("Budget (SEK)"),
    gettext_lazy("Actuals (SEK)"),
    gettext_lazy("Planned start"),
    gettext_lazy("Planned end"),
    gettext_lazy("Actual start"),
    gettext_lazy("Actual end"),
    gettext_lazy("Project order"),
)


def project_rows(projects) -> list[list]:
    rows = []
    for project in projects:
        report = project.latest_report
        entry = getattr(project, "entry", None)
        rows.append([
            entry.rank if entry else None, project.name, project.sponsor_department.name,
            project.manager.get_full_name() or project.manager.username,
            project.get_phase_display(), project.get_status_display(),
            health_label(project.health),
            report and report.get_schedule_display(), report and report.get_cost_display(),
            report and report.get_scope_display(), report and f"{report.period:%Y-%m}",
            project.budget, project.actual_cost, project.planned_start, project.planned_end,
            project.actual_start, project.actual_end,
            project.order.reference if project.order_id else None,
        ])
    return rows


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """Every project the person may see, with the latest report's health."""
    require_access(request)
    user = request.user
    form = ProjectFilterForm(request.GET or None, departments=_departments(user))
    # A bad value in one filter drops that filter only, not the others.
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    projects = selectors.project_list(user, filters).select_related("order")
    fmt = export_format(request)
    if fmt:
        headers = [str(h) for h in PROJECT_HEADERS]
        return export_response(fmt, _("Projects"), headers, project_rows(projects))
    return render(request, "portfolio/project_list.html", {
        "form": form, "projects": list(projects),
        "filtered": any(v for k, v in filters.items() if k != "sort"),
        "query": query_without(request, "export"),
        "can_manage": perms.can_manage_portfolio(user),
        "period": month_name(selectors.report_period()).lower(),
    })


def _form_page(request, form, *, project=None, order=None, stale=False, saved=None, status=200):
    return render(request, "portfolio/project_form.html", {
        "form": form, "project": project, "order": order, "stale": stale,
        "saved": saved or [], "manager_only": not perms.can_manage_portfolio(request.user),
    }, status=status)


@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, order_pk: int | None = None) -> HttpResponse:
    """Enter a project directly, or from an approved project order (pre-filled from it)."""
    require_access(request)
    if not perms.can_manage_portfolio(request.user):
        raise PermissionDenied
    order = None
    initial = {}
    if order_pk is not None:
        order = selectors.orders_awaiting_project().filter(pk=order_pk).first()
        if order is None:
            raise Http404(_("No approved project order without a project."))
        initial = {
            # A project is seen more widely than its order: a secrecy-marked need is not
            # carried into its description (orders.secrecy).
            "name": order.title, "description": "" if order.is_secret else order.need,
            "sponsor_department": order.department_id, "budget": order.estimated_cost,
            "planned_start": order.planned_start, "planned_end": order.planned_end,
            "phase": Project.Phase.PLANNING,
        }
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                project = services.project_create(actor=request.user, data=form.service_data(),
                                                  order=order)
            except services.PortfolioError as exc:
                show_refusal(request, exc, form)
                return _form_page(request, form, order=order, status=exc.status_code)
            messages.success(request, _("The project is entered and placed last in the "
                                        "portfolio."))
            return redirect(project)
        return _form_page(request, form, order=order, status=400)
    return _form_page(request, form, order=order)


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    user = request.user
    if not perms.can_edit_project(user, project):
        raise PermissionDenied
    manager_only = not perms.can_manage_portfolio(user)
    form = ProjectForm(request.POST or None, instance=project, manager_only=manager_only,
                       initial={"version": project.version})
    if request.method == "POST":
        if not form.is_valid():
            return _form_page(request, form, project=project, status=400)
        try:
            services.project_update(project_id=project.pk, actor=user,
                                    data=form.service_data(),
                                    expected_version=form.cleaned_data["version"] or 0)
        except services.StaleVersion as exc:
            fresh = _get_project(request, pk)
            show_refusal(request, exc, form)
            data = form.data.copy()
            data["version"] = fresh.version
            form.data = data
            saved = [(form.fields[name].label, _shown(fresh, name)) for name in form.fields
                     if name != "version"]
            return _form_page(request, form, project=fresh, stale=True, saved=saved,
                              status=409)
        except services.PortfolioError as exc:
            show_refusal(request, exc, form)
            return _form_page(request, form, project=project, status=exc.status_code)
        messages.success(request, _("The project is saved."))
        return redirect(project)
    return _form_page(request, form, project=project)


def _shown(obj, name: str):
    display = getattr(obj, f"get_{name}_display", None)
    return display() if display else getattr(obj, name)


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    return _detail(request, project)


def _detail(request, project, *, milestone_form=None, link_form=None, status=200):
    user = request.user
    can_edit = perms.can_edit_project(user, project)
    can_manage = perms.can_manage_portfolio(user)
    context = {
        "project": project,
        "report": project.latest_report,
        "reports": list(project.reports.all()),
        "milestones": list(project.milestones.all()),
        "orders": selectors.linked_orders(user, project),
        "history": selectors.project_history(project),
        "can_edit": can_edit,
        "can_manage": can_manage,
        "can_report": perms.can_report(user, project),
        "milestone_form": (milestone_form or MilestoneForm()) if can_edit else None,
        "link_form": (link_form or LinkOrderForm(orders=_linkable(user, project)))
        if can_manage else None,
        "period": month_name(selectors.report_period()).lower(),
        "today": timezone.localdate(),
    }
    return render(request, "portfolio/project_detail.html", context, status=status)


def _linkable(user, project):
    return (
        Order.objects.visible_to(user).exclude(status=Order.Status.DRAFT)
        .exclude(pk__in=project.linked_orders.values("pk"))
        .exclude(pk=project.order_id or 0)
        .select_related("department").order_by("-created_at")
    )


@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _detail(request, project, milestone_form=form, status=400)
    try:
        services.milestone_add(project_id=project.pk, actor=request.user, **form.cleaned_data)
    except services.PortfolioError as exc:
        show_refusal(request, exc, form)
        return _detail(request, project, milestone_form=form, status=exc.status_code)
    messages.success(request, _("The milestone is added."))
    return redirect(f"{project.get_absolute_url()}#milstolpar")


def _milestone(project: Project, milestone_pk: int) -> Milestone:
    milestone = next((m for m in project.milestones.all() if m.pk == milestone_pk), None)
    if milestone is None:
        raise Http404
    return milestone


@require_POST
def milestone_done(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    milestone = _milestone(project, milestone_pk)
    try:
        services.milestone_done(milestone_id=milestone.pk, actor=request.user)
    except services.PortfolioError as exc:
        show_refusal(request, exc)
        return _detail(request, project, status=exc.status_code)
    messages.success(request, _("The milestone is marked as reached."))
    return redirect(f"{project.get_absolute_url()}#milstolpar")


@require_POST
def milestone_remove(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    milestone = _milestone(project, milestone_pk)
    try:
        services.milestone_remove(milestone_id=milestone.pk, actor=request.user)
    except services.PortfolioError as exc:
        show_refusal(request, exc)
        return _detail(request, project, status=exc.status_code)
    messages.success(request, _("The milestone is removed."))
    return redirect(f"{project.get_absolute_url()}#milstolpar")


@require_POST
def order_link(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    if not perms.can_manage_portfolio(request.user):
        raise PermissionDenied
    form = LinkOrderForm(request.POST, orders=_linkable(request.user, project))
    if not form.is_valid():
        return _detail(request, project, link_form=form, status=400)
    services.project_link_order(project_id=project.pk, actor=request.user,
                                order=form.cleaned_data["order"])
    messages.success(request, _("The order is linked to the project."))
    return redirect(f"{project.get_absolute_url()}#bestallningar")


@require_POST
def order_unlink(request: HttpRequest, pk: int, order_pk: int) -> HttpResponse:
    project = _get_project(request, pk)
    order = next((o for o in selectors.linked_orders(request.user, project)
                  if o.pk == order_pk), None)
    if order is None:
        raise Http404
    try:
        services.project_unlink_order(project_id=project.pk, actor=request.user, order=order)
    except services.PortfolioError as exc:
        show_refusal(request, exc)
        return _detail(request, project, status=exc.status_code)
    messages.success(request, _("The order is no longer linked to the project."))
    return redirect(f"{project.get_absolute_url()}#bestallningar")


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The project manager's status report of one month: written, or corrected."""
    project = _get_project(request, pk)
    if not perms.can_report(request.user, project):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    period_form = PeriodForm(source if "period" in source else None,
                             initial={"period": _default_period(project)})
    if period_form.is_bound and not period_form.is_valid():
        raise Http404(_("No such month."))
    period = period_form.period_date() if period_form.is_bound else _parse(
        period_form.initial["period"])
    report = StatusReport.objects.filter(project=project, period=period).first()
    form = StatusReportForm(
        request.POST if request.method == "POST" else None, instance=report,
        initial={"version": report.version if report else None},
    )
    status = 200
    stale = False
    if request.method == "POST":
        if form.is_valid():
            try:
                services.status_report_save(
                    project_id=project.pk, actor=request.user, period=period,
                    data=form.service_data(), expected_version=form.cleaned_data["version"],
                )
            except services.StaleVersion as exc:
                show_refusal(request, exc, form)
                fresh = StatusReport.objects.get(project=project, period=period)
                data = form.data.copy()
                data["version"] = fresh.version
                form.data = data
                report, stale, status = fresh, True, 409
            except services.PortfolioError as exc:
                status = show_refusal(request, exc, form)
            else:
                messages.success(request, _("The status report for %(month)s is saved.")
                                 % {"month": month_name(period).lower()})
                return redirect(f"{project.get_absolute_url()}#rapporter")
        else:
            status = 400
    return render(request, "portfolio/report_form.html", {
        "project": project, "form": form, "period_form": period_form, "period": period,
        "period_name": month_name(period).lower(), "report": report, "stale": stale,
    }, status=status)


def _parse(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def _default_period(project: Project) -> str:
    """The month that is due if it is not written yet, otherwise the current month."""
    period = selectors.report_period()
    if any(report.period == period for report in project.reports.all()):
        period = timezone.localdate().replace(day=1)
    return f"{period:%Y-%m}"
