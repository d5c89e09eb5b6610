"""Load the demo data idempotently, through the services, on a demo clock.

Idempotent: everything is looked up by its natural key first (a department's short name, a
user name, a provider's or service's name, an order's title) and only what is missing is
written, so a second run changes no row.

The demo clock: while the orders' histories are played, `django.utils.timezone.now` returns
the moment of the step being played. Every timestamp the services and models write (created,
submitted, status changed, events, comments, history records, reference year) then agrees
with every other, and lead times and ageing look like those of a real year.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from orders import services as order_services
from orders.models import Order
from organisation import services as org_services
from organisation.models import Department, OrdererRegistration, Provider, Role, User
from organisation.roles import roles_sync
from servicecatalog.models import Service
from tyreso_it.core.models import OutboxMessage

from .catalogue import load_catalogue
from .catalogue_plans import load_plans_and_contracts
from .costs import load_costs
from .order_steps import PRIORITY_CODES, DemoOrder, Step
from .orders import ORDERS
from .people import (
    DEMO_PASSWORD,
    DEPARTMENTS,
    IT_LEADS,
    PROVIDERS,
    REGISTRATIONS,
    SERVICES,
    USERS,
)
from .portfolio import load_portfolio

_real_now = timezone.now
CHANGE_MANAGER = "andringsansvarig"
PLANNER = "leveransansvarig"


class DemoError(Exception):
    """A demo scenario that the services refused: the demo content needs fixing."""


class DemoClock:
    """Stands in for `timezone.now` while the demo history is played."""

    def __init__(self) -> None:
        self.moment: datetime | None = None
        self.ticks = 0

    def set(self, moment: datetime) -> None:
        self.moment = moment
        self.ticks = 0

    def now(self) -> datetime:
        if self.moment is None:
            return _real_now()
        # Each reading is a millisecond later, so records written in one step keep their order.
        self.ticks += 1
        return self.moment + timedelta(milliseconds=self.ticks)

    def today(self) -> date:
        return timezone.localdate(self.now())


@contextmanager
def demo_clock() -> Iterator[DemoClock]:
    clock = DemoClock()
    with mock.patch.object(timezone, "now", clock.now):
        yield clock


@dataclass
class Report:
    departments: int = 0
    users: int = 0
    providers: int = 0
    services: int = 0
    orders: int = 0
    created: Counter = field(default_factory=Counter)
    by_status: dict[str, int] = field(default_factory=dict)
    outbox_marked_sent: int = 0

    def text(self) -> str:
        new = sum(self.created.values())
        lines = [
            f"Demo data: {self.departments} departments, {self.users} users, "
            f"{self.providers} providers, {self.services} catalogue services, "
            f"{self.orders} orders.",
            (
                "Added now: " + ", ".join(f"{n} {what}" for what, n in self.created.items() if n)
                if new
                else "Nothing added: the demo data was already loaded."
            ),
        ]
        if self.outbox_marked_sent:
            lines.append(
                f"{self.outbox_marked_sent} notifications of the demo history were marked as "
                "sent without being delivered."
            )
        if self.by_status:
            lines.append(
                "Orders by status: "
                + ", ".join(f"{label} {count}" for label, count in self.by_status.items())
            )
        lines += ["", f"Demo users (password for all: {DEMO_PASSWORD}):"]
        width = max(len(u.username) for u in USERS) + 2
        for person in USERS:
            lines.append(f"  {person.username.ljust(width)}{person.summary}")
        return "\n".join(lines)


# --- the organisation ----------------------------------------------------------------------


def _departments(report: Report) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for short, name, parent, email in DEPARTMENTS:
        # Either natural key finds a department entered by hand before the demo was loaded.
        department = (
            Department.objects.filter(short_name=short).first()
            or Department.objects.filter(name=name).first()
        )
        if department is None:
            department = Department.objects.create(
                short_name=short,
                name=name,
                parent=departments.get(parent) if parent else None,
                email=email,
            )
            report.created["departments"] += 1
        departments[short] = department
    return departments


def _services(report: Report) -> dict[str, Service]:
    services: dict[str, Service] = {}
    for name, description, lifecycle, orderable in SERVICES:
        service, created = Service.objects.get_or_create(
            name=name,
            defaults={"description": description, "lifecycle": lifecycle, "orderable": orderable},
        )
        report.created["services"] += created
        services[name] = service
    return services


def _users(report: Report, clock: DemoClock) -> None:
    roles = {role.code: role for role in Role.objects.select_related("group")}
    # The password is hashed once for every new demo user: the hasher is slow on purpose,
    # and the password is published with the demo anyway.
    password_hash = None
    for person in USERS:
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.address(),
                "title": person.title,
                "is_staff": person.is_superuser,
                "is_superuser": person.is_superuser,
                "date_joined": clock.now(),
            },
        )
        if created:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user.password = password_hash
            user.save(update_fields=["password"])
            report.created["users"] += 1
        held = set(user.groups.values_list("pk", flat=True))
        for code in person.roles:
            if roles[code].group_id not in held:
                roles[code].group.user_set.add(user)
        for dotted in person.permissions:
            app_label, codename = dotted.split(".")
            user.user_permissions.add(Permission.objects.get(
                content_type__app_label=app_label, codename=codename))


def _registrations(report: Report, departments: dict[str, Department]) -> None:
    people = {u.username: u for u in User.objects.filter(username__in=[u.username for u in USERS])}
    # On the register since well before the first demo order was submitted.
    since = date(timezone.localdate(_real_now()).year - 1, 1, 1)
    for short, username, deputy, note in REGISTRATIONS:
        department, person = departments[short], people[username]
        if OrdererRegistration.objects.filter(department=department, person=person).exists():
            continue
        org_services.orderer_register(
            department=department,
            person=person,
            valid_from=since,
            deputy=people[deputy] if deputy else None,
            note=note,
        )
        report.created["register entries"] += 1
    for short, username in IT_LEADS:
        department = Department.objects.get(pk=departments[short].pk)
        if department.it_lead_id != people[username].pk:
            org_services.department_set_it_lead(department=department, user=people[username])
            report.created["department IT leads"] += 1


def _providers(report: Report) -> dict[str, Provider]:
    providers: dict[str, Provider] = {}
    for name, kind, email, members in PROVIDERS:
        provider, created = Provider.objects.get_or_create(
            name=name, defaults={"kind": kind, "email": email}
        )
        report.created["providers"] += created
        present = set(provider.members.values_list("username", flat=True))
        for username in members:
            if username not in present:
                org_services.provider_add_member(
                    provider=provider, user=User.objects.get(username=username)
                )
        providers[name] = provider
    return providers


# --- the orders ----------------------------------------------------------------------------


def _working_time(moment: datetime, rng: random.Random) -> datetime:
    """The same day at a plausible office hour, moved to Monday from a weekend."""
    local = timezone.localtime(moment)
    while local.weekday() >= 5:
        local += timedelta(days=1)
    return local.replace(
        hour=rng.randint(8, 15), minute=rng.randrange(0, 60, 5), second=0, microsecond=0
    )


def _timeline(scenario: DemoOrder, now: datetime) -> list[datetime]:
    """When the draft was written and when each step happened, all before `now`."""
    rng = random.Random(scenario.title)  # the same times on every machine and run
    moment = _working_time(now - timedelta(days=scenario.started), rng)
    times = [moment]
    for step in scenario.steps:
        candidate = _working_time(moment + timedelta(days=step.gap), rng)
        moment = max(candidate, moment + timedelta(minutes=20))
        times.append(moment)
    latest_allowed = now - timedelta(hours=2)
    if times[-1] > latest_allowed:
        shift = times[-1] - latest_allowed
        times = [t - shift for t in times]
    return times


class _Player:
    """Plays one scenario's steps through the order services."""

    def __init__(
        self,
        clock: DemoClock,
        people: dict[str, User],
        departments: dict[str, Department],
        providers: dict[str, Provider],
        services: dict[str, Service],
    ) -> None:
        self.clock = clock
        self.people = people
        self.departments = departments
        self.providers = providers
        self.services = services
        self.order_ids: dict[str, int] = {}
        self.handlers: dict[str, User] = {}

    def create(self, scenario: DemoOrder) -> None:
        today = self.clock.today()
        data = {
            "title": scenario.title,
            "kind": scenario.kind,
            "service": self.services[scenario.service] if scenario.service else None,
            "need": scenario.need,
            "functional_requirements": scenario.requirements,
            "expected_benefit": scenario.benefit,
            "one_off_cost": _money(scenario.one_off),
            "yearly_cost": _money(scenario.yearly),
            "lifetime_years": scenario.lifetime,
            "yearly_benefit": _money(scenario.yearly_benefit),
            "desired_date": (
                today + timedelta(days=scenario.desired_in) if scenario.desired_in else None
            ),
            "legal_driver": scenario.legal,
            "personal_data": scenario.personal_data,
        }
        order = order_services.order_create(
            actor=self.people[scenario.orderer],
            department=self.departments[scenario.department],
            data=data,
        )
        self.order_ids[scenario.title] = order.pk

    def play(self, scenario: DemoOrder, step: Step) -> None:
        order_id = self.order_ids[scenario.title]
        params = step.params
        orderer = self.people[scenario.orderer]

        def who(key: str = "by") -> User:
            username = params.get(key)
            return self.people[username] if username else orderer

        handler = self.handlers.get(scenario.title)
        match step.action:
            case "submit":
                order_services.order_submit(order_id=order_id, actor=who())
            case "take_on":
                handler = self.people[params["handler"]]
                self.handlers[scenario.title] = handler
                order_services.order_take_on(order_id=order_id, actor=who(), handler=handler)
            case "prepare":
                self._prepare(scenario, order_id, handler, partial=params["partial"])
            case "ask":
                order_services.order_request_supplement(
                    order_id=order_id, actor=handler, question=params["question"],
                    due_date=self.clock.today() + timedelta(days=params["due"]),
                )
            case "answer":
                order_services.order_supplement(
                    order_id=order_id, actor=who(), answer=params["text"]
                )
            case "ready":
                order_services.order_mark_ready(
                    order_id=order_id, actor=handler, note=params["note"]
                )
            case "delegated":
                order_services.order_decide_delegated(
                    order_id=order_id, actor=self.people[CHANGE_MANAGER],
                    reason=params["reason"],
                )
            case "board":
                order_services.order_apply_board_decision(
                    order_id=order_id, actor=self.people[CHANGE_MANAGER],
                    outcome=params["outcome"], reason=params["reason"], note=params["note"],
                )
            case "plan":
                planned_start = self.clock.today() + timedelta(days=params["start_in"])
                order_services.order_plan(
                    order_id=order_id, actor=self.people[PLANNER],
                    provider=self.providers[params["provider"]],
                    planned_start=planned_start,
                    planned_end=planned_start + timedelta(weeks=params["weeks"]),
                    planning_priority=params["priority"], note=params["note"],
                )
            case "start":
                order_services.order_start(order_id=order_id, actor=who(), note=params["note"])
            case "deliver":
                order_services.order_deliver(
                    order_id=order_id, actor=who(), note=params["note"]
                )
            case "deviation":
                order_services.order_report_deviation(
                    order_id=order_id, actor=who(), reason=params["reason"]
                )
            case "accept":
                order_services.order_accept(order_id=order_id, actor=who(), note=params["note"])
            case "withdraw":
                order_services.order_withdraw(
                    order_id=order_id, actor=who(), reason=params["reason"]
                )
            case "comment":
                order_services.comment_add(order_id=order_id, actor=who(), body=params["text"])
            case _:
                raise DemoError(f"unknown demo step {step.action!r}")

    def _prepare(
        self, scenario: DemoOrder, order_id: int, handler: User | None, *, partial: bool
    ) -> None:
        prep = scenario.prep
        if prep is None or handler is None:
            raise DemoError("a prepare step needs `prep` and a handler that took the order on")
        data = {"it_requirements": prep.it, "architecture_review": prep.arch}
        if not partial:
            factors = order_services.priority_model_active().factors.all()
            scores = dict(zip(PRIORITY_CODES, prep.prio, strict=True))
            data |= {
                "estimated_cost": _money(prep.cost),
                "estimated_hours": prep.hours,
                "risk_level": prep.risk,
                "risk_description": prep.risks,
                "recommendation": prep.rec,
                # A factor added to the model after this demo was written scores a middle 2.
                "priority_values": {f.code: scores.get(f.code, 2) for f in factors},
            }
        version = Order.objects.values_list("version", flat=True).get(pk=order_id)
        order_services.order_update_preparation(
            order_id=order_id, actor=handler, data=data, expected_version=version
        )
        for option in scenario.options:
            order_services.option_add(
                order_id=order_id,
                actor=handler,
                data={
                    "title": option.title,
                    "description": option.description,
                    "pros": option.pros,
                    "cons": option.cons,
                    "estimated_cost": _money(option.cost),
                    "recommended": option.recommended,
                },
            )


