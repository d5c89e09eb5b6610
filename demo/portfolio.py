"""The demo's project portfolio: projects (two from the demo's approved project orders, two
entered directly), their milestones and monthly status reports, the ranked portfolio with a
few larger change orders, and a year of monthly dashboard snapshots.

Written through `portfolio.services` on the demo clock, by the change manager and each
project's manager. Idempotent like the rest of the demo: a project is found by its name, a
report by its project and month, a place in the portfolio by its project or order, a snapshot
by its day; only what is missing is written. Dates are relative to the day the demo is loaded,
so the timeline, the reports due and the reminders always have something to show.

The snapshots of past months are rebuilt from the orders' recorded transitions (the state of
each order at the end of the month), so the dashboard's trends show the demo's real history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from orders.models import Order, OrderEvent
from organisation.models import Department, User
from portfolio import services
from portfolio.models import DashboardSnapshot, PortfolioEntry, Project, StatusReport
from portfolio.snapshots import snapshot_take

CHANGE_MANAGER = "andringsansvarig"


@dataclass(frozen=True)
class DemoReport:
    months_ago: int  # 1 is last month
    schedule: str
    cost: str
    scope: str
    summary: str
    next_steps: str = ""
    risks: str = ""
    comments: tuple[str, str, str] = ("", "", "")
    actual: int | None = None


@dataclass(frozen=True)
class DemoProject:
    name: str
    manager: str
    phase: str
    description: str = ""
    order: str | None = None  # the title of its approved project order
    department: str | None = None
    budget: int | None = None
    # Planned dates in days from the day the demo is loaded (for projects without an order).
    start_in: int = 0
    end_in: int = 0
    started_days_ago: int | None = None  # the actual start
    created_days_ago: int = 60
    milestones: tuple[tuple[str, int, bool], ...] = ()  # name, days from today, reached
    reports: tuple[DemoReport, ...] = ()


PROJECTS: tuple[DemoProject, ...] = (
    DemoProject(
        "Digital nattillsyn i hemtjänsten", "it-arkitekt", Project.Phase.EXECUTION,
        order="Digital nattillsyn i hemtjänsten", started_days_ago=130, created_days_ago=150,
        description="Kameratillsyn nattetid för brukare som samtycker, i alla hemtjänstgrupper "
        "efter en pilot i två grupper.",
        milestones=(("Konsekvensbedömning klar", -140, True), ("Pilot startad", -120, True),
                    ("Utvärdering av piloten", -20, True), ("Alla hemtjänstgrupper", 45, False)),
        reports=(
            DemoReport(2, "green", "green", "green",
                       "Piloten i två grupper är i gång; tolv brukare har tackat ja.",
                       "Utvärdera piloten med brukare och personal.", actual=240_000),
            DemoReport(1, "amber", "green", "green",
                       "Utvärderingen är klar och positiv. Samtyckesfunktionen är på plats.",
                       "Införande i resterande grupper efter utbildning.",
                       "Utbildningen av nattpersonalen kan dra ut på tiden.",
                       comments=("Införandet i alla grupper flyttas sex veckor: utbildning av "
                                 "nattpersonalen hinns inte före årsskiftet.", "", ""),
                       actual=310_000),
        ),
    ),
    DemoProject(
        "Byte av biblioteksdatasystem", "leveransansvarig", Project.Phase.PLANNING,
        order="Byte av biblioteksdatasystem", created_days_ago=70,
        description="Nytt biblioteksdatasystem som molntjänst med app för låntagare, avropat "
        "från regionens gemensamma avtal.",
        milestones=(("Avrop klart", -40, True), ("Migrering av katalogen", 50, False),
                    ("Driftstart", 140, False)),
        reports=(
            DemoReport(1, "green", "green", "green",
                       "Avropet är klart och leverantören har tagit fram en migreringsplan.",
                       "Testmigrering av katalogen i december.", actual=45_000),
        ),
    ),
    DemoProject(
        "E-arkiv för kommunens verksamhetssystem", "kravanalytiker", Project.Phase.EXECUTION,
        department="KSF", budget=1_200_000, start_in=-300, end_in=25, started_days_ago=290,
        created_days_ago=320,
        description="Ett gemensamt e-arkiv dit verksamhetssystemen arkiverar enligt "
        "informationshanteringsplanen, så att äldre system kan avvecklas.",
        milestones=(("Förstudie klar", -270, True), ("Upphandling avslutad", -200, True),
                    ("Första systemet arkiverat", -60, True),
                    ("Gallringsrutiner beslutade", -5, False), ("Driftsättning", 20, False)),
        reports=(
            DemoReport(2, "green", "amber", "green",
                       "Personalsystemets äldre uppgifter är arkiverade och kontrollerade.",
                       "Arkivering av ärendesystemet.",
                       comments=("", "Migreringen kräver fler konsulttimmar än beräknat.", ""),
                       actual=880_000),
            DemoReport(1, "amber", "red", "green",
                       "Ärendesystemets handlingar är exporterade men inte godkända av arkivet.",
                       "Beslut om utökad budget eller om att skjuta två system till nästa år.",
                       "Utan beslut stannar arbetet i januari.",
                       comments=("Driftsättningen riskerar att flyttas till februari.",
                                 "Prognosen överskrider budgeten med cirka 250 000 kr: beslut "
                                 "behövs i Beslutsråd IT.", ""),
                       actual=1_050_000),
        ),
    ),
    DemoProject(
        "Ny telefoni- och växellösning", "leveransansvarig", Project.Phase.INITIATION,
        department="KSF", budget=650_000, start_in=45, end_in=300, created_days_ago=54,
        description="Nuvarande växelavtal går ut i höst. Förstudie av mobil växel integrerad "
        "med Teams.",
        milestones=(("Förstudie klar", 60, False), ("Upphandling", 150, False)),
    ),
)

# (order title, why it is ranked)
RANKED_ORDERS: tuple[tuple[str, str], ...] = (
    ("Mobil app för felanmälan av gator och parker",
     "Större ändring som påverkar alla medborgare; följs i portföljen."),
    ("Integration mellan schema- och lönesystemet",
     "Större ändring med beroende till lönerevisionen."),
)
# (project name or order title, new place, why)
MOVES: tuple[tuple[str, int, str], ...] = (
    ("Digital nattillsyn i hemtjänsten", 1,
     "Avtalad tidplan med brukarna; en försening drabbar dem direkt."),
    ("Integration mellan schema- och lönesystemet", 3,
     "Lönerevisionen i april kräver integrationen; före projekt som ännu inte har börjat."),
)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _projects(clock, people: dict[str, User], today: date, created: Counter) -> bool:
    manager = people[CHANGE_MANAGER]
    departments = {d.short_name: d for d in Department.objects.all()}
    existing = set(Project.objects.filter(name__in=[p.name for p in PROJECTS])
                   .values_list("name", flat=True))
    added = False
    for demo in sorted(PROJECTS, key=lambda p: -p.created_days_ago):
        if demo.name in existing:
            continue
        clock.set(_at(today - timedelta(days=demo.created_days_ago)))
        order = Order.objects.filter(title=demo.order).first() if demo.order else None
        if demo.order and (order is None or order.status not in services.PROJECT_ORDER_STATES):
            continue  # the order's demo history did not reach approval
        data = {
            "name": demo.name, "description": demo.description, "phase": demo.phase,
            "manager": people[demo.manager], "status": Project.Status.ACTIVE,
        }
        if order is not None:
            data.update(sponsor_department=order.department, budget=order.estimated_cost,
                        planned_start=order.planned_start, planned_end=order.planned_end)
        else:
            data.update(sponsor_department=departments[demo.department],
                        budget=Decimal(demo.budget),
                        planned_start=today + timedelta(days=demo.start_in),
                        planned_end=today + timedelta(days=demo.end_in))
        project = services.project_create(actor=manager, data=data, order=order)
        created["projects"] += 1
        added = True
        owner = people[demo.manager]
        moment = today - timedelta(days=demo.created_days_ago)
        if demo.started_days_ago is not None:
            moment = today - timedelta(days=demo.started_days_ago)
            clock.set(_at(moment, 9))
            project.refresh_from_db()
            services.project_update(project_id=project.pk, actor=owner,
                                    data={"actual_start": moment},
                                    expected_version=project.version)
        for name, days, reached in demo.milestones:
            milestone = services.milestone_add(project_id=project.pk, actor=owner, name=name,
                                               due_date=today + timedelta(days=days))
            if reached:
                clock.set(_at(max(milestone.due_date, moment), 15))
                services.milestone_done(milestone_id=milestone.pk, actor=owner,
                                        done_on=milestone.due_date)
            created["milestones"] += 1
    return added


def _reports(clock, people: dict[str, User], today: date, created: Counter) -> None:
    projects = {p.name: p for p in Project.objects.filter(name__in=[d.name for d in PROJECTS])}
    first_of_month = today.replace(day=1)
    for demo in PROJECTS:
        project = projects.get(demo.name)
        if project is None:
            continue
        for report in sorted(demo.reports, key=lambda r: -r.months_ago):
            period = first_of_month - relativedelta(months=report.months_ago)
            if StatusReport.objects.filter(project=project, period=period).exists():
                continue
            # Written on the third working day after the month ended.
            clock.set(_at(period + relativedelta(months=1) + timedelta(days=2), 14))
            schedule_c, cost_c, scope_c = report.comments
            services.status_report_save(
                project_id=project.pk, actor=people[demo.manager], period=period,
                data={
                    "schedule": report.schedule, "schedule_comment": schedule_c,
                    "cost": report.cost, "cost_comment": cost_c,
                    "scope": report.scope, "scope_comment": scope_c,
                    "summary": report.summary, "next_steps": report.next_steps,
                    "risks": report.risks,
                    "actual_cost": Decimal(report.actual) if report.actual else None,
                },
            )
            created["status reports"] += 1


def _ranking(clock, people: dict[str, User], today: date, created: Counter,
             fresh: bool) -> None:
    manager = people[CHANGE_MANAGER]
    clock.set(_at(today - timedelta(days=20), 11))
    for title, reason in RANKED_ORDERS:
        order = Order.objects.filter(title=title).first()
        if order is None or PortfolioEntry.objects.filter(order=order).exists():
            continue
        if not services.is_rankable_order(order):
            continue
        services.portfolio_add_order(actor=manager, order=order, reason=reason)
        created["ranked orders"] += 1
    if not fresh:
        return
    clock.set(_at(today - timedelta(days=19), 11))
    for name, rank, reason in MOVES:
        entry = PortfolioEntry.objects.filter(
            Q(project__name=name) | Q(order__title=name)).first()
        if entry is None or entry.rank == rank:
            continue
        services.portfolio_move(entry_id=entry.pk, actor=manager, to_rank=rank, reason=reason,
                                expected_rank=entry.rank)
        created["rank changes"] += 1


def _month_ends(today: date) -> list[date]:
    """The last day of each month of this year that has ended."""
    ends = []
    month = date(today.year, 1, 1)
    while month + relativedelta(months=1) <= today.replace(day=1):
        ends.append(month + relativedelta(months=1) - timedelta(days=1))
        month += relativedelta(months=1)
    return ends


def _snapshots(today: date, created: Counter) -> None:
    """A snapshot at the end of each past month of the year, rebuilt from the transitions,
    and today's, as the nightly task takes it."""
    wanted = [day for day in _month_ends(today)
              if not DashboardSnapshot.objects.filter(day=day).exists()]
    if wanted:
        orders = {pk: (dept, kind) for pk, dept, kind in
                  Order.objects.values_list("pk", "department_id", "kind")}
        events = list(OrderEvent.objects.order_by("at", "pk")
                      .values_list("order_id", "to_status", "at"))
        for day in wanted:
            until = _at(day + timedelta(days=1), 0)
            state: dict[int, str] = {}
            for order_id, status, at in events:
                if at >= until:
                    break
                state[order_id] = status
            counts = Counter((*orders[pk], status) for pk, status in state.items())
            DashboardSnapshot.objects.create(day=day, data={
                "orders": [[d, k, s, n] for (d, k, s), n in sorted(counts.items())],
                "projects": None, "rebuilt": True,
            })
            created["dashboard snapshots"] += 1
    if not DashboardSnapshot.objects.filter(day=today).exists():
        snapshot_take(today)
        created["dashboard snapshots"] += 1


def load_portfolio(clock, now: datetime) -> Counter:
    """Write the missing demo portfolio; return what was added. `now` is the real time the
    demo is loaded; `clock` is the demo clock."""
    created: Counter = Counter()
    usernames = {CHANGE_MANAGER, *(p.manager for p in PROJECTS)}
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if CHANGE_MANAGER not in people:
        return created
    today = timezone.localdate(now)
    fresh = _projects(clock, people, today, created)
    _reports(clock, people, today, created)
    _ranking(clock, people, today, created, fresh)
    clock.set(now)
    _snapshots(today, created)
    return created
