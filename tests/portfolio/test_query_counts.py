"""Query counts of the portfolio pages: pinned exactly with several rows, and proven not to grow
with the number of rows (as tests/orders/test_query_counts.py: the second of two identical
requests is measured, so process-wide caches are warm).

Being logged in costs one query in the steady state, the access token (tests.queries): the
session and the person's access (the user, their permissions, where they stand, whether they
are called to a board meeting) are read from the cache (organisation.access).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from board.models import Meeting
from orders.models import Comment, Order
from portfolio import services
from portfolio import timeline as portfolio_timeline
from servicecatalog.models import Service
from tests import factories
from tests.queries import ACCESS_TOKEN, KEPT_STATE

from .conftest import timed_order

pytestmark = pytest.mark.django_db
S = Order.Status


def measure(client, url: str):
    warm = client.get(url)
    assert warm.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, ctx


def assert_count(ctx: CaptureQueriesContext, expected: int) -> None:
    sql = "\n".join(f"{i}. {q['sql'][:240]}" for i, q in enumerate(ctx.captured_queries, 1))
    assert len(ctx) == expected, f"{len(ctx)} queries, expected {expected}:\n{sql}"


STATES = [S.SUBMITTED, S.IN_PREPARATION, S.AWAITING_SUPPLEMENT, S.READY_FOR_DECISION,
          S.APPROVED, S.PLANNED, S.IN_PROGRESS, S.DELIVERED, S.CLOSED, S.REJECTED]


def orders(departments, count: int, author) -> None:
    """`count` orders over every state, with the timestamps their state implies, a supplement
    request past its date on those awaiting one, and a planned period on the planned."""
    now = timezone.now()
    today = timezone.localdate()
    for i in range(count):
        status = STATES[i % len(STATES)]
        stamps = {"submitted_at": now - timedelta(days=40 + i)}
        if status not in {S.SUBMITTED, S.IN_PREPARATION, S.AWAITING_SUPPLEMENT,
                          S.READY_FOR_DECISION}:
            stamps["decided_at"] = now - timedelta(days=20 + i % 15)
        if status in {S.DELIVERED, S.CLOSED}:
            stamps["delivered_at"] = now - timedelta(days=i % 10)
        if status in {S.PLANNED, S.IN_PROGRESS, S.DELIVERED, S.CLOSED}:
            stamps.update(planned_start=today - timedelta(days=30),
                          planned_end=today + timedelta(days=i))
        order = timed_order(departments[i % len(departments)], status,
                            priority_score=i, **stamps)
        if status == S.AWAITING_SUPPLEMENT:
            Comment.objects.create(order=order, author=author,
                                   kind=Comment.Kind.SUPPLEMENT_REQUEST, body="?",
                                   due_date=today - timedelta(days=1))


@pytest.fixture
def setting(department, other_department, change_manager, make_project):
    """Two projects with reports and milestones, a system in use and a planned meeting of the
    board."""
    for name in ("Ett", "Två"):
        project = make_project(name)
        services.milestone_add(project_id=project.pk, actor=change_manager, name="M",
                               due_date=date(2026, 5, 1))
        services.status_report_save(
            project_id=project.pk, actor=change_manager, period=date(2026, 1, 1),
            data={"schedule": "green", "cost": "green", "scope": "green", "summary": "x"})
    Service.objects.create(name="Lärplattform", lifecycle=Service.Lifecycle.IN_USE)
    start = timezone.now() + timedelta(days=3)
    Meeting.objects.create(starts_at=start, ends_at=start + timedelta(hours=1),
                           chair=change_manager)
    return [department, other_department]


# The dashboard, for the IT chief:
#   1. orders waiting now, counted by queue and day entered        (backlog; one GROUP BY)
#   2. orders by department and state, created in the year         (one GROUP BY)
#   3. decided or delivered in the year, by month and for the year (lead times; on
#      PostgreSQL summarised by the database, decided and delivered apart, one query)
#   4. the next meeting of the board, with its number of items
#   5. the order ids on its agenda
#   6. the ten orders ready for decision, with their departments
#   7. the open projects with their latest reports and departments
#   8. orders past their supplement request's date                 (a COUNT)
#   9. notifications not sent in time                              (a COUNT)
#  10. services by lifecycle state                                 (one GROUP BY)
#  11. managed systems with their plan of the year, three columns  (servicecatalog.plans)
#  12–13. contracts and licences due                               (servicecatalog.contracts)
#  14. licences in use                                             (one SUM)
#  15. the last snapshot of each month of the year
#  16. the year's IT costs as published, for the line about them (costs.selectors;
#      only for those who keep the costs, as the IT chief does)
#  17. the departments for the filter's choices
#  18. on PostgreSQL, the database's state, under which the figures are kept between
#      requests (tyreso_it.core.kept; a test's transaction that has written keeps nothing,
#      so the figures are built each time here)
DASHBOARD = ACCESS_TOKEN + 17 + KEPT_STATE


def test_the_dashboard_has_a_fixed_number_of_queries(client, setting, it_chief, coordinator):
    orders(setting, 5, coordinator)
    client.force_login(it_chief)
    response, ctx = measure(client, reverse("portfolio:dashboard"))
    assert response.context["d"].backlog.decision.count == 4
    assert_count(ctx, DASHBOARD)


def test_the_dashboard_query_count_does_not_grow_with_orders(client, setting, it_chief,
                                                             coordinator):
    client.force_login(it_chief)
    url = reverse("portfolio:dashboard") + f"?year={timezone.localdate().year}"
    orders(setting, 5, coordinator)
    _, few = measure(client, url)
    orders(setting, 45, coordinator)
    response, many = measure(client, url)
    board = response.context["d"]
    # Of 5 + 45 orders over ten states, 24 wait for a decision and 14 for delivery.
    assert (board.backlog.decision.count, board.backlog.delivery.count) == (24, 14)
    assert board.overdue.supplements == 6
    assert len(few) == len(many) == DASHBOARD


# The project list, for a member of the sponsor department:
#   1. the projects, with department, manager, latest report, place and order joined
#   2. the departments for the filter's choices
PROJECT_LIST = ACCESS_TOKEN + 2


def test_the_project_list_has_a_fixed_number_of_queries(client, make_project, orderer):
    for i in range(3):
        make_project(f"Projekt {i}")
    client.force_login(orderer)
    _, few = measure(client, reverse("portfolio:projects"))
    for i in range(3, 12):
        make_project(f"Projekt {i}", manager=factories.UserFactory())
    response, many = measure(client, reverse("portfolio:projects"))
    assert len(response.context["projects"]) == 12
    assert len(few) == len(many)
    assert_count(many, PROJECT_LIST)


# The ranked portfolio, for the change manager:
#   1. the entries the user may see, with their projects and orders joined
#   2. is there a larger change order to rank (EXISTS; the orders come on request)
#   3. approved project orders without a project (the first ten, and how many)
#   4. the latest rank changes with their people
RANKING = ACCESS_TOKEN + 4
# The form to rank a change order, on request: the orders to choose from.
RANKING_ADD = ACCESS_TOKEN + 1


def test_the_ranking_has_a_fixed_number_of_queries(client, make_project, change_manager,
                                                   department, decided_order):
    for i in range(3):
        make_project(f"Projekt {i}")
    for _ in range(2):
        decided_order(kind=Order.Kind.CHANGE, estimated_cost=500_000)
    client.force_login(change_manager)
    _, few = measure(client, reverse("portfolio:ranking"))
    for i in range(3, 12):
        make_project(f"Projekt {i}")
    response, many = measure(client, reverse("portfolio:ranking"))
    assert len(response.context["rows"]) == 12
    assert response.context["has_candidates"]
    assert len(few) == len(many)
    assert_count(many, RANKING)


def test_a_page_of_the_ranking_reads_only_its_entries(client, make_project, change_manager,
                                                      monkeypatch):
    from portfolio.views import ranking

    monkeypatch.setattr(ranking, "ENTRIES_PER_PAGE", 5)
    for i in range(12):
        make_project(f"Projekt {i:02}")
    client.force_login(change_manager)
    response, ctx = measure(client, reverse("portfolio:ranking") + "?page=2")
    assert [row["entry"].rank for row in response.context["rows"]] == [6, 7, 8, 9, 10]
    assert response.context["page"].paginator.count == 12
    assert_count(ctx, RANKING)


def test_the_form_to_rank_a_change_order_takes_one_query(client, change_manager,
                                                        decided_order):
    url = reverse("portfolio:order_add")
    client.force_login(change_manager)
    client.get(url, headers={"HX-Request": "true"})
    for _ in range(3):
        decided_order(kind=Order.Kind.CHANGE, estimated_cost=500_000)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.content.decode().count("<option value=") == 4  # and "Choose an order"
    assert_count(ctx, RANKING_ADD)


# The timeline, for the IT chief:
#   1. the planned orders of the year counted by department and quarter
#   2. the page's projects of the year, with department, latest report, place and how many
#      projects there are in all
#   3. the milestones of the page's projects (on a page past the projects: their count)
#   4. the page's planned orders, with their departments
#   5. the departments for the filter's choices
TIMELINE = ACCESS_TOKEN + 5


def test_the_timeline_has_a_fixed_number_of_queries(client, setting, it_chief, coordinator):
    orders(setting, 10, coordinator)
    client.force_login(it_chief)
    url = reverse("portfolio:timeline") + f"?year={timezone.localdate().year}"
    _, few = measure(client, url)
    orders(setting, 30, coordinator)
    response, many = measure(client, url)
    assert len(response.context["timeline"].orders) == 16
    assert len(few) == len(many)
    assert_count(many, TIMELINE)


def test_the_timeline_shows_a_page_whatever_the_number_of_orders(client, setting, it_chief,
                                                                 coordinator, monkeypatch):
    """The page holds at most ROWS_PER_PAGE rows, and a page deep into the orders costs the
    queries of the first."""
    monkeypatch.setattr(portfolio_timeline, "ROWS_PER_PAGE", 5)
    orders(setting, 40, coordinator)
    client.force_login(it_chief)
    url = reverse("portfolio:timeline") + f"?year={timezone.localdate().year}"
    # Each count is read at once: the connection's log of queries is a ring that a later
    # request may turn.
    first, at_first = measure(client, url)
    assert_count(at_first, TIMELINE)
    deep, at_deep = measure(client, url + "&page=3")
    # A page of orders only has no projects whose milestones to read, and counts them instead.
    assert_count(at_deep, TIMELINE)
    assert len(first.context["timeline"].rows) == len(deep.context["timeline"].rows) == 5
    assert [row.kind for row in first.context["timeline"].rows][:2] == ["project", "project"]
    assert {row.kind for row in deep.context["timeline"].rows} == {"order"}
    assert first.context["timeline"].page.paginator.count == 2 + 16


# A project's page, for its manager:
#   1. the project with its department, manager, latest report, order, place and creator
#   2. its milestones
#   3. its status reports with their authors
#   4. the linked orders the user may see
#   5. the project's history with its users
#   6. the orders that can be linked (for the change manager's form)
PROJECT_PAGE = ACCESS_TOKEN + 6


def test_a_project_page_has_a_fixed_number_of_queries(client, make_project, change_manager,
                                                      department):
    project = make_project()
    client.force_login(change_manager)
    _, few = measure(client, project.get_absolute_url())
    for i in range(8):
        services.milestone_add(project_id=project.pk, actor=change_manager, name=f"M{i}",
                               due_date=date(2026, 1 + i, 1))
        services.status_report_save(
            project_id=project.pk, actor=change_manager, period=date(2026, 1 + i, 1),
            data={"schedule": "green", "cost": "green", "scope": "green", "summary": "x"})
        order = timed_order(department, S.SUBMITTED)
        services.project_link_order(project_id=project.pk, actor=change_manager, order=order)
    response, many = measure(client, project.get_absolute_url())
    assert len(response.context["reports"]) == 8
    assert len(few) == len(many)
    assert_count(many, PROJECT_PAGE)


# The record of changes to the ranking, for the IT chief:
#   1. the changes with their people, projects and orders joined
RANK_HISTORY = ACCESS_TOKEN + 1


def test_the_rank_history_has_a_fixed_number_of_queries(client, make_project, change_manager,
                                                        it_chief):
    for i in range(3):
        make_project(f"Projekt {i}")
    client.force_login(it_chief)
    _, few = measure(client, reverse("portfolio:rank_history"))
    for i in range(3, 12):
        project = make_project(f"Projekt {i}")
        entry = project.entry
        services.portfolio_move(entry_id=entry.pk, actor=change_manager, to_rank=1,
                                reason=f"Viktigast nu ({i})", expected_rank=entry.rank)
    response, many = measure(client, reverse("portfolio:rank_history"))
    assert len(response.context["changes"]) == 21
    assert len(few) == len(many)
    assert_count(many, RANK_HISTORY)
