"""The bare list the benchmark measures the pages against (bench/views.py): mounted only in the
benchmark's URLconf, behind the same login, the newest orders of the person's departments
from one query."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from bench.views import ROWS
from orders.models import Order
from tests.factories import OrderFactory, make_outsider
from tests.queries import ACCESS_TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

URL = "/bench/bare/"


def submitted(department, count: int, **fields) -> list[Order]:
    return [OrderFactory(department=department, status=Order.Status.SUBMITTED,
                         reference=f"B-2026-{department.pk:02d}{n:03d}", **fields)
            for n in range(count)]


def test_the_product_does_not_serve_it():
    with pytest.raises(NoReverseMatch):
        reverse("bench_bare_list", urlconf="tyreso_it.urls")


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_orderer_sees_the_newest_orders_of_the_department_only(
        client, orderer, department, other_department):
    ours = submitted(department, ROWS + 5)
    theirs = submitted(other_department, 3)
    OrderFactory(department=department, status=Order.Status.DRAFT, title="Ett utkast")
    client.force_login(orderer)

    response = client.get(URL)

    assert response.status_code == 200
    shown = response.content.decode()
    assert shown.count("<tr>") == ROWS + 1  # the heading's row and 25 orders
    newest = sorted(ours, key=lambda o: (o.created_at, o.pk), reverse=True)[:ROWS]
    assert all(order.reference in shown for order in newest)
    assert not any(order.reference in shown for order in theirs)
    assert "Ett utkast" not in shown


def test_someone_of_no_department_sees_an_empty_list(client):
    client.force_login(make_outsider())
    response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 1


@pytest.mark.parametrize("count", [3, ROWS + 10])
def test_the_list_is_one_query_of_its_own_whatever_the_rows(
        client, orderer, department, django_assert_num_queries, count):
    submitted(department, count)
    client.force_login(orderer)
    client.get(URL)
    with django_assert_num_queries(ACCESS_TOKEN + 1):
        assert client.get(URL).status_code == 200
