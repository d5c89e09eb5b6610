"""The year's overall timeline (§6.5.4–6.5.5): planned orders and projects by month and
quarter, with the projects' milestones and today's line.

Drawn by the app as a grid of bars positioned in percent of the period shown (no script, no
external service); the page gives the same rows as a table for screen readers and for print,
and the export gives them as CSV or XLSX.

A larger municipality plans thousands of orders a year, more than a page can show or a reader
can take in. The projects (the ranked portfolio) are always on the page; the planned orders are
counted by department and quarter, each count leading to those orders, and shown a page at a
time in the order they start. The export holds every row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from orders.models import Order
from organisation.models import Department, User

from .models import Health, Milestone, Project
from .permissions import projects_visible_to

#: Orders with a plan: decided and planned, under way or done.
PLANNED_ORDER_STATES = (
    Order.Status.PLANNED, Order.Status.IN_PROGRESS, Order.Status.DELIVERED, Order.Status.CLOSED,
)
#: Rows (projects and planned orders) on one page of the timeline.
ROWS_PER_PAGE = 50
#: A bar that starts past this share of the period shown (in percent) has its label end where
#: the bar ends, instead of start where it starts, so that the label stays on the chart.
LATE_START = 60
#: Today's line past this share of the period has its label on its left, for the same reason.
LATE_TODAY = 92
#: What an order's row shows.
ORDER_FIELDS = ("title", "reference", "department", "planned_start", "planned_end", "status")


def _pct(value: float) -> str:
    return f"{value:.3f}"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of quarter 1–4 of `year`."""
    first = date(year, quarter * 3 - 2, 1)
    after = date(year + (quarter == 4), quarter * 3 % 12 + 1, 1)
    return first, date.fromordinal(after.toordinal() - 1)


def _day_labels() -> list[str]:
    """The months' short names as the date filter's "b" gives them, looked up once a page."""
    return ["", *(str(MONTHS_3[month]) for month in range(1, 13))]


@dataclass
class Mark:
    name: str
    day: date
    done: bool
    left: str
    label: str = ""  # "1 maj 2026"
    short: str = ""  # "1 maj"


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
    late: bool = False  # starts late in the period: its label ends where the bar ends
    milestones: list[Mark] = field(default_factory=list)
    health_label: str = ""
    start_label: str = ""
    end_label: str = ""
    label: str = ""  # the reference (of an order) and the title
    bar_class: str = ""


@dataclass
class Span:
    label: str
    left: str
    width: str


@dataclass
class QuarterCount:
    count: int
    quarter: int | None  # None: the whole year
    label: str = ""
    href: str = ""  # the timeline of that department and quarter; empty: no link
    current: bool = False


@dataclass
class DepartmentLine:
    """A department's planned orders: in each quarter (an order planned across quarters is
    in each of them) and in the year."""

    pk: int
    name: str
    short_name: str
    quarters: list[QuarterCount]
    year: int
    linked: bool  # whether the person may filter the timeline by this department
    whole: QuarterCount | None = None

    @property
    def cells(self) -> list[QuarterCount]:
        return [*self.quarters, self.whole]


@dataclass
class Timeline:
    year: int
    quarter: int | None
    first: date
    last: date
    rows: list[Row]
    months: list[Span]
    quarters: list[Span]
    today: date
    today_left: str | None
    #: The planned orders by department (the year, whatever the quarter shown).
    departments: list[DepartmentLine] = field(default_factory=list)
    quarter_totals: list[int] = field(default_factory=list)
    year_total: int = 0
    project_count: int = 0
    total_cells: list[QuarterCount] = field(default_factory=list)
    #: Which rows of the period (projects, then planned orders) `rows` holds, as a page of
    #: their positions; None when it holds all of them.
    page: Page | None = None

    @property
    def projects(self) -> list[Row]:
        return [row for row in self.rows if row.kind == "project"]

    @property
    def orders(self) -> list[Row]:
        return [row for row in self.rows if row.kind == "order"]

    @property
    def quarters_of_year(self) -> list[str]:
        return [_("Q%(number)s") % {"number": number} for number in range(1, 5)]

    @property
    def today_late(self) -> bool:
        return self.today_left is not None and float(self.today_left) > LATE_TODAY

    @property
    def order_count(self) -> int:
        """The planned orders of the period shown (the year or the quarter)."""
        if self.quarter:
            return self.quarter_totals[self.quarter - 1]
        return self.year_total


def _timeline_projects(user: User, first: date, last: date,
                       department: Department | None) -> QuerySet[Project]:
    projects = (
        projects_visible_to(user)
        .filter(planned_start__lte=last, planned_end__gte=first)
        .exclude(status=Project.Status.CANCELLED)
        .select_related("sponsor_department", "latest_report", "entry")
        .order_by(F("entry__rank").asc(nulls_last=True), "planned_start", "name")
    )
    if department is not None:
        projects = projects.filter(sponsor_department=department)
    return projects


