"""What the pages tell a person about where an order stands and where it goes next: the
ordering function's start page lists each order it handles under the heading of its state,
and the change manager is told that an order ready for decision is decided in the minutes
of Beslutsråd IT, with the way to the meeting."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

from board import services as board_services
from orders.models import Order
from tests.orders.test_views import Element, html

S = Order.Status


# --- the ordering function's start page -----------------------------------------------------


def _table_titles(page: Element, caption: str) -> list[str]:
    """The titles in the order table captioned `caption` (none when the list is empty)."""
    tables = [t for t in page.find_all("table")
              if any(c.text() == caption for c in t.find_all("caption"))]
    assert len(tables) <= 1, caption
    if not tables:
        return []
    return [row.find_all("td")[1].text() for row in tables[0].find_all("tbody")[0].find_all("tr")]


def test_start_page_lists_each_of_the_handlers_orders_under_the_heading_of_its_state(
    client, make_order, coordinator
):
    S = Order.Status
    titles = {state: f"Handläggs: {state}" for state in (
        S.IN_PREPARATION, S.AWAITING_SUPPLEMENT, S.READY_FOR_DECISION, S.APPROVED, S.PLANNED,
        S.IN_PROGRESS, S.DELIVERED, S.CLOSED, S.REJECTED)}
    for state, title in titles.items():
        make_order(state, title=title)
    client.force_login(coordinator)
    with translation.override("sv"):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    page = html(response)
    headings = [h.text() for h in page.by_id("h-queue").parent.find_all("h3")]
    for heading in ("Dina beställningar under beredning",
                    "Dina beställningar som väntar på beslut eller planering",
                    "Dina beställningar under genomförande"):
        assert heading in headings

    def shown(caption):
        return sorted(t.split(": ", 1)[1] for t in _table_titles(page, caption)
                      if t.startswith("Handläggs"))

    assert shown("Dina beställningar under beredning") == sorted(
        [S.AWAITING_SUPPLEMENT, S.IN_PREPARATION])
    assert shown("Dina beställningar som väntar på beslut eller planering") == sorted(
        [S.APPROVED, S.READY_FOR_DECISION])
    assert shown("Dina beställningar under genomförande") == sorted(
        [S.DELIVERED, S.IN_PROGRESS, S.PLANNED])
    # Closed and rejected orders are done with: under none of the handler's headings.
    content = response.content.decode()
    assert titles[S.CLOSED] not in content and titles[S.REJECTED] not in content


def test_start_page_says_so_when_the_handler_has_nothing_being_carried_out(
    client, make_order, coordinator
):
    make_order(Order.Status.IN_PREPARATION, title="Bara under beredning")
    client.force_login(coordinator)
    with translation.override("sv"):
        response = client.get(reverse("home"))
    content = response.content.decode()
    assert "Ingen av dina beställningar är under genomförande." in content
    assert "Ingen av dina beställningar väntar på beslut eller planering." in content
    assert _table_titles(html(response), "Dina beställningar under beredning") == [
        "Bara under beredning"]


# --- an order ready for decision, seen by the change manager --------------------------------


def _plan_meeting(change_manager, days: int = 14):
    return board_services.meeting_create(
        actor=change_manager, starts_at=timezone.now() + timedelta(days=days))


def _page(client, user, order):
    client.force_login(user)
    with translation.override("sv"):
        response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    return response, html(response)


def test_change_manager_is_shown_the_meeting_that_decides_an_order_ready_for_decision(
    client, make_order, change_manager
):
    order = make_order(S.READY_FOR_DECISION)
    later = _plan_meeting(change_manager, days=28)
    meeting = _plan_meeting(change_manager, days=14)
    board_services.agenda_add_item(meeting_id=meeting.pk, actor=change_manager, order=order)
    assert not later.items.filter(order=order).exists()
    response, page = _page(client, change_manager, order)
    hint = page.by_id("board-decision")
    assert "Beslutsråd IT" in hint.text() and "protokoll" in hint.text()
    links = [a.attrs["href"] for a in hint.find_all("a")]
    assert links == [meeting.get_absolute_url()]
    assert "Just nu finns det inget för dig att göra" not in response.content.decode()


def test_change_manager_is_sent_to_the_meetings_while_the_order_is_on_no_agenda(
    client, make_order, change_manager
):
    order = make_order(S.READY_FOR_DECISION)
    _plan_meeting(change_manager)  # a meeting, but the order is not on its agenda
    response, page = _page(client, change_manager, order)
    hint = page.by_id("board-decision")
    assert "inte på något mötes dagordning" in hint.text()
    assert [a.attrs["href"] for a in hint.find_all("a")] == [reverse("board:meetings")]


def test_the_hint_is_only_for_the_change_manager_and_only_for_an_order_ready_for_decision(
    client, make_order, change_manager, orderer, coordinator
):
    ready = make_order(S.READY_FOR_DECISION)
    preparing = make_order(S.IN_PREPARATION)
    for user, order in ((orderer, ready), (coordinator, ready), (change_manager, preparing)):
        _, page = _page(client, user, order)
        assert not page.has_id("board-decision"), (user, order.status)

