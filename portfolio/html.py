"""Markup of the timeline's repeated parts, written in Python instead of through templates.

A page of the timeline shows 50 rows twice (as bars and as a table) and the planned orders
counted by department and quarter: through the template's loops, some 2,000 variables and
tags, half of the page's time. The functions here write the same HTML as the template wrote
(tests/portfolio/test_html.py compares them), escaping every value as the template did.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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
