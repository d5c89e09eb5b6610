"""Who may edit the matrix and who may answer a consultation: the one place these rules live.

Everyone logged in reads the matrix in force and its earlier versions (§6.5.5's "readable by
all staff" applies to the matrix too). Drafts are the process owner's work in progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orders import permissions as order_perms
from organisation.models import Role, User
from organisation.roles import user_has_role

if TYPE_CHECKING:
    from .models import ConsultationTask

EDITOR_ROLES = (Role.Code.DEPUTY_IT_CHIEF, Role.Code.IT_CHIEF)


def can_edit_matrix(user: User) -> bool:
    """The process owner (deputy IT chief), the IT chief, a superuser, or whoever has been
    given the permission in the administration."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or any(user_has_role(user, code) for code in EDITOR_ROLES):
        return True
    return user.has_perm("raci.edit_matrix")


def holds_role_for_order(user: User, code: str, order) -> bool:
    """Does `user` stand for role `code` on this order?

    The orderer's side and the provider are the order's own people (its orderer, its
    department's IT lead, its provider's staff), not everyone holding the role in the
    municipality; every other role is its group.
    """
    if not user.is_authenticated:
        return False
    if code == Role.Code.ORDERER:
        return order_perms.speaks_for_orderer(user, order)
    if code == Role.Code.DEPARTMENT_IT_LEAD:
        return order.department.it_lead_id == user.pk
    if code == Role.Code.PROVIDER:
        return order_perms.is_provider_staff(user, order)
    return user_has_role(user, code)


def can_answer(user: User, task: ConsultationTask) -> bool:
    return task.status == task.Status.OPEN and holds_role_for_order(user, task.role.code,
                                                                     task.order)
