"""Template tags writing the timeline's and the dashboard's repeated markup in Python (see
portfolio.html)."""

from django import template

from portfolio import html

register = template.Library()


@register.simple_tag
def gantt_rows(rows):
    """`{% gantt_rows timeline.rows %}`: the chart's row of each row of the page."""
    return html.gantt_rows(rows)


@register.simple_tag
def timeline_table_rows(rows):
    """`{% timeline_table_rows timeline.rows %}`: the table's row of each row of the page."""
    return html.table_rows(rows)


@register.simple_tag
def department_rows(lines):
    """`{% department_rows timeline.departments %}`: the planned orders counted by
    department and quarter, a row each."""
    return html.department_rows(lines)


@register.simple_tag
def total_cells(cells):
    """`{% total_cells timeline.total_cells %}`: the total row's counts."""
    return html.total_cells(cells)


@register.simple_tag
def matrix_rows(rows):
    """`{% matrix_rows d.matrix.rows %}`: the orders of each department by state."""
    return html.matrix_rows(rows)


@register.simple_tag
def bar_chart(chart):
    """`{% bar_chart chart %}`: a chart of horizontal bars."""
    return html.bar_chart(chart)


@register.simple_tag
def paired_chart(chart):
    """`{% paired_chart chart %}`: a chart of two bars a row, with its legend."""
    return html.paired_chart(chart)


@register.simple_tag
def line_chart(chart):
    """`{% line_chart chart %}`: a chart of lines, with its legend."""
    return html.line_chart(chart)
