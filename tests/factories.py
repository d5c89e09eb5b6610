"""Test data: factories for the plain rows, and helpers that put people in roles and drive
orders through the real services.

Two kinds of helpers, on purpose:

- The `*Factory` classes make rows directly (`UserFactory()`, `DepartmentFactory()`, ...).
  `OrderFactory()` makes a bare *draft* without touching any service: use it when a test only
  needs an order to exist (listing, query counts).
- `make_*` functions give people their rights the way the application does
  (`organisation.services`, role groups) and `make_order` moves an order to any state through
  the transition services, so every order they return carries its real history, events,
  reference number and outbox messages.

Users carry a known password (`PASSWORD`) for `client.login`; `client.force_login(user)` is
faster and works as well. Permission lookups are cached on the user object (Django's
`_perm_cache`, `standing_of`'s `_standing`): after changing someone's rights in a test, fetch
the user again with `fresh(user)` before checking what they may do.
"""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from orders import services
from orders.models import Order, PriorityModel
from organisation.models import Department, OrdererRegistration, Provider, Role, User
from organisation.roles import roles_sync
from organisation.services import (
    department_set_it_lead,
    orderer_register,
    provider_add_member,
)

PASSWORD = "test-lösenord-1"


# --- rows ---------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A person who can log in, with no role and no department."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = "Testsson"
    email = factory.LazyAttribute(lambda user: f"{user.username}@tyreso.se")
    password = factory.django.Password(PASSWORD)


class DepartmentFactory(factory.django.DjangoModelFactory):
    """A förvaltning with nobody in it yet (see `make_orderer`, `make_it_lead`)."""

    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Testförvaltning {n}")
    short_name = factory.Sequence(lambda n: f"TF{n}")
    email = factory.LazyAttribute(lambda d: f"{d.short_name.lower()}@tyreso.se")


class ProviderFactory(factory.django.DjangoModelFactory):
    """An utförare; pass `members=[user, ...]` to give it staff."""

    class Meta:
        model = Provider
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Leverantör {n}")
    kind = Provider.Kind.EXTERNAL
    email = factory.Sequence(lambda n: f"leverantor{n}@example.se")

    @factory.post_generation
    def members(self, create: bool, extracted, **kwargs) -> None:
        for user in extracted or ():
            provider_add_member(provider=self, user=user)


class OrderFactory(factory.django.DjangoModelFactory):
    """A bare draft, written directly (no service, no history reason, no membership check).

    For an order in another state, or one whose people may act on it, use `make_order`.
    """

    class Meta:
        model = Order

    title = factory.Sequence(lambda n: f"Beställning {n}")
    department = factory.SubFactory(DepartmentFactory)
    orderer = factory.SubFactory(UserFactory)
    kind = Order.Kind.NEW_FUNCTION
    need = "Vi behöver kunna boka lokaler på webben."
    status = Order.Status.DRAFT


# --- people in roles ---------------------------------------------------------------------


def fresh(user: User) -> User:
    """The same person loaded again, without the permission caches of the old object."""
    return User.objects.get(pk=user.pk)


def ensure_roles() -> None:
    """Make sure the roles and their groups exist.

    They are created by a post_migrate hook; a transactional test's flush can remove them.
    """
    if not Role.objects.exists():
        roles_sync()


def ensure_priority_model() -> PriorityModel:
    """The priority model in force, created like the data migration does when it is missing
    (a transactional test's flush removes migrated data)."""
    model = PriorityModel.objects.filter(is_active=True).first()
    if model is not None:
        return model
    migration = importlib.import_module("orders.migrations.0003_default_priority_model")
    model = PriorityModel.objects.create(version=1, is_active=True, note="Test")
    for position, (code, name, weight, help_text) in enumerate(migration.FACTORS):
        model.factors.create(
            code=code, name=name, weight=weight, help_text=help_text, position=position
        )
    return model


def add_role(user: User, code: str) -> User:
    """Give `user` a role (its group) and return a fresh copy with empty permission caches."""
    ensure_roles()
    Role.objects.get(code=code).group.user_set.add(user)
    return fresh(user)


def make_role_user(code: str, **user_fields: Any) -> User:
    """A new person holding the role `code` (a `Role.Code` value)."""
    return add_role(UserFactory(**user_fields), code)


