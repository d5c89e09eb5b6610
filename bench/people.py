"""The data set's people, departments with their registers, providers and catalogue: the
first steps of `bench.dataset.Generator`, which this class is mixed into."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from simple_history.utils import bulk_create_with_history

from organisation.models import Department, OrdererRegistration, Provider, Role, User
from servicecatalog.models import Category, Integration, Service, ServiceLevel, Supplier

from .common import (
    BENCH_PASSWORD,
    BENCH_USERS,
    CATEGORIES,
    DAY,
    DEPARTMENTS,
    NEED_SENTENCES,
    TITLE_END,
    TZ,
    Slot,
    _names,
)


class PeopleAndCatalogue:
    """People, departments, the register, providers and the catalogue: a part of the
    generator, working on its state (its random source, size, clock and counts)."""

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
