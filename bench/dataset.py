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
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from board.models import AgendaItem, Meeting, MeetingMember, MinutesCounter
from orders import tallies
from orders.models import (
    Comment,
    Order,
    OrderEvent,
    PriorityModel,
    ReferenceCounter,
    SolutionOption,
)
from organisation.models import Role

from .common import (
    BENCH_USERS,
    DAY,
    HOUR,
    NEED_SENTENCES,
    TITLE_END,
    TITLE_START,
    TZ,
    Built,
    Plan,
    S,
    Size,
    _at_work,
)
from .copy import reset_sequences, without_checks
from .orderwriter import OrderWriter
from .people import PeopleAndCatalogue


class Generator(PeopleAndCatalogue):
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



def generate(size: Size, *, log=None, now: datetime | None = None) -> Built:
    """Generate the data set on the current (empty, migrated) database."""
    return Generator(size, log=log, now=now).build()
