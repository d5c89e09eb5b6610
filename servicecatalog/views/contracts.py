"""Supplier, contract and licence pages: every employee reads them, the ordering function
keeps them. Contract values and licence costs are shown only to those who see IT's figures
(`sees_contract_values`), in pages and exports alike."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tyreso_it.core.exports import export_response
from tyreso_it.core.views import show_refusal

from .. import contracts, reminders
from ..contracts import ContractState, contract_state
from ..forms_plans import ContractForm, DueFilterForm, LicenceForm, SupplierForm
from ..models import Contract, Licence, Supplier
from ..permissions import can_edit_catalogue, sees_contract_values
from .plans import _export_format

STATE_CHOICES = [("", None), *ContractState.labels.items()]


def _name(user) -> str:
    return user.get_full_name() or user.username if user else ""


def _require_editor(request: HttpRequest) -> None:
    if not can_edit_catalogue(request.user):
        raise PermissionDenied


def _edit(request: HttpRequest, *, form, template: str, context: dict, save) -> HttpResponse:
    """The common POST handling of the three edit forms: validate, call the service, tell."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                obj = save(form.cleaned_data)
            except contracts.ContractError as exc:
                status = show_refusal(request, exc, form)
            else:
                messages.success(request, _("Saved."))
                return redirect(obj.get_absolute_url() if hasattr(obj, "get_absolute_url")
                                else "servicecatalog:licence_list")
        else:
            status = 400
    return render(request, template, {"form": form, **context}, status=status)


# --- suppliers ---------------------------------------------------------------------------


@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    rows = list(contracts.supplier_list())
    fmt = _export_format(request)
    if fmt:
        headers = [_("Name"), _("Organisation number"), _("Contact person"), _("Contact email"),
                   _("Contact phone"), _("Contracts"), _("Licences"), _("Services")]
        return export_response(fmt, _("Suppliers"), headers, [
            [s.name, s.organisation_number, s.contact_name, s.contact_email, s.contact_phone,
             s.contract_count, s.licence_count, s.service_count] for s in rows
        ])
    return render(request, "servicecatalog/supplier_list.html", {
        "suppliers": rows, "can_edit": can_edit_catalogue(request.user),
    })


@require_GET
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        supplier = contracts.supplier_detail(pk)
    except Supplier.DoesNotExist as exc:
        raise Http404(_("No such supplier.")) from exc
    today = timezone.localdate()
    return render(request, "servicecatalog/supplier_detail.html", {
        "supplier": supplier,
        "contracts": [_with_state(c, today) for c in supplier.contracts.all()],
        "licences": list(supplier.licences.all()),
        "services": list(supplier.services.all()),
        "can_edit": can_edit_catalogue(request.user),
        "sees_values": sees_contract_values(request.user),
    })


def supplier_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = SupplierForm(request.POST or None)
    return _edit(request, form=form, template="servicecatalog/supplier_form.html", context={},
                 save=lambda data: contracts.supplier_create(actor=request.user, data=data))


def supplier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    supplier = _get(Supplier, pk)
    form = SupplierForm(request.POST or None, instance=supplier)
    return _edit(request, form=form, template="servicecatalog/supplier_form.html",
                 context={"supplier": supplier},
                 save=lambda data: contracts.supplier_update(supplier_id=pk, actor=request.user,
                                                             data=data))


def _get(model, pk: int):
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


# --- contracts ---------------------------------------------------------------------------


def _with_state(contract: Contract, today) -> tuple[Contract, str, str]:
    state = contract_state(contract, today)
    return contract, state, ContractState.labels[state]


@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    state = request.GET.get("state", "")
    if state not in ContractState.labels:
        state = ""
    supplier_id = request.GET.get("supplier", "")
    supplier_id = int(supplier_id) if supplier_id.isdigit() else None
    rows = [
        row for row in (_with_state(c, today)
                        for c in contracts.contract_list(supplier_id=supplier_id))
        if not state or row[1] == state
    ]
    sees_values = sees_contract_values(request.user)
    fmt = _export_format(request)
    if fmt:
        headers = [_("Title"), _("Contract number"), _("Supplier"), _("Valid from"),
                   _("Valid until"), _("Notice period (months)"), _("Notice date"),
                   _("Renewal terms"), _("Services"), _("Delivery manager"), _("Status")]
        if sees_values:
            headers.append(_("Value (SEK)"))
        data = []
        for contract, _current, label in rows:
            row = [contract.title, contract.reference, contract.supplier.name,
                   contract.starts_on, contract.ends_on, contract.notice_months,
                   contract.notice_date, contract.renewal_terms,
                   ", ".join(s.name for s in contract.services.all()),
                   _name(contract.delivery_manager), str(label)]
            if sees_values:
                row.append(contract.value)
            data.append(row)
        return export_response(fmt, _("Contracts"), headers, data)
    query = request.GET.copy()
    query.pop("export", None)
    return render(request, "servicecatalog/contract_list.html", {
        "rows": rows, "state": state, "states": STATE_CHOICES[1:],
        "suppliers": Supplier.objects.order_by("name").only("pk", "name"),
        "supplier_id": supplier_id, "query": query.urlencode(),
        "sees_values": sees_values, "can_edit": can_edit_catalogue(request.user),
    })


