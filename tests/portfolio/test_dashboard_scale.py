"""The IT chief's dashboard when the portfolio is large: the budget chart and its table show
the first projects of the portfolio and give the rest on request (the whole page without
script, the table alone with htmx), every figure still counts them all; the trends read the
last snapshot of each month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse

from orders.models import Order
from portfolio import dashboard
from portfolio.dashboard import leadtimes, projects
from portfolio.models import DashboardSnapshot

pytestmark = pytest.mark.django_db
URL = reverse("portfolio:dashboard")


@pytest.fixture
def three_projects(make_project, monkeypatch):
    monkeypatch.setattr(projects, "PROJECTS_SHOWN", 2)
    for name in ("Ett", "Två", "Tre"):
        make_project(name, budget=Decimal("100000"))


def test_the_budget_table_shows_the_first_projects_and_counts_them_all(client, three_projects,
                                                                       it_chief):
    client.force_login(it_chief)
    response = client.get(URL + "?year=2026")
    figures = response.context["d"].projects
    assert [p.name for p in figures.shown] == ["Ett", "Två"]
    assert (figures.count, figures.more, figures.budget) == (3, 1, Decimal("300000"))
    assert [bar.label for bar in figures.budget_chart.bars] == ["Ett", "Två"]
    content = response.content.decode()
    assert 'href="?year=2026&amp;projects=all#h-projects"' in content
    assert ">Tre</a>" not in content


def test_each_project_figure_counts_the_projects_its_link_lists(client, make_project,
                                                                change_manager, it_chief,
                                                                monkeypatch):
    """The health counts and the missing reports are worked out over every open project,
    also those past the first shown, by the project list's own conditions."""
    from portfolio import services

    monkeypatch.setattr(projects, "PROJECTS_SHOWN", 1)
    reports = {"Röd": ("red", "green", "amber"), "Gul": ("green", "amber", "green"),
               "Grön": ("green", "green", "green"), "Utan rapport": None}
    for name, aspects in reports.items():
        project = make_project(name)
        if aspects:
            schedule, cost, scope = aspects
            services.status_report_save(
                project_id=project.pk, actor=change_manager, period=date(2026, 1, 1),
                data={"schedule": schedule, "cost": cost, "scope": scope, "summary": "x",
                      "schedule_comment": "x", "cost_comment": "x", "scope_comment": "x"})
    make_project("Avslutat", status="closed")  # not open: counted nowhere
    client.force_login(it_chief)
    figures = client.get(URL + "?year=2026").context["d"].projects
    assert (figures.count, len(figures.shown), figures.more) == (4, 1, 3)
    assert [(h.health, h.count) for h in figures.health] == [
        ("red", 1), ("amber", 1), ("green", 1), ("none", 1)]
    assert figures.budget == Decimal("2000000")
    for item in figures.health:
        listed = client.get(item.href).context["projects"]
        assert len(listed) == item.count, item.href
    listed = client.get(figures.missing_href).context["projects"]
    assert figures.missing_reports == len(listed)


def test_the_projects_export_holds_every_open_project(client, three_projects, it_chief):
    client.force_login(it_chief)
    response = client.get(reverse("portfolio:dashboard_export", args=["projects", "csv"]))
    names = [line.split(";")[0].split(",")[0] for line in
             response.getvalue().decode("utf-8-sig").splitlines()[1:]]
    assert names == ["Ett", "Två", "Tre"]


def test_the_other_projects_are_shown_on_request(client, three_projects, it_chief):
    client.force_login(it_chief)
    page = client.get(URL + "?year=2026&projects=all")
    assert [p.name for p in page.context["d"].projects.shown] == ["Ett", "Två", "Tre"]
    assert "projects=all" not in page.context["query"]
    assert ">Tre</a>" in page.content.decode()

    table = client.get(URL + "?year=2026&projects=all", headers={"HX-Request": "true"})
    content = table.content.decode()
    assert content.lstrip().startswith('<div class="table-wrap" id="dashboard-projects"')
    assert "autofocus" in content and ">Tre</a>" in content
    assert "<h1" not in content


def test_the_print_view_shows_every_project(client, three_projects, it_chief):
    client.force_login(it_chief)
    response = client.get(reverse("portfolio:dashboard_print"))
    assert len(response.context["d"].projects.shown) == 3
    assert "projects=all" not in response.content.decode()


def test_the_projects_on_request_are_for_those_who_see_the_whole_portfolio(
    client, three_projects, orderer
):
    client.force_login(orderer)
    assert client.get(URL + "?projects=all",
                      headers={"HX-Request": "true"}).status_code == 404
    client.logout()
    assert client.get(URL + "?projects=all").status_code == 302


def test_the_trends_read_the_last_snapshot_of_each_month(it_chief):
    for day, waiting in ((date(2026, 3, 2), 7), (date(2026, 3, 31), 5), (date(2026, 4, 15), 9),
                         (date(2025, 12, 31), 1)):
        DashboardSnapshot.objects.create(day=day, data={"orders": [
            [1, "change", Order.Status.SUBMITTED, waiting]]})
    rows = dashboard.trends(dashboard.Filters(year=2026)).rows
    taken = [(row.label, row.day, row.waiting_decision) for row in rows if row.day]
    assert taken == [("Mar", date(2026, 3, 31), 5), ("Apr", date(2026, 4, 15), 9)]


