"""The pages of Beslutsråd IT, seen by everyone who may or may not use them.

Every view is tried anonymously (sent to the login page), by a logged-in orderer who is not on
the board (404, the same answer as for a meeting that does not exist), by the board (the chair,
a member, someone who sees every order) and, for the chair's writes, by a member who is not
the chair (403, nothing changes). Query counts of the meeting page, the minutes and the list
are pinned and shown not to grow with items and members.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from board import services
from board.models import AgendaItem, CalendarFeed, Meeting, MeetingMember, Reminder
from orders import services as order_services
from orders.models import Order, SolutionOption
from organisation.models import Role
from tests import factories
from tests.board.conftest import at
from tests.orders.test_views import assert_error_by_field, html
from tests.queries import ACCESS_TOKEN

pytestmark = pytest.mark.django_db

M = Meeting.Status
S = Order.Status
LOGIN = reverse("login")


# --- helpers ----------------------------------------------------------------------------------


def fresh(meeting: Meeting) -> Meeting:
    return Meeting.objects.get(pk=meeting.pk)


def url(name: str, meeting: Meeting | None = None, item: AgendaItem | None = None) -> str:
    if name in {"meetings", "meeting_create", "my_calendar", "reminders"}:
        return reverse(f"board:{name}")
    if item is not None:
        return reverse(f"board:{name}", args=[meeting.pk, item.pk])
    return reverse(f"board:{name}", args=[meeting.pk])


def snapshot(meeting: Meeting):
    """Everything a write could change on a meeting, to compare before and after a refusal."""
    meeting = fresh(meeting)
    return (
        {f.attname: getattr(meeting, f.attname) for f in Meeting._meta.concrete_fields},
        list(meeting.items.order_by("pk").values()),
        list(meeting.members.order_by("pk").values()),
        list(meeting.corrections.values()),
    )


def first_order_item(meeting: Meeting) -> AgendaItem:
    return meeting.items.filter(kind=AgendaItem.Kind.ORDER).order_by("position").first()


def post_data(name: str, meeting: Meeting, item: AgendaItem | None = None, **extra) -> dict:
    """A valid form for each write, at the meeting's current version."""
    v = fresh(meeting).version
    data = {
        "meeting_edit": {"day": "2026-03-11", "start": "09:00", "end": "10:30",
                         "place": "Sammanträdesrum Bollmora", "video_link": "", "version": v},
        "meeting_cancel": {"cancel-reason": "Ordföranden är sjuk.", "cancel-version": v},
        "send_agenda": {"version": v},
        "item_add": {"add-version": v, "add-title": "Informationssäkerhet", "add-note": "",
                     "add-time_minutes": "10"},
        "item_remove": {"version": v},
        "item_move": {"version": v, "direction": "down"},
        "item_update": {f"item{item.pk}-version": v, f"item{item.pk}-time_minutes": "15",
                        f"item{item.pk}-note": "Kort dragning."} if item else {},
        "attendance": {"attendance-version": v, **{
            f"attendance-present_{m.pk}": "on" for m in meeting.members.all()}},
        "adjuster": {"adjuster-version": v},
        "decision": {f"d{item.pk}-version": v, f"d{item.pk}-outcome": "approve",
                     f"d{item.pk}-note": ""} if item else {},
        "sign": {"sign-version": v},
        "correct": {"correct-text": "Rättelse: beloppet är 50 000 kr.", "correct-paragraph": ""},
        "members": {"version": v, "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"},
    }[name]
    return {**data, **extra}


def measure(client, path: str):
    """GET `path` twice and return the second response and the queries it ran."""
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return response, ctx


def assert_count(ctx: CaptureQueriesContext, expected: int) -> None:
    sql = "\n".join(f"{i}. {q['sql'][:3000]}" for i, q in enumerate(ctx.captured_queries, 1))
    assert len(ctx) == expected, f"{len(ctx)} queries, expected {expected}:\n{sql}"


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- the board's meetings ---------------------------------------------------------------------


@pytest.fixture
def planned(make_meeting, ready_order, chair):
    """A planned meeting, its agenda built: two orders and the portfolio status item."""
    ready_order(4, title="Lokalbokning")
    ready_order(2, title="Skolskjuts")
    meeting = make_meeting(at(2026, 3, 10, 13), video_link="https://teams.example.se/bit")
    services.agenda_build(meeting_id=meeting.pk)
    return fresh(meeting)


@pytest.fixture
def sent(ready_order, sent_meeting):
    """A meeting whose agenda, with two orders, is frozen and sent."""
    ready_order(4, title="Lokalbokning")
    ready_order(2, title="Skolskjuts")
    return sent_meeting(at(2026, 3, 24, 13))


@pytest.fixture
def adjusted(sent, decide, chair, it_chief):
    """`sent`, decided (approve both) and adjusted by the chair and the IT chief."""
    decide(sent, adjuster=it_chief)
    services.minutes_sign(meeting_id=sent.pk, actor=chair)
    services.minutes_sign(meeting_id=sent.pk, actor=it_chief)
    meeting = fresh(sent)
    assert meeting.status == M.ADJUSTED
    return meeting


# --- anonymous --------------------------------------------------------------------------------

GETS = ["meeting", "delegations", "meeting_edit", "members", "minutes", "print", "pdf", "ics"]
POSTS = ["meeting_edit", "meeting_cancel", "members", "send_agenda", "item_add", "attendance",
         "adjuster", "sign", "correct"]
