"""The order list's pages: a page's rows are fetched by the ids the permission filter, the
filters and the sort choose (orders.selectors.OrderPaginator), so every page, however deep,
shows exactly what plain slicing of the list would, and nothing the person may not see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders import selectors
from orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db

S = Order.Status


@pytest.fixture
def orders(department, other_department, orderer):
    own = [
        factories.OrderFactory(department=department, status=S.SUBMITTED,
                               title=f"Beställning {n:02d}", reference=f"B-1900-{n:04d}")
        for n in range(23)
    ]
    own.append(factories.OrderFactory(department=department, orderer=orderer,
                                      title="Mitt utkast"))
    factories.OrderFactory(department=department, status=S.DRAFT, title="Någon annans utkast")
    factories.OrderFactory(department=other_department, status=S.SUBMITTED,
                           title="Socialförvaltningens")
    return own


@pytest.mark.parametrize("sort", ["created", "title", "-reference", "status"])
def test_every_page_shows_what_slicing_the_list_would(orders, orderer, sort):
    queryset = selectors.order_list(orderer, {"sort": sort})
    paginator = selectors.OrderPaginator(queryset, 5)
    assert paginator.count == 24
    shown = []
    for number in paginator.page_range:
        page = paginator.page(number)
        rows = list(page.object_list)
        assert [o.pk for o in rows] == [o.pk for o in queryset[(number - 1) * 5:number * 5]]
        shown += rows
    assert {o.pk for o in shown} == {o.pk for o in orders}


def test_a_page_holds_only_what_the_person_may_see(orders, client, orderer):
    client.force_login(orderer)
    response = client.get(reverse("orders:list") + "?page=1&sort=title")
    titles = [o.title for o in response.context["page"].object_list]
    assert "Mitt utkast" in titles
    assert "Någon annans utkast" not in titles
    assert "Socialförvaltningens" not in titles


def test_the_last_page_and_an_empty_list(orders, orderer, outsider):
    paginator = selectors.OrderPaginator(selectors.order_list(orderer, {}), 10)
    assert len(paginator.page(3).object_list) == 4
    empty = selectors.OrderPaginator(selectors.order_list(outsider, {}), 10)
    assert list(empty.get_page(1).object_list) == []