def make_coordinator(**user_fields: Any) -> User:
    """Someone of the ordering function (IT coordinator): prepares and plans every order."""
    return make_role_user(Role.Code.IT_COORDINATOR, **user_fields)


def make_change_manager(**user_fields: Any) -> User:
    """The change manager: ordering function rights plus decisions (chairs BIT)."""
    return make_role_user(Role.Code.CHANGE_MANAGER, **user_fields)


def make_it_chief(**user_fields: Any) -> User:
    """The IT chief: sees every order, acts on none."""
    return make_role_user(Role.Code.IT_CHIEF, **user_fields)


def make_orderer(
    department: Department | None = None,
    *,
    valid_from: date | None = None,
    valid_until: date | None = None,
    deputy: User | None = None,
    **user_fields: Any,
) -> User:
    """An authorised orderer: on `department`'s register (and so belonging to it) from
    `valid_from` (default today) until `valid_until` (default open-ended), with an optional
    deputy."""
    department = department or DepartmentFactory()
    user = UserFactory(**user_fields)
    orderer_register(
        department=department,
        person=user,
        valid_from=valid_from,
        valid_until=valid_until,
        deputy=deputy,
    )
    return fresh(user)


def make_expired_orderer(department: Department, **user_fields: Any) -> User:
    """A person whose place on the department's register ended yesterday."""
    today = timezone.localdate()
    return make_orderer(
        department,
        valid_from=today - timedelta(days=30),
        valid_until=today - timedelta(days=1),
        **user_fields,
    )


def make_it_lead(department: Department, user: User | None = None) -> User:
    """Make `user` (or a new person) the department's IT lead (coordinates and belongs)."""
    user = user or UserFactory()
    department_set_it_lead(department=department, user=user)
    department.refresh_from_db()
    return fresh(user)


def make_provider_user(provider: Provider | None = None, **user_fields: Any) -> User:
    """A member of `provider`'s staff (a new provider when none is given)."""
    provider = provider or ProviderFactory()
    user = UserFactory(**user_fields)
    provider_add_member(provider=provider, user=user)
    return fresh(user)


def make_outsider(**user_fields: Any) -> User:
    """A person who can log in but has no role, department or provider."""
    return UserFactory(**user_fields)


# --- orders through the real services ------------------------------------------------------

#: A decision brief that `order_mark_ready` accepts (cost below the delegation threshold).
COMPLETE_BRIEF: dict[str, Any] = {
    "it_requirements": "Webbformulär kopplat till lokalbokningssystemet.",
    "estimated_cost": Decimal("50000.00"),
    "risk_level": Order.Risk.LOW,
    "recommendation": "Genomför alternativ A.",
}
#: Scores (0–5) for the factors of the default priority model.
PRIORITY_VALUES: dict[str, int] = {
    "legal": 1,
    "citizen_benefit": 4,
    "efficiency": 3,
    "risk_reduction": 2,
    "strategy": 3,
    "cost_benefit": 4,
}

#: The path `make_order` takes to reach each state; each state's order is the previous one's
#: plus one transition.
STATE_PATH: dict[str, tuple[str, ...]] = {
    Order.Status.DRAFT: (),
    Order.Status.SUBMITTED: ("submit",),
    Order.Status.IN_PREPARATION: ("submit", "take_on"),
    Order.Status.AWAITING_SUPPLEMENT: ("submit", "take_on", "request_supplement"),
    Order.Status.READY_FOR_DECISION: ("submit", "take_on", "brief", "mark_ready"),
    Order.Status.APPROVED: ("submit", "take_on", "brief", "mark_ready", "board_approve"),
    Order.Status.REJECTED: ("submit", "take_on", "brief", "mark_ready", "board_reject"),
    Order.Status.PLANNED: (
        "submit", "take_on", "brief", "mark_ready", "board_approve", "plan",
    ),
    Order.Status.IN_PROGRESS: (
        "submit", "take_on", "brief", "mark_ready", "board_approve", "plan", "start",
    ),
    Order.Status.DELIVERED: (
        "submit", "take_on", "brief", "mark_ready", "board_approve", "plan", "start", "deliver",
    ),
    Order.Status.CLOSED: (
        "submit", "take_on", "brief", "mark_ready", "board_approve", "plan", "start", "deliver",
        "accept",
    ),
    Order.Status.WITHDRAWN: ("submit", "withdraw"),
}
ALL_STATES: tuple[str, ...] = tuple(STATE_PATH)