ITEM_POSTS = ["item_remove", "item_move", "item_update", "decision"]


@pytest.mark.parametrize("name", ["meetings", "meeting_create", "my_calendar", "reminders"])
def test_anonymous_is_sent_to_login_from_the_board_pages(client, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url(name)}"


def test_anonymous_is_sent_to_login_from_every_meeting_page_and_changes_nothing(client, sent):
    item = first_order_item(sent)
    before = snapshot(sent)
    for name in GETS:
        response = client.get(url(name, sent))
        assert response.status_code == 302, name
        assert response["Location"].startswith(f"{LOGIN}?next="), name
    for name in POSTS:
        response = client.post(url(name, sent), post_data(name, sent, item))
        assert response.status_code == 302, name
        assert response["Location"].startswith(LOGIN), name
    for name in ITEM_POSTS:
        response = client.post(url(name, sent, item), post_data(name, sent, item))
        assert response.status_code == 302, name
        assert response["Location"].startswith(LOGIN), name
    for name in ["item_brief", "item_update"]:
        response = client.get(url(name, sent, item))
        assert response.status_code == 302, name
        assert response["Location"].startswith(f"{LOGIN}?next="), name
    assert client.post(url("meeting_create"), {"day": "2026-04-01"}).status_code == 302
    assert snapshot(sent) == before
    assert Meeting.objects.count() == 1


# --- a logged-in person who is not on the board -----------------------------------------------


def test_an_orderer_finds_no_board_page(client, sent, orderer):
    item = first_order_item(sent)
    client.force_login(orderer)
    before = snapshot(sent)
    for name in ["meetings", "meeting_create", "my_calendar", "reminders"]:
        assert client.get(url(name)).status_code == 404, name
    for name in GETS:
        assert client.get(url(name, sent)).status_code == 404, name
    for name in POSTS:
        assert client.post(url(name, sent), post_data(name, sent, item)).status_code == 404, name
    for name in ITEM_POSTS:
        response = client.post(url(name, sent, item), post_data(name, sent, item))
        assert response.status_code == 404, name
    assert client.get(url("item_brief", sent, item)).status_code == 404
    assert client.get(url("item_update", sent, item)).status_code == 404
    assert client.post(url("my_calendar")).status_code == 404
    assert not CalendarFeed.objects.exists()
    assert snapshot(sent) == before


def test_a_missing_meeting_is_not_found(client, sent, chair):
    client.force_login(chair)
    missing = Meeting(pk=sent.pk + 100)
    for name in GETS:
        assert client.get(url(name, missing)).status_code == 404, name
    item = first_order_item(sent)
    other = services.meeting_create(actor=chair, starts_at=at(2026, 4, 7, 13))
    # An item is found only on its own meeting.
    response = client.post(url("item_update", other, item), post_data("item_update", other, item))
    assert response.status_code == 404
    assert client.get(url("item_brief", other, item)).status_code == 404
    assert client.get(url("item_brief", missing, item)).status_code == 404
    # Only an order's item has a decision brief.
    portfolio = sent.items.get(kind=AgendaItem.Kind.PORTFOLIO)
    assert client.get(url("item_brief", sent, portfolio)).status_code == 404


def test_an_orderer_sees_no_board_link(client, orderer):
    client.force_login(orderer)
    assert reverse("board:meetings") not in client.get(reverse("home")).content.decode()


# --- who may read ------------------------------------------------------------------------------


def test_the_board_link_is_in_the_menu_of_those_who_see_every_order(client, it_chief):
    client.force_login(it_chief)
    page = html(client.get(reverse("home")))
    links = [a for a in page.find_all("a") if a.attrs.get("href") == reverse("board:meetings")]
    assert links and links[0].text() == "Beslutsråd IT"


def test_a_member_who_does_not_see_every_order_reads_the_meeting_but_not_the_orders(
    client, sent, chair
):
    # Not IT operations: the HUKI matrix consults it on the briefs, and so shows it the orders.
    operations = factories.make_role_user(Role.Code.SERVICE_DESK, username="servicedesk")
    services.meeting_set_members(
        meeting_id=sent.pk, actor=chair,
        members=[(m.person, m.role, m.deputy_for) for m in sent.members.all()]
        + [(operations, None, None)],
    )
    client.force_login(operations)
    assert reverse("board:meetings") in client.get(reverse("home")).content.decode()
    response = client.get(url("meeting", sent))
    assert response.status_code == 200
    content = response.content.decode()
    item = first_order_item(sent)
    order = item.order
    # The brief opens from the agenda; the order's own page is not linked for this member.
    assert url("item_brief", sent, item) in content
    assert order.get_absolute_url() not in content
    brief = client.get(url("item_brief", sent, item)).content.decode()
    assert order.recommendation in brief
    assert order.get_absolute_url() not in brief
    assert client.get(order.get_absolute_url()).status_code == 404
    for name in ["minutes", "print", "pdf", "ics"]:
        assert client.get(url(name, sent)).status_code == 200, name
    assert client.get(url("meetings")).status_code == 200
    assert client.get(url("my_calendar")).status_code == 200


