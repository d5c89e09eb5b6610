"""Orders by state and department: orders created in the chosen year, drafts left out (a draft
is its writer's own, not yet an order of the department)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.models import Order

from .. import charts
from .common import STATUS_COLUMNS, Filters, year_bounds


@dataclass
class Cell:
    count: int
    href: str


@dataclass
class MatrixRow:
    department: Any
    cells: list[Cell]
    total: Cell


@dataclass
class StatusMatrix:
    columns: list[tuple[str, str]]
    rows: list[MatrixRow]
    totals: list[Cell]
    total: Cell
    chart: charts.BarChart | None = None
    summary: str = ""


def status_matrix(base: QuerySet[Order], filters: Filters) -> StatusMatrix:
    start, end = year_bounds(filters.year)
    counts = (
        base.filter(created_at__gte=start, created_at__lt=end)
        .values("department_id", "department__name", "department__short_name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_department: dict[int, dict[str, int]] = defaultdict(Counter)
    names: dict[int, tuple[str, str]] = {}
    for row in counts:
        by_department[row["department_id"]][row["status"]] += row["n"]
        names[row["department_id"]] = (row["department__name"], row["department__short_name"])
    columns = [(s.value, str(s.label)) for s in STATUS_COLUMNS]
    year = filters.year
    # A department's row links each count to the order list of that department (whatever
    # the dashboard's own department filter) in that state and year, with the dashboard's
    # type: Filters.order_params's address, put together from parts encoded once instead of
    # 220 times.
    order_list = filters._order_list
    by_state = {value: urlencode([("status", value), ("year", year)]) for value, _l in columns}
    every_state = urlencode([("year", year), *(("status", value) for value, _l in columns)])
    kind = [("kind", filters.kind)] if filters.kind else []
    rows = []
    for department_id in sorted(names, key=lambda pk: names[pk][0]):
        counter = by_department[department_id]
        own = "&" + urlencode([("department", department_id), *kind])
        cells = [Cell(counter[value], f"{order_list}?{by_state[value]}{own}")
                 for value, _label in columns]
        rows.append(MatrixRow(
            department={"pk": department_id, "name": names[department_id][0],
                        "short_name": names[department_id][1]},
            cells=cells,
            total=Cell(sum(counter.values()), f"{order_list}?{every_state}{own}"),
        ))
    totals = [
        Cell(sum(by_department[d][value] for d in names),
             filters.order_params(status=value, year=year))
        for value, _label in columns
    ]
    grand = sum(cell.count for cell in totals)
    matrix = StatusMatrix(
        columns=columns, rows=rows, totals=totals,
        total=Cell(grand, filters.order_params(status=[c for c, _l in columns], year=year)),
    )
    matrix.chart = charts.bar_chart(
        _("Orders by state"),
        [(label, cell.count, charts.fmt(cell.count), cell.href, f"bar-status-{value}")
         for (value, label), cell in zip(columns, totals, strict=True)],
    )
    if grand:
        top_label, top_cell = max(zip(columns, totals, strict=True), key=lambda p: p[1].count)
        matrix.summary = ngettext(
            "%(count)s order created in %(year)s; most are “%(state)s” (%(top)s).",
            "%(count)s orders created in %(year)s; most are “%(state)s” (%(top)s).", grand,
        ) % {"count": grand, "year": year, "state": top_label[1], "top": top_cell.count}
    else:
        matrix.summary = _("No orders were created in %(year)s.") % {"year": year}
    return matrix
