"""An order's history on its page: the most recent entries at first, exactly the tail of the
whole history, and the whole history on request."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import selectors, services
from orders.models import Comment, Order
from tests.factories import COMPLETE_BRIEF, PRIORITY_VALUES

pytestmark = pytest.mark.django_db
S = Order.Status


def busy_order(make_order, orderer, coordinator, rounds: int) -> Order:
    """An order in preparation with comments, field edits and supplement rounds interleaved,
    each a minute after the one before, so the order of entries is certain."""
    order = make_order(S.IN_PREPARATION)
    services.order_update_preparation(
        order_id=order.pk, actor=coordinator,
        data={**COMPLETE_BRIEF, "priority_values": dict(PRIORITY_VALUES)},
        expected_version=Order.objects.get(pk=order.pk).version,
    )
    for i in range(rounds):
        services.comment_add(order_id=order.pk, actor=orderer, body=f"Kommentar {i}")
        services.order_update_preparation(
            order_id=order.pk, actor=coordinator,
            data={"it_requirements": f"Krav, version {i}", "estimated_cost": Decimal(1000 + i)},
            expected_version=Order.objects.get(pk=order.pk).version,
        )
        if i % 4 == 0:
            services.order_request_supplement(order_id=order.pk, actor=coordinator,
                                              question=f"Fråga {i}?")
            services.order_supplement(order_id=order.pk, actor=orderer, answer=f"Svar {i}.")
    spread_in_time(order)
    return Order.objects.get(pk=order.pk)


def spread_in_time(order: Order) -> None:
    """Give every record of the order's history its own minute, in the order written."""
    start = timezone.now() - timedelta(days=10)
    stamped = [
        *((r.history_date, "h", r.pk) for r in order.history.all()),
        *((e.at, "e", e.pk) for e in order.events.all()),
        *((c.created_at, "c", c.pk) for c in Comment.objects.filter(order=order)),
    ]
    for minute, (_, kind, pk) in enumerate(sorted(stamped, key=lambda x: (x[0], x[1], x[2]))):
        when = start + timedelta(minutes=minute)
        if kind == "h":
            order.history.filter(pk=pk).update(history_date=when)
        elif kind == "e":
            order.events.filter(pk=pk).update(at=when)
        else:
            Comment.objects.filter(pk=pk).update(created_at=when)


def shape(entries):
    return [(e.kind, e.at, e.text, list(e.changes)) for e in entries]


@pytest.mark.parametrize("recent", [1, 5, 12, 30])
def test_the_most_recent_entries_are_exactly_the_end_of_the_whole_history(
    make_order, orderer, coordinator, recent
):
    order = busy_order(make_order, orderer, coordinator, rounds=14)
    whole = selectors.order_timeline(order, recent=None)
    assert whole.complete and len(whole.entries) > 30

    shown = selectors.order_timeline(order, recent=recent)

    assert not shown.complete
    assert shape(shown.entries) == shape(whole.entries[-recent:])


def test_a_short_history_is_shown_whole(make_order, orderer, coordinator):
    order = busy_order(make_order, orderer, coordinator, rounds=2)
    whole = selectors.order_timeline(order, recent=None)

    shown = selectors.order_timeline(order)

    assert shown.complete
    assert shape(shown.entries) == shape(whole.entries)
    assert shown.entries[0].kind == "created"


def test_the_order_page_shows_the_recent_history_and_the_whole_on_request(
    client, make_order, orderer, coordinator
):
    order = busy_order(make_order, orderer, coordinator, rounds=40)
    client.force_login(orderer)

    page = client.get(order.get_absolute_url()).content.decode()
    assert page.count('<li class="timeline-') == selectors.TIMELINE_RECENT
    assert "Kommentar 39" in page
    assert "Kommentar 0<" not in page
    assert "Visa hela historiken" in page
    assert "?historik=alla#historik" in page

    whole = client.get(order.get_absolute_url() + "?historik=alla").content.decode()
    assert "Kommentar 0<" in whole and "Kommentar 39" in whole
    assert 'class="timeline-created"' in whole
    assert "Visa hela historiken" not in whole


def test_the_whole_history_is_no_wider_open_than_the_order(client, make_order, orderer,
                                                           outsider):
    order = make_order(S.SUBMITTED)
    url = order.get_absolute_url() + "?historik=alla"

    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(orderer)
    assert client.get(url).status_code == 200
    assert reverse("orders:detail", args=[order.pk]) in url
