"""The orders of each department in each state, kept by PostgreSQL's triggers
(orders.tallies), and the order list's count taken from them: always the same number as
counting the orders."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders import selectors, services, tallies
from orders.models import Order
from organisation.models import OrdererRegistration, Role
from raci.models import OrderRoleSight
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

S = Order.Status


def kept() -> dict[tuple[int, int | None, str], int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT department_id, provider_id, status, SUM(n) FROM orders_ordertally "
                       "GROUP BY department_id, provider_id, status HAVING SUM(n) <> 0")
        return {tuple(row[:3]): row[3] for row in cursor.fetchall()}


def counted() -> dict[tuple[int, int | None, str], int]:
    rows = (Order.objects.order_by().values_list("department_id", "provider_id", "status")
            .annotate(n=Count("pk")))
    return {tuple(row[:3]): row[3] for row in rows}


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM orders_ordertally")
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def _postgres(postgres):
    """Only PostgreSQL keeps tallies (SQLite counts the orders)."""


@pytest.fixture
def orders(make_order, department, other_department, provider, provider_user, orderer,
           other_orderer, coordinator):
    made = [
        make_order("draft"),
        make_order("submitted"),
        make_order("in_preparation"),
        make_order("planned", provider=provider),
        make_order("delivered", provider=provider, provider_user=provider_user),
        make_order("submitted", department=other_department, orderer=other_orderer),
        make_order("draft", department=other_department, orderer=other_orderer),
    ]
    return made


def test_the_tallies_follow_every_write_of_the_services(orders, orderer, coordinator):
    assert kept() == counted()

    draft = orders[0]
    services.order_submit(order_id=draft.pk, actor=orderer)
    services.order_take_on(order_id=draft.pk, actor=coordinator)
    services.comment_add(order_id=draft.pk, actor=orderer, body="Hur går det?")
    assert kept() == counted()
    assert kept()[(draft.department_id, None, S.IN_PREPARATION)] == 2


def test_the_tallies_follow_writes_that_pass_the_services_by(orders, other_department):
    Order.objects.filter(status=S.SUBMITTED).update(status=S.WITHDRAWN)
    Order.objects.filter(pk=orders[2].pk).update(department=other_department)
    Order.objects.filter(pk=orders[4].pk).update(provider=None)
    Order.objects.filter(pk=orders[1].pk).update(provider=orders[3].provider)
    orders[3].delete()
    factories.OrderFactory.create_batch(3, department=other_department,
                                        orderer=orders[5].orderer)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orders_order SET status = 'closed' WHERE status = 'delivered'")

    assert kept() == counted()


def test_saving_an_order_unchanged_adds_no_row(orders):
    before = rows()
    for order in Order.objects.all():
        order.save()
    assert rows() == before


def test_folding_keeps_the_numbers_and_leaves_one_row_per_department_and_state(
    orders, orderer, coordinator
):
    services.order_submit(order_id=orders[0].pk, actor=orderer)
    assert rows() > len(counted())

    folded = tallies.compact()

    assert folded > 0
    assert kept() == counted()
    assert rows() == len(counted())
    assert tallies.compact() == len(counted())  # a second run folds the same rows again
    assert kept() == counted()


@pytest.mark.django_db(transaction=True)
def test_emptying_the_orders_empties_the_tallies():
    """As the test runner empties the tables between tests that commit."""
    department = factories.DepartmentFactory()
    factories.OrderFactory.create_batch(2, department=department,
                                        orderer=factories.UserFactory())
    assert kept() == {(department.pk, None, S.DRAFT): 2}
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE orders_order CASCADE")
    assert kept() == {}


def test_a_rebuild_counts_afresh(orders):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO orders_ordertally (department_id, status, n) "
                       "VALUES (%s, 'submitted', 41)", [orders[0].department_id])
    assert kept() != counted()
    tallies.rebuild()
    assert kept() == counted()


# --- the order list's count -------------------------------------------------------------

FILTERS = [
    {},
    {"sort": "title"},
    {"status": [S.DRAFT]},
    {"status": [S.SUBMITTED, S.PLANNED, S.DELIVERED]},
    {"status": [S.SUBMITTED], "q": "Beställning"},  # counted from the orders
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_the_list_count_is_the_number_of_orders_the_person_sees(
    filters, orders, orderer, colleague, it_lead, coordinator, change_manager, it_chief,
    provider_user, other_orderer, outsider,
):
    # Seen in more than one way: shown by a HUKI step to a role the person holds, an order of
    # the own department and one of another department; and a department the person both
    # belongs to and leads. Staff of a provider holding that role see it a second way too.
    role = Role.objects.get(code=Role.Code.IT_OPERATIONS_MANAGER)
    factories.add_role(orderer, role.code)
    factories.add_role(provider_user, role.code)
    for order in (orders[1], orders[5]):
        OrderRoleSight.objects.get_or_create(order=order, role=role)
    people = [orderer, colleague, it_lead, coordinator, change_manager, it_chief,
              provider_user, other_orderer, outsider]
    for person in people:
        person = factories.fresh(person)
        expected = selectors._filtered(Order.objects.visible_to(person), filters).count()
        assert selectors.order_count(person, filters) == expected, person


def test_the_order_list_takes_its_count_from_the_tallies(client, orders, orderer):
    client.force_login(orderer)
    client.get(reverse("orders:list"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("orders:list"))
    assert response.context["page"].paginator.count == len(
        Order.objects.visible_to(factories.fresh(orderer)))
    assert any("orders_ordertally" in q["sql"] for q in ctx.captured_queries)


def test_the_worker_folds_the_tallies_every_quarter_of_an_hour(orders, orderer):
    from orders.tasks import compact_tallies
    from tyreso_it.celery import app

    entry = app.conf.beat_schedule["orders-compact-tallies"]
    assert entry["task"] == "orders.tasks.compact_tallies"
    assert entry["schedule"] == 900.0
    services.order_submit(order_id=orders[0].pk, actor=orderer)
    compact_tallies()
    assert rows() == len(counted())
    assert kept() == counted()


def test_the_count_query_is_kept_with_the_persons_access_and_renewed_with_it(
    client, orders, colleague, department
):
    from organisation import access

    client.force_login(colleague)
    before = len(Order.objects.visible_to(factories.fresh(colleague)))
    assert before > 0
    assert client.get(reverse("orders:list")).context["page"].paginator.count == before
    assert "order-count:all" in access.load(colleague.pk).facts

    OrdererRegistration.objects.filter(person=colleague).delete()
    # No longer on the register: the department's orders are gone from the count at once.
    assert client.get(reverse("orders:list")).context["page"].paginator.count == 0