@pytest.mark.postgres
def test_on_postgresql_the_database_sums_the_trends_as_python_does(department, it_chief):
    """The snapshots are summed by PostgreSQL: the same figures as SQLite's way, with the
    department and type filters, red and amber projects, and none for a snapshot without
    projects."""
    import importlib

    from django.db import connections

    # The package exports the function `trends` under the module's name.
    trends_module = importlib.import_module("portfolio.dashboard.trends")
    S = Order.Status
    other = department.pk + 1000
    DashboardSnapshot.objects.create(day=date(2026, 1, 31), data={"orders": [
        [department.pk, "change", S.SUBMITTED, 4], [department.pk, "project", S.APPROVED, 2],
        [other, "change", S.READY_FOR_DECISION, 3], [other, "change", S.CLOSED, 50]]})
    DashboardSnapshot.objects.create(day=date(2026, 2, 28), data={
        "orders": [[department.pk, "change", S.IN_PROGRESS, 6]],
        "projects": [[department.pk, "red", 1], [department.pk, "green", 4],
                     [other, "amber", 2]]})
    DashboardSnapshot.objects.create(day=date(2026, 3, 31), data={"projects": []})
    every = (dashboard.Filters(year=2026), dashboard.Filters(year=2026, department=department),
             dashboard.Filters(year=2026, kind="change"), dashboard.Filters(year=2025))
    in_database = [trends_module._monthly_sums(f) for f in every]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connections["default"], "vendor", "sqlite")
        in_python = [trends_module._monthly_sums(f) for f in every]
    assert in_database == in_python
    assert in_database[0] == {1: (date(2026, 1, 31), 7, 2, None),
                              2: (date(2026, 2, 28), 0, 6, 3),
                              3: (date(2026, 3, 31), 0, 0, 0)}
    assert in_database[1][2] == (date(2026, 2, 28), 0, 6, 1)
    assert in_database[2][1] == (date(2026, 1, 31), 7, 0, None)
    assert in_database[3] == {}
    rows = dashboard.trends(dashboard.Filters(year=2026)).rows
    assert [(r.waiting_decision, r.waiting_delivery, r.projects_at_risk) for r in rows[:4]] == [
        (7, 2, None), (0, 6, 3), (0, 0, 0), (None, None, None)]


@pytest.mark.postgres
def test_on_postgresql_the_database_works_out_the_same_lead_times(department, it_chief):
    """PostgreSQL's percentile_cont gives what the percentile here gives (SQLite's way)."""
    from .conftest import at, timed_order

    for i in range(9):
        submitted = at(2026, 1 + i, 3, 9 + i)
        decided = at(2026, 2 + i % 3, 28, 23, 30)  # late evening: next month in UTC
        timed_order(department, Order.Status.CLOSED, submitted_at=submitted,
                    decided_at=decided, delivered_at=at(2026, 5 + i % 4, 1 + i, 8),
                    closed_at=at(2026, 12, 1))
    timed_order(department, Order.Status.DELIVERED, decided_at=at(2026, 3, 1),
                delivered_at=at(2026, 6, 1))  # no submitted: out of the submitted → delivered
    # Just after midnight in Stockholm, still the month before in UTC: counted in April,
    # and the first minutes of the year in 2026.
    timed_order(department, Order.Status.DELIVERED, submitted_at=at(2025, 12, 20),
                decided_at=at(2026, 1, 1, 0, 10), delivered_at=at(2026, 4, 1, 0, 30))
    base = dashboard.order_scope(it_chief, dashboard.Filters(year=2026))
    start, end = dashboard.year_bounds(2026)
    decided = Q(decided_at__gte=start, decided_at__lt=end, submitted_at__isnull=False)
    delivered = Q(delivered_at__gte=start, delivered_at__lt=end, decided_at__isnull=False)
    groups = [
        leadtimes._LeadGroup("decided_at", decided, {"decision": ("decided_at", "submitted_at")}),
        leadtimes._LeadGroup("delivered_at", delivered,
                             {"delivery": ("delivered_at", "decided_at"),
                              "total": ("delivered_at", "submitted_at")}),
    ]
    orders = base.filter(decided | delivered)
    in_database = leadtimes._lead_in_database(orders, groups, 2026)
    in_python = leadtimes._lead_in_python(orders, groups)
    assert in_database["delivery"][4].count == 1 and in_database["decision"][1].count == 1
    for name in ("decision", "delivery", "total"):
        months = {m for m, lead in in_python[name].items() if lead.count}
        assert {m for m, lead in in_database[name].items() if lead.count} == months
        assert 0 in months
        for month in months:
            db, py = in_database[name][month], in_python[name][month]
            assert db.count == py.count
            assert db.median == pytest.approx(py.median)
            assert db.p90 == pytest.approx(py.p90)
