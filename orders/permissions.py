"""Who may see and do what with an order: the one place these rules live.

Listing is one indexed query: department scope is a foreign-key filter on the ids of the
departments where the person holds a guardian permission, a provider's staff see the orders
planned to their provider by the order's `provider`, and the exceptions (an assigned handler,
a consulted role) come from guardian's direct order permission table by a subquery on (user,
permission). Guardian's generic table is never used for orders. Where a person stands
(departments, providers) is read once per request (`organisation.selectors.standing_of`).
"""

import operator
from functools import reduce

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet, Subquery

from organisation.models import User
from organisation.selectors import departments_of, may_submit_for, standing_of

from .models import Order, OrderUserObjectPermission

VIEW_ALL = "orders.view_all_orders"
PREPARE = "orders.prepare_order"
DECIDE = "orders.decide_order"


def sees_all(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_perm(VIEW_ALL))


def is_ordering_function(user: User) -> bool:
    return user.is_authenticated and user.has_perm(PREPARE)


def is_change_manager(user: User) -> bool:
    return user.is_authenticated and user.has_perm(DECIDE)


def is_member(user: User, department_id: int) -> bool:
    return department_id in departments_of(user, "organisation.member")


def is_coordinator(user: User, department_id: int) -> bool:
    return department_id in departments_of(user, "organisation.coordinate")


def _direct_order_ids(user: User, codename: str = "view_order"):
    # The permission's id as a one-row subquery rather than a join: both columns of the
    # (user, permission) index are then known, and the lookup reads this person's rows of
    # that one permission from the index alone (a provider's staff hold tens of thousands).
    permission = Permission.objects.filter(
        content_type__app_label="orders", codename=codename
    ).order_by().values("pk")[:1]
    return OrderUserObjectPermission.objects.filter(
        user=user, permission_id=Subquery(permission)
    ).values("content_object_id")


def orders_visible_to(user: User, queryset: QuerySet[Order] | None = None) -> QuerySet[Order]:
    """Every order `user` may see (`visible_to` of SPEC "Permissions")."""
    queryset = Order.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if sees_all(user):
        return queryset
    departments, others = visibility_branches(user)
    return queryset.filter(reduce(operator.or_, others, departments))


def visibility_branches(user: User) -> tuple[Q, list[Q]]:
    """The two halves of what a person who does not see everything may see: the orders of
    their departments, and the other ways they may see an order (their provider's, their
    direct permissions', their own), each a condition an index of its own answers. Together
    they are `orders_visible_to`; apart, each half can be counted on its indexes
    (`orders.selectors.order_count`)."""
    standing = standing_of(user)
    # A department the person coordinates is seen whole; asking the member's rule of it too
    # would only make the filter an OR the index cannot answer.
    member = [pk for pk in standing.member if pk not in standing.coordinate]
    departments = (
        Q(department_id__in=standing.coordinate)
        # Colleagues see each other's orders once submitted; a draft is its writer's own.
        | (Q(department_id__in=member) & (~Q(status=Order.Status.DRAFT) | Q(orderer=user)))
    )
    others = [
        Q(pk__in=_direct_order_ids(user)),
        # Whoever wrote an order keeps seeing it, also after leaving the register.
        Q(orderer=user),
    ]
    if standing.providers:
        # A provider's staff see the orders planned to their provider, while they are staff.
        others.append(Q(provider_id__in=standing.providers))
    return departments, others


def can_view(user: User, order: Order) -> bool:
    return orders_visible_to(user, Order.objects.filter(pk=order.pk)).exists()


def speaks_for_orderer(user: User, order: Order) -> bool:
    """The orderer of the order, or the IT lead of its department."""
    return user.is_authenticated and (
        order.orderer_id == user.pk or is_coordinator(user, order.department_id)
    )


def can_edit_request(user: User, order: Order) -> bool:
    return speaks_for_orderer(user, order) and order.status in {
        Order.Status.DRAFT,
        Order.Status.AWAITING_SUPPLEMENT,
    }


def can_prepare(user: User, order: Order) -> bool:
    return is_ordering_function(user) and order.status == Order.Status.IN_PREPARATION


def is_provider_staff(user: User, order: Order) -> bool:
    if not user.is_authenticated or order.provider_id is None:
        return False
    return order.provider_id in standing_of(user).providers


def can_submit(user: User, order: Order) -> bool:
    return speaks_for_orderer(user, order) and may_submit_for(user, order.department)


def can_comment(user: User, order: Order) -> bool:
    return order.status != Order.Status.DRAFT or speaks_for_orderer(user, order)