def planned_orders_visible_to(user: User) -> QuerySet[Order]:
    """The planned orders `user` may see: `Order.objects.visible_to` of the planned states.

    A planned order is never a draft (`drafts=False`), so the department half of the
    permission filter is the departments alone: the filter then reads only columns that
    `order_planned_idx` holds, and the timeline's queries are index-only scans instead of
    visits to a tenth of the table for the state.
    """
    return Order.objects.filter(status__in=PLANNED_ORDER_STATES).visible_to(user, drafts=False)


def _timeline_orders(user: User, first: date, last: date,
                     department: Department | None) -> QuerySet[Order]:
    orders = (
        planned_orders_visible_to(user)
        .filter(planned_start__lte=last, planned_end__gte=first)
        # An order that became a project is on the timeline as that project.
        .filter(project__isnull=True)
    )
    if department is not None:
        orders = orders.filter(department=department)
    return orders


def _projects_on_page(projects: QuerySet[Project], number: int,
                      per_page: int) -> tuple[list[Project], int]:
    """The projects on page `number` and how many there are in all, in one query (the count
    rides along each row); a page past the projects asks for the count alone."""
    start = (number - 1) * per_page
    shown = list(projects.annotate(total=Window(Count("pk")))[start:start + per_page])
    if shown:
        return shown, shown[0].total
    return [], projects.count() if start else 0


def _by_department(orders: QuerySet[Order], year: int,
                   linked: set[int] | None) -> tuple[list[DepartmentLine], list[int], int]:
    """One query: the year's planned orders counted by department, in each quarter and in all.

    The departments are named after counting (20 lookups, not one join per order)."""
    quarters = [quarter_bounds(year, q) for q in range(1, 5)]
    department = Department.objects.filter(pk=OuterRef("department_id"))
    counts = (
        orders.values("department_id")
        .annotate(
            year=Count("pk"),
            **{f"q{n}": Count("pk", filter=Q(planned_start__lte=last, planned_end__gte=first))
               for n, (first, last) in enumerate(quarters, 1)},
        )
        .annotate(name=Subquery(department.values("name")),
                  short_name=Subquery(department.values("short_name")))
        .order_by("name")
    )
    lines = [
        DepartmentLine(
            pk=row["department_id"], name=row["name"], short_name=row["short_name"],
            quarters=[QuarterCount(row[f"q{n}"], n) for n in range(1, 5)], year=row["year"],
            linked=linked is None or row["department_id"] in linked,
        )
        for row in counts
    ]
    for line in lines:
        line.whole = QuarterCount(line.year, None)
    totals = [sum(line.quarters[n].count for line in lines) for n in range(4)]
    return lines, totals, sum(line.year for line in lines)


def link_counts(timeline: Timeline, query: str, department: Department | None) -> None:
    """Give each count of `timeline.departments` its label and the address of the timeline
    of its department and quarter (`query`: the page's other filters), and mark the one
    shown."""
    separator = get_format("THOUSAND_SEPARATOR")
    prefix = f"?{query}&" if query else "?"
    shown = department.pk if department is not None else None
    for line in timeline.departments:
        for cell in line.cells:
            cell.label = f"{cell.count:,}".replace(",", separator)
            if not line.linked or not cell.count:
                continue
            cell.href = f"{prefix}department={line.pk}" + (
                f"&quarter={cell.quarter}" if cell.quarter else "")
            cell.current = shown == line.pk and timeline.quarter == cell.quarter
    timeline.total_cells = [
        QuarterCount(count, number, f"{count:,}".replace(",", separator),
                     f"{prefix}quarter={number}" if number else f"?{query}")
        for number, count in [*enumerate(timeline.quarter_totals, 1),
                              (None, timeline.year_total)]
    ]


def _address(name: str):
    """The address of the view `name` for an object's id, from one reverse (a timeline's
    page links to fifty rows)."""
    placeholder = 987654321
    prefix, suffix = reverse(name, args=[placeholder]).split(str(placeholder))
    return lambda pk: f"{prefix}{pk}{suffix}"


