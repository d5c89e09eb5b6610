"""The reads the catalogue pages use, with their joins applied.

The catalogue is readable by every logged-in employee (§6.5.5), so there is no row filter on
services or integrations; what differs between readers is which *fields* they see
(`permissions.sees_internal`, `sees_contract_values`), decided in the views and templates.
Orders shown beside a service go through `Order.objects.visible_to`, the one permission filter of
orders.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from orders.models import Order
from organisation.models import Department, User

from .models import Contract, Integration, Service

LIST_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "-name": ("-name",),
    "category": ("category__name", "name"),
    "department": ("department__name", "name"),
    "lifecycle": ("lifecycle", "name"),
    "supplier": ("supplier__name", "name"),
}

OPEN_ORDER_STATUSES = [
    s for s in Order.Status.values
    if s not in {Order.Status.CLOSED, Order.Status.REJECTED, Order.Status.WITHDRAWN}
]


def service_list(filters: dict[str, Any] | None = None) -> QuerySet[Service]:
    """Services matching the catalogue's search and filters, with what each row shows."""
    filters = filters or {}
    queryset = Service.objects.select_related("category", "department", "supplier")
    if filters.get("q"):
        term = filters["q"].strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(description__icontains=term))
    for name in ("category", "department", "supplier"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("lifecycle"):
        queryset = queryset.filter(lifecycle__in=filters["lifecycle"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("orderable") in {"yes", "no"}:
        queryset = queryset.filter(orderable=filters["orderable"] == "yes")
    sort = LIST_SORTS.get(filters.get("sort") or "name", LIST_SORTS["name"])
    return queryset.order_by(*sort, "pk")


def service_detail(pk: int) -> Service:
    """One service with everything its page shows; Service.DoesNotExist when missing."""
    return (
        Service.objects.select_related(
            "category", "department", "system_owner", "system_manager", "supplier"
        )
        .prefetch_related(
            "levels", Prefetch("contracts", queryset=Contract.objects.select_related("supplier"))
        )
        .get(pk=pk)
    )


def service_version(service_id: int) -> int:
    """The id of the service's latest history record: the token of a version check.

    Every save of a service writes a history record, so a form that started from this token
    can tell whether anyone saved the service after it was opened.
    """
    latest = (
        Service.history.filter(id=service_id)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return latest or 0


def integration_version(integration_id: int) -> int:
    latest = (
        Integration.history.filter(id=integration_id)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return latest or 0


def service_open_orders(user: User, service: Service) -> list[Order]:
    """The service's open orders that `user` may see, in one query."""
    queryset = Order.objects.filter(
        service=service, status__in=OPEN_ORDER_STATUSES
    ).select_related("department", "handler")
    return list(queryset.visible_to(user).order_by("-created_at", "-pk"))


def integration_list(
    *, department_id: int | None = None, service_id: int | None = None
) -> QuerySet[Integration]:
    """Integrations for the system map and its table, filtered by department or system.

    A department's map holds every integration with at least one end in the department, so
    its systems' links to the rest of the municipality show; a system's map is its
    neighbourhood: the integrations it is one end of.
    """
    queryset = Integration.objects.select_related(
        "source", "target", "source__department", "target__department", "owner"
    )
    if department_id:
        queryset = queryset.filter(
            Q(source__department_id=department_id) | Q(target__department_id=department_id)
        )
    if service_id:
        queryset = queryset.filter(Q(source_id=service_id) | Q(target_id=service_id))
    return queryset.order_by("source__name", "target__name", "data", "pk")


def catalogue_version() -> str:
    """A token that changes with every committed write to what the system map shows: the
    services, their integrations and the departments that own them. One query, which reads
    a few index entries however long the history grows.

    Every save and delete of these rows writes a history record (the services save through
    `save()`, imports through the services, bulk writes through simple-history's helpers),
    so the time of the latest record changes with every write. A slow transaction can commit
    a record stamped earlier than one a faster transaction committed first: so the records
    of the last day or two are counted as well, which the late one changes.
    """
    quote = connection.ops.quote_name
    since = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    since -= timedelta(days=1)
    subqueries, params = [], []
    for model in (Service, Integration, Department):
        history = model.history.model._meta
        table = quote(history.db_table)
        latest = quote(history.get_field("history_date").column)
        subqueries += [f"(SELECT MAX({latest}) FROM {table})",  # noqa: S608 - names, quoted
                       f"(SELECT COUNT(*) FROM {table} WHERE {latest} >= %s)"]  # noqa: S608
        params.append(since)
    with connection.cursor() as cursor:
        # Only the models' own table and column names, quoted, are written into the SQL.
        cursor.execute("SELECT " + ", ".join(subqueries), params)
        row = cursor.fetchone()
    return hashlib.blake2b(repr(row).encode(), digest_size=12).hexdigest()


def integration_detail(pk: int) -> Integration:
    return Integration.objects.select_related("source", "target", "owner").get(pk=pk)


def services_edited_by(user: User) -> QuerySet[Service]:
    """Services `user` is system owner or system manager of."""
    if not user.is_authenticated:
        return Service.objects.none()
    return Service.objects.filter(Q(system_owner=user) | Q(system_manager=user))
