"""The pages of IT's costs and their sharing among the departments (§6.5.12).

Who sees what is `costs.permissions`: a page a person may not open answers 404, as one that
does not exist. The year is fetched through `key_sets_visible_to` and a department through
`departments_for`, so an IT lead asking for another department's report, or for a draft,
gets the same 404. Writes go through `costs.services`, which check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisation.models import Department
from tyreso_it.core.exports import export_response
from tyreso_it.core.views import show_refusal

from . import reports, selectors, services
from .forms import KeysForm, PoolForm, RevisionForm, YearForm
from .models import CostPool, KeySet
from .permissions import keeps_costs, sees_costs
from .sources import counted_weights

EXPORT_FORMATS = {"csv", "xlsx"}


def _require_costs(request: HttpRequest) -> None:
    if not sees_costs(request.user):
        raise Http404(_("No such page."))


def _require_keeper(request: HttpRequest) -> None:
    if not keeps_costs(request.user):
        raise Http404(_("No such page."))


def _key_set(request: HttpRequest, year: int) -> KeySet:
    try:
        return selectors.key_set_for(request.user, year)
    except KeySet.DoesNotExist as exc:
        raise Http404(_("No cost allocation for that year.")) from exc


def _draft(request: HttpRequest, year: int) -> KeySet:
    """The year's draft, for those who keep the costs; a published year's forms are gone."""
    _require_keeper(request)
    key_set = _key_set(request, year)
    if not key_set.is_draft:
        raise Http404(_("The year is published and can no longer be changed."))
    return key_set


# --- the years -----------------------------------------------------------------------------


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The years: for the IT chief each year's keys and state, and a new year to start; for
    a department's IT lead the published years' reports of their departments."""
    _require_costs(request)
    user = request.user
    keeper = keeps_costs(user)
    key_sets = list(selectors.key_set_list(user))
    return render(request, "costs/keyset_list.html", {
        "key_sets": key_sets,
        "keeper": keeper,
        "kinds": reports.key_history(key_sets) if keeper else None,
        "departments": [] if keeper else list(selectors.departments_for(user)),
        "form": YearForm(initial={"year": services.next_year_to_start()}) if keeper else None,
    })


@require_POST
def year_create(request: HttpRequest) -> HttpResponse:
    _require_keeper(request)
    form = YearForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            key_set = services.key_set_create(actor=request.user,
                                              year=form.cleaned_data["year"])
        except services.CostError as exc:
            status = show_refusal(request, exc, form)
        else:
            messages.success(request, _("The draft of %(year)s is started.") % {
                "year": key_set.year})
            return redirect(key_set)
    key_sets = list(selectors.key_set_list(request.user))
    return render(request, "costs/keyset_list.html", {
        "key_sets": key_sets, "keeper": True, "kinds": reports.key_history(key_sets),
        "departments": [], "form": form,
    }, status=status)


@require_GET
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    """The whole municipality's sharing of the year: department × kind of cost."""
    _require_keeper(request)
    key_set = _key_set(request, year)
    allocation = selectors.allocation_of(key_set)
    return render(request, "costs/keyset_detail.html", {
        "key_set": key_set, "a": allocation,
        "publish_form": RevisionForm(initial={"revision": key_set.revision}),
    })


@require_GET
def year_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    _require_keeper(request)
    if fmt not in {*EXPORT_FORMATS, "pdf"}:
        raise Http404
    key_set = _key_set(request, year)
    allocation = selectors.allocation_of(key_set)
    name = _("IT costs %(year)s by department") % {"year": year}
    if fmt == "pdf":
        return reports.municipality_pdf(allocation, name)
    headers, rows = reports.matrix_table(allocation)
    return export_response(fmt, name, headers, rows)


@require_GET
def item_list(request: HttpRequest, year: int, fmt: str | None = None) -> HttpResponse:
    """The year's costs one by one: contracts, licences, projects and the cost pools."""
    _require_keeper(request)
    if fmt is not None and fmt not in EXPORT_FORMATS:
        raise Http404
    key_set = _key_set(request, year)
    allocation = selectors.allocation_of(key_set, with_items=True)
    if fmt is not None:
        headers, rows = reports.item_table(allocation)
        return export_response(fmt, _("IT costs %(year)s, every cost") % {"year": year},
                               headers, rows)
    return render(request, "costs/costitem_list.html", {
        "key_set": key_set, "a": allocation, "groups": reports.item_groups(allocation),
    })


# --- a department --------------------------------------------------------------------------


def _department(request: HttpRequest, key_set: KeySet, department_id: int,
                ) -> tuple[selectors.Allocation, selectors.DepartmentRow]:
    try:
        selectors.departments_for(request.user).get(pk=department_id)
    except Department.DoesNotExist as exc:
        raise Http404(_("No such department.")) from exc
    allocation = selectors.allocation_of(key_set)
    row = allocation.department(department_id)
    if row is None:  # not active in a draft, or not part of a published year
        raise Http404(_("The department takes no part in the year's sharing."))
    return allocation, row


