"""Writes to the organisation: who belongs to, leads and may order for a department.

Membership is a guardian object permission on the Department, kept in step here, so that
listing a person's orders is a plain foreign-key filter on department ids.
"""

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from .models import Department, OrdererRegistration, Provider, User


def department_add_member(*, department: Department, user: User) -> None:
    """Let `user` see the department's orders and write drafts for it."""
    assign_perm("organisation.member", user, department)


def department_remove_member(*, department: Department, user: User) -> None:
    remove_perm("organisation.member", user, department)


@transaction.atomic
def department_set_it_lead(*, department: Department, user: User | None) -> Department:
    """Make `user` the department IT lead, moving the coordinate right from any predecessor."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    previous = department.it_lead
    if previous is not None and previous != user:
        remove_perm("organisation.coordinate", previous, department)
    department.it_lead = user
    department.save(update_fields=["it_lead"])
    if user is not None:
        assign_perm("organisation.coordinate", user, department)
        assign_perm("organisation.member", user, department)
    return department


@transaction.atomic
def orderer_register(
    *,
    department: Department,
    person: User,
    valid_from=None,
    valid_until=None,
    deputy: User | None = None,
    note: str = "",
) -> OrdererRegistration:
    """Put `person` (and the deputy) on the department's register of authorised orderers."""
    kwargs = {"department": department, "person": person, "deputy": deputy, "note": note}
    if valid_from is not None:
        kwargs["valid_from"] = valid_from
    kwargs["valid_until"] = valid_until
    registration = OrdererRegistration(**kwargs)
    registration.full_clean()
    registration.save()
    registration_grant_membership(registration=registration)
    return registration


def registration_grant_membership(*, registration: OrdererRegistration) -> None:
    """An orderer and their deputy belong to the department they order for."""
    department_add_member(department=registration.department, user=registration.person)
    if registration.deputy_id:
        department_add_member(department=registration.department, user=registration.deputy)


@transaction.atomic
def provider_add_member(*, provider: Provider, user: User) -> None:
    """Make `user` staff of `provider`, with sight of the orders already assigned to it.

    Planning an order grants its provider's staff of that moment; someone joining later gets
    the same rights here, so they do not act on orders they cannot see.
    """
    from orders.models import Order

    provider.members.add(user)
    assigned = Order.objects.filter(provider=provider)
    if assigned.exists():
        assign_perm("orders.view_order", user, assigned)
        assign_perm("orders.carry_out_order", user, assigned)