def _money(amount: int | None) -> Decimal | None:
    return None if amount is None else Decimal(amount)


def _orders(
    report: Report,
    clock: DemoClock,
    departments: dict[str, Department],
    providers: dict[str, Provider],
    services: dict[str, Service],
    now: datetime,
) -> None:
    existing = set(
        Order.objects.filter(title__in=[s.title for s in ORDERS]).values_list("title", flat=True)
    )
    missing = [scenario for scenario in ORDERS if scenario.title not in existing]
    if not missing:
        return
    # Fresh instances: permission caches start empty, after every membership is in place.
    people = {u.username: u for u in User.objects.filter(username__in=[u.username for u in USERS])}
    player = _Player(clock, people, departments, providers, services)
    # Every step of every order on one time line, so reference numbers follow submission
    # order and primary keys follow time, as they would have.
    moments: list[tuple[datetime, int, int, DemoOrder, Step | None]] = []
    for number, scenario in enumerate(missing):
        times = _timeline(scenario, now)
        moments.append((times[0], number, -1, scenario, None))
        for index, (moment, step) in enumerate(zip(times[1:], scenario.steps, strict=True)):
            moments.append((moment, number, index, scenario, step))
    moments.sort(key=lambda item: item[:3])
    for moment, _number, index, scenario, step in moments:
        clock.set(moment)
        try:
            if step is None:
                player.create(scenario)
            else:
                player.play(scenario, step)
        except order_services.OrderError as exc:
            raise DemoError(
                f"demo order “{scenario.title}”, step {index + 1} ({step and step.action}): "
                f"{exc.message}"
            ) from exc
    report.created["orders"] += len(missing)


