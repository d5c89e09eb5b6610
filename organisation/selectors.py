"""Reads about a person's place in the organisation, used by every permission check."""

from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from .models import Department, OrdererRegistration, User


def departments_of(user: User, perm: str = "organisation.member") -> list[int]:
    """Ids of the departments where `user` holds `perm`, cached on the user for the request."""
    if not user.is_authenticated:
        return []
    cache = user.__dict__.setdefault("_department_ids", {})
    if perm not in cache:
        cache[perm] = sorted(
            get_objects_for_user(
                user, perm, klass=Department, with_superuser=False, accept_global_perms=False
            ).values_list("pk", flat=True)
        )
    return cache[perm]


def may_submit_for(user: User, department: Department, day=None) -> bool:
    """True when `user` is on the department's register today, its deputy, or its IT lead."""
    if not user.is_authenticated:
        return False
    if department.it_lead_id == user.pk:
        return True
    day = day or timezone.localdate()
    return (
        OrdererRegistration.objects.valid_on(day)
        .filter(department=department)
        .filter(person=user)
        .exists()
        or OrdererRegistration.objects.valid_on(day)
        .filter(department=department, deputy=user)
        .exists()
    )
