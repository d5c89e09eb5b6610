"""The decisions taken under delegation on an agenda: the board only notes them, and there can
be hundreds. The meeting page counts them per department and type of order; the list itself
is paged, put in place by htmx or read on a page of its own; the print view and the PDF still
hold every one. The chair keeps the tools for each delegated item on the list's pages.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from board import services
from board.models import AgendaItem, Meeting
from board.views import meeting as meeting_views
from orders.models import Order
from organisation.models import Role
from tests import factories
from tests.board.conftest import at
from tests.board.test_views import CHAIR_MEETING, assert_count, fresh, html, measure, url
from tests.queries import ACCESS_TOKEN

pytestmark = pytest.mark.django_db

K = AgendaItem.Kind
HX = {"HX-Request": "true", "HX-Target": "delegerade-lista"}


@pytest.fixture
def agenda(make_meeting, ready_order, delegated_order, other_orderer, other_department):
    """A planned meeting: one order to decide, three delegated decisions (two of BUF's, one a
    change of Socialförvaltningen's) and the portfolio status."""
    ready_order(4, title="Lokalbokning")
    delegated_order(title="Ny skrivare")
    delegated_order(title="Fler licenser")
    delegated_order(title="Ändrad rapport", kind=Order.Kind.CHANGE, orderer=other_orderer,
                    department=other_department)
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)
    return fresh(meeting)


def delegations_of(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.items.filter(kind=K.DELEGATION).order_by("position"))


# --- the meeting page -------------------------------------------------------------------------


def test_the_meeting_page_counts_the_delegated_decisions_instead_of_listing_them(
    client, agenda, coordinator
):
    client.force_login(coordinator)
    response = client.get(url("meeting", agenda))
    page = html(response)
    delegated = delegations_of(agenda)
    assert [i.position for i in delegated] == [2, 3, 4]
    # No delegated item is on the page; the order to decide and the portfolio status are.
    for item in delegated:
        assert not page.has_id(f"punkt-{item.pk}")
        assert item.order.title not in response.content.decode()
    for item in agenda.items.exclude(kind=K.DELEGATION):
        assert page.has_id(f"punkt-{item.pk}")
    block = page.by_id("delegerade")
    text = " ".join(block.text().split())
    # (Text is matched by its figures: the words are translated.)
    assert "2–4" in text
    assert block.find_all("span", **{"class": "agenda-pos"})[0].text() == "2–4"
    assert block.find_all("p")[1].text().split()[0] == "3"
    tables = block.find_all("table")
    rows = [[" ".join(c.text().split()) for c in tr.find_all("th") + tr.find_all("td")]
            for table in tables for tr in table.find_all("tbody")[0].find_all("tr")]
    assert ["Barn- och utbildningsförvaltningen", "2"] in rows
    assert ["Socialförvaltningen", "1"] in rows
    assert [str(Order.Kind.NEW_FUNCTION.label), "2"] in rows
    assert [str(Order.Kind.CHANGE.label), "1"] in rows
    # The list opens in place (htmx) or, without JavaScript, on its own page.
    link = page.by_id("delegerade-lista").find_all("a")[0]
    assert link.attrs["href"] == url("delegations", agenda)
    assert link.attrs["hx-get"] == url("delegations", agenda)
    assert link.attrs["hx-target"] == "#delegerade-lista"


def test_the_delegated_decisions_stand_where_they_are_on_the_agenda(client, agenda, chair):
    """Between the order (1) and the portfolio status (5), in agenda order."""
    client.force_login(chair)
    content = client.get(url("meeting", agenda)).content.decode()
    order_item = agenda.items.get(kind=K.ORDER)
    portfolio = agenda.items.get(kind=K.PORTFOLIO)
    assert (content.index(f'id="punkt-{order_item.pk}"') < content.index('id="delegerade"')
            < content.index(f'id="punkt-{portfolio.pk}"'))


def test_a_single_delegated_decision_is_numbered_with_its_one_number(
    client, make_meeting, ready_order, delegated_order, chair
):
    ready_order(4)
    delegated_order(title="Ny skrivare")
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)
    [item] = delegations_of(meeting)
    assert item.position == 2
    client.force_login(chair)

    block = html(client.get(url("meeting", meeting))).by_id("delegerade")

    assert block.find_all("span", **{"class": "agenda-pos"})[0].text() == "2"
    assert " ".join(block.find_all("h3")[0].text().split()).startswith("Punkt 2:")
    assert "2–2" not in block.text()


def test_a_meeting_without_delegated_decisions_has_no_such_block(
    client, make_meeting, ready_order, chair
):
    ready_order(3)
    meeting = make_meeting(at(2026, 3, 10, 13))
    services.agenda_build(meeting_id=meeting.pk)
    client.force_login(chair)
    page = html(client.get(url("meeting", meeting)))
    assert page.has_id("dagordning")
    assert not page.has_id("delegerade")


# --- the list ---------------------------------------------------------------------------------


