"""Who may do what with an order: the one place these rules live.

Who may see an order is `Order.objects.visible_to(user)` (`orders.querysets`); everything here
is defined in terms of it or of where the person stands now (`organisation.selectors.
standing_of`: the register today, the departments' IT leads, providers' staff, role groups).
The predicates about people alone (`is_ordering_function`, `sees_all`, ...) live in
`organisation.predicates`; here only those about an order.
Acting on an order needs current standing: someone who has left the register, the role or the
provider's staff may no longer act, whatever they did before.
"""

from organisation.models import User
from organisation.predicates import is_coordinator, is_member, is_ordering_function
from organisation.selectors import may_submit_for, standing_of

from .models import Order

__all__ = [
    "can_comment", "can_edit_request", "can_prepare", "can_submit", "can_view", "is_handler",
    "is_provider_staff", "speaks_for_orderer",
]


def can_view(user: User, order: Order) -> bool:
    return Order.objects.filter(pk=order.pk).visible_to(user).exists()


def speaks_for_orderer(user: User, order: Order) -> bool:
    """The orderer of the order while still belonging to its department, or the department's
    IT lead: who may edit, withdraw, supplement and accept (or report a deviation)."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user, order.department_id):
        return True
    return order.orderer_id == user.pk and is_member(user, order.department_id)


def is_handler(user: User, order: Order) -> bool:
    """The order's handler, while still of the ordering function."""
    return (
        user.is_authenticated and order.handler_id == user.pk and is_ordering_function(user)
    )


def can_edit_request(user: User, order: Order) -> bool:
    return speaks_for_orderer(user, order) and order.status in {
        Order.Status.DRAFT,
        Order.Status.AWAITING_SUPPLEMENT,
    }


def can_prepare(user: User, order: Order) -> bool:
    return is_ordering_function(user) and order.status == Order.Status.IN_PREPARATION


def is_provider_staff(user: User, order: Order) -> bool:
    """Staff, now, of the provider the order is planned to."""
    if not user.is_authenticated or order.provider_id is None:
        return False
    return order.provider_id in standing_of(user).providers


def can_submit(user: User, order: Order) -> bool:
    return speaks_for_orderer(user, order) and may_submit_for(user, order.department)


def can_comment(user: User, order: Order) -> bool:
    return order.status != Order.Status.DRAFT or speaks_for_orderer(user, order)
