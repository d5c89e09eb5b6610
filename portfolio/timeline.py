"""The year's overall timeline (§6.5.4–6.5.5): planned orders and projects by month and
quarter, with the projects' milestones and today's line.

Drawn by the app as a grid of bars positioned in percent of the year (no script, no external
service); the page gives the same rows as a table for screen readers and for print, and the
export gives them as CSV or XLSX.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from orders.models import Order
from orders.permissions import orders_visible_to
from organisation.models import Department, User

from .models import Milestone, Project
from .permissions import projects_visible_to

#: Orders with a plan: decided and planned, under way or done.
PLANNED_ORDER_STATES = (
    Order.Status.PLANNED, Order.Status.IN_PROGRESS, Order.Status.DELIVERED, Order.Status.CLOSED,
)


def _pct(value: float) -> str:
    return f"{value:.3f}"


@dataclass
class Mark:
    name: str
    day: date
    done: bool
    left: str


@dataclass
class Row:
    kind: str  # "project" or "order"
    title: str
    url: str
    reference: str
    department: Department
    start: date
    end: date
    status: str
    status_value: str
    health: str | None = None
    rank: int | None = None
    left: str = "0"
    width: str = "0"
    starts_before: bool = False
    ends_after: bool = False
    narrow: bool = False  # too short for its label
    milestones: list[Mark] = field(default_factory=list)


@dataclass
class Span:
    label: str
    left: str
    width: str


@dataclass
class Timeline:
    year: int
    rows: list[Row]
    months: list[Span]
    quarters: list[Span]
    today: date
    today_left: str | None

    @property
    def projects(self) -> list[Row]:
        return [row for row in self.rows if row.kind == "project"]

    @property
    def orders(self) -> list[Row]:
        return [row for row in self.rows if row.kind == "order"]


def _timeline_projects(user: User, first: date, last: date,
                       department: Department | None) -> QuerySet[Project]:
    projects = (
        projects_visible_to(user)
        .filter(planned_start__lte=last, planned_end__gte=first)
        .exclude(status=Project.Status.CANCELLED)
        .select_related("sponsor_department", "latest_report", "entry")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_date")))
        .order_by(F("entry__rank").asc(nulls_last=True), "planned_start", "name")
    )
    if department is not None:
        projects = projects.filter(sponsor_department=department)
    return projects


def _timeline_orders(user: User, first: date, last: date,
                     department: Department | None) -> QuerySet[Order]:
    orders = (
        orders_visible_to(user)
        .filter(status__in=PLANNED_ORDER_STATES, planned_start__lte=last,
                planned_end__gte=first)
        # An order that became a project is on the timeline as that project.
        .filter(project__isnull=True)
        .select_related("department")
        .order_by("planned_start", "planned_end", "reference")
    )
    if department is not None:
        orders = orders.filter(department=department)
    return orders


def build(user: User, year: int, department: Department | None = None,
          today: date | None = None) -> Timeline:
    """The timeline of `year` as `user` may see it: three queries (projects, their
    milestones, orders)."""
    today = today or timezone.localdate()
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = (last - first).days + 1

    def left_of(day: date) -> float:
        return (max(day, first) - first).days / days * 100

    def place(row: Row) -> Row:
        start, end = max(row.start, first), min(row.end, last)
        row.left = _pct(left_of(start))
        width = max(((end - start).days + 1) / days * 100, 0.4)
        row.width, row.narrow = _pct(width), width < 5
        row.starts_before, row.ends_after = row.start < first, row.end > last
        return row

    rows: list[Row] = []
    for project in _timeline_projects(user, first, last, department):
        row = place(Row(
            kind="project", title=project.name, url=project.get_absolute_url(), reference="",
            department=project.sponsor_department, start=project.planned_start,
            end=project.planned_end, status=project.get_phase_display(),
            status_value=project.status, health=project.health,
            rank=project.entry.rank if hasattr(project, "entry") else None,
        ))
        row.milestones = [
            Mark(name=m.name, day=m.due_date, done=m.done_on is not None,
                 left=_pct(left_of(m.due_date) + 0.5 / days * 100))
            for m in project.milestones.all() if first <= m.due_date <= last
        ]
        rows.append(row)
    for order in _timeline_orders(user, first, last, department):
        rows.append(place(Row(
            kind="order", title=order.title, url=order.get_absolute_url(),
            reference=order.reference or "", department=order.department,
            start=order.planned_start, end=order.planned_end, status=order.get_status_display(),
            status_value=order.status,
        )))
    months = []
    for month in range(1, 13):
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)
        months.append(Span(str(MONTHS[month]).capitalize(), _pct(left_of(start)),
                           _pct((end - start).days / days * 100)))
    quarters = []
    for quarter in range(4):
        start = date(year, quarter * 3 + 1, 1)
        end = date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1)
        quarters.append(Span(_("Q%(number)s") % {"number": quarter + 1}, _pct(left_of(start)),
                             _pct((end - start).days / days * 100)))
    today_left = _pct(left_of(today) + 0.5 / days * 100) if first <= today <= last else None
    return Timeline(year=year, rows=rows, months=months, quarters=quarters, today=today,
                    today_left=today_left)