def test_the_list_of_delegated_decisions_is_paged(client, agenda, coordinator, monkeypatch):
    monkeypatch.setattr(meeting_views, "DELEGATIONS_PER_PAGE", 2)
    delegated = delegations_of(agenda)
    client.force_login(coordinator)
    first = html(client.get(url("delegations", agenda)))
    assert [r.attrs["id"] for r in first.find_all("tr") if r.attrs.get("id")] == [
        f"punkt-{delegated[0].pk}", f"punkt-{delegated[1].pk}"]
    row = first.by_id(f"punkt-{delegated[0].pk}")
    cells = [" ".join(c.text().split()) for c in row.find_all("th") + row.find_all("td")]
    assert cells[0] == "2"
    assert delegated[0].order.reference in cells[1]
    assert "Barn- och utbildningsförvaltningen" in cells
    assert "Under beloppsgränsen." in cells
    # A coordinator sees every order: each is linked.
    assert delegated[0].order.get_absolute_url() in [a.attrs.get("href") for a in
                                                     row.find_all("a")]
    nav = first.find_all("nav", **{"class": "pagination"})[0]
    following = nav.find_all("a")[0]
    assert following.attrs["href"] == f"{url('delegations', agenda)}?page=2"
    assert following.attrs["hx-get"] == f"{url('delegations', agenda)}?page=2"
    assert first.by_id("delegerade-sida").text() == "Delegationsbeslut 1–2 av 3"
    second = html(client.get(f"{url('delegations', agenda)}?page=2"))
    # A page of one is that one decision, not a range from it to itself.
    assert second.by_id("delegerade-sida").text() == "Delegationsbeslut 3 av 3"
    assert second.has_id(f"punkt-{delegated[2].pk}")
    assert not second.has_id(f"punkt-{delegated[0].pk}")
    # The page of its own repeats the summary, and leads to the print view with them all.
    assert "Socialförvaltningen" in second.by_id("h-delegation-summary").parent.text()
    assert url("print", agenda) in [a.attrs.get("href") for a in second.find_all("a")]


