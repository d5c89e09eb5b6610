"""The order list's period filters that the dashboard links to: whole days in Stockholm time,
inclusive at both ends, either end open; a malformed date drops that filter only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.models import Order

from .conftest import at, timed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(department):
    return {
        "before": timed_order(department, Order.Status.APPROVED,
                              decided_at=at(2025, 2, 28, 23, 59)),
        "first": timed_order(department, Order.Status.APPROVED, decided_at=at(2025, 3, 1, 0, 0)),
        # 31 March 23:30 in Stockholm is 21:30 UTC the same day; 1 April 00:30 is 31 March
        # 22:30 UTC, and belongs to April.
        "last": timed_order(department, Order.Status.APPROVED,
                            decided_at=at(2025, 3, 31, 23, 30)),
        "after": timed_order(department, Order.Status.APPROVED,
                             decided_at=at(2025, 4, 1, 0, 30)),
    }


def titles(client, query: str) -> set[str]:
    response = client.get(reverse("orders:list") + "?" + query)
    assert response.status_code == 200
    return {order.title for order in response.context["page"].object_list}


def test_a_month_of_decisions_in_stockholm_time(client, decided, it_chief):
    client.force_login(it_chief)
    names = {key: order.title for key, order in decided.items()}
    march = titles(client, "decided_from=2025-03-01&decided_to=2025-03-31")
    assert march == {names["first"], names["last"]}
    assert titles(client, "decided_from=2025-04-01") == {names["after"]}
    assert titles(client, "decided_to=2025-02-28") == {names["before"]}


def test_submitted_and_delivered_periods_and_a_bad_date(client, department, it_chief):
    old = timed_order(department, Order.Status.CLOSED, submitted_at=at(2025, 1, 10),
                      delivered_at=at(2025, 5, 5))
    new = timed_order(department, Order.Status.SUBMITTED, submitted_at=at(2025, 6, 1))
    client.force_login(it_chief)
    assert titles(client, "submitted_to=2025-01-10") == {old.title}
    assert titles(client, "submitted_from=2025-01-11") == {new.title}
    assert titles(client, "delivered_from=2025-05-05&delivered_to=2025-05-05") == {old.title}
    # A date that is not one is ignored, the other filters still apply.
    assert titles(client, "submitted_from=2025-13-01&status=submitted") == {new.title}
