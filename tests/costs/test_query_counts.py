"""Query counts of the cost pages: pinned exactly, and proven not to grow with the number of
departments, contracts, licences, projects, orders and pools (the second of two identical
requests is measured, so process-wide caches are warm; being logged in costs no query, as
tests/portfolio/test_query_counts.py explains)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from costs import services
from portfolio.models import Project
from servicecatalog.models import Contract, Licence, Service, Supplier
from tests import factories
from tests.portfolio.conftest import at
from tests.queries import ACCESS_TOKEN

from .conftest import YEAR, delivered, set_actuals

pytestmark = pytest.mark.django_db


def measure(client, url: str):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, ctx


def assert_count(ctx, expected: int) -> None:
    """`expected` queries of the page's own, after the access token every request reads."""
    expected += ACCESS_TOKEN
    sql = "\n".join(f"{i}. {q['sql'][:200]}" for i, q in enumerate(ctx.captured_queries, 1))
    assert len(ctx) == expected, f"{len(ctx)} queries, expected {expected}:\n{sql}"


def more_of_everything(count: int, manager) -> None:
    """`count` more departments, each owning a system with licences, with a contract, a
    project whose actuals grew in the year and an order delivered in it."""
    supplier = Supplier.objects.create(name=f"Leverantör {Supplier.objects.count()}")
    for _ in range(count):
        department = factories.DepartmentFactory()
        system = Service.objects.create(name=f"System {Service.objects.count()}",
                                        department=department)
        Licence.objects.create(product="Licens", service=system, count=10,
                               yearly_cost=Decimal("1000.00"))
        Contract.objects.create(supplier=supplier, title="Avtal", starts_on=date(2025, 1, 1),
                                ends_on=date(2025, 12, 31), value=Decimal("5000.00"))
        project = Project.objects.create(name=f"Projekt {Project.objects.count()}",
                                         sponsor_department=department, manager=manager)
        set_actuals(project, at(2025, 3, 1), "1000")
        delivered(department, at(2025, 4, 1))


# The year's page, a draft, for the IT chief:
#   1. the year's key set (with who published it and the year it started from)
#   2. its cost pools
#   3. its departments' entered figures
#   4. the active departments
#   5. the contracts of the year, with their suppliers
#   6. the licences with a yearly cost, with their services' departments
#   7. the projects, with their actuals at the start and end of the year (two subqueries)
#   8–10. licences held, systems owned and orders delivered, by department (GROUP BYs)
DRAFT_YEAR = 10
# Published: the key set, its pools, its departments' frozen figures with the departments,
# and its costs summed by kind.
PUBLISHED_YEAR = 4


def test_the_draft_year_page_has_a_fixed_number_of_queries(client, it_chief, draft,
                                                           change_manager):
    client.force_login(it_chief)
    url = reverse("costs:year", args=[YEAR])
    response, few = measure(client, url)
    assert_count(few, DRAFT_YEAR)
    more_of_everything(12, change_manager)
    response, many = measure(client, url)
    assert len(response.context["a"].departments) == 3 + 12
    assert_count(many, DRAFT_YEAR)


def test_the_published_year_page_has_a_fixed_number_of_queries(client, it_chief, draft,
                                                               change_manager):
    client.force_login(it_chief)
    key_set = services.key_set_publish(key_set_id=draft.pk, actor=it_chief,
                                       revision=draft.revision)
    url = reverse("costs:year", args=[YEAR])
    _, few = measure(client, url)
    assert_count(few, PUBLISHED_YEAR)
    # Another year with more of everything, published: this year's page reads no more.
    more_of_everything(12, change_manager)
    following = services.key_set_create(actor=it_chief, year=YEAR + 1)
    services.key_set_publish(key_set_id=following.pk, actor=it_chief,
                             revision=following.revision)
    for number in range(5):
        key_set.pools.create(name=f"Post {number}", amount=Decimal("10.00"), basis="users")
    response, many = measure(client, url)
    assert len(response.context["a"].kinds) == 4 + 5
    assert_count(many, PUBLISHED_YEAR)


# A published department's report, for its IT lead: the key set, the department (through
# the departments the lead may see), and the published year's four reads but the key set.
DEPARTMENT_REPORT = 5


def test_a_departments_report_has_a_fixed_number_of_queries(client, it_lead, it_chief, draft,
                                                            department, change_manager):
    services.key_set_publish(key_set_id=draft.pk, actor=it_chief, revision=draft.revision)
    client.force_login(it_lead)
    url = reverse("costs:department", args=[YEAR, department.pk])
    _, few = measure(client, url)
    assert_count(few, DEPARTMENT_REPORT)


# The overview, for the IT chief: the years with who published them, their pools (for the
# history of keys), and the latest year for the year to offer next.
OVERVIEW = 3


def test_the_overview_has_a_fixed_number_of_queries(client, it_chief, draft):
    client.force_login(it_chief)
    url = reverse("costs:overview")
    _, few = measure(client, url)
    assert_count(few, OVERVIEW)
    for year in range(2015, 2025):
        key_set = services.key_set_create(actor=it_chief, year=year)
        key_set.pools.create(name=f"Post {year}", amount=Decimal("1.00"), basis="users")
    response, many = measure(client, url)
    assert len(response.context["key_sets"]) == 11
    assert_count(many, OVERVIEW)


# The keys' form of a draft: the key set, its entries, the active departments and the three
# counted weights beside them.
KEYS_FORM = 6


def test_the_keys_form_has_a_fixed_number_of_queries(client, it_chief, draft, change_manager):
    client.force_login(it_chief)
    url = reverse("costs:keys", args=[YEAR])
    _, few = measure(client, url)
    assert_count(few, KEYS_FORM)
    more_of_everything(10, change_manager)
    _, many = measure(client, url)
    assert_count(many, KEYS_FORM)
