"""Query counts of the catalogue list, a service page and the system map: pinned exactly with
several rows, and proven not to grow with the number of rows (healthchecks
`api/tests/test_list_checks.py`).

Each count is taken on the second of two identical requests, so process-wide caches
(content types, guardian's) are warm, as in a running server. Every page starts with the same
four queries of being logged in (session, user, the user's permissions, the user's groups'
permissions); the page's own are listed with each test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order
from tests import factories

from .catalogue_data import (
    make_category,
    make_contract,
    make_integration,
    make_service,
    make_supplier,
    rich_service,
)

pytestmark = pytest.mark.django_db

AUTH_QUERIES = 4


def measure(client, url: str):
    warm = client.get(url)
    assert warm.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, ctx


def assert_count(ctx: CaptureQueriesContext, expected: int) -> None:
    sql = "\n".join(f"{i}. {q['sql'][:300]}" for i, q in enumerate(ctx.captured_queries, 1))
    assert len(ctx) == expected, f"{len(ctx)} queries, expected {expected}:\n{sql}"


def services_with_everything(count: int, department) -> list:
    """Services that each have their own category, supplier, department and people, so a
    page that fetched any of them per row would show it in its count."""
    rows = []
    for _ in range(count):
        rows.append(make_service(
            category=make_category(), supplier=make_supplier(),
            department=factories.DepartmentFactory() if rows else department,
            system_owner=factories.UserFactory(), system_manager=factories.UserFactory(),
        ))
    return rows


# --- the catalogue list ------------------------------------------------------------------

# An orderer's list: 4 auth queries, then
#   5. COUNT of the matching services (paginator)
#   6. departments where the user is a member      (the menu's "New order" link; a member
#                                                   needs no second look for "coordinate")
#   7. whether the user sits on the decision board  (the menu's "Beslutsråd IT" link)
#   8. the categories for the filter's choices
#   9. the departments for the filter's choices
#  10. the suppliers for the filter's choices
#  11. the page of services, with category, department and supplier joined
CATALOGUE_LIST = 11


def test_catalogue_list_has_a_fixed_number_of_queries(client, orderer, department):
    rows = services_with_everything(5, department)
    client.force_login(orderer)
    response, ctx = measure(client, reverse("servicecatalog:service_list"))
    assert {s.name for s in response.context["page"].object_list} == {s.name for s in rows}
    assert_count(ctx, CATALOGUE_LIST)


def test_catalogue_list_query_count_does_not_grow_with_rows(client, orderer, department):
    client.force_login(orderer)
    url = reverse("servicecatalog:service_list") + "?sort=department"
    services_with_everything(2, department)
    _, few = measure(client, url)
    services_with_everything(30, department)
    response, many = measure(client, url)
    assert len(response.context["page"].object_list) == 32
    assert len(many) == len(few) == CATALOGUE_LIST


# --- a service's page --------------------------------------------------------------------

# An orderer of the owning department, on a service with SLA levels, contracts, integrations
# and open orders: 4 auth queries, then
#   5. the service, with category, department, owner, manager and supplier joined
#   6. its SLA levels                               (prefetch)
#   7. its contracts with their suppliers joined    (prefetch)
#   8. its integrations, both ends and their departments and the owner joined
#   9. departments where the user is a member      (sees_internal; cached for the request,
#  10. departments the user coordinates             so orders_visible_to and the menu reuse it)
#  11. its open orders the user may see, with department and handler joined
#  12. whether the user sits on the decision board  (the menu's "Beslutsråd IT" link)
SERVICE_PAGE = 12


def service_with_rows(department, orderer, make_order, count: int):
    service = rich_service(department, orderable=True)
    for _ in range(count):
        service.contracts.add(make_contract(value=Decimal("1000")))
        make_integration(service, make_service(department=factories.DepartmentFactory()),
                         owner=factories.UserFactory())
        make_integration(make_service(), service)
        factories.OrderFactory(department=department, orderer=orderer, service=service,
                               status=Order.Status.SUBMITTED, handler=factories.UserFactory(),
                               reference=f"B-1900-{Order.objects.count() + 1:04d}")
    return service


def test_service_page_has_a_fixed_number_of_queries(client, orderer, department, make_order):
    service = service_with_rows(department, orderer, make_order, 3)
    client.force_login(orderer)
    response, ctx = measure(client, service.get_absolute_url())
    assert len(response.context["open_orders"]) == 3
    assert len(response.context["integrations"]) == 6
    assert len(response.context["contracts"]) == 3
    assert response.context["show_internal"]
    assert_count(ctx, SERVICE_PAGE)


def test_service_page_query_count_does_not_grow_with_rows(client, orderer, department,
                                                          make_order):
    client.force_login(orderer)
    few_service = service_with_rows(department, orderer, make_order, 1)
    _, few = measure(client, few_service.get_absolute_url())
    many_service = service_with_rows(department, orderer, make_order, 15)
    response, many = measure(client, many_service.get_absolute_url())
    assert len(response.context["integrations"]) == 30
    assert len(many) == len(few) == SERVICE_PAGE


# --- the system map -----------------------------------------------------------------------

# An orderer's map: 4 auth queries, then
#   5. the integrations, both ends and their departments and the owners joined
#   6. whether the user owns or manages a system   (may they add integrations?)
#   7. departments where the user is a member      (the menu's "New order" link)
#   8. whether the user sits on the decision board  (the menu's "Beslutsråd IT" link)
#   9. the departments for the filter's choices
#  10. the systems for the filter's choices (names only)
SYSTEM_MAP = 10


def map_rows(count: int) -> None:
    systems = [make_service(department=factories.DepartmentFactory()) for _ in range(count)]
    for index, system in enumerate(systems):
        make_integration(system, systems[(index + 1) % count], owner=factories.UserFactory())
        make_integration(systems[(index + 3) % count], system)


def test_system_map_has_a_fixed_number_of_queries(client, orderer):
    map_rows(6)
    client.force_login(orderer)
    response, ctx = measure(client, reverse("servicecatalog:systemmap"))
    assert len(response.context["integrations"]) == 12
    assert_count(ctx, SYSTEM_MAP)


def test_system_map_query_count_does_not_grow_with_rows(client, orderer):
    client.force_login(orderer)
    url = reverse("servicecatalog:systemmap")
    map_rows(4)
    _, few = measure(client, url)
    map_rows(40)
    response, many = measure(client, url)
    assert len(response.context["integrations"]) == 88
    assert len(many) == len(few) == SYSTEM_MAP