@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        contract = contracts.contract_detail(pk)
    except Contract.DoesNotExist as exc:
        raise Http404(_("No such contract.")) from exc
    today = timezone.localdate()
    current = contract_state(contract, today)
    steps = [
        (days, contract.notice_date - timedelta(days=days))
        for days in reminders.notice_steps()
    ]
    return render(request, "servicecatalog/contract_detail.html", {
        "contract": contract,
        "state": current,
        "state_label": ContractState.labels[current],
        "days_to_notice": (contract.notice_date - today).days,
        "reminder_steps": steps if current == ContractState.ACTIVE else [],
        "services": list(contract.services.all()),
        "licences": list(contract.licences.all()),
        "sees_values": sees_contract_values(request.user),
        "can_edit": can_edit_catalogue(request.user),
    })


def contract_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    initial = {}
    if request.GET.get("supplier", "").isdigit():
        initial["supplier"] = request.GET["supplier"]
    form = ContractForm(request.POST or None, initial=initial,
                        show_value=sees_contract_values(request.user))
    return _edit(request, form=form, template="servicecatalog/contract_form.html", context={},
                 save=lambda data: contracts.contract_create(actor=request.user, data=data))


def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    contract = _get(Contract, pk)
    form = ContractForm(request.POST or None, instance=contract,
                        show_value=sees_contract_values(request.user))
    return _edit(request, form=form, template="servicecatalog/contract_form.html",
                 context={"contract": contract},
                 save=lambda data: contracts.contract_update(contract_id=pk, actor=request.user,
                                                             data=data))


# --- licences ----------------------------------------------------------------------------


@require_GET
def licence_list(request: HttpRequest) -> HttpResponse:
    rows = list(contracts.licence_list())
    for licence in rows:
        licence.shortfall = max(0, -licence.available)
    sees_values = sees_contract_values(request.user)
    fmt = _export_format(request)
    if fmt:
        headers = [_("Product"), _("Supplier"), _("Contract"), _("Service"),
                   _("Number of licences"), _("In use"), _("Available"), _("Renewal date")]
        if sees_values:
            headers.append(_("Yearly cost (SEK)"))
        data = []
        for licence in rows:
            row = [licence.product, licence.supplier and licence.supplier.name,
                   licence.contract and licence.contract.title,
                   licence.service and licence.service.name, licence.count, licence.used,
                   licence.available, licence.renews_on]
            if sees_values:
                row.append(licence.yearly_cost)
            data.append(row)
        return export_response(fmt, _("Licences"), headers, data)
    return render(request, "servicecatalog/licence_list.html", {
        "licences": rows, "sees_values": sees_values,
        "can_edit": can_edit_catalogue(request.user),
    })


def licence_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = LicenceForm(request.POST or None, show_cost=sees_contract_values(request.user))
    return _edit(request, form=form, template="servicecatalog/licence_form.html", context={},
                 save=lambda data: contracts.licence_create(actor=request.user, data=data))


def licence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    licence = _get(Licence, pk)
    form = LicenceForm(request.POST or None, instance=licence,
                       show_cost=sees_contract_values(request.user))
    return _edit(request, form=form, template="servicecatalog/licence_form.html",
                 context={"licence": licence},
                 save=lambda data: contracts.licence_update(licence_id=pk, actor=request.user,
                                                            data=data))


# --- what is due -------------------------------------------------------------------------


@require_GET
def due_list(request: HttpRequest) -> HttpResponse:
    """Contract notice dates and licence renewals in the coming months."""
    form = DueFilterForm(request.GET or None)
    form.is_valid()
    months = getattr(form, "cleaned_data", {}).get("months") or contracts.DUE_MONTHS_DEFAULT
    today = timezone.localdate()
    items = contracts.due_items(today, months)
    sees_values = sees_contract_values(request.user)
    fmt = _export_format(request)
    if fmt:
        headers = [_("Date"), _("What"), _("Title"), _("Supplier"), _("Days left"),
                   _("Contract ends"), _("Renewal terms")]
        if sees_values:
            headers.append(_("Amount (SEK)"))
        data = []
        for item in items:
            row = [item.day, _("Notice date") if item.kind == "contract" else
                   _("Licence renewal"), item.title, item.supplier and item.supplier.name,
                   item.days_left, item.contract and item.contract.ends_on,
                   item.contract and item.contract.renewal_terms]
            if sees_values:
                row.append(item.amount)
            data.append(row)
        return export_response(fmt, _("Due in the coming months"), headers, data)
    query = request.GET.copy()
    query.pop("export", None)
    return render(request, "servicecatalog/due_list.html", {
        "form": form, "items": items, "months": months, "today": today,
        "query": query.urlencode(), "sees_values": sees_values,
    })
