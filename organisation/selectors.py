"""Reads about a person's place in the organisation, used by every permission check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, F, Q, Value
from django.utils import timezone

from . import access
from .models import Department, OrdererRegistration, Provider, Role, User
from .roles import SIGHT_EXCLUDED


@dataclass(frozen=True)
class Standing:
    """Where a person stands in the organisation today: what every permission check starts
    from. Read from the register, the departments, the providers and the role groups as they
    are now; nothing here is granted once and kept."""

    member: tuple[int, ...]  # departments the person belongs to (sorted ids)
    coordinate: tuple[int, ...]  # departments whose IT orders the person coordinates
    providers: frozenset[int]  # providers the person works for
    roles: tuple[int, ...] = ()  # roles held that a HUKI step can show an order to (raci)

    def as_json(self) -> dict[str, list[int]]:
        """The standing as JSON types, as the access cache keeps it."""
        return {
            "member": list(self.member),
            "coordinate": list(self.coordinate),
            "providers": sorted(self.providers),
            "roles": list(self.roles),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Standing:
        return cls(
            member=tuple(data["member"]),
            coordinate=tuple(data["coordinate"]),
            providers=frozenset(data["providers"]),
            roles=tuple(data["roles"]),
        )


NO_STANDING = Standing(member=(), coordinate=(), providers=frozenset(), roles=())


def standing_of(user: User) -> Standing:
    """The person's departments, providers and sight-giving roles in one query, cached on the
    user for the request (and in the access cache for the request's user, for the day).

    - member: the departments whose register holds the person, or names them deputy, today
      (`OrdererRegistration.objects.valid_on`), and the departments they lead;
    - coordinate: the departments whose `it_lead` is the person;
    - providers: the providers whose staff (`Provider.members`) the person is;
    - roles: the roles the person holds (their groups) that a HUKI step can show an order to.

    An inactive department still counts, as its orders stay to be followed; writing a new
    order is offered only for active ones (`orders.views`). A person whose account is
    deactivated stands nowhere.
    """
    if not user.is_authenticated or not user.is_active:
        return NO_STANDING
    cached = getattr(user, "_standing", None)
    if cached is not None:
        return cached
    standing = Standing.from_json(
        access.fact(user, "standing", lambda: _read_standing(user).as_json())
    )
    user._standing = standing
    return standing


def _read_standing(user: User, day: date | None = None) -> Standing:
    text = CharField()
    day = day or timezone.localdate()

    def rows(queryset, kind: str, ref: str):
        return (
            queryset.order_by()
            .annotate(kind=Value(kind, output_field=text), ref=F(ref))
            .values_list("kind", "ref")
        )

    registered = OrdererRegistration.objects.valid_on(day).filter(
        Q(person_id=user.pk) | Q(deputy_id=user.pk)
    )
    led = Department.objects.filter(it_lead_id=user.pk)
    staff = Provider.members.through.objects.filter(user_id=user.pk)
    roles = Role.objects.filter(group__user=user.pk).exclude(code__in=SIGHT_EXCLUDED)
    found: dict[str, set[int]] = {"member": set(), "coordinate": set(), "provider": set(),
                                  "role": set()}
    union = rows(registered, "member", "department_id").union(
        rows(led, "coordinate", "pk"),
        rows(staff, "provider", "provider_id"),
        rows(roles, "role", "pk"),
        all=True,
    ).order_by()
    for kind, ref in union:
        found[kind].add(ref)
    return Standing(
        # The IT lead belongs to the department they lead.
        member=tuple(sorted(found["member"] | found["coordinate"])),
        coordinate=tuple(sorted(found["coordinate"])),
        providers=frozenset(found["provider"]),
        roles=tuple(sorted(found["role"])),
    )


def stands_anywhere(user: User, *, besides_roles: set[str]) -> bool:
    """True when `user` has a place in the organisation today, read afresh (not from the
    access cache): on a department's register (or its deputy), a department's IT lead,
    provider staff, or holding a role other than `besides_roles`."""
    standing = _read_standing(user)
    if standing.member or standing.coordinate or standing.providers:
        return True
    return Role.objects.filter(group__user=user).exclude(code__in=besides_roles).exists()


def may_submit_for(user: User, department: Department, day: date | None = None) -> bool:
    """True when `user` is on the department's register on `day` (today by default), its
    deputy, or its IT lead."""
    if not user.is_authenticated or not user.is_active:
        return False
    if department.it_lead_id == user.pk:
        return True
    day = day or timezone.localdate()
    return (
        OrdererRegistration.objects.valid_on(day)
        .filter(department=department)
        .filter(Q(person=user) | Q(deputy=user))
        .exists()
    )


def user_by_employee_id(employee_id: str) -> User | None:
    """The person the identity provider knows by `employee_id` (never found by email), as
    their logins through it have recorded (`services.user_sign_in_from_provider`); None for
    an employee id no login has brought here. One query."""
    if not employee_id:
        return None
    return User.objects.filter(external_identity__employee_id=employee_id).first()
