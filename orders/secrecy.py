"""Who may read what a secrecy-marked order holds: the one place the rule is written.

The ordering function may mark an order secret (sekretessmarkering) with the provision of the
Public Access to Information and Secrecy Act (offentlighets- och sekretesslagen, OSL) that
applies and a reason. A marked order stays visible as before (`Order.objects.visible_to`: its
reference, title, department and state are in the public register), but its need text and its
attachments are read only by:

- those who handle it: the ordering function (which includes the order's handler),
- its department's IT lead, now,
- its orderer,
- and a superuser (the break-glass administrator).

Everyone else who sees the order is shown `PLACEHOLDER` instead, gets a 404 for its files,
finds nothing by searching its need, and finds no need in exports, emails or the API.
Pages ask `can_read_secret(user, order)`; lists, exports and the API ask the database the same
question with `readable_q(user)` or `with_secret_readable(queryset, user)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from organisation.models import User

    from .models import Order

#: What is shown instead of a need text or attachments the person may not read.
PLACEHOLDER = _("Secrecy-marked information")

#: The provisions most often applied to IT orders, offered as a choice (any other may be
#: written). The value is what is stored and shown in the register.
COMMON_PROVISIONS = (
    ("OSL 18 kap. 8 §", _("OSL 18 kap. 8 § (security or surveillance measures)")),
    ("OSL 18 kap. 13 §", _("OSL 18 kap. 13 § (risk and vulnerability analyses)")),
    ("OSL 19 kap. 3 §", _("OSL 19 kap. 3 § (the municipality's business dealings, "
                          "procurement)")),
    ("OSL 31 kap. 16 §", _("OSL 31 kap. 16 § (a private party's business in a contract)")),
    ("OSL 21 kap. 7 §", _("OSL 21 kap. 7 § (personal data)")),
    ("OSL 23 kap. 1 §", _("OSL 23 kap. 1 § (pupils' personal circumstances)")),
    ("OSL 25 kap. 1 §", _("OSL 25 kap. 1 § (health and medical care)")),
    ("OSL 26 kap. 1 §", _("OSL 26 kap. 1 § (social services)")),
)


def may_mark(user: User) -> bool:
    """Who may set and clear a marking: the ordering function."""
    from .permissions import is_ordering_function

    return is_ordering_function(user)


def _reads_every_secret(user: User) -> bool:
    from .permissions import is_ordering_function

    return user.is_authenticated and (user.is_superuser or is_ordering_function(user))


def can_read_secret(user: User, order: Order) -> bool:
    """May `user`, who sees `order`, read its need text and attachments?

    An unmarked order: yes. A marked one: only as the module says.
    """
    if not order.is_secret:
        return True
    if not user.is_authenticated:
        return False
    if _reads_every_secret(user) or order.orderer_id == user.pk:
        return True
    from organisation.selectors import standing_of

    return order.department_id in standing_of(user).coordinate


def readable_q(user: User) -> Q | None:
    """`can_read_secret` as a condition on the orders table; None when `user` reads every
    order's need (no condition to add)."""
    if _reads_every_secret(user):
        return None
    condition = Q(secrecy_provision="")
    if not user.is_authenticated:
        return condition
    from organisation.selectors import standing_of

    condition |= Q(orderer_id=user.pk)
    coordinated = standing_of(user).coordinate
    if coordinated:
        condition |= Q(department_id__in=coordinated)
    return condition


def with_secret_readable(queryset: QuerySet[Order], user: User) -> QuerySet[Order]:
    """`queryset` with `secret_readable`: whether `user` may read each order's need and
    attachments (True for every unmarked order)."""
    condition = readable_q(user)
    if condition is None:
        return queryset.annotate(secret_readable=Value(True, output_field=BooleanField()))
    return queryset.annotate(
        secret_readable=ExpressionWrapper(condition, output_field=BooleanField())
    )