def build(user: User, year: int, department: Department | None = None,
          today: date | None = None, *, quarter: int | None = None, page: int | None = 1,
          per_page: int | None = None, departments: Iterable[int] | None = None,
          ) -> Timeline:
    """The timeline of `year` (or of one of its quarters) as `user` may see it.

    With a `page`, the projects and planned orders are one list, the projects first in the
    order of the portfolio and then the orders by their start, of which the page shows
    `per_page` rows: at most five queries (the projects, the page's projects' milestones, the
    planned orders counted by department and quarter, the page's orders). With `page=None`,
    every row of the period, without the counts (for the export): three queries.
    `departments` are those the person may filter by (None: every one).
    """
    today = today or timezone.localdate()
    per_page = per_page or ROWS_PER_PAGE
    first, last = quarter_bounds(year, quarter) if quarter else (date(year, 1, 1),
                                                                 date(year, 12, 31))
    days = (last - first).days + 1

    def left_of(day: date) -> float:
        return (max(day, first) - first).days / days * 100

    months_3 = _day_labels()

    def day_label(day: date) -> str:
        return f"{day.day} {months_3[day.month]} {day.year}"

    def place(row: Row) -> Row:
        row.start_label, row.end_label = day_label(row.start), day_label(row.end)
        start, end = max(row.start, first), min(row.end, last)
        left = left_of(start)
        row.left = _pct(left)
        row.width = _pct(max(((end - start).days + 1) / days * 100, 0.4))
        row.late = left > LATE_START
        row.starts_before, row.ends_after = row.start < first, row.end > last
        row.label = f"{row.reference} {row.title}" if row.reference else row.title
        row.bar_class = " ".join(name for name, on in (
            (f"gantt-bar gantt-bar-{row.kind}", True), ("gantt-cut-start", row.starts_before),
            ("gantt-cut-end", row.ends_after), ("gantt-bar-late", row.late)) if on)
        return row

    timeline = Timeline(year=year, quarter=quarter, first=first, last=last, rows=[],
                        months=[], quarters=[], today=today, today_left=None)
    projects_of_period = _timeline_projects(user, first, last, department)
    orders = (_timeline_orders(user, first, last, department)
              .order_by("planned_start", "planned_end", "reference", "pk"))
    if page is None:
        projects = list(projects_of_period)
        timeline.project_count = len(projects)
        page_orders = orders.select_related("department").iterator(chunk_size=2000)
    else:
        timeline.departments, timeline.quarter_totals, timeline.year_total = _by_department(
            _timeline_orders(user, date(year, 1, 1), date(year, 12, 31), department), year,
            None if departments is None else set(departments),
        )
        number = max(page, 1)
        projects, timeline.project_count = _projects_on_page(projects_of_period, number,
                                                             per_page)
        # The rows are the projects and then the orders; the page is a range of positions.
        timeline.page = Paginator(range(timeline.project_count + timeline.order_count),
                                  per_page).get_page(number)
        if timeline.page.number != number:  # past the last page: the last one
            projects, _count = _projects_on_page(projects_of_period, timeline.page.number,
                                                 per_page)
        start = timeline.page.object_list.start
        skip = max(start - timeline.project_count, 0)
        room = len(timeline.page.object_list) - len(projects)
        page_orders = (
            Order.objects.filter(pk__in=orders.values("pk")[skip:skip + room])
            .select_related("department").only(*ORDER_FIELDS)
            .order_by("planned_start", "planned_end", "reference", "pk")
            if room > 0 else []
        )
    prefetch_related_objects(projects, Prefetch(
        "milestones", queryset=Milestone.objects.filter(due_date__range=(first, last))
        .order_by("due_date")))

    health_labels = {None: _("Not reported"), "": _("Not reported"),
                     **{value: str(label) for value, label in Health.choices}}
    # What get_absolute_url and get_FOO_display give, worked out once a page, not per row.
    phases = {value: str(label) for value, label in Project.Phase.choices}
    project_url = _address("portfolio:project")
    for project in projects:
        row = place(Row(
            kind="project", title=project.name, url=project_url(project.pk), reference="",
            department=project.sponsor_department, start=project.planned_start,
            end=project.planned_end, status=phases.get(project.phase, project.phase),
            status_value=project.status, health=project.health,
            rank=project.entry.rank if hasattr(project, "entry") else None,
            health_label=health_labels[project.health],
        ))
        row.milestones = [
            Mark(name=m.name, day=m.due_date, done=m.done_on is not None,
                 left=_pct(left_of(m.due_date) + 0.5 / days * 100),
                 label=day_label(m.due_date),
                 short=f"{m.due_date.day} {months_3[m.due_date.month]}")
            for m in project.milestones.all()
        ]
        timeline.rows.append(row)
    states: dict[str, str] = {}
    order_url = _address("orders:detail")
    for order in page_orders:
        if not states:
            states = {value: str(label) for value, label in Order.Status.choices}
        timeline.rows.append(place(Row(
            kind="order", title=order.title, url=order_url(order.pk),
            reference=order.reference or "", department=order.department,
            start=order.planned_start, end=order.planned_end,
            status=states.get(order.status, order.status),
            status_value=order.status,
        )))

    for month in range(first.month, last.month + 1):
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)
        timeline.months.append(Span(str(MONTHS[month]).capitalize(), _pct(left_of(start)),
                                    _pct((end - start).days / days * 100)))
    for number in range(1, 5):
        start, end = quarter_bounds(year, number)
        if quarter and number != quarter:
            continue
        timeline.quarters.append(Span(_("Q%(number)s") % {"number": number},
                                      _pct(left_of(start)),
                                      _pct(((end - start).days + 1) / days * 100)))
    if first <= today <= last:
        timeline.today_left = _pct(left_of(today) + 0.5 / days * 100)
    return timeline
