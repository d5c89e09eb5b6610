"""Markup of the timeline's and the dashboard's repeated parts, written in Python instead of
through templates.

A page of the timeline shows 50 rows twice (as bars and as a table) and the planned orders
counted by department and quarter: through the template's loops, some 2,000 variables and
tags, half of the page's time. The dashboard draws seven charts and counts the orders of 20
departments in 11 states. The functions here write the same HTML as the templates wrote
(tests/portfolio/test_html.py compares them), escaping every value as the templates did.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .charts import BarChart, LineChart, PairedChart
from .timeline import DepartmentLine, QuarterCount, Row


def esc(value: object) -> str:
    """What `{{ value }}` writes for a text: Django's escape (the standard library's, which
    it calls) without its lazy-text wrapper, which cost more than the escaping here."""
    return escape(str(value))


def _short_name(row: Row) -> str:
    department = row.department
    return esc(department.short_name) if department is not None else ""


def gantt_rows(rows: Iterable[Row]) -> SafeString:
    """The timeline's bars: a row of the chart for each row of the page."""
    project_word = esc(_("project"))
    parts = []
    for row in rows:
        url = esc(row.url)
        kind = " · " + project_word if row.health_label else ""
        inner = ""
        if not row.narrow:
            health = (f'<span class="health-mark health-{esc(row.health)}"></span>'
                      if row.health else "")
            inner = health + esc(row.status)
        marks = "".join(
            f'<span class="gantt-milestone{" gantt-milestone-done" if mark.done else ""}" '
            f'style="left:{esc(mark.left)}%" title="{esc(mark.name)} {esc(mark.label)}"></span>'
            for mark in row.milestones
        )
        parts.append(
            f'<div class="gantt-row gantt-row-{esc(row.kind)}">'
            f'<div class="gantt-label"><a href="{url}" tabindex="-1">{esc(row.label)}</a>'
            f'<span class="gantt-dept">{_short_name(row)}{kind}</span></div>'
            f'<div class="gantt-track">'
            f'<a class="{esc(row.bar_class)}" href="{url}" tabindex="-1" '
            f'style="left:{esc(row.left)}%;width:{esc(row.width)}%" '
            f'title="{esc(row.title)}: {esc(row.start_label)} – {esc(row.end_label)}">'
            f"{inner}</a>{marks}</div></div>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped


def table_rows(rows: Iterable[Row]) -> SafeString:
    """The rows of "the timeline as a table"."""
    project_tag = f'<span class="tag">{esc(_("Project"))}</span>'
    order_tag = f'<span class="tag tag-order">{esc(pgettext("noun", "Order"))}</span>'
    reached = esc(_("reached"))
    parts = []
    for row in rows:
        status = esc(row.status)
        if row.health_label:
            status += (f', <span class="health health-{esc(row.health or "none")}">'
                       f'<span class="health-mark" aria-hidden="true"></span>'
                       f"{esc(row.health_label)}</span>")
        if row.milestones:
            marks = "".join(
                f"<li>{esc(mark.short)}: {esc(mark.name)}"
                f"{f' ({reached})' if mark.done else ''}</li>"
                for mark in row.milestones
            )
            milestones = f'<ul class="plain-list small">{marks}</ul>'
        else:
            milestones = "–"
        parts.append(
            f'<tr><th scope="row"><a href="{esc(row.url)}">{esc(row.label)}</a> '
            f"{project_tag if row.health_label else order_tag}</th>"
            f"<td>{_short_name(row)}</td>"
            f'<td class="nowrap">{esc(row.start_label)}</td>'
            f'<td class="nowrap">{esc(row.end_label)}</td>'
            f"<td>{status}</td><td>{milestones}</td></tr>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped


def _count_cell(cell: QuarterCount) -> str:
    if cell.href:
        current = ' aria-current="page"' if cell.current else ""
        return f'<td><a href="{esc(cell.href)}"{current}>{esc(cell.label)}</a></td>'
    if cell.count:
        return f"<td>{esc(cell.label)}</td>"
    return '<td><span class="muted">0</span></td>'


def department_rows(lines: Iterable[DepartmentLine]) -> SafeString:
    """The rows of "planned orders by department and quarter"."""
    parts = [
        f'<tr><th scope="row" title="{esc(line.name)}">{esc(line.short_name)}</th>'
        + "".join(_count_cell(cell) for cell in line.cells) + "</tr>"
        for line in lines
    ]
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped


def total_cells(cells: Iterable[QuarterCount]) -> SafeString:
    """The total row's counts of "planned orders by department and quarter"."""
    return mark_safe("".join(  # noqa: S308 - every value is escaped
        f'<td><a href="{esc(cell.href)}">{esc(cell.label)}</a></td>' if cell.count
        else "<td>0</td>"
        for cell in cells
    ))


# --- the dashboard ---------------------------------------------------------------------------


def matrix_rows(rows: Iterable[Any]) -> SafeString:
    """The rows of "orders by state and department" (dashboard.StatusMatrix.rows)."""
    parts = []
    for row in rows:
        cells = "".join(
            f'<td><a href="{esc(cell.href)}">{cell.count}</a></td>' if cell.count
            else '<td><span class="muted">0</span></td>'
            for cell in row.cells
        )
        parts.append(
            f'<tr><th scope="row" title="{esc(row.department["name"])}">'
            f'{esc(row.department["short_name"])}</th>{cells}'
            f'<td><a href="{esc(row.total.href)}">{row.total.count}</a></td></tr>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped


def _label(text: str) -> str:
    """`{{ text|truncatechars:26 }}`."""
    return esc(Truncator(text).chars(26))


def _svg(chart: BarChart | LineChart | PairedChart, kind: str) -> str:
    return (f'<svg class="chart {kind}" viewBox="0 0 {chart.width} {chart.height}" '
            'aria-hidden="true" focusable="false">')


def bar_chart(chart: BarChart) -> SafeString:
    """A chart of horizontal bars (charts.bar_chart) as inline SVG."""
    parts = [_svg(chart, "chart-bars")]
    label_x, left = esc(chart.label_x), chart.label_width
    for bar in chart.bars:
        label, display = esc(bar.label), esc(bar.display)
        rect = (f'<rect x="{left}" y="{esc(bar.y)}" width="{esc(bar.width)}" height="18" '
                f'rx="2" class="bar {esc(bar.css)}"><title>{label}: {display}</title></rect>')
        if bar.href:
            rect = f'<a href="{esc(bar.href)}" tabindex="-1">{rect}</a>'
        parts.append(
            f'<text x="{label_x}" y="{esc(bar.text_y)}" text-anchor="end" '
            f'class="chart-label">{_label(bar.label)}</text>{rect}'
            f'<text x="{esc(bar.value_x)}" y="{esc(bar.text_y)}" class="chart-value">'
            f"{display}</text>"
        )
    parts.append("</svg>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped


def paired_chart(chart: PairedChart) -> SafeString:
    """Two bars a row (charts.paired_chart) as inline SVG, with its legend."""
    parts = [_svg(chart, "chart-bars")]
    label_x, left = esc(chart.label_x), chart.label_width
    first_name, second_name = esc(chart.first_name), esc(chart.second_name)
    for bar in chart.bars:
        label = esc(bar.label)
        first, second = esc(bar.first_display), esc(bar.second_display)
        rects = (
            f'<rect x="{left}" y="{esc(bar.y1)}" width="{esc(bar.w1)}" height="15" rx="2" '
            f'class="bar bar-budget"><title>{label}, {first_name}: {first}</title></rect>'
            f'<rect x="{left}" y="{esc(bar.y2)}" width="{esc(bar.w2)}" height="15" rx="2" '
            f'class="bar bar-actual{" bar-over" if bar.over else ""}">'
            f"<title>{label}, {second_name}: {second}</title></rect>"
        )
        if bar.href:
            rects = f'<a href="{esc(bar.href)}" tabindex="-1">{rects}</a>'
        parts.append(
            f'<text x="{label_x}" y="{esc(bar.text_y)}" text-anchor="end" '
            f'class="chart-label">{_label(bar.label)}</text>{rects}'
            f'<text x="{esc(bar.x1)}" y="{esc(bar.t1)}" class="chart-value chart-small">'
            f"{first}</text>"
            f'<text x="{esc(bar.x2)}" y="{esc(bar.t2)}" class="chart-value chart-small">'
            f"{second}</text>"
        )
    parts.append("</svg>")
    parts.append(
        '<ul class="chart-legend" aria-hidden="true">'
        f'<li><span class="legend-swatch bar-budget"></span>{first_name}</li>'
        f'<li><span class="legend-swatch bar-actual"></span>{second_name}</li>'
        '<li><span class="legend-swatch bar-actual bar-over"></span>'
        f"{second_name} &gt; {first_name}</li></ul>"
    )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped


def line_chart(chart: LineChart) -> SafeString:
    """Lines over the months (charts.line_chart) as inline SVG, with its legend."""
    parts = [_svg(chart, "chart-lines")]
    right = esc(chart.plot_right)
    for tick in chart.y_ticks:
        y = esc(tick.y)
        parts.append(
            f'<line x1="{chart.left}" x2="{right}" y1="{y}" y2="{y}" class="grid"/>'
            f'<text x="{esc(tick.x)}" y="{y}" dy="4" text-anchor="end" '
            f'class="chart-label chart-small">{esc(tick.label)}</text>'
        )
    for tick in chart.x_ticks:
        parts.append(
            f'<text x="{esc(tick.x)}" y="{esc(tick.y)}" text-anchor="middle" '
            f'class="chart-label chart-small">{esc(tick.label)}</text>'
        )
    for line in chart.series:
        css, name = esc(line.css), esc(line.name)
        parts.extend(f'<polyline points="{esc(segment)}" class="line {css}"/>'
                     for segment in line.segments)
        parts.extend(
            f'<circle cx="{esc(x)}" cy="{esc(y)}" r="3.5" class="dot {css}">'
            f"<title>{name}: {esc(shown)}</title></circle>"
            for x, y, shown in line.points
        )
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="legend-swatch legend-line {esc(line.css)}"></span>'
        f"{esc(line.name)}</li>"
        for line in chart.series
    )
    parts.append(f'<ul class="chart-legend" aria-hidden="true">{legend}</ul>')
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped
