"""Query counts of the catalogue list, a service page and the system map: pinned exactly with
several rows, and proven not to grow with the number of rows (healthchecks
`api/tests/test_list_checks.py`).

Each count is taken on the second of two identical requests, so process-wide caches
(content types, guardian's) are warm, as in a running server. Being logged in costs one
query, the access token (tests.queries): the session and the person's access (the user,
their permissions, where they stand, whether they are called to a board meeting) are read
from the cache (organisation.access); the page's own queries are listed with each test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order
from organisation.models import Department
from tests import factories
from tests.queries import ACCESS_TOKEN

from .catalogue_data import (
    make_category,
    make_contract,
    make_integration,
    make_service,
    make_supplier,
    rich_service,
)

pytestmark = pytest.mark.django_db

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

# An orderer's list:
#   1. COUNT of the matching services (paginator)
#   2. the categories for the filter's choices
#   3. the departments for the filter's choices
#   4. the suppliers for the filter's choices
#   5. the page of services, with category, department and supplier joined
CATALOGUE_LIST = ACCESS_TOKEN + 5


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


def table_rows(response, table_id: str = "map-table") -> int:
    table = response.content.decode().split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return table.count("<tr>") - 1  # less the header


# --- a service's page --------------------------------------------------------------------

# An orderer of the owning department, on a service with SLA levels, contracts, integrations
# and open orders, its integrations drawn once already (kept in the cache under the
# catalogue's version, as the system map):
#   1. the catalogue's version
#   2. the service, with category, department, owner, manager and supplier joined
#   3. its SLA levels                               (prefetch)
#   4. its contracts with their suppliers joined    (prefetch)
#   5. its open orders the user may see, with department and handler joined
#   6. the integrations' owners' names             (read afresh: a name has no history)
#   7. its orders of this year and last counted by type, state and month  (key figures:
#   8. their lead times, this year and last                                 servicecatalog.
#   9. its management plans of the two years                                key_figures)
SERVICE_PAGE = ACCESS_TOKEN + 9


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
    assert table_rows(response, "nb-table") == 6
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
    assert table_rows(response, "nb-table") == 30
    assert len(many) == len(few) == SERVICE_PAGE


# --- the system map -----------------------------------------------------------------------

# An orderer's map, drawn once already (the map, the filter's lists and the edit rights are
# kept in the cache under the catalogue's version):
#   1. the catalogue's version                     (history of services, integrations and
#                                                   departments; one query)
#   2. the integrations' owners' names             (read afresh: a name has no history)
#   3. whether the user owns or manages a system   (may they add integrations?)
SYSTEM_MAP = ACCESS_TOKEN + 3
# The first request after a change draws the map: the version, then
#   the departments and the systems for the filter's choices (names only),
#   the integrations, both ends and their departments and the owners joined
SYSTEM_MAP_AFTER_A_CHANGE = SYSTEM_MAP + 3


def map_rows(count: int) -> None:
    # The systems' departments exist already: a new department renews everyone's cached
    # access (it may be offered as a choice; organisation.access), which is not what the
    # map's counts are about.
    departments = list(Department.objects.order_by("pk")[:5]) or [
        factories.DepartmentFactory() for _ in range(5)]
    systems = [make_service(department=departments[i % len(departments)])
               for i in range(count)]
    for index, system in enumerate(systems):
        make_integration(system, systems[(index + 1) % count], owner=factories.UserFactory())
        make_integration(systems[(index + 3) % count], system)


def test_system_map_has_a_fixed_number_of_queries(client, orderer):
    map_rows(6)
    client.force_login(orderer)
    url = reverse("servicecatalog:systemmap")
    response, ctx = measure(client, url)
    assert table_rows(response) == 12
    assert_count(ctx, SYSTEM_MAP)
    make_integration(make_service(), make_service())  # a change: the map is drawn again
    with CaptureQueriesContext(connection) as changed:
        response = client.get(url)
    assert table_rows(response) == 13
    assert_count(changed, SYSTEM_MAP_AFTER_A_CHANGE)


def test_system_map_query_count_does_not_grow_with_rows(client, orderer):
    client.force_login(orderer)
    url = reverse("servicecatalog:systemmap")
    map_rows(4)
    _, few = measure(client, url)
    map_rows(40)
    with CaptureQueriesContext(connection) as changed:
        client.get(url)
    assert_count(changed, SYSTEM_MAP_AFTER_A_CHANGE)
    response, many = measure(client, url)
    assert table_rows(response) == 88
    assert len(many) == len(few) == SYSTEM_MAP


def test_a_drawn_map_reads_no_integrations_nor_systems(client, coordinator):
    """Once drawn, the map is read from the cache: no query reads the integrations or the
    systems again until the catalogue changes."""
    map_rows(10)
    client.force_login(coordinator)
    _, ctx = measure(client, reverse("servicecatalog:systemmap"))
    tables = " ".join(q["sql"] for q in ctx.captured_queries if "COUNT(*)" not in q["sql"])
    assert '"servicecatalog_integration"' not in tables
    assert '"servicecatalog_service"' not in tables
