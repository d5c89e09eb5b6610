"""Suppliers, contracts and licences (§6.5.10, §6.5.12): every write, and the reads their
pages use.

The ordering function keeps them; every employee reads them. What they cost (contract values,
licence costs) is internal and shown only to those who see all of IT's figures
(`permissions.sees_contract_values`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisation.models import User
from tyreso_it.core.errors import ServiceError

from .models import Contract, Licence, Service, Supplier
from .permissions import can_edit_catalogue

SUPPLIER_FIELDS = (
    "name", "organisation_number", "contact_name", "contact_email", "contact_phone",
)
CONTRACT_FIELDS = (
    "supplier", "title", "reference", "starts_on", "ends_on", "notice_months", "renewal_terms",
    "value", "delivery_manager", "is_terminated",
)
LICENCE_FIELDS = (
    "product", "supplier", "contract", "service", "count", "used", "yearly_cost", "renews_on",
)
#: How far ahead the page of what is due looks by default, and at most (months).
DUE_MONTHS_DEFAULT, DUE_MONTHS_MAX = 6, 36


class ContractError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class NotAllowed(ContractError):
    status_code = 403


def _require_editor(actor: User) -> None:
    if not can_edit_catalogue(actor):
        raise NotAllowed(_("Suppliers, contracts and licences are kept by the ordering "
                           "function."))


def _write(obj, actor: User, data: dict[str, Any], fields: tuple[str, ...], reason: str) -> bool:
    """Set the changed fields and save with who did it; returns whether anything changed."""
    # A new row takes every field given (its unset relations cannot even be read).
    changed = [f for f in fields if f in data and (obj.pk is None or getattr(obj, f) != data[f])]
    if obj.pk is not None and not changed:
        return False
    for field in changed:
        setattr(obj, field, data[field])
    obj._history_user = actor
    obj._change_reason = reason[:100]
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ContractError(messages[0], field=None if field == NON_FIELD_ERRORS else field) \
            from exc
    obj.save()
    return True


# --- suppliers ---------------------------------------------------------------------------


@transaction.atomic
def supplier_create(*, actor: User, data: dict[str, Any]) -> Supplier:
    _require_editor(actor)
    supplier = Supplier()
    _write(supplier, actor, data, SUPPLIER_FIELDS, _("Supplier added"))
    return supplier


@transaction.atomic
def supplier_update(*, supplier_id: int, actor: User, data: dict[str, Any]) -> Supplier:
    _require_editor(actor)
    supplier = Supplier.objects.select_for_update().get(pk=supplier_id)
    _write(supplier, actor, data, SUPPLIER_FIELDS, _("Supplier edited"))
    return supplier


# --- contracts ---------------------------------------------------------------------------


def _set_services(contract: Contract, services) -> None:
    if services is not None:
        contract.services.set(services)


@transaction.atomic
def contract_create(*, actor: User, data: dict[str, Any]) -> Contract:
    """Record a contract with its period, notice period, renewal terms and services."""
    _require_editor(actor)
    contract = Contract()
    _write(contract, actor, data, CONTRACT_FIELDS, _("Contract added"))
    _set_services(contract, data.get("services"))
    return contract


@transaction.atomic
def contract_update(*, contract_id: int, actor: User, data: dict[str, Any]) -> Contract:
    """Change a contract. A new end date or notice period gives it a new notice date, and
    the reminders start over for that date."""
    _require_editor(actor)
    contract = Contract.objects.select_for_update().get(pk=contract_id)
    _write(contract, actor, data, CONTRACT_FIELDS, _("Contract edited"))
    _set_services(contract, data.get("services"))
    return contract


# --- licences ----------------------------------------------------------------------------


@transaction.atomic
def licence_create(*, actor: User, data: dict[str, Any]) -> Licence:
    _require_editor(actor)
    licence = Licence()
    _write(licence, actor, data, LICENCE_FIELDS, _("Licence added"))
    return licence


@transaction.atomic
def licence_update(*, licence_id: int, actor: User, data: dict[str, Any]) -> Licence:
    _require_editor(actor)
    licence = Licence.objects.select_for_update().get(pk=licence_id)
    _write(licence, actor, data, LICENCE_FIELDS, _("Licence edited"))
    return licence


# --- reads -------------------------------------------------------------------------------


def supplier_list() -> QuerySet[Supplier]:
    return Supplier.objects.annotate(
        contract_count=Count("contracts", distinct=True),
        licence_count=Count("licences", distinct=True),
        service_count=Count("services", distinct=True),
    ).order_by("name")


def supplier_detail(pk: int) -> Supplier:
    return Supplier.objects.prefetch_related(
        Prefetch("contracts", queryset=Contract.objects.select_related("delivery_manager")
                 .order_by("ends_on", "title")),
        Prefetch("licences", queryset=Licence.objects.select_related("service")
                 .order_by("product")),
        Prefetch("services", queryset=Service.objects.order_by("name")),
    ).get(pk=pk)


class ContractState:
    """Where a contract stands on a given day, for filters and labels."""

    ACTIVE = "active"
    NOTICE_PASSED = "notice_passed"
    ENDED = "ended"
    TERMINATED = "terminated"

    labels = {
        ACTIVE: gettext_lazy("In force"),
        NOTICE_PASSED: gettext_lazy("Notice date passed"),
        ENDED: gettext_lazy("Ended"),
        TERMINATED: gettext_lazy("Terminated"),
    }


def contract_state(contract: Contract, today: date) -> str:
    if contract.is_terminated:
        return ContractState.TERMINATED
    if contract.ends_on < today:
        return ContractState.ENDED
    if contract.notice_date < today:
        return ContractState.NOTICE_PASSED
    return ContractState.ACTIVE


def contract_list(supplier_id: int | None = None) -> QuerySet[Contract]:
    contracts = (
        Contract.objects.select_related("supplier", "delivery_manager")
        .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("name")))
        .order_by("ends_on", "title")
    )
    if supplier_id:
        contracts = contracts.filter(supplier_id=supplier_id)
    return contracts


def contract_detail(pk: int) -> Contract:
    return (
        Contract.objects.select_related("supplier", "delivery_manager")
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.select_related("department")
                     .order_by("name")),
            Prefetch("licences", queryset=Licence.objects.order_by("product")),
        )
        .get(pk=pk)
    )


def licence_list() -> QuerySet[Licence]:
    """Licences with how many are left (`available`, below zero when too few are bought)."""
    return (
        Licence.objects.select_related("supplier", "contract", "service")
        .annotate(available=ExpressionWrapper(F("count") - F("used"),
                                              output_field=IntegerField()))
        .order_by("product", "pk")
    )


@dataclass
class DueItem:
    """A date coming up: a contract's notice date or a licence's renewal."""

    kind: str  # "contract" or "licence"
    day: date
    title: str
    supplier: Supplier | None
    url: str
    today: date
    contract: Contract | None = None
    licence: Licence | None = None

    @property
    def days_left(self) -> int:
        return (self.day - self.today).days

    @property
    def amount(self) -> Decimal | None:
        if self.contract is not None:
            return self.contract.value
        return self.licence.yearly_cost if self.licence is not None else None


def due_items(today: date | None = None, months: int = DUE_MONTHS_DEFAULT) -> list[DueItem]:
    """Notice dates of contracts in force and licence renewals from `today` up to `months`
    ahead, soonest first. A terminated contract has no notice date to watch."""
    today = today or timezone.localdate()
    until = today + relativedelta(months=months)
    items = []
    contracts = Contract.objects.select_related("supplier", "delivery_manager").filter(
        is_terminated=False, ends_on__gte=today
    )
    for contract in contracts:
        if today <= contract.notice_date <= until:
            items.append(DueItem(
                kind="contract", day=contract.notice_date, title=contract.title,
                supplier=contract.supplier, url=contract.get_absolute_url(), today=today,
                contract=contract,
            ))
    licences = Licence.objects.select_related("supplier", "contract").filter(
        renews_on__gte=today, renews_on__lte=until
    )
    for licence in licences:
        items.append(DueItem(
            kind="licence", day=licence.renews_on, title=licence.product,
            supplier=licence.supplier,
            url=licence.contract.get_absolute_url() if licence.contract else "",
            today=today, licence=licence,
        ))
    return sorted(items, key=lambda item: (item.day, item.kind, item.title))
