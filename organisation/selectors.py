"""Reads about a person's place in the organisation, used by every permission check."""

from dataclasses import astuple, dataclass

from django.db.models import CharField, F, Value
from django.utils import timezone

from . import access
from .models import (
    Department,
    DepartmentGroupObjectPermission,
    DepartmentUserObjectPermission,
    OrdererRegistration,
    Provider,
    User,
)

DEPARTMENT_PERMS = ("member", "coordinate")


@dataclass(frozen=True)
class Standing:
    """Where a person stands in the organisation: what every permission check starts from."""

    member: tuple[int, ...]  # departments the person belongs to (sorted ids)
    coordinate: tuple[int, ...]  # departments whose IT orders the person coordinates
    providers: frozenset[int]  # providers the person works for


NO_STANDING = Standing(member=(), coordinate=(), providers=frozenset())


def standing_of(user: User) -> Standing:
    """The person's departments and providers in one query, cached on the user for the request
    (and in the access cache for the request's user).

    Membership and coordination are guardian permissions on the department (given to the
    person, or to a group the person is in); staff of a provider are its `members`.
    """
    if not user.is_authenticated:
        return NO_STANDING
    cached = getattr(user, "_standing", None)
    if cached is not None:
        return cached
    member, coordinate, providers = access.fact(
        user, "standing", lambda: astuple(_read_standing(user)))
    standing = Standing(member=member, coordinate=coordinate, providers=providers)
    user._standing = standing
    return standing


def _read_standing(user: User) -> Standing:
    text = CharField()
    own = DepartmentUserObjectPermission.objects.filter(
        user_id=user.pk,
        permission__content_type__app_label="organisation",
        permission__codename__in=DEPARTMENT_PERMS,
    )
    grouped = DepartmentGroupObjectPermission.objects.filter(
        group__user=user.pk,
        permission__content_type__app_label="organisation",
        permission__codename__in=DEPARTMENT_PERMS,
    )
    staff = Provider.members.through.objects.filter(user_id=user.pk)
    rows = (
        own.order_by()
        .annotate(kind=F("permission__codename"), ref=F("content_object_id"))
        .values_list("kind", "ref")
        .union(
            grouped.order_by()
            .annotate(kind=F("permission__codename"), ref=F("content_object_id"))
            .values_list("kind", "ref"),
            staff.order_by()
            .annotate(kind=Value("provider", output_field=text), ref=F("provider_id"))
            .values_list("kind", "ref"),
            all=True,
        )
    )
    found: dict[str, set[int]] = {"member": set(), "coordinate": set(), "provider": set()}
    for kind, ref in rows:
        found[kind].add(ref)
    return Standing(
        member=tuple(sorted(found["member"])),
        coordinate=tuple(sorted(found["coordinate"])),
        providers=frozenset(found["provider"]),
    )


def departments_of(user: User, perm: str = "organisation.member") -> list[int]:
    """Ids of the departments where `user` holds `perm` (member or coordinate)."""
    standing = standing_of(user)
    if perm == "organisation.member":
        return list(standing.member)
    if perm == "organisation.coordinate":
        return list(standing.coordinate)
    raise ValueError(f"not a department permission: {perm}")


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
