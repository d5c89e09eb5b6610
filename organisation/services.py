"""Writes to the organisation: who leads and may order for a department, and who works for a
provider.

What these rows say is read as it stands on every request (`organisation.selectors.
standing_of`): nothing is copied into permission rows to be kept in step, so an entry taken off
the register, an end date reached or a new IT lead takes effect at the next request.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from .models import Department, OrdererRegistration, Provider, User


@transaction.atomic
def department_set_it_lead(*, department: Department, user: User | None) -> Department:
    """Make `user` the department IT lead (or leave the department without one).

    The lead coordinates the department's orders and belongs to it for as long as they are
    its `it_lead`; the predecessor's coordination ends with the change.
    """
    department = Department.objects.select_for_update().get(pk=department.pk)
    department.it_lead = user
    department.save(update_fields=["it_lead"])
    return department


@transaction.atomic
def orderer_register(
    *,
    department: Department,
    person: User,
    valid_from: date | None = None,
    valid_until: date | None = None,
    deputy: User | None = None,
    note: str = "",
) -> OrdererRegistration:
    """Put `person` (and the deputy) on the department's register of authorised orderers.

    They belong to the department on the days from `valid_from` (today by default) to
    `valid_until` (open-ended by default), both included.
    """
    kwargs = {"department": department, "person": person, "deputy": deputy, "note": note}
    if valid_from is not None:
        kwargs["valid_from"] = valid_from
    kwargs["valid_until"] = valid_until
    registration = OrdererRegistration(**kwargs)
    registration.full_clean()
    registration.save()
    return registration


def provider_add_member(*, provider: Provider, user: User) -> None:
    """Make `user` staff of `provider`: from now on they see and carry out the orders planned
    to it (the order's `provider` says so), and stop when they leave."""
    provider.members.add(user)


def provider_remove_member(*, provider: Provider, user: User) -> None:
    """`user` leaves `provider`'s staff and with it the sight of its orders."""
    provider.members.remove(user)
