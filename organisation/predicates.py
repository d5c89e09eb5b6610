"""What a person is, now: the role predicates every app asks.

These are about people, not about any one order, meeting or service: whether someone is of
the ordering function, the change manager, sees every order, stands on a department's
register or is its IT lead. Each reads the person's permissions (through their role groups)
or where they stand today (`selectors.standing_of`). Rules about a particular object live
in its app (for orders, `orders.permissions`).

The permissions are named by their codenames; they are declared on the order model, the
object they were first given for.
"""

from __future__ import annotations

from .models import User
from .selectors import standing_of

#: Prepares orders: the ordering function (beställarfunktionen).
PREPARE = "orders.prepare_order"
#: Decides on orders: the change manager.
DECIDE = "orders.decide_order"
#: Sees every order.
VIEW_ALL = "orders.view_all_orders"


def is_ordering_function(user: User) -> bool:
    return user.is_authenticated and user.has_perm(PREPARE)


def is_change_manager(user: User) -> bool:
    return user.is_authenticated and user.has_perm(DECIDE)


def sees_all(user: User) -> bool:
    """Sees every order: a superuser, or "see every order" through a role (or directly)."""
    return user.is_authenticated and (user.is_superuser or user.has_perm(VIEW_ALL))


def is_member(user: User, department_id: int) -> bool:
    """On the department's register today (or its deputy), or its IT lead."""
    return department_id in standing_of(user).member


def is_coordinator(user: User, department_id: int) -> bool:
    """The department's IT lead, now."""
    return department_id in standing_of(user).coordinate
