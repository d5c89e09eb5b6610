"""The timeline's repeated parts are written in Python (portfolio.html): the same markup as the
template wrote, escaped alike, in Swedish as in English."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation

from portfolio import html
from portfolio.timeline import DepartmentLine, Mark, QuarterCount, Row

#: The loops of templates/portfolio/timeline.html as they were before portfolio.html.
GANTT_TEMPLATE = """{% load i18n %}{% translate "project" as project_word %}{% for row in rows %}
    <div class="gantt-row gantt-row-{{ row.kind }}">
      <div class="gantt-label"><a href="{{ row.url }}" tabindex="-1">{{ row.label }}</a><span class="gantt-dept">{{ row.department.short_name }}{% if row.health_label %} · {{ project_word }}{% endif %}</span></div>
      <div class="gantt-track">
        <a class="{{ row.bar_class }}" href="{{ row.url }}" tabindex="-1" style="left:{{ row.left }}%;width:{{ row.width }}%" title="{{ row.title }}: {{ row.start_label }} – {{ row.end_label }}">{% if not row.narrow %}{% if row.health %}<span class="health-mark health-{{ row.health }}"></span>{% endif %}{{ row.status }}{% endif %}</a>
        {% for mark in row.milestones %}<span class="gantt-milestone{% if mark.done %} gantt-milestone-done{% endif %}" style="left:{{ mark.left }}%" title="{{ mark.name }} {{ mark.label }}"></span>{% endfor %}
      </div>
    </div>
    {% endfor %}"""  # noqa: E501

TABLE_TEMPLATE = """{% load i18n %}{% translate "Project" as project_tag %}{% translate "Order" context "noun" as order_tag %}{% translate "reached" as reached %}{% for row in rows %}
      <tr>
        <th scope="row"><a href="{{ row.url }}">{{ row.label }}</a> {% if row.health_label %}<span class="tag">{{ project_tag }}</span>{% else %}<span class="tag tag-order">{{ order_tag }}</span>{% endif %}</th>
        <td>{{ row.department.short_name }}</td>
        <td class="nowrap">{{ row.start_label }}</td>
        <td class="nowrap">{{ row.end_label }}</td>
        <td>{{ row.status }}{% if row.health_label %}, <span class="health health-{{ row.health|default:'none' }}"><span class="health-mark" aria-hidden="true"></span>{{ row.health_label }}</span>{% endif %}</td>
        <td>{% if row.milestones %}<ul class="plain-list small">{% for mark in row.milestones %}<li>{{ mark.short }}: {{ mark.name }}{% if mark.done %} ({{ reached }}){% endif %}</li>{% endfor %}</ul>{% else %}–{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501

DEPARTMENTS_TEMPLATE = """{% for line in lines %}
      <tr>
        <th scope="row" title="{{ line.name }}">{{ line.short_name }}</th>
        {% for cell in line.cells %}<td>{% if cell.href %}<a href="{{ cell.href }}"{% if cell.current %} aria-current="page"{% endif %}>{{ cell.label }}</a>{% elif cell.count %}{{ cell.label }}{% else %}<span class="muted">0</span>{% endif %}</td>{% endfor %}
      </tr>
    {% endfor %}"""  # noqa: E501

TOTALS_TEMPLATE = """{% for cell in cells %}<td>{% if cell.count %}<a href="{{ cell.href }}">{{ cell.label }}</a>{% else %}0{% endif %}</td>{% endfor %}"""  # noqa: E501


def same(markup: str) -> str:
    """Markup with the whitespace between tags (which templates leave by their layout)
    dropped, and runs of whitespace inside text made one space."""
    markup = re.sub(r">\s+", ">", str(markup).strip())
    markup = re.sub(r"\s+<", "<", markup)
    return re.sub(r"\s+", " ", markup)


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def rows() -> list[Row]:
    department = SimpleNamespace(short_name='IT & "drift" <x>')
    project = Row(
        kind="project", title='Nytt <ärende> & "system"', url="/portfolj/projekt/1/?a=1&b=2",
        reference="", department=department, start=date(2026, 1, 1), end=date(2026, 6, 30),
        status="Genomförande", status_value="active", health="amber", rank=1,
        left="0.000", width="49.589", milestones=[
            Mark(name="Beslut <1>", day=date(2026, 3, 1), done=True, left="16.301",
                 label="1 mar 2026", short="1 mar"),
            Mark(name="Drift & förvaltning", day=date(2026, 5, 1), done=False, left="32.877",
                 label="1 maj 2026", short="1 maj"),
        ],
        health_label="Gul", start_label="1 jan 2026", end_label="30 jun 2026",
        label='Nytt <ärende> & "system"', bar_class="gantt-bar gantt-bar-project",
    )
    unreported = Row(
        kind="project", title="Utan rapport", url="/portfolj/projekt/2/", reference="",
        department=department, start=date(2025, 1, 1), end=date(2027, 1, 1),
        status="Förstudie", status_value="active", health=None, health_label="Ej rapporterad",
        start_label="1 jan 2025", end_label="1 jan 2027", label="Utan rapport",
        bar_class="gantt-bar gantt-bar-project gantt-cut-start gantt-cut-end",
        left="0.000", width="100.000",
    )
    narrow = Row(
        kind="order", title="Kort & snabb", url="/bestallningar/3/", reference="IT-2026-0003",
        department=None, start=date(2026, 4, 1), end=date(2026, 4, 2), status="Planerad",
        status_value="planned", left="24.658", width="0.548", narrow=True,
        start_label="1 apr 2026", end_label="2 apr 2026", label="IT-2026-0003 Kort & snabb",
        bar_class="gantt-bar gantt-bar-order gantt-bar-narrow",
    )
    order = Row(
        kind="order", title="Licenser", url="/bestallningar/4/", reference="IT-2026-0004",
        department=department, start=date(2026, 2, 1), end=date(2026, 9, 1),
        status="Pågår", status_value="in_progress", left="8.493", width="58.356",
        start_label="1 feb 2026", end_label="1 sep 2026", label="IT-2026-0004 Licenser",
        bar_class="gantt-bar gantt-bar-order",
    )
    return [project, unreported, narrow, order]


def lines() -> list[DepartmentLine]:
    linked = DepartmentLine(
        pk=1, name='Barn & "utbildning"', short_name="BUF <1>",
        quarters=[QuarterCount(1200, 1, "1 200", "?year=2026&department=1&quarter=1"),
                  QuarterCount(0, 2, "0"),
                  QuarterCount(5, 3, "5", "?year=2026&department=1&quarter=3", current=True),
                  QuarterCount(7, 4, "7", "?year=2026&department=1&quarter=4")],
        year=1212, linked=True,
    )
    linked.whole = QuarterCount(1212, None, "1 212", "?year=2026&department=1")
    unlinked = DepartmentLine(
        pk=2, name="Socialförvaltningen", short_name="SOC",
        quarters=[QuarterCount(3, 1, "3"), QuarterCount(0, 2, "0"), QuarterCount(0, 3, "0"),
                  QuarterCount(1, 4, "1")],
        year=4, linked=False,
    )
    unlinked.whole = QuarterCount(4, None, "4")
    return [linked, unlinked]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_timeline_rows_are_the_markup_the_template_wrote(language):
    with translation.override(language):
        assert same(html.gantt_rows(rows())) == same(render(GANTT_TEMPLATE, rows=rows()))
        assert same(html.table_rows(rows())) == same(render(TABLE_TEMPLATE, rows=rows()))


def test_the_counts_by_department_are_the_markup_the_template_wrote():
    assert same(html.department_rows(lines())) == same(render(DEPARTMENTS_TEMPLATE,
                                                              lines=lines()))
    cells = [QuarterCount(1203, 1, "1 203", "?quarter=1&a=<b>"), QuarterCount(0, 2, "0"),
             QuarterCount(12, None, "12", "?year=2026")]
    assert same(html.total_cells(cells)) == same(render(TOTALS_TEMPLATE, cells=cells))


def test_every_value_is_escaped():
    markup = html.gantt_rows(rows()) + html.table_rows(rows())
    assert "<ärende>" not in markup and "&lt;ärende&gt; &amp; &quot;system&quot;" in markup
    assert "?a=1&amp;b=2" in markup
    assert "<1>" not in html.department_rows(lines())