def test_someone_who_sees_every_order_reads_a_meeting_they_are_not_called_to(client, sent):
    analyst = factories.make_role_user(Role.Code.REQUIREMENTS_ANALYST, username="analytiker")
    assert not sent.members.filter(person=analyst).exists()
    client.force_login(analyst)
    for name in GETS[:1] + ["minutes", "print", "pdf", "ics"]:
        assert client.get(url(name, sent)).status_code == 200, name
    listing = client.get(url("meetings"))
    assert sent.get_absolute_url() in listing.content.decode()
    # Reading is all: the chair's tools are not on the page.
    page = html(client.get(url("meeting", sent)))
    assert not page.has_id("add-item")


def test_the_meeting_page_opens_each_brief_under_its_item(client, planned, chair):
    client.force_login(chair)
    response = client.get(url("meeting", planned))
    page = html(response)
    items = list(planned.items.order_by("position"))
    assert [i.kind for i in items] == ["order", "order", "portfolio"]
    for item in items:
        assert page.has_id(f"punkt-{item.pk}")
    first = page.by_id(f"punkt-{items[0].pk}")
    details = first.find_all("details", **{"class": "brief"})
    assert len(details) == 1
    brief_url = url("item_brief", planned, items[0])
    # Opening the brief fetches it into place; without JavaScript its link opens it.
    assert details[0].attrs["hx-get"] == brief_url
    assert details[0].attrs["hx-target"] == f"#underlag-{items[0].pk}"
    assert brief_url in [a.attrs.get("href") for a in details[0].find_all("a")]
    order = items[0].order
    assert order.get_absolute_url() in [a.attrs.get("href") for a in first.find_all("a")]
    # The chair's tools: move, remove, time-box and note, freeze and send, add an item.
    assert page.has_id("add-item")
    content = response.content.decode()
    assert url("send_agenda", planned) in content
    actions = [b.attrs.get("formaction") for b in first.find_all("button")]
    assert actions == [url("item_move", planned, items[0]), url("item_remove", planned, items[0])]
    assert page.has_id("agenda-tools")
    assert url("item_update", planned, items[0]) in [a.attrs.get("href") for a in
                                                     first.find_all("a")]


@pytest.mark.parametrize("htmx", [False, True])
def test_the_chair_opens_an_item_s_time_box_and_note(client, planned, chair, htmx):
    item = first_order_item(planned)
    services.agenda_update_item(item_id=item.pk, actor=chair, time_minutes=20,
                                note="Dragning av IT-arkitekten.")
    client.force_login(chair)
    headers = {"HX-Request": "true", "HX-Target": f"punkt-{item.pk}"} if htmx else {}
    response = client.get(url("item_update", planned, item), headers=headers)
    assert response.status_code == 200
    page = html(response)
    form = page.find_all("form")[-1]
    assert form.attrs["action"] == url("item_update", planned, item)
    minutes = page.by_id(f"id_item{item.pk}-time_minutes")
    assert minutes.attrs["value"] == "20"
    assert page.by_id(f"id_item{item.pk}-note").text().strip() == "Dragning av IT-arkitekten."
    version = [i for i in form.find_all("input") if i.attrs["name"] == f"item{item.pk}-version"]
    assert version[0].attrs["value"] == str(fresh(planned).version)
    # In place of its link, the form takes the cursor; on a page of its own it leads back.
    assert ("autofocus" in minutes.attrs) is htmx
    assert ("<html" in response.content.decode()) is not htmx


def test_only_the_chair_opens_the_time_box(client, planned, coordinator):
    client.force_login(coordinator)
    assert client.get(url("item_update", planned, first_order_item(planned))).status_code == 403


def test_the_time_box_of_adjusted_minutes_does_not_open(client, adjusted, chair):
    client.force_login(chair)
    response = client.get(url("item_update", adjusted, first_order_item(adjusted)))
    assert response.status_code == 302
    assert response["Location"] == adjusted.get_absolute_url()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_decision_brief_shows_the_order_s_preparation(client, planned, chair, htmx):
    item = first_order_item(planned)
    order = item.order
    client.force_login(chair)
    headers = {"HX-Request": "true", "HX-Target": f"underlag-{item.pk}"} if htmx else {}
    response = client.get(url("item_brief", planned, item), headers=headers)
    assert response.status_code == 200
    content = response.content.decode()
    for text in [order.need, order.it_requirements, order.recommendation, "50 000"]:
        assert text in content.replace("\xa0", " "), text
    # htmx gets the brief alone, to put under its item; a plain request a whole page.
    assert ("<html" in content) is not htmx
    if not htmx:
        assert order.get_absolute_url() in content


def test_the_list_shows_upcoming_and_past_meetings_and_highlights_the_next(
    client, make_meeting, past_meeting, chair
):
    now = timezone.now()
    past = past_meeting(now - timedelta(days=20))
    soon = make_meeting(now + timedelta(days=6))
    later = make_meeting(now + timedelta(days=20))
    services.meeting_cancel(meeting_id=soon.pk, actor=chair, reason="Inga ärenden.")
    client.force_login(chair)
    response = client.get(url("meetings"))
    # A cancelled meeting is no longer to come: it is listed with the past ones.
    assert [m.pk for m in response.context["upcoming"]] == [later.pk]
    assert [m.pk for m in response.context["past"]] == [soon.pk, past.pk]
    assert response.context["next_meeting"].pk == later.pk
    page = html(response)
    assert page.by_id("h-next").find_all("a")[0].attrs["href"] == later.get_absolute_url()
    assert reverse("board:meeting_create") in response.content.decode()


