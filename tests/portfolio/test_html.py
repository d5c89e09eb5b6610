"""The timeline's and the dashboard's repeated parts are written in Python (portfolio.html): the
same markup as the templates wrote, escaped alike, in Swedish as in English."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation

from portfolio import charts, html
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


#: templates/portfolio/includes/bar_chart.html, line_chart.html and paired_chart.html, and the
#: dashboard's rows of orders by state and department, before portfolio.html.
BAR_TEMPLATE = """<svg class="chart chart-bars" viewBox="0 0 {{ chart.width }} {{ chart.height }}" aria-hidden="true" focusable="false">
  {% for bar in chart.bars %}
  <text x="{{ chart.label_x }}" y="{{ bar.text_y }}" text-anchor="end" class="chart-label">{{ bar.label|truncatechars:26 }}</text>
  {% if bar.href %}<a href="{{ bar.href }}" tabindex="-1">{% endif %}<rect x="{{ chart.label_width }}" y="{{ bar.y }}" width="{{ bar.width }}" height="18" rx="2" class="bar {{ bar.css }}"><title>{{ bar.label }}: {{ bar.display }}</title></rect>{% if bar.href %}</a>{% endif %}
  <text x="{{ bar.value_x }}" y="{{ bar.text_y }}" class="chart-value">{{ bar.display }}</text>
  {% endfor %}
</svg>"""  # noqa: E501

LINE_TEMPLATE = """<svg class="chart chart-lines" viewBox="0 0 {{ chart.width }} {{ chart.height }}" aria-hidden="true" focusable="false">
  {% for tick in chart.y_ticks %}
  <line x1="{{ chart.left }}" x2="{{ chart.plot_right }}" y1="{{ tick.y }}" y2="{{ tick.y }}" class="grid"/>
  <text x="{{ tick.x }}" y="{{ tick.y }}" dy="4" text-anchor="end" class="chart-label chart-small">{{ tick.label }}</text>
  {% endfor %}
  {% for tick in chart.x_ticks %}
  <text x="{{ tick.x }}" y="{{ tick.y }}" text-anchor="middle" class="chart-label chart-small">{{ tick.label }}</text>
  {% endfor %}
  {% for line in chart.series %}
  {% for segment in line.segments %}<polyline points="{{ segment }}" class="line {{ line.css }}"/>{% endfor %}
  {% for x, y, shown in line.points %}<circle cx="{{ x }}" cy="{{ y }}" r="3.5" class="dot {{ line.css }}"><title>{{ line.name }}: {{ shown }}</title></circle>{% endfor %}
  {% endfor %}
</svg>
<ul class="chart-legend" aria-hidden="true">
  {% for line in chart.series %}<li><span class="legend-swatch legend-line {{ line.css }}"></span>{{ line.name }}</li>{% endfor %}
</ul>"""  # noqa: E501

PAIRED_TEMPLATE = """<svg class="chart chart-bars" viewBox="0 0 {{ chart.width }} {{ chart.height }}" aria-hidden="true" focusable="false">
  {% for bar in chart.bars %}
  <text x="{{ chart.label_x }}" y="{{ bar.text_y }}" text-anchor="end" class="chart-label">{{ bar.label|truncatechars:26 }}</text>
  {% if bar.href %}<a href="{{ bar.href }}" tabindex="-1">{% endif %}
  <rect x="{{ chart.label_width }}" y="{{ bar.y1 }}" width="{{ bar.w1 }}" height="15" rx="2" class="bar bar-budget"><title>{{ bar.label }}, {{ chart.first_name }}: {{ bar.first_display }}</title></rect>
  <rect x="{{ chart.label_width }}" y="{{ bar.y2 }}" width="{{ bar.w2 }}" height="15" rx="2" class="bar bar-actual{% if bar.over %} bar-over{% endif %}"><title>{{ bar.label }}, {{ chart.second_name }}: {{ bar.second_display }}</title></rect>
  {% if bar.href %}</a>{% endif %}
  <text x="{{ bar.x1 }}" y="{{ bar.t1 }}" class="chart-value chart-small">{{ bar.first_display }}</text>
  <text x="{{ bar.x2 }}" y="{{ bar.t2 }}" class="chart-value chart-small">{{ bar.second_display }}</text>
  {% endfor %}
</svg>
<ul class="chart-legend" aria-hidden="true">
  <li><span class="legend-swatch bar-budget"></span>{{ chart.first_name }}</li>
  <li><span class="legend-swatch bar-actual"></span>{{ chart.second_name }}</li>
  <li><span class="legend-swatch bar-actual bar-over"></span>{{ chart.second_name }} &gt; {{ chart.first_name }}</li>
</ul>"""  # noqa: E501

MATRIX_TEMPLATE = """{% for row in rows %}
      <tr>
        <th scope="row" title="{{ row.department.name }}">{{ row.department.short_name }}</th>
        {% for cell in row.cells %}<td>{% if cell.count %}<a href="{{ cell.href }}">{{ cell.count }}</a>{% else %}<span class="muted">0</span>{% endif %}</td>{% endfor %}
        <td><a href="{{ row.total.href }}">{{ row.total.count }}</a></td>
      </tr>
    {% endfor %}"""  # noqa: E501


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


def test_the_dashboards_charts_are_the_markup_the_templates_wrote():
    label = "Förvaltningen för <kultur> & fritid, en lång rad"
    bars = charts.bar_chart("Beställningar", [
        (label, 1200, "1 200", "/bestallningar/?status=a&year=2026", "bar-status-a"),
        ("Inga", 0, "0", "", "bar-age"),
        ('"Citat"', 12.5, "12,5", "/x/", ""),
    ])
    paired = charts.paired_chart("Budget", "Budget", "Utfall <kr>", [
        (label, 500_000, 650_000, "/portfolj/projekt/1/"),
        ("Utan budget", 0, 10, ""),
    ])
    lines = charts.line_chart("Ledtider", ["Jan", "Feb", "Mar", "Apr"], [
        ("Median", "line-median", [3.5, None, 7.25, 2]),
        ("90:e <percentilen>", "line-p90", [10, 12, None, None]),
    ], unit_decimals=1)
    empty = charts.bar_chart("Inget", [])
    for language in ("sv", "en"):
        with translation.override(language):
            for chart in (bars, empty):
                assert same(html.bar_chart(chart)) == same(render(BAR_TEMPLATE, chart=chart))
            assert same(html.paired_chart(paired)) == same(render(PAIRED_TEMPLATE,
                                                                  chart=paired))
            assert same(html.line_chart(lines)) == same(render(LINE_TEMPLATE, chart=lines))
    assert "&lt;kultur&gt; &amp;" in html.bar_chart(bars)
    assert "Utfall &lt;kr&gt;" in html.paired_chart(paired)


def test_the_orders_by_state_and_department_are_the_markup_the_template_wrote():
    from portfolio.dashboard import Cell, MatrixRow

    rows = [
        MatrixRow(department={"pk": 1, "name": 'Barn & "utbildning"', "short_name": "BUF"},
                  cells=[Cell(12, "/bestallningar/?status=a&year=2026&department=1"),
                         Cell(0, "/bestallningar/?status=b")],
                  total=Cell(12, "/bestallningar/?year=2026&department=1")),
        MatrixRow(department={"pk": 2, "name": "Social", "short_name": "<SOC>"},
                  cells=[Cell(1234, "/x/?a=1"), Cell(3, "/y/")], total=Cell(1237, "/z/")),
    ]
    assert same(html.matrix_rows(rows)) == same(render(MATRIX_TEMPLATE, rows=rows))