def test_htmx_gets_the_list_alone_to_put_in_place(client, agenda, chair):
    client.force_login(chair)
    response = client.get(url("delegations", agenda), headers=HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "h-delegation-summary" not in content
    page = html(response)
    for item in delegations_of(agenda):
        assert page.has_id(f"punkt-{item.pk}")
    # The chair's buttons submit the agenda's form, which the meeting page has already.
    assert 'id="agenda-tools"' not in content
    assert {b.attrs.get("form") for b in page.find_all("button")} == {"agenda-tools"}
    # Focus moves to the new list, so a screen reader hears which decisions it holds.
    count = page.by_id("delegerade-sida")
    assert "autofocus" in count.attrs
    assert "1–3" in count.text()
    assert count.text().split()[-1] == "3"


def test_a_member_who_does_not_see_every_order_reads_the_list_without_order_links(
    client, agenda, chair, service_desk_member
):
    client.force_login(service_desk_member)
    response = client.get(url("delegations", agenda))
    assert response.status_code == 200
    content = response.content.decode()
    for item in delegations_of(agenda):
        assert item.order.reference in content
        assert item.order.get_absolute_url() not in content
    # Reading is all: no tools.
    assert url("item_remove", agenda, delegations_of(agenda)[0]) not in content


@pytest.fixture
def service_desk_member(agenda, chair):
    # Not IT operations: the HUKI matrix consults it on the briefs, and so shows it the orders.
    person = factories.make_role_user(Role.Code.SERVICE_DESK, username="servicedesk")
    services.meeting_set_members(
        meeting_id=agenda.pk, actor=chair,
        members=[(m.person, m.role, m.deputy_for) for m in agenda.members.all()]
        + [(person, None, None)],
    )
    return person


def test_the_list_is_not_found_by_those_off_the_board_or_for_a_missing_meeting(
    client, agenda, orderer, chair
):
    client.force_login(orderer)
    assert client.get(url("delegations", agenda)).status_code == 404
    assert client.get(url("delegations", agenda), headers=HX).status_code == 404
    client.force_login(chair)
    assert client.get(reverse("board:delegations", args=[agenda.pk + 100])).status_code == 404


def test_the_print_view_and_the_pdf_still_hold_every_delegated_decision(
    client, agenda, coordinator, monkeypatch
):
    monkeypatch.setattr(meeting_views, "DELEGATIONS_PER_PAGE", 1)
    client.force_login(coordinator)
    content = client.get(url("print", agenda)).content.decode()
    for item in delegations_of(agenda):
        assert item.title in content
    pdf = client.get(url("pdf", agenda))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


# --- the chair's tools on the list ------------------------------------------------------------


def test_the_chair_has_the_tools_for_each_delegated_item(client, agenda, chair):
    item = delegations_of(agenda)[0]
    client.force_login(chair)
    page = html(client.get(url("delegations", agenda)))
    row = page.by_id(f"punkt-{item.pk}")
    # Move and remove submit the list's one form, each button to its own item.
    buttons = row.find_all("button")
    assert {b.attrs["form"] for b in buttons} == {"agenda-tools"}
    assert [(b.attrs["formaction"], b.attrs.get("value")) for b in buttons] == [
        (url("item_move", agenda, item), "up"), (url("item_move", agenda, item), "down"),
        (url("item_remove", agenda, item), None)]
    assert [b.text().split(":")[0].strip() for b in buttons] == [
        "Flytta upp", "Flytta ned", "Ta bort"]
    tools = page.by_id("agenda-tools")
    assert [i.attrs["name"] for i in tools.find_all("input")] == [
        "csrfmiddlewaretoken", "version"]
    # The time-box and note open on request.
    edit = row.find_all("a")[-1]
    assert edit.attrs["href"] == edit.attrs["hx-get"] == url("item_update", agenda, item)


def test_the_chair_removes_a_delegated_item_and_returns_to_its_page_of_the_list(
    client, agenda, chair, monkeypatch
):
    monkeypatch.setattr(meeting_views, "DELEGATIONS_PER_PAGE", 2)
    last = delegations_of(agenda)[-1]
    client.force_login(chair)
    response = client.post(url("item_remove", agenda, last), {"version": agenda.version})
    assert response.status_code == 302
    assert response["Location"] == f"{url('delegations', agenda)}?page=2#delegerade-lista"
    assert not AgendaItem.objects.filter(pk=last.pk).exists()


def test_the_chair_moves_a_delegated_item_and_finds_it_on_its_new_page(
    client, agenda, chair, monkeypatch
):
    monkeypatch.setattr(meeting_views, "DELEGATIONS_PER_PAGE", 2)
    second = delegations_of(agenda)[1]
    client.force_login(chair)
    response = client.post(url("item_move", agenda, second),
                           {"version": agenda.version, "direction": "down"})
    assert response.status_code == 302
    assert response["Location"] == (
        f"{url('delegations', agenda)}?page=2#punkt-{second.pk}")
    assert fresh(agenda).items.get(pk=second.pk).position == 4


def test_a_refused_note_on_a_delegated_item_is_shown_again_on_its_page_of_the_list(
    client, agenda, chair
):
    item = delegations_of(agenda)[0]
    client.force_login(chair)
    before = fresh(agenda).version
    response = client.post(url("item_update", agenda, item), {
        f"item{item.pk}-version": before, f"item{item.pk}-time_minutes": "0",
        f"item{item.pk}-note": "Ny anteckning"})
    assert response.status_code == 400
    page = html(response)
    row = page.by_id(f"punkt-{item.pk}")
    # The form stands open in the item's row, the input kept and the error by its field.
    assert row.find_all("form")[0].attrs["action"] == url("item_update", agenda, item)
    assert row.by_id(f"id_item{item.pk}-note").text().strip() == "Ny anteckning"
    assert row.by_id(f"id_item{item.pk}-time_minutes").attrs["aria-invalid"] == "true"
    assert fresh(agenda).version == before


def test_a_member_who_is_not_the_chair_cannot_remove_a_delegated_item(
    client, agenda, coordinator
):
    item = delegations_of(agenda)[0]
    client.force_login(coordinator)
    response = client.post(url("item_remove", agenda, item), {"version": agenda.version})
    assert response.status_code == 403
    assert AgendaItem.objects.filter(pk=item.pk).exists()


# --- query counts -----------------------------------------------------------------------------

# The list of delegated decisions asked by htmx, for the chair:
#   1. the meeting with its chair and adjuster
#   2. COUNT of the delegated decisions (paginator)
#   3. the page of them with order and department
#   4. the agenda's last position (where "Move down" stops)
CHAIR_DELEGATIONS_HTMX = ACCESS_TOKEN + 4


def more_delegations(meeting: Meeting, delegated_order, count: int) -> None:
    for i in range(count):
        order = delegated_order(title=f"Delegerat {i}")
        AgendaItem.objects.create(meeting=meeting, kind=K.DELEGATION, order=order,
                                  title=f"Delegated decision: {order.reference}",
                                  position=100 + i)


def test_the_meeting_page_does_not_grow_with_delegated_decisions(
    client, agenda, chair, delegated_order
):
    client.force_login(chair)
    _, few = measure(client, url("meeting", agenda))
    more_delegations(agenda, delegated_order, 8)
    response, many = measure(client, url("meeting", agenda))
    assert response.context["delegations"].count == 11
    assert len(few) == len(many) == CHAIR_MEETING


def test_the_list_of_delegated_decisions_has_a_fixed_number_of_queries(
    client, agenda, chair, delegated_order
):
    client.force_login(chair)
    path = url("delegations", agenda)
    assert client.get(path, headers=HX).status_code == 200
    with CaptureQueriesContext(connection) as few:
        client.get(path, headers=HX)
    assert_count(few, CHAIR_DELEGATIONS_HTMX)
    more_delegations(agenda, delegated_order, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path, headers=HX)
    assert len(response.context["items"]) == 11
    assert len(many) == CHAIR_DELEGATIONS_HTMX