# --- the chair's writes, refused for anybody else -----------------------------------------------


@pytest.mark.parametrize("name", ["meeting_edit", "members"])
def test_a_member_who_is_not_the_chair_cannot_open_the_chairs_forms(client, planned, it_chief,
                                                                    name):
    client.force_login(it_chief)
    assert client.get(url(name, planned)).status_code == 403


@pytest.mark.parametrize("name", ["meeting_edit", "meeting_cancel", "send_agenda", "item_add",
                                  "item_remove", "item_move", "item_update", "members"])
def test_the_agenda_is_arranged_by_the_chair_only(client, planned, coordinator, name):
    item = first_order_item(planned)
    before = snapshot(planned)
    client.force_login(coordinator)
    target = url(name, planned, item) if name.startswith("item_") and name != "item_add" else (
        url(name, planned))
    response = client.post(target, post_data(name, planned, item))
    assert response.status_code == 403
    assert snapshot(planned) == before


@pytest.mark.parametrize("name", ["attendance", "adjuster", "decision", "sign"])
def test_the_minutes_are_kept_by_the_chair_only(client, sent, coordinator, it_chief, name):
    item = first_order_item(sent)
    before = snapshot(sent)
    client.force_login(coordinator)
    target = url(name, sent, item) if name == "decision" else url(name, sent)
    data = post_data(name, sent, item, **({"adjuster-adjuster": it_chief.pk}
                                          if name == "adjuster" else {}))
    response = client.post(target, data)
    assert response.status_code == 403
    assert snapshot(sent) == before


def test_a_correction_is_added_by_the_chair_only(client, adjusted, it_chief):
    client.force_login(it_chief)
    response = client.post(url("correct", adjusted), post_data("correct", adjusted))
    assert response.status_code == 403
    assert not adjusted.corrections.exists()


def test_only_the_change_manager_plans_a_meeting(client, it_chief):
    client.force_login(it_chief)
    assert client.get(url("meeting_create")).status_code == 403
    response = client.post(url("meeting_create"), {
        "day": "2026-04-07", "start": "13:00", "end": "14:30", "place": "Bollmora"})
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_the_reminders_are_the_change_managers_page(client, it_chief, chair):
    client.force_login(it_chief)
    assert client.get(url("reminders")).status_code == 403
    client.force_login(chair)
    assert client.get(url("reminders")).status_code == 200


# --- the chair at work ----------------------------------------------------------------------------


