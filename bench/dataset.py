"""A realistic data set for the benchmark: a decade of a municipality's IT orders.

Built on an empty, migrated PostgreSQL database (`make bench` gives it its own). People,
departments, registrations, providers, the catalogue, projects and meetings are written with
the ORM (`bulk_create_with_history`, so they carry history rows as the services would leave);
the orders and everything that grows with them (history rows, transitions, comments,
permissions, solution options) are simulated in Python and written with COPY.

Every order is walked through the real flow on a clock: written, submitted, taken on,
prepared (with supplement rounds), decided by delegation or at a BIT meeting (deferred or
returned now and then), planned, started, delivered, accepted; some are withdrawn or
rejected. The walk stops at today, so old orders are closed and recent ones are spread over
the queue the way a working ordering function's would be. References are numbered per year in
the order of submission, gap-free, and the counters are set; the orderer of every order was
on the department's register on the day it was written (or is its IT lead).
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from board.models import AgendaItem, Meeting, MeetingMember, MinutesCounter
from orders import services as order_services
from orders import tallies
from orders.models import (
    Comment,
    Order,
    OrderEvent,
    PriorityModel,
    ReferenceCounter,
    SolutionOption,
)
from organisation.models import (
    Department,
    OrdererRegistration,
    Provider,
    Role,
    User,
)
from servicecatalog.models import Category, Integration, Service, ServiceLevel, Supplier

from .copy import NULL, copy_lines, fmt, reset_sequences, without_checks

S = Order.Status
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
TZ = ZoneInfo(settings.TIME_ZONE)
#: The password of every generated person (the benchmark logs in without it).
BENCH_PASSWORD = "bench-lösenord"  # noqa: S105 - a throwaway benchmark database only

#: The people the benchmark measures as, one per role, by user name.
BENCH_USERS = {
    "orderer": "bench-orderer",
    "it_lead": "bench-it-lead",
    "coordinator": "bench-coordinator",
    "change_manager": "bench-change-manager",
    "it_chief": "bench-it-chief",
    "provider": "bench-provider",
}


@dataclass(frozen=True)
class Size:
    """How much to generate. The defaults are the benchmark's (issue 7)."""

    orders: int = 100_000
    years: int = 10
    departments: int = 20
    users: int = 2_000
    services: int = 300
    projects: int = 500
    meetings: int = 40
    seed: int = 2013

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class Built:
    """What was generated, for the report and for the measurements that follow."""

    size: Size
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    long_order_id: int | None = None
    short_order_id: int | None = None
    agenda_meeting_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["size"] = self.size.as_dict()
        return data


# --- words ---------------------------------------------------------------------------------

FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per", "Lena",
    "Mikael", "Emma", "Fredrik", "Kristina", "Jonas", "Helena", "Magnus", "Linda", "Oskar",
    "Ingrid", "Ahmed", "Fatima", "Nils", "Elin", "Gustav", "Sofia", "Ali", "Camilla", "Henrik",
    "Maja", "Olof", "Amira", "Tove", "Björn", "Ebba", "Leila", "Hampus", "Greta", "Yusuf",
]
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
    "Lindqvist", "Holm", "Berg", "Strand", "Nyström", "Öberg", "Sjöberg", "Wikström", "Blom",
    "Lund", "Forsberg", "Dahlgren", "Håkansson", "Ekström", "Karimi", "Lindberg", "Sandberg",
    "Hedlund", "Åkesson", "Mohammed", "Virtanen", "Falk", "Norén", "Hassan", "Ström",
]
DEPARTMENTS = [
    ("BUF", "Barn- och utbildningsförvaltningen"),
    ("SOC", "Socialförvaltningen"),
    ("SBF", "Samhällsbyggnadsförvaltningen"),
    ("KFF", "Kultur- och fritidsförvaltningen"),
    ("KSF", "Kommunstyrelseförvaltningen"),
    ("ÄO", "Äldreomsorgen"),
    ("FSF", "Funktionsstödsförvaltningen"),
    ("GYF", "Gymnasie- och vuxenutbildningsförvaltningen"),
    ("MHF", "Miljö- och hälsoskyddsförvaltningen"),
    ("TKF", "Tekniska förvaltningen"),
    ("EKO", "Ekonomiavdelningen"),
    ("HR", "HR-avdelningen"),
    ("KOM", "Kommunikationsavdelningen"),
    ("UPH", "Upphandlingsenheten"),
    ("KSK", "Konsult- och servicekontoret"),
    ("FAS", "Fastighetsavdelningen"),
    ("AMF", "Arbetsmarknadsförvaltningen"),
    ("KOS", "Kost- och städenheten"),
    ("BYG", "Bygglovsenheten"),
    ("RÄD", "Räddningstjänsten"),
]
TITLE_START = [
    "Ny e-tjänst för", "Ändring i", "Integration mot", "Utökad behörighet i",
    "Uppgradering av", "Digital signering i", "Rapporter ur", "Mobil åtkomst till",
    "Fler licenser för", "Ersättning av", "Automatisering i", "Nytt stöd för",
]
TITLE_END = [
    "bygglov", "schemaläggningen", "elevregistret", "ekonomisystemet", "ärendehanteringen",
    "lokalbokningen", "hemtjänstplaneringen", "diariet", "lönesystemet", "intranätet",
    "webbplatsen", "e-arkivet", "skolplattformen", "fakturahanteringen", "besöksbokningen",
    "tidrapporteringen", "bibliotekssystemet", "kartsystemet", "journalsystemet",
    "felanmälan", "vikariebokningen", "måltidsplaneringen", "GIS-portalen", "kundtjänsten",
]
NEED_SENTENCES = [
    "Handläggarna lägger i dag mycket tid på att föra över uppgifter för hand mellan två "
    "system.",
    "Invånarna ska kunna göra ärendet själva på webben, dygnet runt, utan att ringa.",
    "Nuvarande lösning saknar stöd för e-legitimation och behöver ersättas.",
    "Verksamheten behöver kunna ta fram statistik per månad utan att be IT om uttag.",
    "Lagändringen den första januari kräver att vi dokumenterar på ett nytt sätt.",
    "Medarbetare ute i verksamheten behöver nå systemet från mobilen.",
    "Rutinen är sårbar eftersom bara en person kan den.",
    "Vi vill minska pappersutskrifterna och arkivera digitalt.",
    "Fler användare behöver tillgång när verksamheten växer.",
    "Leverantören slutar stödja den version vi använder.",
]
COMMENTS = [
    "Finns det något beslut från förvaltningsledningen om detta?",
    "Vi har pratat med leverantören, de kan leverera i höst.",
    "Kan ni beskriva hur många användare det gäller?",
    "Tack, det blev tydligare nu.",
    "Vi behöver stämma av med dataskyddsombudet först.",
    "Kostnaden ryms i förvaltningens budget för året.",
    "Bifogar en beskrivning av dagens arbetssätt.",
    "Går det att samordna med beställningen från SOC om samma system?",
]
CATEGORIES = [
    "Skola och förskola", "Vård och omsorg", "Samhällsbyggnad", "Ekonomi och personal",
    "Kommunikation", "Ärendehantering och arkiv", "Infrastruktur", "Kultur och fritid",
    "Säkerhet och behörighet", "Digitala tjänster",
]