# --- the whole -----------------------------------------------------------------------------


@transaction.atomic
def load_demo() -> Report:
    """Write whatever part of the demo data is missing; return what there is now."""
    report = Report()
    now = _real_now()
    first_order = now - timedelta(days=max(s.started for s in ORDERS) + 30)
    last_outbox = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
    with demo_clock() as clock:
        clock.set(first_order)
        if Role.objects.count() < len(Role.Code):
            # As migrate does it: group names are looked up by their untranslated label.
            with translation.override(None):
                roles_sync()
        departments = _departments(report)
        services = _services(report)
        _users(report, clock)
        _registrations(report, departments)
        providers = _providers(report)
        report.created.update(load_catalogue())
        report.created.update(load_plans_and_contracts(clock, now))
        _orders(report, clock, departments, providers, services, now)
        report.created.update(load_portfolio(clock, now))
        report.created.update(load_costs(clock, now))
    # The history's notifications are not news: mark them handled rather than mail them now.
    report.outbox_marked_sent = OutboxMessage.objects.filter(
        pk__gt=last_outbox or 0,
        status=OutboxMessage.Status.PENDING,
        created_at__lt=now,
    ).update(status=OutboxMessage.Status.SENT, sent_at=F("created_at"))

    report.departments = Department.objects.count()
    report.users = User.objects.count()
    report.providers = Provider.objects.count()
    report.services = Service.objects.count()
    report.orders = Order.objects.count()
    counts = Counter(
        Order.objects.filter(title__in=[s.title for s in ORDERS]).values_list("status", flat=True)
    )
    with translation.override("sv"):
        report.by_status = {
            str(label): counts[value] for value, label in Order.Status.choices if counts[value]
        }
    return report