@require_GET
def department_report(request: HttpRequest, year: int, department: int) -> HttpResponse:
    """One department's share of each kind of cost: the key, its weight and the amount."""
    _require_costs(request)
    key_set = _key_set(request, year)
    allocation, row = _department(request, key_set, department)
    return render(request, "costs/department_report.html", {
        "key_set": key_set, "a": allocation, "row": row,
        "lines": selectors.department_lines(allocation, row),
        "keeper": keeps_costs(request.user),
    })


@require_GET
def department_export(request: HttpRequest, year: int, department: int,
                      fmt: str) -> HttpResponse:
    _require_costs(request)
    if fmt not in {*EXPORT_FORMATS, "pdf"}:
        raise Http404
    key_set = _key_set(request, year)
    allocation, row = _department(request, key_set, department)
    name = _("IT costs %(year)s %(department)s") % {"year": year, "department": row.name}
    lines = selectors.department_lines(allocation, row)
    if fmt == "pdf":
        return reports.department_pdf(allocation, row, lines, name)
    headers, rows = reports.department_table(allocation, lines)
    return export_response(fmt, name, headers, rows)


# --- the draft -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def keys_edit(request: HttpRequest, year: int) -> HttpResponse:
    """The draft's keys and what the IT chief enters per department."""
    key_set = _draft(request, year)
    departments = list(Department.objects.filter(is_active=True).order_by("name", "pk"))
    form = KeysForm(request.POST or None, key_set=key_set, departments=departments,
                    entries=selectors.entries_of(key_set), counted=counted_weights(year))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.key_set_update(
                    key_set_id=key_set.pk, actor=request.user,
                    revision=form.cleaned_data["revision"], data=form.keys(),
                    entries=form.entries())
            except services.CostError as exc:
                status = show_refusal(request, exc, form)
            else:
                messages.success(request, _("The keys are saved."))
                return redirect(key_set)
    return render(request, "costs/keyset_form.html", {"key_set": key_set, "form": form},
                  status=status)


def _pool_page(request: HttpRequest, key_set: KeySet, pool: CostPool | None) -> HttpResponse:
    form = PoolForm(request.POST or None, instance=pool, key_set=key_set)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.POOL_FIELDS}
            revision = form.cleaned_data["revision"]
            try:
                if pool is None:
                    services.cost_pool_create(key_set_id=key_set.pk, actor=request.user,
                                              revision=revision, data=data)
                else:
                    services.cost_pool_update(pool_id=pool.pk, actor=request.user,
                                              revision=revision, data=data)
            except services.CostError as exc:
                status = show_refusal(request, exc, form)
            else:
                messages.success(request, _("The cost pool is saved."))
                return redirect(key_set)
    return render(request, "costs/costpool_form.html", {
        "key_set": key_set, "form": form, "pool": pool,
        "delete_form": RevisionForm(initial={"revision": key_set.revision}),
    }, status=status)


@require_http_methods(["GET", "POST"])
def pool_create(request: HttpRequest, year: int) -> HttpResponse:
    return _pool_page(request, _draft(request, year), None)


def _pool(key_set: KeySet, pk: int) -> CostPool:
    try:
        return key_set.pools.get(pk=pk)
    except CostPool.DoesNotExist as exc:
        raise Http404(_("No such cost pool.")) from exc


@require_http_methods(["GET", "POST"])
def pool_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    key_set = _draft(request, year)
    return _pool_page(request, key_set, _pool(key_set, pk))


def _button(request: HttpRequest, key_set: KeySet, action, success: str) -> HttpResponse:
    """A POST-only button: its form carries the revision the page showed."""
    form = RevisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was not complete: try again."))
        return redirect(key_set)
    try:
        action(form.cleaned_data["revision"])
    except services.CostError as exc:
        show_refusal(request, exc)
        return redirect(key_set)
    messages.success(request, success)
    return redirect(key_set)


@require_POST
def pool_delete(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    key_set = _draft(request, year)
    pool = _pool(key_set, pk)
    return _button(request, key_set, lambda revision: services.cost_pool_delete(
        pool_id=pool.pk, actor=request.user, revision=revision),
        _("The cost pool “%(name)s” is removed.") % {"name": pool.name})


@require_POST
def publish(request: HttpRequest, year: int) -> HttpResponse:
    key_set = _draft(request, year)
    return _button(request, key_set, lambda revision: services.key_set_publish(
        key_set_id=key_set.pk, actor=request.user, revision=revision),
        _("The year %(year)s is published: its sharing is fixed.") % {"year": year})