def make_order(
    state: str = Order.Status.DRAFT,
    *,
    department: Department | None = None,
    orderer: User | None = None,
    handler: User | None = None,
    change_manager: User | None = None,
    provider: Provider | None = None,
    provider_user: User | None = None,
    **fields: Any,
) -> Order:
    """An order in `state`, written and moved there by the real services.

    Whoever is not given is created: the department, an authorised orderer of it, a handler
    of the ordering function, a change manager who records the board's decision, and a
    provider with one staff member (`provider_user`) who starts and delivers. `fields` are
    the order's own content (`title`, `need`, `estimated_cost` for the brief, ...).

    The returned order is freshly loaded; its people are `order.orderer`, `order.handler`,
    `order.provider` (with `order.provider.members`).
    """
    if state not in STATE_PATH:
        raise ValueError(f"unknown state {state!r}; one of {', '.join(ALL_STATES)}")
    ensure_roles()
    if department is None:
        department = orderer_department(orderer) if orderer else DepartmentFactory()
    orderer = orderer or make_orderer(department)
    brief = {**COMPLETE_BRIEF, **{k: fields.pop(k) for k in list(fields) if k in COMPLETE_BRIEF}}
    data = {
        "title": "Bokning av lokaler på webben",
        "kind": Order.Kind.NEW_FUNCTION,
        "need": "Föreningar ska kunna boka kommunens lokaler utan att ringa.",
        **fields,
    }
    order = services.order_create(actor=orderer, department=department, data=data)
    for step in STATE_PATH[state]:
        if step == "submit":
            services.order_submit(order_id=order.pk, actor=orderer)
        elif step == "take_on":
            handler = handler or make_coordinator()
            services.order_take_on(order_id=order.pk, actor=handler)
        elif step == "request_supplement":
            services.order_request_supplement(
                order_id=order.pk, actor=handler, question="Hur många lokaler gäller det?"
            )
        elif step == "brief":
            ensure_priority_model()
            order.refresh_from_db()
            services.order_update_preparation(
                order_id=order.pk,
                actor=handler,
                data={**brief, "priority_values": dict(PRIORITY_VALUES)},
                expected_version=order.version,
            )
        elif step == "mark_ready":
            services.order_mark_ready(order_id=order.pk, actor=handler)
        elif step in {"board_approve", "board_reject"}:
            change_manager = change_manager or make_change_manager()
            outcome = step.removeprefix("board_")
            services.order_apply_board_decision(
                order_id=order.pk,
                actor=change_manager,
                outcome=outcome,
                reason="Ryms inte i årets budget." if outcome == "reject" else "",
            )
        elif step == "plan":
            if provider is None:
                provider = ProviderFactory()
                provider_user = provider_user or make_provider_user(provider)
            today = timezone.localdate()
            services.order_plan(
                order_id=order.pk,
                actor=handler,
                provider=provider,
                planned_start=today,
                planned_end=today + timedelta(days=60),
            )
        elif step in {"start", "deliver"}:
            provider_user = provider_user or fresh(provider.members.first())
            service = services.order_start if step == "start" else services.order_deliver
            service(order_id=order.pk, actor=provider_user)
        elif step == "accept":
            services.order_accept(order_id=order.pk, actor=orderer)
        elif step == "withdraw":
            services.order_withdraw(order_id=order.pk, actor=orderer, reason="Behovet är borta.")
    order = Order.objects.select_related(
        "department", "orderer", "handler", "provider"
    ).get(pk=order.pk)
    assert order.status == state, f"make_order reached {order.status}, not {state}"
    return order


def orderer_department(orderer: User) -> Department:
    """The department `orderer` is registered for (their first registration)."""
    registration = OrdererRegistration.objects.filter(person=orderer).select_related(
        "department"
    ).first()
    if registration is None:
        raise ValueError(f"{orderer} is on no department's register; pass department=")
    return registration.department