# --- helpers -------------------------------------------------------------------------------


def _at_work(moment: datetime) -> datetime:
    """Move a moment into office hours (weekdays 7:30–17:30, Stockholm time)."""
    local = moment.astimezone(TZ)
    minutes = local.hour * 60 + local.minute
    if minutes < 450 or minutes > 1050:
        day = local.date() if minutes > 1050 else local.date() - DAY
        day += DAY
        local = datetime.combine(day, time(7, 30), TZ) + timedelta(minutes=(minutes * 7) % 600)
    while local.weekday() >= 5:
        local += DAY
    return local


def _names(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


@dataclass
class Slot:
    """A seat on a department's register, held by a chain of people over the years."""

    starts: list[date] = field(default_factory=list)
    holders: list[int] = field(default_factory=list)
    ends: list[date | None] = field(default_factory=list)

    def holder_on(self, day: date) -> int | None:
        index = bisect.bisect_right(self.starts, day) - 1
        if index < 0:
            return None
        end = self.ends[index]
        return self.holders[index] if end is None or day <= end else None


@dataclass
class Plan:
    """One simulated order: its facts and the steps it took, up to today."""

    pk: int
    department: int
    orderer: int
    kind: str
    created: datetime
    steps: list[tuple[str, datetime, int | None, Any]]
    title: str
    need: str
    service: int | None
    money: dict[str, Any]
    handler: int | None = None
    provider: int | None = None
    submitted: datetime | None = None
    reference: str | None = None
    comments: int = 0


class Generator:
    """Writes the data set; `build()` runs every step in one transaction."""

    def __init__(self, size: Size, *, now: datetime | None = None, log=None):
        self.size = size
        self.rng = random.Random(size.seed)
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.log = log or (lambda message: None)
        self.counts: dict[str, int] = {}
        self.threshold = Decimal(settings.DELEGATION_THRESHOLD_SEK)

    # --- the whole build ------------------------------------------------------------------

    def build(self) -> Built:
        started = timezone.now()
        built = Built(size=self.size)
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            with connection.cursor() as cursor:
                # A throwaway database: no need to wait for the disk at commit.
                cursor.execute("SET LOCAL synchronous_commit = off")
            self.log("people, departments and the register")
            self._people_and_departments()
            self._providers()
            self.log("the catalogue")
            self._catalogue()
            self._meeting_calendar()
            self._orders(built)
            self.log("meetings of BIT")
            self._meetings(built)
            self.log("projects and the portfolio")
            self._projects()
            self._snapshots()
            # The orders were written in bulk: one tally row each, folded as the worker would.
            tallies.compact()
            self.log("committing")
        self.log("vacuuming and analysing")
        with connection.cursor() as cursor:
            # As autovacuum would have by now: statistics for the planner, and the visibility
            # map that lets a count or a deep page read an index without the table. (Not
            # inside a transaction, e.g. a test's: there VACUUM cannot run.)
            if not connection.in_atomic_block:
                for model in (Order, OrderEvent, Comment):
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
            cursor.execute("ANALYZE")
        built.counts = dict(self.counts)
        built.seconds = round((timezone.now() - started).total_seconds(), 1)
        return built

    # --- people and departments -----------------------------------------------------------

    def _new_user(self, users: list[User], username: str, title: str = "") -> User:
        first, last = _names(self.rng)
        user = User(
            username=username, first_name=first, last_name=last, title=title,
            email=f"{username}@bench.tyreso.se", password=self.password,
            date_joined=self.now - timedelta(days=self.size.years * 365 + 400),
        )
        user.index = len(users)
        users.append(user)
        return user

    def _people_and_departments(self) -> None:
        rng, size = self.rng, self.size
        self.password = make_password(BENCH_PASSWORD)
        self.roles = {role.code: role for role in Role.objects.select_related("group")}
        users: list[User] = []
        staff: dict[str, list[User]] = defaultdict(list)

        def add(code: str, username: str, title: str) -> User:
            user = self._new_user(users, username, title)
            staff[code].append(user)
            return user

        add(Role.Code.IT_COORDINATOR, BENCH_USERS["coordinator"], "IT-samordnare")
        for n in range(3):
            add(Role.Code.IT_COORDINATOR, f"it-samordnare-{n + 2}", "IT-samordnare")
        for n in range(2):
            add(Role.Code.REQUIREMENTS_ANALYST, f"kravanalytiker-{n + 1}", "Kravanalytiker")
            add(Role.Code.IT_ARCHITECT, f"it-arkitekt-{n + 1}", "IT-arkitekt")
            add(Role.Code.DELIVERY_MANAGER, f"leveransansvarig-{n + 1}", "Leveransansvarig")
        add(Role.Code.CHANGE_MANAGER, BENCH_USERS["change_manager"], "Ändringsansvarig")
        add(Role.Code.IT_CHIEF, BENCH_USERS["it_chief"], "IT-chef")
        add(Role.Code.DEPUTY_IT_CHIEF, "bitr-it-chef", "Biträdande IT-chef")
        add(Role.Code.IT_OPERATIONS_MANAGER, "driftschef", "IT-driftschef")
        for n in range(3):
            add(Role.Code.SERVICE_DESK, f"servicedesk-{n + 1}", "Servicedesk")
        add(Role.Code.PROVIDER, BENCH_USERS["provider"], "Tekniker, IT-enheten")
        for n in range(7):
            add(Role.Code.PROVIDER, f"it-enheten-{n + 2}", "Tekniker, IT-enheten")
        for n in range(12):
            add(Role.Code.PROVIDER, f"leverantor-{n + 1}", "Konsult")

        # Departments, weighted: the largest orders most (a Zipf-like spread).
        names = [*DEPARTMENTS, *((f"F{n}", f"Förvaltning {n}") for n in range(21, 1000))]
        self.dept_weights = [1 / (n + 1) ** 0.8 for n in range(size.departments)]
        total = sum(self.dept_weights)
        departments = [
            Department(name=name, short_name=short, email=f"{short.lower()}@bench.tyreso.se")
            for short, name in names[: size.departments]
        ]
        leads = []
        for n in range(len(departments)):
            username = BENCH_USERS["it_lead"] if n == 0 else f"it-ansvarig-{n + 1}"
            leads.append(add(Role.Code.DEPARTMENT_IT_LEAD, username, "Samordnande IT-ansvarig"))

        # The register: seats per department, each held by a chain of people over the years.
        seats_total = max(size.departments, min(4 * size.departments, size.users // 8))
        first_day = self.today - timedelta(days=365 * (size.years + 1))
        self.slots: list[list[Slot]] = []
        registrations: list[tuple[int, int, date, date | None]] = []  # dept, user index, …
        for n in range(len(departments)):
            seats = max(1, round(self.dept_weights[n] / total * seats_total))
            chains = []
            for seat in range(seats):
                slot = Slot()
                bench = n == 0 and seat == 0
                start = (self.today - timedelta(days=4 * 365) if bench
                         else self.today - timedelta(days=rng.randint(60, 5 * 365)))
                end: date | None = None
                if not bench and rng.random() < 0.05:  # a seat left vacant lately
                    end = max(start, self.today - timedelta(days=rng.randint(10, 200)))
                chain = []
                while True:
                    username = (BENCH_USERS["orderer"] if bench and not chain
                                else f"bestallare-{len(users)}")
                    user = self._new_user(users, username, "Behörig beställare")
                    chain.append((start, user, end))
                    if start <= first_day:
                        break
                    end = start - DAY
                    start = end - timedelta(days=rng.randint(540, 1800))
                for start, user, end in reversed(chain):
                    slot.starts.append(start)
                    slot.holders.append(len(registrations))  # replaced by the user's pk
                    slot.ends.append(end)
                    registrations.append((n, user.index, start, end))
                chains.append(slot)
            self.slots.append(chains)

        employees = 0
        while len(users) < size.users or employees < 10:
            employees += 1
            self._new_user(users, f"medarbetare-{len(users)}", "Handläggare")
        User.objects.bulk_create(users, batch_size=1000)
        self.counts["users"] = len(users)
        self.staff = {code: [u.pk for u in people] for code, people in staff.items()}
        self.users_by_name = {u.username: u.pk for u in users}
        role_ids = {pk for people in staff.values() for pk in (u.pk for u in people)}
        self.employees = [u.pk for u in users if u.pk not in role_ids
                          and not u.username.startswith("bestallare")]
        groups = [
            User.groups.through(user_id=user.pk, group_id=self.roles[code].group_id)
            for code, people in staff.items() for user in people
        ]
        orderer_role = self.roles[Role.Code.ORDERER].group_id

        for department, lead in zip(departments, leads, strict=True):
            department.it_lead_id = lead.pk
            department._history_date = self.now - timedelta(days=365 * size.years + 300)
        bulk_create_with_history(departments, Department, batch_size=500)
        self.departments = [d.pk for d in departments]
        self.dept_short = {d.pk: d.short_name for d in departments}
        self.leads = {d.pk: lead.pk for d, lead in zip(departments, leads, strict=True)}
        self.counts["departments"] = len(departments)

        regs = []
        current: dict[int, list[int]] = defaultdict(list)
        for n, user_index, start, end in registrations:
            user = users[user_index]
            reg = OrdererRegistration(
                department_id=departments[n].pk, person_id=user.pk, valid_from=start,
                valid_until=end,
            )
            reg._history_date = datetime.combine(start, time(9), TZ)
            regs.append(reg)
            if start <= self.today and (end is None or end >= self.today):
                current[departments[n].pk].append(user.pk)
        for slot_list in self.slots:
            for slot in slot_list:
                slot.holders = [users[registrations[i][1]].pk for i in slot.holders]
        # A deputy for some current registrations: a colleague on the same register.
        for reg in regs:
            colleagues = [pk for pk in current[reg.department_id] if pk != reg.person_id]
            if reg.valid_until is None and colleagues and rng.random() < 0.3:
                reg.deputy_id = rng.choice(colleagues)
        bulk_create_with_history(regs, OrdererRegistration, batch_size=1000)
        self.counts["registrations"] = len(regs)
        ordering_users = {r.person_id for r in regs}
        groups += [User.groups.through(user_id=pk, group_id=orderer_role)
                   for pk in ordering_users]
        User.groups.through.objects.bulk_create(groups, batch_size=2000)
        # Who belongs to a department is read from the register and the IT leads written
        # above (organisation.selectors.standing_of): nothing more to write for it.
        self.current_orderers = current

    def _providers(self) -> None:
        internal = Provider(name="IT-enheten", kind=Provider.Kind.INTERNAL,
                            email="it-enheten@bench.tyreso.se")
        externals = [
            Provider(name=f"{name} AB", kind=Provider.Kind.EXTERNAL,
                     email=f"order@{name.lower().replace(' ', '')}.example.se")
            for name in ("Norrsken Systemutveckling", "Skärgårdsdata", "Kommunkoll",
                         "Vinterviken IT")
        ]
        providers = bulk_create_with_history([internal, *externals], Provider)
        people = self.staff[Role.Code.PROVIDER]
        members = {providers[0].pk: [*people[:8], *self.staff[Role.Code.IT_OPERATIONS_MANAGER]]}
        for n, provider in enumerate(providers[1:]):
            members[provider.pk] = people[8 + 3 * n: 11 + 3 * n]
        Provider.members.through.objects.bulk_create([
            Provider.members.through(provider_id=provider, user_id=user)
            for provider, users in members.items() for user in users
        ])
        self.providers = [p.pk for p in providers]
        self.provider_staff = members

    # --- the catalogue --------------------------------------------------------------------

    def _catalogue(self) -> None:
        rng, size = self.rng, self.size
        categories = [Category.objects.get_or_create(name=name)[0] for name in CATEGORIES]
        suppliers = bulk_create_with_history(
            [Supplier(name=f"Leverantör {n + 1} AB", contact_email=f"kontakt{n + 1}@example.se")
             for n in range(max(3, size.services // 10))],
            Supplier,
        )
        lifecycle = [Service.Lifecycle.IN_USE] * 7 + [
            Service.Lifecycle.PLANNED, Service.Lifecycle.PHASING_OUT, Service.Lifecycle.RETIRED]
        services = []
        for n in range(size.services):
            orderable = rng.random() < 0.4
            services.append(Service(
                name=f"{rng.choice(TITLE_END).capitalize()} {n + 1}",
                kind=Service.Kind.SYSTEM if rng.random() < 0.7 else Service.Kind.SERVICE,
                description=" ".join(rng.sample(NEED_SENTENCES, 2)),
                category=rng.choice(categories),
                lifecycle=rng.choice(lifecycle),
                department_id=self._department(),
                system_owner_id=rng.choice(self.employees),
                system_manager_id=rng.choice(self.employees),
                contact="Servicedesk, telefon 08-578 291 00",
                supplier=rng.choice(suppliers),
                availability_target=Decimal(rng.choice(["99.50", "99.00", "98.00"])),
                support_hours="Vardagar 7–17",
                confidentiality=rng.randint(1, 3), integrity=rng.randint(1, 3),
                availability=rng.randint(1, 3), personal_data=rng.random() < 0.5,
                orderable=orderable,
                order_template="Beskriv behovet och vilka som ska använda tjänsten."
                if orderable else "",
                yearly_cost=Decimal(rng.randrange(20_000, 2_000_000, 1000)),
                review_month=rng.randint(1, 12),
            ))
        services = bulk_create_with_history(services, Service, batch_size=500)
        self.services = [s.pk for s in services]
        self.orderable = [s.pk for s in services if s.orderable
                          and s.lifecycle != Service.Lifecycle.RETIRED] or self.services
        levels = [
            ServiceLevel(service=service, priority=priority,
                         response_hours=Decimal(priority * 2),
                         resolution_hours=Decimal(priority * 8))
            for service in services if service.lifecycle == Service.Lifecycle.IN_USE
            for priority in (1, 2, 3, 4)
        ]
        bulk_create_with_history(levels, ServiceLevel, batch_size=1000)
        # The system map: about two integrations a system, more around a few hubs.
        hubs = services[: max(1, len(services) // 30)]
        seen, integrations = set(), []
        for service in services:
            for _n in range(rng.choice((0, 1, 2, 2, 3))):
                target = rng.choice(hubs if rng.random() < 0.4 else services)
                data = rng.choice(("Personuppgifter", "Fakturor", "Elevuppgifter",
                                   "Organisation", "Ärenden", "Behörigheter"))
                if target.pk == service.pk or (service.pk, target.pk, data) in seen:
                    continue
                seen.add((service.pk, target.pk, data))
                integrations.append(Integration(
                    source=service, target=target, data=data,
                    direction=rng.choice(list(Integration.Direction.values)),
                    method=rng.choice(("REST", "SFTP", "SOAP", "Fil", "SCIM")),
                    frequency=rng.choice(("Dagligen", "Realtid", "Varje timme")),
                ))
        bulk_create_with_history(integrations, Integration, batch_size=1000)
        self.counts["services"] = len(services)
        self.counts["integrations"] = len(integrations)

    # --- BIT's calendar -------------------------------------------------------------------

    def _meeting_calendar(self) -> None:
        """Every second Tuesday at 13:00; the next two are still to come."""
        day = self.today + timedelta(days=3)
        while day.weekday() != 1:
            day += DAY
        self.first_upcoming = datetime.combine(day, time(13), TZ)
        self.cutoff = timedelta(hours=72)

    def _board_date(self, ready: datetime) -> datetime:
        """The first meeting whose agenda is still open when the order becomes ready."""
        weeks = (ready + self.cutoff - self.first_upcoming) / timedelta(days=14)
        index = int(weeks) + (1 if weeks > int(weeks) else 0)
        return self._meeting_at(index)

    def _meeting_at(self, index: int) -> datetime:
        return datetime.combine(
            self.first_upcoming.date() + timedelta(days=14 * index), time(13), TZ
        )

    def _meeting_index(self, at: datetime) -> int:
        return round((at - self.first_upcoming) / timedelta(days=14))

    # --- orders ---------------------------------------------------------------------------

    def _department(self) -> int:
        if not hasattr(self, "_dept_cum"):
            self._dept_cum = list(accumulate(self.dept_weights))
        return self.departments[
            bisect.bisect_left(self._dept_cum, self.rng.random() * self._dept_cum[-1])
        ]

    def _orderer(self, department: int, day: date) -> int:
        rng = self.rng
        if rng.random() < 0.12:
            return self.leads[department]
        slots = self.slots[self.departments.index(department)]
        for _attempt in range(6):
            holder = rng.choice(slots).holder_on(day)
            if holder is not None:
                return holder
        return self.leads[department]

    def _handler(self) -> int:
        rng = self.rng
        if rng.random() < 0.3:
            return self.staff[Role.Code.IT_COORDINATOR][0]  # the benchmark's coordinator
        pool = [pk for code in (Role.Code.IT_COORDINATOR, Role.Code.REQUIREMENTS_ANALYST,
                                Role.Code.IT_ARCHITECT, Role.Code.DELIVERY_MANAGER)
                for pk in self.staff[code]]
        return rng.choice(pool)

    def _money(self) -> dict[str, Any]:
        rng = self.rng
        cost = Decimal(int(rng.lognormvariate(10.2, 0.9)) // 1000 * 1000 + 5000)
        return {
            "one_off_cost": Decimal(int(cost * Decimal(rng.uniform(0.6, 1.4))) // 1000 * 1000),
            "yearly_cost": Decimal(int(cost / 5) // 100 * 100),
            "lifetime_years": rng.choice((3, 5, 5, 7, 10)),
            "yearly_benefit": Decimal(int(cost * Decimal(rng.uniform(0.1, 0.6))) // 100 * 100),
            "estimated_cost": cost,
            "estimated_hours": int(cost / 900) + 4,
            "risk_level": rng.choice((Order.Risk.LOW, Order.Risk.LOW, Order.Risk.MEDIUM,
                                      Order.Risk.HIGH)),
            "values": {code: rng.randint(0, 5) for code, *_rest in self.factor_weights},
        }

    def _walk(self, plan: Plan) -> None:
        """The order's steps from writing to today (see the module's docstring)."""
        rng, now = self.rng, self.now
        t = plan.created
        steps = plan.steps
        orderer = plan.orderer
        cm = self.staff[Role.Code.CHANGE_MANAGER][0]

        def step(action: str, delay_days: float, actor: int | None, data: Any = None) -> bool:
            nonlocal t
            t = _at_work(t + timedelta(days=delay_days))
            if t > now:
                return False
            steps.append((action, t, actor, data))
            return True

        steps.append(("create", t, orderer, None))
        if rng.random() < 0.015:
            return  # a draft never sent
        if not step("submit", rng.expovariate(1 / 1.5), orderer):
            return
        plan.submitted = t
        if rng.random() < 0.03:
            step("withdraw", rng.expovariate(1 / 4), orderer, "Behovet är löst på annat sätt.")
            return
        plan.handler = self._handler()
        coordinator = rng.choice(self.staff[Role.Code.IT_COORDINATOR])
        if not step("take_on", rng.expovariate(1 / 2.5), coordinator, plan.handler):
            return
        handler = plan.handler
        if not step("prepare", rng.uniform(1, 8), handler, 0):
            return
        steps.append(("score", t + timedelta(seconds=1), handler, None))
        for _round in range(rng.choices((0, 1, 2), (72, 23, 5))[0]):
            if not step("request_supplement", rng.uniform(2, 8), handler,
                        "Hur många användare gäller det, och från när?"):
                return
            if not step("supplement", rng.uniform(1, 9), orderer,
                        "Ungefär fyrtio användare, från första mars."):
                return
        if rng.random() < 0.03:
            step("withdraw", rng.uniform(2, 20), orderer, "Förvaltningen prioriterar om.")
            return
        cost = plan.money["estimated_cost"]
        if cost <= self.threshold and rng.random() < 0.97:
            if not step("decide_delegated", rng.uniform(2, 20), cm,
                        "Ryms inom delegationen och verksamhetens budget."):
                return
        else:
            if not step("mark_ready", rng.uniform(2, 20), handler):
                return
            while True:
                meeting = self._board_date(t)
                if meeting > now:
                    return
                t = meeting + HOUR
                outcome = rng.choices(("approve", "reject", "defer", "return"),
                                      (72, 13, 10, 5))[0]
                steps.append((f"board_{outcome}", t, cm, meeting))
                if outcome == "defer":
                    continue
                if outcome == "return":
                    if not step("prepare", rng.uniform(5, 20), handler, 1):
                        return
                    if not step("mark_ready", rng.uniform(1, 5), handler):
                        return
                    continue
                break
            if outcome == "reject":
                return
        internal = rng.random() < 0.6
        plan.provider = self.providers[0] if internal else rng.choice(self.providers[1:])
        if not step("plan", rng.uniform(2, 15), handler):
            return
        start = t + timedelta(days=rng.uniform(5, 30))
        planned = (start.date(), (start + timedelta(days=rng.uniform(14, 150))).date())
        steps[-1] = ("plan", t, handler, planned)
        staff = self.provider_staff[plan.provider]
        doer = rng.choice(staff)
        if not step("start", (start - t) / DAY, doer):
            return
        if rng.random() < 0.005:
            return  # still in progress after all these years
        if not step("deliver", rng.uniform(10, 120), doer):
            return
        if rng.random() < 0.05:
            if not step("report_deviation", rng.uniform(1, 10), orderer,
                        "Exporten saknar fältet för personnummer."):
                return
            if not step("deliver", rng.uniform(5, 30), doer):
                return
        step("accept", rng.uniform(1, 12), orderer)

    def _plans(self) -> list[Plan]:
        rng, size = self.rng, self.size
        self.factor_weights = [
            (f.code, f.weight) for f in self.priority_model.factors.all()
        ]
        span = timedelta(days=365 * size.years)
        createds = sorted(
            _at_work(self.now - span * (rng.random() ** 1.15)) for _n in range(size.orders)
        )
        createds = [c if c < self.now else self.now - HOUR for c in createds]
        kinds = [Order.Kind.NEW_FUNCTION, Order.Kind.CHANGE, Order.Kind.PROJECT,
                 Order.Kind.CATALOGUE_SERVICE]
        plans = []
        pk = (Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for created in createds:
            department = self._department()
            kind = rng.choices(kinds, (35, 40, 8, 17))[0]
            plan = Plan(
                pk=pk, department=department,
                orderer=self._orderer(department, created.astimezone(TZ).date()),
                kind=kind, created=created, steps=[],
                title=f"{rng.choice(TITLE_START)} {rng.choice(TITLE_END)}",
                need=" ".join(rng.sample(NEED_SENTENCES, rng.randint(1, 3))),
                service=rng.choice(self.orderable) if kind == Order.Kind.CATALOGUE_SERVICE
                else (rng.choice(self.services) if kind == Order.Kind.CHANGE else None),
                money=self._money(),
            )
            self._walk(plan)
            plan.comments = min(6, int(rng.expovariate(1 / 0.8))) if plan.submitted else 0
            plans.append(plan)
            pk += 1
        return plans

    def _special_plans(self, first_pk: int) -> tuple[Plan, Plan]:
        """An order with a long history (~200 history rows, 100 comments) and one like it
        with none, both in preparation with the benchmark's coordinator."""
        orderer = self.users_by_name[BENCH_USERS["orderer"]]
        coordinator = self.users_by_name[BENCH_USERS["coordinator"]]
        department = self.departments[0]
        made = []
        for n, (days, rounds, updates, comments) in enumerate(((75, 3, 95, 100),
                                                               (20, 0, 1, 0))):
            created = _at_work(self.now - timedelta(days=days))
            plan = Plan(pk=first_pk + n, department=department, orderer=orderer,
                        kind=Order.Kind.NEW_FUNCTION, created=created, steps=[],
                        title=("Ny e-tjänst för lokalbokningen (lång historik)" if n == 0
                               else "Ny e-tjänst för lokalbokningen (kort historik)"),
                        need=NEED_SENTENCES[1], service=None, money=self._money(),
                        handler=coordinator, comments=comments)
            t = created
            plan.steps.append(("create", t, orderer, None))
            t += HOUR
            plan.steps.append(("submit", t, orderer, None))
            plan.submitted = t
            t += HOUR
            plan.steps.append(("take_on", t, coordinator, coordinator))
            for version in range(updates):
                t += timedelta(minutes=37)
                plan.steps.append(("prepare", t, coordinator, version))
                plan.steps.append(("score", t + timedelta(seconds=1), coordinator, version))
                if version < rounds:
                    t += HOUR
                    plan.steps.append(("request_supplement", t, coordinator,
                                       f"Fråga {version + 1}: hur många lokaler gäller det?"))
                    t += HOUR
                    plan.steps.append(("supplement", t, orderer,
                                       f"Svar {version + 1}: ett fyrtiotal."))
            made.append(plan)
        return made[0], made[1]

    def _orders(self, built: Built) -> None:
        self.log("orders: simulating")
        self.priority_model = PriorityModel.objects.get(is_active=True)
        plans = self._plans()
        long_plan, short_plan = self._special_plans(plans[-1].pk + 1 if plans else 1)
        plans += [long_plan, short_plan]
        built.long_order_id, built.short_order_id = long_plan.pk, short_plan.pk
        # References, in the order of submission, gap-free per (local) year.
        last: dict[int, int] = defaultdict(int)
        for plan in sorted((p for p in plans if p.submitted), key=lambda p: (p.submitted, p.pk)):
            year = plan.submitted.astimezone(TZ).year
            last[year] += 1
            plan.reference = f"B-{year}-{last[year]:04d}"
        ReferenceCounter.objects.bulk_create(
            [ReferenceCounter(year=year, last=n) for year, n in sorted(last.items())]
        )
        self.log(f"orders: writing {len(plans)}")
        self.board_items: list[tuple[int, str, datetime, str]] = []
        self.delegations: list[tuple[int, datetime, str]] = []
        self.plans = plans
        writer = OrderWriter(self)
        with without_checks(Order, Order.history.model, OrderEvent, Comment,
                            Comment.history.model, SolutionOption, SolutionOption.history.model):
            for start in range(0, len(plans), 5000):
                writer.write(plans[start:start + 5000])
            self.log("orders: indexes and foreign keys")
        reset_sequences(Order, Comment, SolutionOption)
        for name, value in writer.counts.items():
            self.counts[name] = value

    # --- meetings ---------------------------------------------------------------------------

    def _meetings(self, built: Built) -> None:
        """The last `meetings` meetings of BIT: the past ones adjusted, with their items;
        the next two planned, the first with its agenda built by the real service."""
        from board import services as board_services

        size = self.size
        cm = self.staff[Role.Code.CHANGE_MANAGER][0]
        chief = self.staff[Role.Code.IT_CHIEF][0]
        past = max(0, size.meetings - 2)
        members = board_services.default_members()
        items_by_meeting: dict[int, list] = defaultdict(list)
        for order_id, action, at, title in self.board_items:
            items_by_meeting[self._meeting_index(at - HOUR)].append((order_id, action, title))
        meetings, numbers = [], defaultdict(int)
        for index in range(-past, min(2, size.meetings)):
            starts = self._meeting_at(index)
            meeting = Meeting(
                starts_at=starts, ends_at=starts + timedelta(minutes=90),
                place="Tyresö kommunhus, sammanträdesrum Bollmora", chair_id=cm,
                uid=f"bit-bench-{index + past}@tyreso-it",
            )
            if index < 0:
                year = starts.year
                numbers[year] += 1
                signed = starts + timedelta(days=2)
                meeting.status = Meeting.Status.ADJUSTED
                meeting.adjuster_id = chief
                meeting.year, meeting.number = year, numbers[year]
                meeting.agenda_built_at = starts - timedelta(days=14)
                meeting.agenda_frozen_at = starts - self.cutoff
                meeting.chair_signed_at = meeting.adjuster_signed_at = signed
                meeting.adjusted_at = signed
            meeting._history_date = starts - timedelta(days=30)
            meeting._history_user = None
            meetings.append((index, meeting))
        bulk_create_with_history([m for _i, m in meetings], Meeting)
        MinutesCounter.objects.bulk_create(
            [MinutesCounter(year=year, last=n) for year, n in numbers.items()]
        )
        rows, items = [], []
        outcome = {"board_approve": "approve", "board_reject": "reject",
                   "board_defer": "defer", "board_return": "return"}
        delegations = sorted(self.delegations, key=lambda d: d[1])
        for index, meeting in meetings:
            for user, role in members:
                rows.append(MeetingMember(meeting=meeting, person=user, role=role,
                                          attended=True if index < 0 else None))
            if index >= 0:
                continue
            position = 0
            for order_id, action, title in items_by_meeting.get(index, []):
                position += 1
                items.append(AgendaItem(
                    meeting=meeting, kind=AgendaItem.Kind.ORDER, order_id=order_id, title=title,
                    position=position, paragraph=position, outcome=outcome[action],
                    decision_reason="Ryms inte i årets budget." if action in {
                        "board_reject", "board_return"} else "",
                ))
            frozen = meeting.agenda_frozen_at
            since = frozen - timedelta(days=14)
            for order_id, _at, title in delegations[
                bisect.bisect_left(delegations, since, key=lambda d: d[1]):
                bisect.bisect_left(delegations, frozen, key=lambda d: d[1])
            ]:
                position += 1
                items.append(AgendaItem(
                    meeting=meeting, kind=AgendaItem.Kind.DELEGATION, order_id=order_id,
                    title=title, position=position, paragraph=position,
                    outcome=AgendaItem.Outcome.NOTED,
                ))
            position += 1
            items.append(AgendaItem(meeting=meeting, kind=AgendaItem.Kind.PORTFOLIO,
                                    title=_("Portfolio status"), position=position,
                                    paragraph=position, outcome=AgendaItem.Outcome.NOTED))
        bulk_create_with_history(rows, MeetingMember, batch_size=2000)
        bulk_create_with_history(items, AgendaItem, batch_size=2000)
        self.counts["meetings"] = len(meetings)
        self.counts["agenda_items"] = len(items)
        upcoming = [m for i, m in meetings if i == 0]
        if upcoming:
            board_services.agenda_build(meeting_id=upcoming[0].pk)
            built.agenda_meeting_id = upcoming[0].pk
            self.counts["agenda_items_upcoming"] = upcoming[0].items.count()

    # --- projects and the portfolio -----------------------------------------------------------

    def _projects(self) -> None:
        try:
            from portfolio.models import (
                Milestone,
                PortfolioEntry,
                Project,
                RankChange,
                StatusReport,
            )
        except ImportError:
            return
        rng, size = self.rng, self.size
        if not size.projects:
            return
        cm = self.staff[Role.Code.CHANGE_MANAGER][0]
        managers = self.employees[: max(5, len(self.employees) // 25)] or [cm]
        decided = {S.APPROVED, S.PLANNED, S.IN_PROGRESS, S.DELIVERED, S.CLOSED}
        project_orders = [p for p in self.plans if p.kind == Order.Kind.PROJECT
                          and self.final_status[p.pk] in decided]
        rng.shuffle(project_orders)
        projects = []
        for n in range(size.projects):
            order = project_orders[n] if n < len(project_orders) and n % 2 == 0 else None
            start = self.today - timedelta(days=rng.randint(-60, 6 * 365))
            end = start + timedelta(days=rng.randint(90, 900))
            status = rng.choices(list(Project.Status.values), (40, 10, 45, 5))[0]
            open_ = status in Project.OPEN_STATUSES
            budget = Decimal(rng.randrange(200_000, 20_000_000, 10_000))
            project = Project(
                name=order.title if order else f"Projekt {n + 1}: {rng.choice(TITLE_END)}",
                description=rng.choice(NEED_SENTENCES),
                sponsor_department_id=order.department if order else self._department(),
                manager_id=rng.choice(managers),
                phase=rng.choice(list(Project.Phase.values)) if open_
                else Project.Phase.CLOSING,
                status=status, budget=budget,
                actual_cost=(budget * Decimal(rng.uniform(0.05, 1.3))).quantize(Decimal(1)),
                planned_start=start, planned_end=end,
                actual_start=start if start <= self.today else None,
                actual_end=end if not open_ and end <= self.today else None,
                order_id=order.pk if order else None, created_by_id=cm,
            )
            projects.append(project)
        projects = bulk_create_with_history(projects, Project, batch_size=500)
        milestones, reports = [], []
        for project in projects:
            span = (project.planned_end - project.planned_start).days
            for k in range(rng.randint(3, 6)):
                due = project.planned_start + timedelta(days=span * (k + 1) // 6)
                milestones.append(Milestone(
                    project=project, name=rng.choice(("Förstudie klar", "Upphandling klar",
                                                      "Pilot", "Driftsättning", "Utbildning",
                                                      "Avslut")),
                    due_date=due, done_on=due if due < self.today else None,
                ))
            months = rng.randint(3, 8) if project.is_open else 0
            for k in range(months):
                back = self.today.year * 12 + self.today.month - 1 - k
                period = date(back // 12, back % 12 + 1, 1)
                colours = [rng.choices(("green", "amber", "red"), (70, 20, 10))[0]
                           for _aspect in range(3)]
                reports.append(StatusReport(
                    project=project, period=period, author_id=project.manager_id,
                    schedule=colours[0], cost=colours[1], scope=colours[2],
                    schedule_comment="" if colours[0] == "green" else "Leverantören är sen.",
                    cost_comment="" if colours[1] == "green" else "Konsulttimmarna överskrids.",
                    scope_comment="" if colours[2] == "green" else "Nya krav från verksamheten.",
                    summary="Arbetet går enligt plan.", next_steps="Test med användare.",
                    actual_cost=project.actual_cost,
                ))
        bulk_create_with_history(milestones, Milestone, batch_size=2000)
        reports = bulk_create_with_history(reports, StatusReport, batch_size=2000)
        latest: dict[int, StatusReport] = {}
        for report in reports:
            if report.project_id not in latest or report.period > latest[report.project_id].period:
                latest[report.project_id] = report
        for project in projects:
            if project.pk in latest:
                project.latest_report = latest[project.pk]
        Project.objects.bulk_update([p for p in projects if p.pk in latest], ["latest_report"])
        links = []
        by_department = defaultdict(list)
        for plan in self.plans:
            if plan.kind in {Order.Kind.CHANGE, Order.Kind.NEW_FUNCTION} and plan.submitted:
                by_department[plan.department].append(plan.pk)
        for project in projects:
            pool = by_department.get(project.sponsor_department_id) or []
            for pk in rng.sample(pool, min(len(pool), rng.randint(0, 3))):
                links.append(Project.linked_orders.through(project_id=project.pk, order_id=pk))
        Project.linked_orders.through.objects.bulk_create(links, ignore_conflicts=True)
        ranked = [p for p in projects if p.is_open]
        entries = bulk_create_with_history(
            [PortfolioEntry(project=p, rank=n + 1) for n, p in enumerate(ranked)],
            PortfolioEntry, batch_size=1000,
        )
        RankChange.objects.bulk_create([
            RankChange(project_id=entry.project_id, title=entry.project.name,
                       to_rank=entry.rank, actor_id=cm, reason="Inlagd i portföljen.")
            for entry in entries
        ])
        self.counts["projects"] = len(projects)
        self.counts["milestones"] = len(milestones)
        self.counts["status_reports"] = len(reports)

    def _snapshots(self) -> None:
        """The dashboard's nightly snapshots for every day of this year so far."""
        from portfolio.models import DashboardSnapshot
        from portfolio.snapshots import snapshot_data

        data = snapshot_data()
        first = self.today.replace(month=1, day=1)
        days = [first + timedelta(days=n) for n in range((self.today - first).days + 1)]
        DashboardSnapshot.objects.bulk_create(
            [DashboardSnapshot(day=day, data=data) for day in days], ignore_conflicts=True
        )
        self.counts["dashboard_snapshots"] = len(days)


class OrderWriter:
    """Turns simulated orders into the rows the services would have written, via COPY."""

    def __init__(self, generator: Generator):
        self.g = generator
        self.counts: dict[str, int] = defaultdict(int)
        self.history_model = Order.history.model
        self.comment_history = Comment.history.model
        self.option_history = SolutionOption.history.model
        self.order_fields = [f.attname for f in Order._meta.concrete_fields]
        tracked = [f.attname for f in self.history_model.tracked_fields]
        self.history_fields = [*tracked, "history_date", "history_change_reason",
                               "history_type", "history_user_id"]
        self.tracked = tracked
        self.comment_pk = (Comment.objects.order_by("-pk").values_list("pk", flat=True)
                           .first() or 0) + 1
        self.option_pk = (SolutionOption.objects.order_by("-pk").values_list("pk", flat=True)
                          .first() or 0) + 1
        labels = {action: str(t.label) for action, t in order_services.TRANSITIONS.items()}
        self.reasons = {
            **labels,
            "create": _("Draft written"),
            "prepare": _("Preparation updated"),
            "score": _("Priority scored"),
        }
        self.model_id = fmt(generator.priority_model.pk)
        generator.final_status = {}
        self.targets = {a: t.target for a, t in order_services.TRANSITIONS.items()}

    def write(self, plans: list[Plan]) -> None:
        orders, history, events, comments, comment_history = [], [], [], [], []
        options, option_history = [], []
        for plan in plans:
            self._order(plan, orders, history, events, comments, comment_history, options,
                        option_history)
        copy_lines(Order, self.order_fields, orders)
        copy_lines(self.history_model, self.history_fields, history)
        copy_lines(OrderEvent, EVENT_FIELDS, events)
        copy_lines(Comment, COMMENT_FIELDS, comments)
        copy_lines(self.comment_history, COMMENT_HISTORY_FIELDS, comment_history)
        copy_lines(SolutionOption, OPTION_FIELDS, options)
        copy_lines(self.option_history, OPTION_HISTORY_FIELDS, option_history)
        for name, rows in (("orders", orders), ("order_history", history), ("events", events),
                           ("comments", comments), ("comment_history", comment_history),
                           ("options", options)):
            self.counts[name] += len(rows)

    def _order(self, plan, orders, history, events, comments, comment_history, options,
               option_history) -> None:
        g, rng = self.g, self.g.rng
        money = plan.money
        state: dict[str, str] = {
            "id": fmt(plan.pk), "reference": NULL, "title": fmt(plan.title),
            "department_id": fmt(plan.department), "orderer_id": fmt(plan.orderer),
            "kind": plan.kind, "service_id": fmt(plan.service), "need": fmt(plan.need),
            "functional_requirements": "Ska fungera med kommunens e-legitimation.",
            "expected_benefit": "Kortare handläggningstid och färre samtal.",
            "one_off_cost": fmt(money["one_off_cost"]), "yearly_cost": fmt(money["yearly_cost"]),
            "lifetime_years": fmt(money["lifetime_years"]),
            "yearly_benefit": fmt(money["yearly_benefit"]),
            "desired_date": fmt((plan.created + timedelta(days=120)).date()),
            "legal_driver": "", "personal_data": "t" if plan.pk % 3 == 0 else "f",
            "status": S.DRAFT, "handler_id": NULL, "it_requirements": "",
            "architecture_review": "", "estimated_cost": NULL, "estimated_hours": NULL,
            "risk_level": "", "risk_description": "", "recommendation": "",
            "priority_model_id": NULL, "priority_values": "{}", "priority_score": NULL,
            "decision_note": "", "rejection_reason": "", "delegated_decision": "f",
            "provider_id": NULL, "planning_priority": NULL, "planned_start": NULL,
            "planned_end": NULL, "created_at": fmt(plan.created), "submitted_at": NULL,
            "decided_at": NULL, "delivered_at": NULL, "closed_at": NULL,
            "status_changed_at": fmt(plan.created),
        }
        tracked = self.tracked
        status = S.DRAFT
        last_at = plan.created
        for action, at, actor, data in plan.steps:
            when = fmt(at)
            reason = self.reasons.get(action, action)
            event_reason = ""
            if action == "create":
                pass
            elif action == "prepare":
                version = data or 0
                state["it_requirements"] = fmt(
                    f"Webbformulär kopplat till verksamhetssystemet (version {version + 1}).")
                state["architecture_review"] = "Följer kommunens referensarkitektur."
                state["estimated_cost"] = fmt(money["estimated_cost"] + version * 1000)
                state["estimated_hours"] = fmt(money["estimated_hours"])
                state["risk_level"] = money["risk_level"]
                state["recommendation"] = "Genomför alternativ A."
            elif action == "score":
                values = dict(money["values"])
                if data:  # a later scoring changes one factor
                    values[g.factor_weights[0][0]] = data % 6
                score = sum((w * values[c] for c, w in g.factor_weights), Decimal(0))
                state["priority_model_id"] = self.model_id
                state["priority_values"] = fmt(values)
                state["priority_score"] = fmt(score.quantize(Decimal("0.01")))
            else:
                target = self.targets[action]
                from_status = status
                if action == "submit":
                    state["submitted_at"] = when
                    state["reference"] = fmt(plan.reference)
                elif action == "take_on":
                    # The handler sees the order through the ordering function's role.
                    state["handler_id"] = fmt(data)
                elif action in {"request_supplement", "supplement", "withdraw",
                                "decide_delegated", "report_deviation"}:
                    event_reason = data or ""
                    reason = event_reason[:100]
                    if action in {"request_supplement", "supplement"}:
                        kind = (Comment.Kind.SUPPLEMENT_REQUEST
                                if action == "request_supplement" else Comment.Kind.SUPPLEMENT)
                        due = (at + timedelta(days=10)).date() if kind == "supplement_request" \
                            else None
                        self._comment(plan, actor, kind, event_reason, due, at, comments,
                                      comment_history)
                    if action == "decide_delegated":
                        state["delegated_decision"] = "t"
                        state["decided_at"] = when
                        state["decision_note"] = fmt(event_reason)
                        g.delegations.append((plan.pk, at, _("Delegated decision: %(reference)s "
                                                            "%(title)s") % {
                            "reference": plan.reference, "title": plan.title}))
                    if action == "report_deviation":
                        state["delivered_at"] = NULL
                elif action.startswith("board_"):
                    meeting = data
                    note = _("Beslutsråd IT %(when)s") % {
                        "when": meeting.strftime("%Y-%m-%d")}
                    state["decision_note"] = fmt(note)
                    if action in {"board_approve", "board_reject"}:
                        state["decided_at"] = when
                    if action in {"board_reject", "board_return"}:
                        event_reason = "Ryms inte i årets budget."
                        reason = event_reason
                    if action == "board_reject":
                        state["rejection_reason"] = fmt(event_reason)
                    title = f"{plan.reference} {plan.title} ({g.dept_short[plan.department]})"
                    g.board_items.append((plan.pk, action, at, title))
                elif action == "plan":
                    state["provider_id"] = fmt(plan.provider)
                    state["planned_start"] = fmt(data[0])
                    state["planned_end"] = fmt(data[1])
                    state["planning_priority"] = fmt(rng.randint(1, 5))
                    if plan.kind in {Order.Kind.NEW_FUNCTION, Order.Kind.PROJECT}:
                        self._options(plan, actor, at, options, option_history)
                elif action == "deliver":
                    state["delivered_at"] = when
                elif action == "accept":
                    state["closed_at"] = when
                status = target
                state["status"] = status
                if from_status != target:
                    state["status_changed_at"] = when
                events.append("\t".join((
                    fmt(plan.pk), action, from_status, target, fmt(actor), fmt(event_reason),
                    when)) + "\n")
            history.append("\t".join(state[a] for a in tracked) + "\t" + "\t".join((
                when, fmt(reason), "+" if action == "create" else "~", fmt(actor))) + "\n")
            last_at = at
        # Comments between the orderer's side and the handler, after submission.
        if plan.comments and plan.submitted:
            span = max((last_at - plan.submitted).total_seconds(), 3600)
            for n in range(plan.comments):
                at = plan.submitted + timedelta(seconds=span * (n + 1) / (plan.comments + 1))
                author = plan.orderer if n % 2 == 0 or plan.handler is None else plan.handler
                self._comment(plan, author, Comment.Kind.COMMENT, COMMENTS[(plan.pk + n) % 8],
                              None, at, comments, comment_history)
        g.final_status[plan.pk] = status
        versions = len(plan.steps)
        orders.append("\t".join(
            state.get(a) if a in state else (fmt(last_at) if a == "updated_at"
                                             else fmt(versions))
            for a in self.order_fields
        ) + "\n")
        self.counts[f"status_{status}"] += 1

    def _comment(self, plan, author, kind, body, due, at, comments, comment_history) -> None:
        pk = self.comment_pk
        self.comment_pk += 1
        when = fmt(at)
        comments.append("\t".join((fmt(pk), fmt(plan.pk), fmt(author), kind, fmt(body),
                                   fmt(due), when)) + "\n")
        comment_history.append("\t".join((fmt(pk), kind, fmt(body), fmt(due), when, when, NULL,
                                          "+", fmt(author), fmt(author), fmt(plan.pk))) + "\n")

    def _options(self, plan, actor, at, options, option_history) -> None:
        titles = ("Alternativ A: standardsystem", "Alternativ B: egen utveckling")
        for n, title in enumerate(titles):
            pk = self.option_pk
            self.option_pk += 1
            cost = fmt(plan.money["estimated_cost"] * (n + 1))
            row = (fmt(pk), fmt(plan.pk), fmt(title), "", "Snabbt i drift." if n == 0 else
                   "Passar verksamheten exakt.", "Låst till leverantören." if n == 0 else
                   "Dyrare att förvalta.", cost, "t" if n == 0 else "f")
            options.append("\t".join(row) + "\n")
            option_history.append("\t".join((*row[:1], *row[2:], fmt(at - DAY), NULL, "+",
                                             fmt(actor), fmt(plan.pk))) + "\n")


EVENT_FIELDS = ["order_id", "action", "from_status", "to_status", "actor_id", "reason", "at"]
COMMENT_FIELDS = ["id", "order_id", "author_id", "kind", "body", "due_date", "created_at"]
COMMENT_HISTORY_FIELDS = ["id", "kind", "body", "due_date", "created_at", "history_date",
                          "history_change_reason", "history_type", "author_id",
                          "history_user_id", "order_id"]
OPTION_FIELDS = ["id", "order_id", "title", "description", "pros", "cons", "estimated_cost",
                 "recommended"]
OPTION_HISTORY_FIELDS = ["id", "title", "description", "pros", "cons", "estimated_cost",
                         "recommended", "history_date", "history_change_reason", "history_type",
                         "history_user_id", "order_id"]


def generate(size: Size, *, log=None, now: datetime | None = None) -> Built:
    """Generate the data set on the current (empty, migrated) database."""
    return Generator(size, log=log, now=now).build()
