"""Writes to the organisation: who belongs to, leads and may order for a department.

Membership is a guardian object permission on the Department, kept in step here, so that
listing a person's orders is a plain foreign-key filter on department ids.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from .models import (
    Department,
    DepartmentUserObjectPermission,
    OrdererRegistration,
    Provider,
    User,
)


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
    department_sync_members(department=department)
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
    """Bring the registration's department in step with its register (see below)."""
    department_sync_members(department=registration.department)


@transaction.atomic
def department_sync_members(*, department: Department, day: date | None = None) -> None:
    """Membership follows the register: whoever is on it (or deputy) today, and the IT lead.

    Someone whose registration has ended, or who was removed from the register, stops
    seeing the department's orders; a registration that starts later grants membership on
    its first day (the daily sync runs it).
    """
    day = day or timezone.localdate()
    wanted: set[int] = set()
    for person_id, deputy_id in OrdererRegistration.objects.valid_on(day).filter(
        department=department
    ).values_list("person_id", "deputy_id"):
        wanted.add(person_id)
        if deputy_id:
            wanted.add(deputy_id)
    if department.it_lead_id:
        wanted.add(department.it_lead_id)
    current = set(
        DepartmentUserObjectPermission.objects.filter(
            content_object=department, permission__codename="member"
        ).values_list("user_id", flat=True)
    )
    for user in User.objects.filter(pk__in=wanted - current):
        department_add_member(department=department, user=user)
    for user in User.objects.filter(pk__in=current - wanted):
        department_remove_member(department=department, user=user)


def memberships_sync_all(day: date | None = None) -> None:
    """Run every department's sync (daily, so registrations start and end on their dates)."""
    for department in Department.objects.all():
        department_sync_members(department=department, day=day)


def provider_add_member(*, provider: Provider, user: User) -> None:
    """Make `user` staff of `provider`: from now on they see and carry out the orders planned
    to it (orders.permissions reads the order's `provider`), and stop when they leave."""
    provider.members.add(user)


def provider_remove_member(*, provider: Provider, user: User) -> None:
    """`user` leaves `provider`'s staff and with it the sight of its orders."""
    provider.members.remove(user)
