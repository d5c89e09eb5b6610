"""Writes to the organisation: who leads and may order for a department, and who works for a
provider.

What these rows say is read as it stands on every request (`organisation.selectors.
standing_of`): nothing is copied into permission rows to be kept in step, so an entry taken off
the register, an end date reached or a new IT lead takes effect at the next request.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tyreso_it.core.errors import ServiceError

from .models import Department, ExternalIdentity, OrdererRegistration, Provider, Role, User
from .selectors import stands_anywhere

#: Roles the register gives (a department's orderers and IT lead), never a provider's group.
REGISTER_ROLES = frozenset({Role.Code.ORDERER, Role.Code.DEPARTMENT_IT_LEAD})


class LoginRefused(ServiceError):
    """A login through the identity provider that the product refuses; `reason` names why
    (for the log and the tests), the message says it to the person."""

    status_code = 403

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


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


def user_sign_in_from_provider(
    *,
    employee_id: str,
    issuer: str,
    first_name: str,
    last_name: str,
    email: str,
    groups: Iterable[str],
    group_roles: Iterable[tuple[str, str]],
) -> User:
    """The person a login through the identity provider is for, created or updated from its
    claims, with the roles its groups give.

    The person is found by `employee_id` alone (never by email), made on their first login
    with no usable password, and their name and email follow the provider's. The roles named
    in `group_roles` (pairs of group and role code) are the provider's: each is given when
    one of `groups` maps to it and taken away when none does. Other roles, and a department's
    register of authorised orderers, stay as the product's administrators keep them.

    Refused (`LoginRefused`, reason "unknown_group") when none of the groups maps to a role
    and the person has no other standing: no register entry, department to lead, provider
    staff membership or other role. Roles the groups no longer give are taken away even then.
    """
    if not employee_id:
        raise LoginRefused(
            _("The login was refused: the municipality's identity provider did not send "
              "an employee id for the account. Contact the service desk."),
            reason="claims",
        )
    pairs = list(group_roles)
    managed = {code for _group, code in pairs}
    wrong = managed - set(Role.Code.values) | (managed & REGISTER_ROLES)
    if wrong:
        raise ImproperlyConfigured(
            f"OIDC_GROUP_ROLES names roles a group cannot give: {', '.join(sorted(wrong))}."
        )
    held_groups = set(groups)
    wanted = {code for group, code in pairs if group in held_groups}
    with transaction.atomic():
        user = _sign_in(employee_id=employee_id, issuer=issuer, first_name=first_name,
                        last_name=last_name, email=email, managed=managed, wanted=wanted)
    if user is None:
        raise LoginRefused(
            _("Your account at the municipality's identity provider is in no group that "
              "gives access to IT ordering, and you are on no department's register of "
              "authorised orderers. Ask the IT coordinator for access."),
            reason="unknown_group",
        )
    return user


def _sign_in(*, employee_id: str, issuer: str, first_name: str, last_name: str, email: str,
             managed: set[str], wanted: set[str]) -> User | None:
    identity = (
        ExternalIdentity.objects.select_for_update().select_related("user")
        .filter(employee_id=employee_id).first()
    )
    user = identity.user if identity is not None else None
    if user is None and not wanted:
        return None
    if user is None:
        user = User(username=_free_username(employee_id))
        user.set_unusable_password()
        user.save()
        identity = ExternalIdentity.objects.create(user=user, employee_id=employee_id)
    claimed = {"first_name": first_name[:150], "last_name": last_name[:150],
               "email": email[:254]}
    changed = [name for name, value in claimed.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, claimed[name])
    if changed:
        user.save(update_fields=changed)
    identity.issuer = issuer[:255]
    identity.last_login = timezone.now()
    identity.save(update_fields=["issuer", "last_login"])
    held = set(user.groups.values_list("pk", flat=True))
    for role in Role.objects.filter(code__in=managed):
        if role.code in wanted and role.group_id not in held:
            user.groups.add(role.group_id)
        elif role.code not in wanted and role.group_id in held:
            user.groups.remove(role.group_id)
    if wanted or user.is_superuser:
        return user
    return user if stands_anywhere(user, besides_roles=managed) else None


def _free_username(employee_id: str) -> str:
    """The employee id as user name, or with a number added when a local account has it."""
    base = employee_id[:140]
    name, number = base, 1
    while User.objects.filter(username=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name
