"""The order list as a spreadsheet: every order the person may see, with the list's filters.

The rows are read as plain values in one query (the orders with their department, people,
provider and catalogue service joined) through a server-side cursor, a chunk at a time, and
handed on as they come: the IT chief's export of every order holds one chunk in memory and
costs the same few queries whatever the number of orders.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from organisation.models import User

from . import selectors
from .models import Order

#: The columns, each an order's field: the headers are the fields' names.
COLUMNS = (
    "reference", "title", "department", "orderer", "kind", "status", "handler", "provider",
    "service", "created_at", "submitted_at", "decided_at", "delivered_at", "desired_date",
    "planned_start", "planned_end", "estimated_cost", "priority_score", "personal_data",
)


def headers() -> list[str]:
    return [capfirst(Order._meta.get_field(name).verbose_name) for name in COLUMNS]


FIELDS = (
    "reference", "title", "department__name",
    "orderer__username", "orderer__first_name", "orderer__last_name",
    "kind", "status",
    "handler__username", "handler__first_name", "handler__last_name",
    "provider__name", "service__name", "created_at", "submitted_at", "decided_at",
    "delivered_at", "desired_date", "planned_start", "planned_end", "estimated_cost",
    "priority_score", "personal_data",
)

#: Orders read from the database at a time.
CHUNK = 2000


def _person(username: str | None, first: str, last: str) -> str | None:
    """What `str(user)` gives: the full name, or the username when there is none."""
    if username is None:
        return None
    return f"{first} {last}".strip() or username


def order_export_rows(user: User, filters: dict[str, Any] | None = None
                      ) -> Iterator[list[Any]]:
    """The rows of `headers()` for every order of `selectors.order_list(user, filters)`, in
    the list's order, read lazily."""
    kinds = {value: str(label) for value, label in Order.Kind.choices}
    states = {value: str(label) for value, label in Order.Status.choices}
    orders = selectors.order_list(user, filters).values_list(*FIELDS)
    for (reference, title, department, orderer, orderer_first, orderer_last, kind, status,
         handler, handler_first, handler_last, provider, service, *rest) in orders.iterator(
            chunk_size=CHUNK):
        yield [
            reference or _("Draft"), title, department,
            _person(orderer, orderer_first, orderer_last), kinds.get(kind, kind),
            states.get(status, status), _person(handler, handler_first, handler_last),
            provider, service, *rest,
        ]