def test_the_change_manager_plans_a_meeting(client, chair, members):
    client.force_login(chair)
    form = client.get(url("meeting_create"))
    assert form.status_code == 200
    response = client.post(url("meeting_create"), {
        "day": "2026-04-07", "start": "13:00", "end": "14:30",
        "place": "Sammanträdesrum Bollmora", "video_link": "https://teams.example.se/bit"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-04-07 13:00"
    assert str(meeting.starts_at.utcoffset()) == "0:00:00"  # stored in UTC
    assert meeting.starts_at.astimezone(timezone.get_current_timezone()).hour == 13
    assert meeting.chair == chair
    assert set(meeting.members.values_list("person_id", flat=True)) == {m.pk for m in members}


def test_a_meeting_that_ends_before_it_starts_is_refused_by_the_end_field(client, chair):
    client.force_login(chair)
    response = client.post(url("meeting_create"), {
        "day": "2026-04-07", "start": "13:00", "end": "12:00", "place": "Bollmora"})
    assert response.status_code == 400
    assert_error_by_field(response, "id_end")
    assert not Meeting.objects.exists()


def test_the_chair_moves_the_meeting_and_the_members_get_a_new_invitation(client, sent, chair):
    client.force_login(chair)
    assert client.get(url("meeting_edit", sent)).status_code == 200
    response = client.post(url("meeting_edit", sent), post_data("meeting_edit", sent))
    assert response.status_code == 302
    meeting = fresh(sent)
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-03-11 09:00"
    assert meeting.sequence == sent.sequence + 1
    assert Reminder.objects.filter(key__startswith=f"agenda:{sent.pk}:{meeting.sequence}:").count(
    ) == sent.members.count()


def test_a_stale_meeting_form_is_refused_with_409_and_keeps_the_input(client, sent, chair):
    client.force_login(chair)
    data = post_data("meeting_edit", sent, place="Rum som jag skrev")
    # The chair adds a late item in another window meanwhile: the meeting's version rises.
    services.agenda_add_item(meeting_id=sent.pk, actor=chair, title="Övrigt")
    response = client.post(url("meeting_edit", sent), data)
    assert response.status_code == 409
    page = html(response)
    assert page.by_id("id_place").attrs["value"] == "Rum som jag skrev"
    assert page.find_all("input", name="version")[0].attrs["value"] == str(fresh(sent).version)
    assert page.by_id("form-errors").text()
    assert fresh(sent).place != "Rum som jag skrev"
    # Sent again as it stands, it is saved.
    again = client.post(url("meeting_edit", sent),
                        {**data, "version": fresh(sent).version})
    assert again.status_code == 302
    assert fresh(sent).place == "Rum som jag skrev"


def test_a_stale_item_form_is_refused_with_409_and_keeps_the_note(client, planned, chair):
    item = first_order_item(planned)
    client.force_login(chair)
    data = post_data("item_update", planned, item)
    data[f"item{item.pk}-note"] = "Min anteckning"
    services.agenda_add_item(meeting_id=planned.pk, actor=chair, title="Övrigt")
    response = client.post(url("item_update", planned, item), data)
    assert response.status_code == 409
    page = html(response)
    assert page.by_id(f"id_item{item.pk}-note").text() == "Min anteckning"
    assert AgendaItem.objects.get(pk=item.pk).note == ""


def test_the_chair_arranges_the_agenda(client, planned, chair):
    client.force_login(chair)
    first, second, portfolio = planned.items.order_by("position")
    response = client.post(url("item_move", planned, first), post_data("item_move", planned))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#punkt-{first.pk}")
    assert list(planned.items.order_by("position").values_list("pk", flat=True)) == [
        second.pk, first.pk, portfolio.pk]
    response = client.post(url("item_update", planned, first),
                           post_data("item_update", planned, first))
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.time_minutes, first.note) == (15, "Kort dragning.")
    response = client.post(url("item_add", planned), post_data("item_add", planned))
    assert response.status_code == 302
    added = planned.items.get(title="Informationssäkerhet")
    assert (added.kind, added.time_minutes, added.is_late) == ("other", 10, False)
    response = client.post(url("item_remove", planned, portfolio),
                           post_data("item_remove", planned))
    assert response.status_code == 302
    assert not planned.items.filter(pk=portfolio.pk).exists()


def test_the_chair_puts_an_order_ready_for_decision_on_a_frozen_agenda_as_a_late_item(
    client, sent, chair, ready_order
):
    late = ready_order(3, title="Sent inkommen")
    client.force_login(chair)
    page = client.get(url("meeting", sent))
    choices = page.context["add_form"].fields["order"].queryset
    assert list(choices) == [late]
    response = client.post(url("item_add", sent), post_data(
        "item_add", sent, **{"add-order": late.pk, "add-title": ""}))
    assert response.status_code == 302
    item = sent.items.get(order=late)
    assert item.is_late and item.kind == "order"
    # Once frozen, items are no longer moved.
    response = client.post(url("item_move", sent, item), post_data("item_move", sent))
    assert response.status_code == 409


def test_an_item_without_a_title_or_an_order_is_refused_by_its_field(client, planned, chair):
    client.force_login(chair)
    response = client.post(url("item_add", planned),
                           post_data("item_add", planned, **{"add-title": ""}))
    assert response.status_code == 400
    assert_error_by_field(response, "id_add-title")


def test_the_chair_freezes_and_sends_the_agenda(client, planned, chair):
    client.force_login(chair)
    response = client.post(url("send_agenda", planned), post_data("send_agenda", planned))
    assert response.status_code == 302
    meeting = fresh(planned)
    assert meeting.status == M.AGENDA_SENT and meeting.agenda_frozen_at
    assert Reminder.objects.filter(kind="agenda", meeting=meeting).count() == (
        meeting.members.count())
    # A second press sends nothing more.
    response = client.post(url("send_agenda", planned), post_data("send_agenda", planned))
    assert response.status_code == 409
    assert Reminder.objects.filter(kind="agenda", meeting=meeting).count() == (
        meeting.members.count())


def test_the_chair_cancels_a_meeting_with_a_reason(client, sent, chair):
    client.force_login(chair)
    response = client.post(url("meeting_cancel", sent),
                           post_data("meeting_cancel", sent, **{"cancel-reason": ""}))
    assert response.status_code == 400
    assert_error_by_field(response, "id_cancel-reason")
    response = client.post(url("meeting_cancel", sent), post_data("meeting_cancel", sent))
    assert response.status_code == 302
    meeting = fresh(sent)
    assert meeting.status == M.CANCELLED
    assert meeting.cancelled_reason == "Ordföranden är sjuk."


def test_the_chair_edits_the_member_list(client, planned, chair, coordinator, it_chief):
    deputy = factories.make_role_user(Role.Code.DEPUTY_IT_CHIEF, username="bitr")
    client.force_login(chair)
    page = client.get(url("members", planned))
    assert page.status_code == 200
    formset = page.context["formset"]
    assert len(formset.forms) == planned.members.count() + 2
    # As the browser sends it: every row as shown, the IT chief ticked off, one row filled in.
    data = {"version": planned.version, "members-TOTAL_FORMS": str(len(formset.forms)),
            "members-INITIAL_FORMS": str(formset.initial_form_count())}
    for i, form in enumerate(formset.forms):
        for field in ("person", "role", "deputy_for"):
            data[f"members-{i}-{field}"] = form.initial.get(field) or ""
        if form.initial.get("person") == it_chief.pk:
            data[f"members-{i}-DELETE"] = "on"
    new = formset.initial_form_count()
    data.update({f"members-{new}-person": deputy.pk,
                 f"members-{new}-role": Role.objects.get(code="deputy_it_chief").pk,
                 f"members-{new}-deputy_for": it_chief.pk})
    response = client.post(url("members", planned), data)
    assert response.status_code == 302
    members = {m.person_id: m for m in planned.members.all()}
    assert set(members) == {chair.pk, coordinator.pk, deputy.pk}
    assert members[deputy.pk].deputy_for_id == it_chief.pk
    # The meeting page lists the deputy with the member they stand in for.
    row = html(client.get(url("meeting", planned))).by_id("ledamoter").text()
    assert f"{deputy} Biträdande IT-chef {it_chief}" in row


def test_a_member_twice_on_the_list_is_refused(client, planned, chair):
    client.force_login(chair)
    data = {"version": planned.version, "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "0", "members-0-person": chair.pk,
            "members-1-person": chair.pk}
    response = client.post(url("members", planned), data)
    assert response.status_code == 400
    assert_error_by_field(response, "id_members-1-person")


# --- the minutes ------------------------------------------------------------------------------


def test_the_minutes_are_kept_signed_and_applied_through_the_pages(
    client, sent, meet, chair, it_chief
):
    approve, reject = [i for i in sent.items.order_by("position") if i.kind == "order"]
    portfolio = sent.items.get(kind="portfolio")
    meet(sent)
    client.force_login(chair)
    page = client.get(url("minutes", sent))
    assert page.status_code == 200
    assert "sign_form" not in page.context
    assert page.context["missing"]
    assert client.post(url("attendance", sent), post_data("attendance", sent)).status_code == 302
    assert set(sent.members.values_list("attended", flat=True)) == {True}
    response = client.post(url("adjuster", sent),
                           post_data("adjuster", sent, **{"adjuster-adjuster": it_chief.pk}))
    assert response.status_code == 302
    for item, outcome, reason in [(approve, "approve", ""), (reject, "reject", "För dyrt."),
                                  (portfolio, "noted", "")]:
        data = post_data("decision", sent, item, **{f"d{item.pk}-outcome": outcome,
                                                     f"d{item.pk}-reason": reason})
        response = client.post(url("decision", sent, item), data)
        assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(url("minutes", sent))
    assert page.context["missing"] == []
    response = client.post(url("sign", sent), post_data("sign", sent))
    assert response.status_code == 302
    meeting = fresh(sent)
    assert meeting.chair_signed_at and meeting.status == M.HELD
    assert Order.objects.get(pk=approve.order_id).status == S.READY_FOR_DECISION

    client.force_login(it_chief)
    page = client.get(url("minutes", sent))
    assert page.context["sign_form"] is not None
    response = client.post(url("sign", sent), post_data("sign", sent), follow=True)
    meeting = fresh(sent)
    assert meeting.status == M.ADJUSTED
    assert "BIT 2026:1" in messages_of(response)
    assert Order.objects.get(pk=approve.order_id).status == S.APPROVED
    rejected = Order.objects.get(pk=reject.order_id)
    assert (rejected.status, rejected.rejection_reason) == (S.REJECTED, "För dyrt.")

    page = html(client.get(url("minutes", sent)))
    text = page.text()
    assert "BIT 2026:1" in text
    assert [p.text() for p in page.find_all("span", **{"class": "paragraph-no"})] == [
        "§1", "§2", "§3"]
    assert str(chair) in page.by_id("justering").text()
    assert str(it_chief) in page.by_id("justering").text()
    # Adjusted minutes offer no form that could change them.
    assert not page.find_all("form", action=url("attendance", sent))
    assert not page.find_all("form", action=url("decision", sent, approve))


def test_an_item_that_is_not_an_order_is_only_noted(client, sent, meet, chair):
    portfolio = meet(sent).items.get(kind="portfolio")
    client.force_login(chair)
    page = html(client.get(url("minutes", sent)))
    item = page.by_id(f"punkt-{portfolio.pk}")
    outcome = item.find_all("input", name=f"d{portfolio.pk}-outcome")
    assert [(o.attrs["type"], o.attrs["value"]) for o in outcome] == [("hidden", "noted")]
    assert not item.find_all("textarea", name=f"d{portfolio.pk}-reason")
    response = client.post(url("decision", sent, portfolio), post_data(
        "decision", sent, portfolio, **{f"d{portfolio.pk}-outcome": "approve"}))
    assert response.status_code == 400
    portfolio.refresh_from_db()
    assert portfolio.outcome == ""


def test_a_rejection_without_a_reason_is_refused_by_the_reason_field(client, sent, meet,
                                                                     chair):
    item = first_order_item(meet(sent))
    client.force_login(chair)
    data = post_data("decision", sent, item, **{f"d{item.pk}-outcome": "reject"})
    response = client.post(url("decision", sent, item), data)
    assert response.status_code == 400
    assert_error_by_field(response, f"id_d{item.pk}-reason")
    item.refresh_from_db()
    assert item.outcome == ""


def test_a_stale_decision_is_refused_with_409(client, sent, meet, chair):
    first, second = [i for i in meet(sent).items.order_by("position") if i.kind == "order"]
    client.force_login(chair)
    stale = post_data("decision", sent, second, **{f"d{second.pk}-outcome": "defer"})
    services.item_record_decision(item_id=first.pk, actor=chair, outcome="approve")
    response = client.post(url("decision", sent, second), stale)
    assert response.status_code == 409
    second.refresh_from_db()
    assert second.outcome == ""
    field = html(response).find_all("input", name=f"d{second.pk}-version")[0]
    assert field.attrs["value"] == str(fresh(sent).version)


def test_a_decision_that_cannot_be_applied_stops_the_justering_and_names_the_item(
    client, sent, chair, it_chief, decide, orderer
):
    decide(sent, adjuster=it_chief)
    item = first_order_item(sent)
    order_services.order_withdraw(order_id=item.order_id, actor=orderer, reason="Behövs inte.")
    services.minutes_sign(meeting_id=sent.pk, actor=chair)
    client.force_login(it_chief)
    response = client.post(url("sign", sent), post_data("sign", sent))
    assert response.status_code == 409
    assert item.title in html(response).by_id("justering").text()
    meeting = fresh(sent)
    assert meeting.status != M.ADJUSTED and meeting.number is None
    other = [i for i in sent.items.filter(kind="order") if i.pk != item.pk][0]
    assert Order.objects.get(pk=other.order_id).status == S.READY_FOR_DECISION


def test_the_chair_adds_a_correction_to_adjusted_minutes(client, adjusted, chair):
    client.force_login(chair)
    before = snapshot(adjusted)[:3]
    response = client.post(url("correct", adjusted), post_data(
        "correct", adjusted, **{"correct-paragraph": "1"}))
    assert response.status_code == 302
    correction = adjusted.corrections.get()
    assert (correction.paragraph, correction.created_by) == (1, chair)
    assert snapshot(adjusted)[:3] == before
    assert correction.text in client.get(url("minutes", adjusted)).content.decode()


def test_a_planned_meetings_minutes_offer_nothing_to_record(client, planned, chair):
    client.force_login(chair)
    response = client.get(url("minutes", planned))
    assert response.status_code == 200
    assert "attendance_form" not in response.context


# --- pack, PDF and calendars ------------------------------------------------------------------


def test_the_print_view_is_the_meeting_pack_and_then_the_minutes(client, sent, chair, decide,
                                                                 it_chief):
    client.force_login(chair)
    order = first_order_item(sent).order
    pack = client.get(url("print", sent)).content.decode()
    assert order.recommendation in pack and order.need in pack
    decide(sent, adjuster=it_chief)
    services.minutes_sign(meeting_id=sent.pk, actor=chair)
    services.minutes_sign(meeting_id=sent.pk, actor=it_chief)
    minutes = client.get(url("print", sent)).content.decode()
    assert "BIT 2026:1" in minutes and "§1" in minutes


def test_the_pdf_is_a_pdf_before_and_after_justering(client, sent, chair, decide, it_chief):
    client.force_login(chair)
    response = client.get(url("pdf", sent))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    decide(sent, adjuster=it_chief)
    services.minutes_sign(meeting_id=sent.pk, actor=chair)
    services.minutes_sign(meeting_id=sent.pk, actor=it_chief)
    services.minutes_correct(meeting_id=sent.pk, actor=chair, text="Rätt belopp: 5 kr.")
    response = client.get(url("pdf", sent))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="bit-2026-1.pdf"' in response["Content-Disposition"]


def test_the_ics_of_a_meeting_parses_and_is_in_stockholm_time(client, sent, chair):
    client.force_login(chair)
    response = client.get(url("ics", sent))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert event["UID"] == sent.uid
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Stockholm"
    assert start.dt.strftime("%Y-%m-%d %H:%M") == "2026-03-24 13:00"
    assert "VTIMEZONE" in [c.name for c in calendar.subcomponents]


def test_a_calendar_address_is_made_on_request_and_renewed(client, sent, chair):
    client.force_login(chair)
    page = client.get(url("my_calendar"))
    assert page.status_code == 200 and page.context["calendar_feed"] is None
    assert client.post(url("my_calendar")).status_code == 302
    first = CalendarFeed.objects.get(person=chair)
    page = client.get(url("my_calendar"))
    assert reverse("board:feed", args=[first.token]) in page.context["feed_url"]
    client.post(url("my_calendar"))
    second = CalendarFeed.objects.get(person=chair)
    assert second.token != first.token
    client.logout()
    assert client.get(reverse("board:feed", args=[first.token])).status_code == 404
    assert client.get(reverse("board:feed", args=[second.token])).status_code == 200


def test_the_feed_needs_no_login_but_its_token(client, chair, make_meeting, past_meeting):
    now = timezone.now()
    upcoming = make_meeting(now + timedelta(days=7))
    recent = past_meeting(now - timedelta(days=20))
    past_meeting(now - timedelta(days=200))  # long ago: no longer in the feed
    other = factories.make_change_manager(username="annan")
    not_mine = services.meeting_create(actor=other, starts_at=now + timedelta(days=8))
    MeetingMember.objects.filter(meeting=not_mine, person=chair).delete()
    feed = CalendarFeed.objects.create(person=chair)
    response = client.get(reverse("board:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [recent.uid, upcoming.uid]
    assert events[0]["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert client.get(reverse("board:feed", args=["okänd-" + feed.token])).status_code == 404
    chair.is_active = False
    chair.save()
    assert client.get(reverse("board:feed", args=[feed.token])).status_code == 404


# --- reminders --------------------------------------------------------------------------------


def test_the_reminders_page_lists_what_was_sent_and_what_is_due(client, chair, make_meeting):
    soon = make_meeting(timezone.now() + timedelta(days=4))
    services.agenda_freeze_and_send(meeting_id=soon.pk, actor=chair)
    client.force_login(chair)
    response = client.get(url("reminders"))
    assert response.status_code == 200
    sent = list(response.context["sent"])
    assert sent and {r.kind for r in sent} == {"agenda"}
    due = response.context["due"]
    # The day-before reminders, and the chair's if the minutes are not adjusted in a week.
    assert {d.kind for d in due} == {"member", "minutes"}
    assert {d.recipient for d in due if d.kind == "member"} == {
        m.person for m in soon.members.all()}
    assert [d.recipient for d in due if d.kind == "minutes"] == [chair]
    text = html(response).by_id("h-due").parent.text()
    assert str(soon.members.first().person) in text


# --- query counts -----------------------------------------------------------------------------

# The chair's meeting page:
#   1. the meeting with its chair and adjuster   (board_visible_meetings: sees every order)
#   2. the items the board decides, with order and department (the briefs open on request)
#   3. the delegated decisions counted per department and type of order
#   4. the members with person, role and deputy
#   5. the board settings (the cut-off)
#   6. the orders ready for decision the chair may add (the "Add an item" form)
CHAIR_MEETING = ACCESS_TOKEN + 6


def grow(meeting: Meeting, chair, ready_order, count: int) -> None:
    """`count` more order items and members on the meeting."""
    people = [(m.person, m.role, m.deputy_for) for m in meeting.members.all()]
    for i in range(count):
        order = ready_order(3, title=f"Extra {i}")
        services.agenda_add_item(meeting_id=meeting.pk, actor=chair, order=order)
        SolutionOption.objects.create(order=order, title=f"Alternativ {i}")
        people.append((factories.make_role_user(Role.Code.IT_ARCHITECT), None, None))
    services.meeting_set_members(meeting_id=meeting.pk, actor=chair, members=people)


def test_meeting_page_has_a_fixed_number_of_queries(client, sent, chair):
    client.force_login(chair)
    response, ctx = measure(client, url("meeting", sent))
    assert len(response.context["items"]) == 3
    assert_count(ctx, CHAIR_MEETING)


def test_meeting_page_query_count_does_not_grow_with_items_and_members(
    client, sent, chair, ready_order
):
    client.force_login(chair)
    _, few = measure(client, url("meeting", sent))
    grow(sent, chair, ready_order, 6)
    response, many = measure(client, url("meeting", sent))
    assert len(response.context["items"]) == 9
    assert len(response.context["members"]) == 9
    assert len(many) == len(few) == CHAIR_MEETING


# The chair's minutes while they are kept:
#   1. the meeting with its chair and adjuster
#   2. the items with their orders and departments
#   3. the members with person, role and deputy
#   4–6. what the minutes still need (services.minutes_missing): the adjuster present,
#        anyone present, the items' decisions
CHAIR_MINUTES = ACCESS_TOKEN + 6


def test_minutes_page_has_a_fixed_number_of_queries(client, sent, meet, chair, it_chief):
    meet(sent)
    services.meeting_set_adjuster(meeting_id=sent.pk, actor=chair, adjuster=it_chief)
    client.force_login(chair)
    response, ctx = measure(client, url("minutes", sent))
    assert response.context["attendance_form"] is not None
    assert_count(ctx, CHAIR_MINUTES)


def test_minutes_page_query_count_does_not_grow_with_items_and_members(
    client, sent, meet, chair, it_chief, ready_order
):
    meet(sent)
    services.meeting_set_adjuster(meeting_id=sent.pk, actor=chair, adjuster=it_chief)
    client.force_login(chair)
    _, few = measure(client, url("minutes", sent))
    grow(sent, chair, ready_order, 6)
    response, many = measure(client, url("minutes", sent))
    assert len(response.context["items"]) == 9
    assert len(many) == len(few) == CHAIR_MINUTES


# The list of meetings:
#   1. the upcoming meetings with chair and number of items
#   2. COUNT of the past meetings (paginator)
#   3. the page of past meetings with chair and number of items
MEETING_LIST = ACCESS_TOKEN + 3


def many_meetings(chair, clock, count: int, after: int = 0) -> None:
    """`count` meetings to come and `count` past ones, a week apart from `after` weeks on
    either side of now, each planned two weeks ahead."""
    now = clock.now()
    for i in range(after, after + count):
        for days in (-7 * (i + 1), 7 * (i + 1)):
            starts_at = now + timedelta(days=days)
            clock.set(starts_at - timedelta(days=14))
            meeting = services.meeting_create(actor=chair, starts_at=starts_at)
            services.agenda_add_item(meeting_id=meeting.pk, actor=chair, title=f"Punkt {i}")
    clock.set(now)


def test_meeting_list_has_a_fixed_number_of_queries(client, chair, members, clock):
    many_meetings(chair, clock, 3)
    client.force_login(chair)
    response, ctx = measure(client, url("meetings"))
    assert len(response.context["upcoming"]) == 3
    assert all(m.item_count == 1 for m in response.context["upcoming"])
    assert_count(ctx, MEETING_LIST)


def test_meeting_list_query_count_does_not_grow_with_meetings(client, chair, members, clock):
    client.force_login(chair)
    many_meetings(chair, clock, 1)
    _, few = measure(client, url("meetings"))
    many_meetings(chair, clock, 12, after=1)
    response, many = measure(client, url("meetings"))
    assert len(response.context["upcoming"]) == 13
    assert len(many) == len(few) == MEETING_LIST

