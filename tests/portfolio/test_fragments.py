"""The timeline's and the dashboard's hot fragments (Jinja2 templates under jinja2/portfolio/)
escape every value they are given, whatever a project, an order or a department is called."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation

from portfolio import charts
from portfolio.dashboard import Cell, MatrixRow
from portfolio.timeline import DepartmentLine, Mark, QuarterCount, Row

HOSTILE = 'Nytt <ärende> & "system"'


def fragment(name: str, **context) -> str:
    return render_to_string(f"portfolio/{name}.jinja", context, using="jinja2")


def rows() -> list[Row]:
    department = SimpleNamespace(short_name="IT <drift>")
    project = Row(
        kind="project", title=HOSTILE, url="/portfolj/projekt/1/?a=1&b=2", reference="",
        department=department, start=date(2026, 1, 1), end=date(2026, 6, 30),
        status="Genomförande", status_value="active", health="amber", left="0.000",
        width="49.589", health_label="Gul", start_label="1 jan 2026", end_label="30 jun 2026",
        label=HOSTILE, bar_class="gantt-bar gantt-bar-project",
        milestones=[Mark(name="Beslut <1>", day=date(2026, 3, 1), done=True, left="16.301",
                         label="1 mar 2026", short="1 mar")],
    )
    order = Row(
        kind="order", title="Kort & snabb", url="/bestallningar/3/", reference="IT-2026-0003",
        department=None, start=date(2026, 4, 1), end=date(2026, 4, 2), status="Planerad",
        status_value="planned", left="74.658", width="0.548", late=True,
        start_label="1 apr 2026", end_label="2 apr 2026", label="IT-2026-0003 Kort & snabb",
        bar_class="gantt-bar gantt-bar-order gantt-bar-late",
    )
    return [project, order]


def test_the_timelines_rows_escape_every_value():
    with translation.override("sv"):
        markup = (fragment("timeline_bars", rows=rows())
                  + fragment("timeline_table_rows", rows=rows()))
    assert "<ärende>" not in markup and "&lt;ärende&gt; &amp; &#34;system&#34;" in markup
    assert "?a=1&amp;b=2" in markup
    assert "Beslut &lt;1&gt;" in markup and "IT &lt;drift&gt;" in markup
    assert "Kort &amp; snabb" in markup
    assert "(uppnådd)" in markup  # the fragment speaks the page's language


def test_the_counts_by_department_escape_every_value():
    line = DepartmentLine(pk=1, name='Barn & "utbildning"', short_name="BUF <1>",
                          quarters=[QuarterCount(3, 1, "3", "?a=1&quarter=1")], year=3,
                          linked=True)
    line.whole = QuarterCount(3, None, "3", "?a=1&b=<2>")
    markup = fragment("timeline_departments", lines=[line])
    assert "BUF &lt;1&gt;" in markup and 'title="Barn &amp; &#34;utbildning&#34;"' in markup
    assert 'href="?a=1&amp;b=&lt;2&gt;"' in markup


def test_the_dashboards_charts_and_rows_escape_every_value():
    bars = charts.bar_chart("Beställningar", [
        ("Förvaltningen för <kultur> & fritid", 12, "12", "/b/?status=a&year=2026", "")])
    paired = charts.paired_chart("Budget", "Budget", "Utfall <kr>", [(HOSTILE, 5, 6, "/p/")])
    lines = charts.line_chart("Ledtider", ["Jan"], [("90:e <percentilen>", "line-p90", [3])])
    matrix = [MatrixRow(department={"name": 'B & "U"', "short_name": "<BUF>"},
                        cells=[Cell(2, "/b/?a=1&b=2")], total=Cell(2, "/t/"))]
    markup = (fragment("bar_chart", chart=bars) + fragment("paired_chart", chart=paired)
              + fragment("line_chart", chart=lines)
              + fragment("status_matrix_rows", rows=matrix))
    assert "&lt;kultur&gt; &amp;" in markup and "/b/?status=a&amp;year=2026" in markup
    assert "Utfall &lt;kr&gt;" in markup and "&lt;ärende&gt;" in markup
    assert "90:e &lt;percentilen&gt;" in markup and "&lt;BUF&gt;" in markup
    assert "<kultur>" not in markup and "<ärende>" not in markup and "<BUF>" not in markup


def test_a_long_label_is_shortened_in_the_chart_and_whole_in_its_title():
    label = "Förvaltningen för kultur och fritid, en lång rad"
    markup = fragment("bar_chart", chart=charts.bar_chart("B", [(label, 1, "1", "", "")]))
    assert ">Förvaltningen för kultur …</text>" in markup  # 25 characters and …
    assert f"<title>{label}: 1</title>" in markup
