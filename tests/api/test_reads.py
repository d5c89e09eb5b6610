"""The read endpoints: who may read each (anonymous, unauthorised, authorised, another
department's object), and what each costs in queries, pinned and constant in the page size.

Counts are taken on the second of two identical requests (the steady state: process-wide
caches warm), with the browser's session: the access token (tests.queries) and then the
endpoint's own queries, listed with each test. A personal token costs one query more (the
token with its owner) and, once a minute, the write of when it was last used.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from board import services as board_services
from orders.models import Order
from portfolio import services as portfolio_services
from servicecatalog.models import ManagementPlan
from tests.api.conftest import ApiClient, make_token
from tests.orders.test_query_counts import bare_order
from tests.queries import ACCESS_TOKEN
from tests.servicecatalog.catalogue_data import make_integration, rich_service

pytestmark = pytest.mark.django_db

S = Order.Status


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def measure(client, url: str):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response, len(ctx), "\n".join(q["sql"][:200] for q in ctx.captured_queries)


def assert_constant(make_rows, client, url: str, expected: int, few: int = 2, many: int = 6):
    """`expected` queries with `few` rows, and the same with `many`."""
    make_rows(few)
    response, count, sql = measure(client, url)
    assert count == expected, f"{count} queries, expected {expected}:\n{sql}"
    assert len(response.json()["results"]) >= few
    make_rows(many - few)
    response, count, sql = measure(client, url)
    assert count == expected, f"{count} queries with more rows, expected {expected}:\n{sql}"
    assert len(response.json()["results"]) >= many


# --- orders --------------------------------------------------------------------------------


# The orders list: 1. the page of orders with their departments (cursor: no count).
def test_orders_list_queries_are_pinned(department, orderer):
    def rows(n):
        for _ in range(n):
            bare_order(department=department)

    assert_constant(rows, session(orderer), reverse("api:orders"), ACCESS_TOKEN + 1)


def test_orders_list_with_a_token_costs_one_query_more(department, orderer):
    def rows(n):
        for _ in range(n):
            bare_order(department=department)

    client = ApiClient(make_token(orderer))
    assert_constant(rows, client, reverse("api:orders"), 1 + ACCESS_TOKEN + 1)


def test_orders_list_costs_the_same_whatever_the_page_size(department, orderer):
    for _ in range(8):
        bare_order(department=department)
    client = session(orderer)
    small, few, _sql = measure(client, reverse("api:orders") + "?page_size=2")
    large, many, _sql = measure(client, reverse("api:orders") + "?page_size=100")
    assert len(small.json()["results"]) == 2 and len(large.json()["results"]) == 8
    assert few == many == ACCESS_TOKEN + 1


# The order: 1. the order with its people, 2. its options, 3. attachments, 4. comments,
# 5. the priority factors, then its history: 6. transitions, 7. field changes.
def test_order_detail_queries_are_pinned(make_order, orderer):
    order = make_order(S.READY_FOR_DECISION)
    _response, count, sql = measure(session(orderer), reverse("api:order", args=[order.pk]))
    assert count == ACCESS_TOKEN + 7, sql


# --- catalogue -----------------------------------------------------------------------------


def test_catalogue_is_read_by_everyone_logged_in(api_as, outsider, department):
    service = rich_service(department, name="Skolplattform")
    client = api_as(outsider)
    assert client.get(reverse("api:services")).json()["results"][0]["name"] == "Skolplattform"
    body = client.get(reverse("api:service", args=[service.pk])).json()
    assert body["name"] == "Skolplattform"
    assert "yearly_cost" not in body and "internal_notes" not in body
    assert api_as(None).get(reverse("api:services")).status_code == 401
    assert client.get(reverse("api:service", args=[service.pk + 999])).status_code == 404


# 1. the page of services with category, department and supplier.
def test_services_list_queries_are_pinned(department, outsider):
    def rows(n):
        for _ in range(n):
            rich_service(department)

    assert_constant(rows, session(outsider), reverse("api:services"), ACCESS_TOKEN + 1)


# 1. the page of integrations with both ends.
def test_integrations_list_queries_are_pinned(department, outsider):
    def rows(n):
        for _ in range(n):
            make_integration(rich_service(department), rich_service(department))

    assert_constant(rows, session(outsider), reverse("api:integrations"), ACCESS_TOKEN + 1)


# 1. the page of plans with their systems.
def test_plans_list_queries_are_pinned(department, outsider):
    def rows(n):
        for _ in range(n):
            ManagementPlan.objects.create(service=rich_service(department), year=2026)

    assert_constant(rows, session(outsider), reverse("api:plans"), ACCESS_TOKEN + 1)


# --- portfolio -----------------------------------------------------------------------------


def project(department, manager, name="Projekt"):
    return portfolio_services.project_create(actor=manager, data={
        "name": name, "sponsor_department": department, "manager": manager,
        "phase": "execution", "status": "active"})


def test_projects_follow_the_portfolio_rule(api_as, orderer, other_orderer, outsider,
                                            change_manager, department, other_department):
    own = project(department, change_manager, "Eget")
    other = project(other_department, change_manager, "Annat")
    client = api_as(orderer)
    names = {p["name"] for p in client.get(reverse("api:projects")).json()["results"]}
    assert names == {"Eget"}
    assert client.get(reverse("api:project", args=[own.pk])).status_code == 200
    assert client.get(reverse("api:project", args=[other.pk])).status_code == 404
    ranked = {e["project"] for e in client.get(reverse("api:portfolio")).json()["results"]}
    assert ranked == {own.pk}
    refused = api_as(outsider).get(reverse("api:projects"))
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert api_as(outsider).get(reverse("api:portfolio")).status_code == 403
    assert api_as(None).get(reverse("api:portfolio")).status_code == 401
    assert {p["name"] for p in api_as(change_manager).get(
        reverse("api:projects")).json()["results"]} == {"Eget", "Annat"}


# 1. the page of projects with department, manager, latest report and place.
def test_projects_list_queries_are_pinned(department, change_manager):
    def rows(n):
        for i in range(n):
            project(department, change_manager, f"P{timezone.now().timestamp()}-{i}")

    assert_constant(rows, session(change_manager), reverse("api:projects"), ACCESS_TOKEN + 1)


# 1. the page of ranked entries with their projects, orders and departments (the visibility
# of the ranked orders and projects asked in the same query).
def test_ranked_portfolio_queries_are_pinned(department, change_manager):
    def rows(n):
        for i in range(n):
            project(department, change_manager, f"R{timezone.now().timestamp()}-{i}")

    assert_constant(rows, session(change_manager), reverse("api:portfolio"), ACCESS_TOKEN + 1)


# --- board ---------------------------------------------------------------------------------


def test_meetings_are_for_the_board(api_as, orderer, change_manager, it_chief):
    meeting = board_services.meeting_create(actor=change_manager,
                                            starts_at=timezone.now() + timedelta(days=10))
    assert api_as(orderer).get(reverse("api:meetings")).status_code == 403
    assert api_as(orderer).get(reverse("api:meeting", args=[meeting.pk])).status_code == 403
    assert api_as(None).get(reverse("api:meetings")).status_code == 401
    listed = api_as(it_chief).get(reverse("api:meetings")).json()["results"]
    assert [m["id"] for m in listed] == [meeting.pk]
    assert api_as(it_chief).get(reverse("api:meeting", args=[meeting.pk + 99])).status_code \
        == 404


def test_an_agenda_shows_decisions_only_once_adjusted(api_as, make_order, change_manager,
                                                      it_chief):
    meeting = board_services.meeting_create(actor=change_manager,
                                            starts_at=timezone.now() + timedelta(days=10))
    order = make_order(S.READY_FOR_DECISION)
    board_services.agenda_add_item(meeting_id=meeting.pk, actor=change_manager, order=order)
    body = api_as(it_chief).get(reverse("api:meeting", args=[meeting.pk])).json()
    items = [i for i in body["agenda"] if i["order"] == order.pk]
    assert items and items[0]["decision"] is None
    assert items[0]["order_reference"] == order.reference


# 1. the meeting with its chair and adjuster, 2. its items with their orders.
def test_meeting_detail_queries_are_pinned(make_order, change_manager):
    meeting = board_services.meeting_create(actor=change_manager,
                                            starts_at=timezone.now() + timedelta(days=10))
    url = reverse("api:meeting", args=[meeting.pk])
    counts = []
    for _ in range(2):
        for _ in range(2):
            board_services.agenda_add_item(meeting_id=meeting.pk, actor=change_manager,
                                           order=make_order(S.READY_FOR_DECISION))
        response, count, sql = measure(session(change_manager), url)
        counts.append(count)
        assert count == ACCESS_TOKEN + 2, sql
    assert len([i for i in response.json()["agenda"] if i["order"]]) == 4


# 1. the page of meetings with their chairs and their numbers of items.
def test_meetings_list_queries_are_pinned(change_manager):
    days = iter(range(10, 100))

    def rows(n):
        for _ in range(n):
            board_services.meeting_create(
                actor=change_manager, starts_at=timezone.now() + timedelta(days=next(days)))

    assert_constant(rows, session(change_manager), reverse("api:meetings"), ACCESS_TOKEN + 1)


# --- the HUKI matrix -----------------------------------------------------------------------


def test_matrix_in_force_is_read_by_everyone(api_as, outsider):
    body = api_as(outsider).get(reverse("api:huki")).json()
    assert body["number"] >= 1
    assert body["activities"] and body["roles"]
    letters = {cell["letter"] for a in body["activities"] for cell in a["cells"]}
    assert letters <= {"H", "U", "K", "I"} and "H" in letters
    roles = {r["id"] for r in body["roles"]}
    assert all(cell["role"] in roles for a in body["activities"] for cell in a["cells"])


# 1. the version in force, 2. its activities, 3. their cells, 4. the roles.
def test_matrix_queries_are_pinned(outsider):
    _response, count, sql = measure(session(outsider), reverse("api:huki"))
    assert count == ACCESS_TOKEN + 4, sql


def test_other_department_orders_are_never_in_any_read(api_as, make_order, orderer,
                                                       other_orderer, other_department):
    hidden = make_order(S.SUBMITTED, orderer=other_orderer, department=other_department,
                        title="Hemlig SOC")
    client = api_as(orderer)
    for name in ("api:orders", "api:services", "api:projects", "api:portfolio", "api:huki"):
        assert hidden.title not in client.get(reverse(name)).content.decode()
