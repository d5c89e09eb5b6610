"""The year's timeline when much is planned: the projects first, in the order of the portfolio,
then the planned orders by their start, a page at a time; the planned orders counted by
department and quarter, each count leading to the timeline of those orders; the export whole.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from orders.models import Order
from organisation.models import Role
from portfolio import timeline
from raci.models import OrderRoleSight
from tests.factories import add_role

from .conftest import timed_order

pytestmark = pytest.mark.django_db
S = Order.Status
URL = reverse("portfolio:timeline")


@pytest.fixture
def pages_of_four(monkeypatch):
    monkeypatch.setattr(timeline, "ROWS_PER_PAGE", 4)


def planned(department, title: str, start: date, end: date, status: str = S.PLANNED) -> Order:
    return timed_order(department, status, title=title, planned_start=start, planned_end=end)


@pytest.fixture
def year(make_project, department, other_department):
    """Two projects of 2026 and the planned orders of two departments, with orders that are
    not on the timeline of 2026."""
    make_project("Andra projektet")
    make_project("Första projektet")
    planned(department, "Vinter", date(2026, 1, 10), date(2026, 2, 20))
    planned(department, "Vår till höst", date(2026, 5, 1), date(2026, 9, 30),
            status=S.IN_PROGRESS)
    planned(department, "Hela året", date(2025, 11, 1), date(2027, 1, 31), status=S.CLOSED)
    planned(department, "December", date(2026, 12, 1), date(2026, 12, 20),
            status=S.DELIVERED)
    planned(other_department, "Socialtjänstens höst", date(2026, 8, 1), date(2026, 10, 15))
    # Not on the timeline of 2026: another year, not yet planned, and an order that became a
    # project (it is there as its project).
    planned(department, "Förra året", date(2025, 3, 1), date(2025, 6, 1))
    planned(department, "Godkänd", date(2026, 3, 1), date(2026, 4, 1), status=S.APPROVED)
    became = timed_order(department, S.APPROVED, kind=Order.Kind.PROJECT, title="Blev projekt")
    make_project("Projekt av beställning", order=became, planned_start=date(2026, 3, 1),
                 planned_end=date(2026, 4, 1))
    Order.objects.filter(pk=became.pk).update(status=S.PLANNED, planned_start=date(2026, 3, 1),
                                              planned_end=date(2026, 4, 1))


def shown_to_a_role_of(person, order: Order) -> None:
    """A HUKI step showed `order` to a role `person` holds (the IT operations manager)."""
    add_role(person, Role.Code.IT_OPERATIONS_MANAGER)
    OrderRoleSight.objects.create(order=order,
                                  role=Role.objects.get(code=Role.Code.IT_OPERATIONS_MANAGER))


def titles(response) -> list[str]:
    return [row.title for row in response.context["timeline"].rows]


def test_projects_come_first_then_the_orders_by_their_start_a_page_at_a_time(
    client, year, it_chief, pages_of_four
):
    client.force_login(it_chief)
    first = client.get(URL + "?year=2026")
    assert first.status_code == 200
    assert titles(first) == ["Andra projektet", "Första projektet", "Projekt av beställning",
                             "Hela året"]
    result = first.context["timeline"]
    assert (result.project_count, result.order_count) == (3, 5)
    page = result.page
    assert (page.number, page.paginator.num_pages, page.paginator.count) == (1, 2, 8)
    assert 'href="?year=2026&amp;page=2" rel="next"' in first.content.decode()

    second = client.get(URL + "?year=2026&page=2")
    content = second.content.decode()
    assert titles(second) == ["Vinter", "Vår till höst", "Socialtjänstens höst", "December"]
    assert (second.context["timeline"].page.start_index(),
            second.context["timeline"].page.end_index()) == (5, 8)
    assert "här visas 5–8 av 8" in content
    assert 'href="?year=2026&amp;page=1" rel="prev"' in content
    assert "Förra året" not in content and "Godkänd" not in content


def test_a_last_page_of_one_row_names_that_row_alone(client, year, it_chief, monkeypatch):
    monkeypatch.setattr(timeline, "ROWS_PER_PAGE", 7)
    client.force_login(it_chief)

    content = client.get(URL + "?year=2026&page=2").content.decode()

    assert "här visas 8 av 8" in content
    assert "8–8" not in content


def test_a_page_past_the_last_shows_the_last_and_a_bad_one_the_first(client, year, it_chief,
                                                                    pages_of_four):
    client.force_login(it_chief)
    assert titles(client.get(URL + "?year=2026&page=99"))[-1] == "December"
    response = client.get(URL + "?year=2026&page=nio")
    assert response.status_code == 200
    assert response.context["timeline"].page.number == 1


def test_planned_orders_are_counted_by_department_and_quarter(client, year, it_chief):
    client.force_login(it_chief)
    result = client.get(URL + "?year=2026").context["timeline"]
    lines = {line.short_name: line for line in result.departments}
    assert [line.short_name for line in result.departments] == ["BUF", "SOC"]
    # An order planned across quarters is in each: the whole-year order in all four.
    assert [c.count for c in lines["BUF"].quarters] == [2, 2, 2, 2]
    assert lines["BUF"].year == 4
    assert [c.count for c in lines["SOC"].quarters] == [0, 0, 1, 1]
    assert result.quarter_totals == [2, 2, 3, 3]
    assert result.year_total == 5
    assert [c.label for c in result.total_cells] == ["2", "2", "3", "3", "5"]


def test_a_count_leads_to_that_departments_orders_in_that_quarter(client, year, it_chief,
                                                                  department):
    client.force_login(it_chief)
    page = client.get(URL + "?year=2026&paper=a3")
    buf = next(line for line in page.context["timeline"].departments if line.pk == department.pk)
    q3 = buf.quarters[2]
    assert q3.href == f"?year=2026&paper=a3&department={department.pk}&quarter=3"
    assert f'href="{q3.href.replace("&", "&amp;")}"' in page.content.decode()

    shown = client.get(URL + q3.href)
    result = shown.context["timeline"]
    # The chart spans the quarter: its three months, and the bars cut at its ends.
    assert [span.label for span in result.months] == ["Juli", "Augusti", "September"]
    assert [row.title for row in result.orders] == ["Hela året", "Vår till höst"]
    assert all(row.starts_before for row in result.orders)
    assert not any(row.title == "Socialtjänstens höst" for row in result.rows)
    cell = next(line for line in result.departments if line.pk == department.pk).quarters[2]
    assert cell.current
    assert 'aria-current="page"' in shown.content.decode()


def test_an_orderer_sees_their_departments_counts_and_no_link_to_another(
    client, year, orderer, other_department
):
    """An order of another department that the person may see (shown by a HUKI step to a
    role they hold) is counted, but its department is not one they can filter the timeline
    by."""
    shared = Order.objects.get(title="Socialtjänstens höst")
    shown_to_a_role_of(orderer, shared)
    client.force_login(orderer)
    result = client.get(URL + "?year=2026").context["timeline"]
    lines = {line.short_name: line for line in result.departments}
    assert lines["BUF"].year == 4 and all(cell.href for cell in lines["BUF"].cells)
    assert lines["SOC"].year == 1 and not any(cell.href for cell in lines["SOC"].cells)
    # Another department's filter is not the person's to choose: it is dropped.
    other = client.get(URL + f"?year=2026&department={other_department.pk}")
    assert other.context["department"] is None


def test_another_departments_orderer_sees_none_of_it(client, year, other_orderer):
    client.force_login(other_orderer)
    result = client.get(URL + "?year=2026").context["timeline"]
    assert [row.title for row in result.orders] == ["Socialtjänstens höst"]
    assert [line.short_name for line in result.departments] == ["SOC"]
    assert result.project_count == 0


def test_the_export_holds_every_row_whatever_the_page(client, year, it_chief, pages_of_four):
    client.force_login(it_chief)
    response = client.get(URL + "?year=2026&page=2&export=csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert [row[2] for row in rows[1:]] == [
        "Andra projektet", "Första projektet", "Projekt av beställning", "Hela året", "Vinter",
        "Vår till höst", "Socialtjänstens höst", "December"]
    quarter = client.get(URL + "?year=2026&quarter=1&export=csv")
    rows = list(csv.reader(io.StringIO(quarter.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert [row[2] for row in rows[1:]][-2:] == ["Hela året", "Vinter"]


def test_a_quarter_without_plans_says_so(client, it_chief):
    client.force_login(it_chief)
    response = client.get(URL + "?year=2026&quarter=2")
    assert response.status_code == 200
    assert response.context["timeline"].rows == []
    assert response.context["timeline"].departments == []


def test_a_page_can_hold_the_last_projects_and_the_first_orders(client, year, it_chief,
                                                                monkeypatch):
    monkeypatch.setattr(timeline, "ROWS_PER_PAGE", 2)
    client.force_login(it_chief)
    second = client.get(URL + "?year=2026&page=2")
    assert titles(second) == ["Projekt av beställning", "Hela året"]
    assert [row.kind for row in second.context["timeline"].rows] == ["project", "order"]
    assert second.context["timeline"].project_count == 3
    # Past the last page: the last page, its rows and the counts as on any page.
    last = client.get(URL + "?year=2026&page=9").context["timeline"]
    assert (last.page.number, last.project_count) == (4, 3)
    assert [row.title for row in last.rows] == ["Socialtjänstens höst", "December"]


def test_the_planned_orders_seen_are_those_the_order_permissions_give(
    year, orderer, colleague, it_lead, other_orderer, provider_user, it_chief, outsider,
    department, other_department,
):
    """The timeline's shorter filter of the planned orders gives what the permission filter
    gives of the planned states, whoever asks: a member, an IT lead, someone holding a role a
    HUKI step showed another department's order to or who wrote one there, and those who see
    all."""
    shared = Order.objects.get(title="Socialtjänstens höst")
    shown_to_a_role_of(colleague, shared)
    timed_order(other_department, S.IN_PROGRESS, title="Skriven av Olga",
                planned_start=date(2026, 4, 1), planned_end=date(2026, 5, 1))
    Order.objects.filter(title="Skriven av Olga").update(orderer=orderer)
    timed_order(department, S.DRAFT, title="Utkast")

    def ids(queryset) -> set[int]:
        return set(queryset.values_list("pk", flat=True))

    for person in (orderer, colleague, it_lead, other_orderer, provider_user, it_chief,
                   outsider):
        expected = ids(
            Order.objects.visible_to(person).filter(status__in=timeline.PLANNED_ORDER_STATES))
        assert ids(timeline.planned_orders_visible_to(person)) == expected, person.username
    # Writing an order gives no sight of it outside one's own departments.
    assert Order.objects.get(title="Skriven av Olga").pk not in ids(
        timeline.planned_orders_visible_to(orderer))


def test_every_bar_writes_its_label_whole_and_a_late_one_ends_it_at_its_end(client, year,
                                                                           it_chief):
    """A bar's label (its phase or status) is written beside the bar, never cut to fit it:
    a bar late in the period has its label end where the bar ends, to stay on the chart."""
    client.force_login(it_chief)
    response = client.get(URL + "?year=2026")
    rows = {row.title: row for row in response.context["timeline"].rows}
    content = response.content.decode()
    assert not rows["Vinter"].late and rows["December"].late
    december = content.split('title="December: ', 1)[0].rsplit("<a ", 1)[1]
    assert "gantt-bar-late" in december
    assert content.count('<span class="gantt-bar-label">') == len(rows)
    assert '<span class="gantt-bar-label">Levererad</span>' in content


def test_todays_label_stays_on_the_chart_at_the_end_of_the_year(year, it_chief):
    late = timeline.build(it_chief, 2026, today=date(2026, 12, 28))
    early = timeline.build(it_chief, 2026, today=date(2026, 6, 1))
    assert late.today_late and not early.today_late
    assert not timeline.build(it_chief, 2025, today=date(2026, 6, 1)).today_late  # no line
