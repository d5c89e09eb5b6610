"""The order pages and actions, seen by everyone who may or may not use them.

Every view is tried anonymously (sent to the login page), by a logged-in person without the
right (403, 404 or a redirect with a message, as the view answers, and never another
department's data), by someone with the right, and on another department's order (404, the
same answer as for an order that does not exist).

Assertions go by status codes, what is in the database, element ids and attributes and order
references rather than by wording, except where Django's own Swedish messages are checked.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from orders import services
from orders.models import Attachment, Comment, Order, OrderEvent, SolutionOption
from tests import factories

pytestmark = pytest.mark.django_db

S = Order.Status
LOGIN = reverse("login")


def django_message(field_class, code: str) -> str:
    """One of Django's own error messages, in Swedish."""
    with translation.override("sv"):
        return str(field_class().error_messages[code])


REQUIRED = django_message(forms.CharField, "required")  # "Detta fält måste fyllas i."
NOT_A_NUMBER = django_message(forms.DecimalField, "invalid")


# --- reading the HTML -------------------------------------------------------------------


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def walk(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.walk()

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        attrs = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            e for e in self.walk()
            if (tag is None or e.tag == tag)
            and all(e.attrs.get(k) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id: str) -> Element:
        found = self.find_all(id=element_id)
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    def has_id(self, element_id: str) -> bool:
        return bool(self.find_all(id=element_id))


class _TreeBuilder(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def html(response) -> Element:
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    return builder.root


def assert_error_by_field(response, field_id: str, message: str | None = None) -> Element:
    """The field's error is in the field's own group, between its label and its input, and
    the input is marked invalid and described by the error."""
    page = html(response)
    field = page.by_id(field_id)
    assert field.attrs.get("aria-invalid") == "true", f"{field_id} is not marked invalid"
    error_id = f"{field_id}_error"
    assert error_id in (field.attrs.get("aria-describedby") or "").split(), (
        f"{field_id} is not described by its error: {field.attrs}"
    )
    error = page.by_id(error_id)
    assert error.text(), f"the error of {field_id} is empty"
    if message is not None:
        assert message in error.text()
    group = field.parent
    assert error.parent is group, "the error is not in the field's group"
    siblings = [c for c in group.children if isinstance(c, Element)]
    labels = [i for i, e in enumerate(siblings) if e.tag == "label"
              and e.attrs.get("for") == field_id]
    assert labels, f"no label for {field_id} in its group"
    assert labels[-1] < siblings.index(error) < siblings.index(field), (
        "the error is not between the field's label and the field"
    )
    return error


def assert_login_redirect(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?{urlencode({'next': url}, safe='/')}"


def assert_no_data_of(response, *orders: Order) -> None:
    content = response.content.decode()
    for order in orders:
        assert order.title not in content
        if order.reference:
            assert order.reference not in content


def messages_on(page: Element) -> str:
    return " ".join(e.text() for e in page.find_all(role="alert"))


def assert_refused_with_a_message(client, response, order: Order) -> None:
    """The view's answer to someone who may see the order but not do this: back to the
    order page, where a message says why."""
    assert response.status_code == 302
    assert response["Location"].split("#")[0] == order.get_absolute_url()
    assert messages_on(html(client.get(response["Location"]))), "no message says why"


def status_of(order: Order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


# --- shared orders ----------------------------------------------------------------------


def pdf(name: str = "underlag.pdf", size: int = 64) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"x" * size, content_type="application/pdf")


def with_brief(order: Order, handler, **brief) -> Order:
    factories.ensure_priority_model()
    services.order_update_preparation(
        order_id=order.pk, actor=handler,
        data={**factories.COMPLETE_BRIEF, **brief,
              "priority_values": dict(factories.PRIORITY_VALUES)},
        expected_version=Order.objects.get(pk=order.pk).version,
    )
    return Order.objects.get(pk=order.pk)


@pytest.fixture
def prepared(make_order, orderer, coordinator):
    """An order of `department` in preparation with one option and one attachment."""
    order = make_order(S.IN_PREPARATION, title="Digital lokalbokning")
    option = services.option_add(order_id=order.pk, actor=coordinator,
                                 data={"title": "Köpa tjänst"})
    attachment = services.attachment_add(order_id=order.pk, actor=orderer, upload=pdf())
    return order, option, attachment


def order_urls(order: Order, option: SolutionOption, attachment: Attachment):
    """(method, url) of every page and action on one order."""
    pk = order.pk
    return {
        "detail": ("get", reverse("orders:detail", args=[pk])),
        "edit": ("get", reverse("orders:edit", args=[pk])),
        "edit-post": ("post", reverse("orders:edit", args=[pk])),
        "prepare": ("get", reverse("orders:prepare", args=[pk])),
        "prepare-post": ("post", reverse("orders:prepare", args=[pk])),
        "option_add": ("post", reverse("orders:option_add", args=[pk])),
        "option_delete": ("post", reverse("orders:option_delete", args=[pk, option.pk])),
        "comment_add": ("post", reverse("orders:comment_add", args=[pk])),
        "attachment_add": ("post", reverse("orders:attachment_add", args=[pk])),
        "attachment": ("get", reverse("orders:attachment", args=[pk, attachment.pk])),
        "assign_handler": ("post", reverse("orders:assign_handler", args=[pk])),
        "transition": ("post", reverse("orders:transition", args=[pk, "withdraw"])),
    }


ORDER_URL_NAMES = [
    "detail", "edit", "edit-post", "prepare", "prepare-post", "option_add", "option_delete",
    "comment_add", "attachment_add", "attachment", "assign_handler", "transition",
]


def hostile_post_data(coordinator) -> dict:
    """Data that would change the order if the view let it through."""
    return {
        "title": "Kapad", "kind": Order.Kind.CHANGE, "need": "Kapad", "version": 99,
        "it_requirements": "Kapad", "body": "Kapad kommentar", "handler": coordinator.pk,
        "withdraw-reason": "Kapad", "file": pdf("kapad.pdf"),
    }


def snapshot(order: Order) -> tuple:
    order = Order.objects.get(pk=order.pk)
    return (
        order.status, order.version, order.title, order.handler_id,
        order.comments.count(), order.attachments.count(), order.options.count(),
        order.events.count(),
    )


# --- anonymous --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "orders:list", "orders:create"])
def test_anonymous_is_sent_to_login_from_the_start_list_and_new_order_pages(client, name):
    url = reverse(name)
    assert_login_redirect(client.get(url), url)


@pytest.mark.parametrize("name", ORDER_URL_NAMES)
def test_anonymous_is_sent_to_login_from_every_order_page_and_changes_nothing(
    client, prepared, coordinator, name
):
    order, option, attachment = prepared
    before = snapshot(order)
    method, url = order_urls(order, option, attachment)[name]
    data = hostile_post_data(coordinator) if method == "post" else None
    response = getattr(client, method)(url, data)
    assert_login_redirect(response, url)
    assert_no_data_of(response, order)
    assert snapshot(order) == before


def test_anonymous_post_of_a_new_order_is_sent_to_login_and_saves_nothing(client, department):
    response = client.post(reverse("orders:create"), {
        "department": department.pk, "title": "Anonym", "kind": Order.Kind.CHANGE,
        "need": "Något",
    })
    assert_login_redirect(response, reverse("orders:create"))
    assert not Order.objects.exists()


# --- logging in and out -----------------------------------------------------------------


def test_login_page_is_open_without_logging_in(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = html(response)
    assert page.by_id("id_username").attrs["name"] == "username"
    assert page.by_id("id_password").attrs["type"] == "password"


def test_login_with_the_right_password_leads_to_the_start_page(client, orderer):
    response = client.post(LOGIN, {"username": "orderer", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session[SESSION_KEY]) == orderer.pk
    assert client.get(reverse("home")).status_code == 200


def test_login_follows_next_to_the_page_asked_for(client, orderer):
    url = reverse("orders:list")
    response = client.post(f"{LOGIN}?next={url}",
                           {"username": "orderer", "password": factories.PASSWORD, "next": url})
    assert response.status_code == 302
    assert response["Location"] == url


def test_login_with_a_wrong_password_is_refused_with_a_message(client, orderer):
    response = client.post(LOGIN, {"username": "orderer", "password": "fel"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert html(response).find_all(role="alert"), "no error message"


def test_login_page_sends_a_logged_in_person_on(client, orderer):
    client.force_login(orderer)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logout_ends_the_session(client, orderer):
    client.force_login(orderer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    assert_login_redirect(client.get(reverse("home")), reverse("home"))


def test_logout_is_a_post_only(client, orderer):
    client.force_login(orderer)
    assert client.get(reverse("logout")).status_code == 405
    assert int(client.session[SESSION_KEY]) == orderer.pk


# --- another department's order is a 404, like a missing one ----------------------------


@pytest.mark.parametrize("name", ORDER_URL_NAMES)
def test_another_departments_order_is_not_found_on_every_page(
    client, prepared, other_orderer, coordinator, name
):
    order, option, attachment = prepared
    before = snapshot(order)
    client.force_login(other_orderer)
    method, url = order_urls(order, option, attachment)[name]
    data = hostile_post_data(coordinator) if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 404
    assert_no_data_of(response, order)
    assert snapshot(order) == before


@pytest.mark.parametrize("name", ORDER_URL_NAMES)
def test_a_missing_order_is_not_found_on_every_page(client, prepared, other_orderer, name):
    order, option, attachment = prepared
    missing = Order(pk=order.pk + 1000)
    client.force_login(other_orderer)
    method, url = order_urls(missing, option, attachment)[name]
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize("name", ORDER_URL_NAMES)
def test_a_person_without_any_role_finds_no_order(client, prepared, outsider, coordinator, name):
    order, option, attachment = prepared
    before = snapshot(order)
    client.force_login(outsider)
    method, url = order_urls(order, option, attachment)[name]
    data = hostile_post_data(coordinator) if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 404
    assert_no_data_of(response, order)
    assert snapshot(order) == before


def test_a_provider_does_not_see_an_order_not_assigned_to_it(client, prepared, provider_user):
    order, _option, _attachment = prepared
    client.force_login(provider_user)
    response = client.get(order.get_absolute_url())
    assert response.status_code == 404
    assert_no_data_of(response, order)


def test_a_colleague_does_not_see_anothers_draft(client, make_order, colleague):
    draft = make_order(S.DRAFT, title="Mitt eget utkast")
    client.force_login(colleague)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert_no_data_of(response, draft)


# --- the start page ---------------------------------------------------------------------


def test_start_page_shows_an_orderer_the_departments_orders_and_nothing_else(
    client, make_order, orderer, colleague, other_orderer, other_department
):
    own = make_order(S.DRAFT, title="Eget utkast")
    colleagues = make_order(S.SUBMITTED, orderer=colleague, department=orderer_department(
        colleague), title="Kollegans beställning")
    waiting = make_order(S.AWAITING_SUPPLEMENT, title="Väntar på komplettering")
    others = make_order(S.SUBMITTED, orderer=other_orderer, department=other_department,
                        title="Socialens beställning")
    client.force_login(orderer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [o.pk for o in response.context["own_orders"]] == [waiting.pk, own.pk]
    assert [o.pk for o in response.context["department_orders"]] == [colleagues.pk]
    assert [o.pk for o in response.context["awaiting_me"]] == [waiting.pk]
    content = response.content.decode()
    for order in (own, colleagues, waiting):
        assert order.title in content
    assert "queue" not in response.context
    assert_no_data_of(response, others)
    assert other_department.name not in content


def orderer_department(user):
    return factories.orderer_department(user)


def test_start_page_shows_the_ordering_function_its_queue(client, make_order, coordinator):
    new = make_order(S.SUBMITTED, title="Ny beställning")
    mine = make_order(S.IN_PREPARATION, title="Under min beredning")
    ready = make_order(S.READY_FOR_DECISION, title="Redo för BIT")
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["queue_counts"]["submitted"] == 1
    assert response.context["queue_counts"]["ready_for_decision"] == 1
    assert [o.pk for o in response.context["queue"]["submitted"]] == [new.pk]
    assert [o.pk for o in response.context["mine"]["preparing"]] == [mine.pk]
    assert [o.pk for o in response.context["mine"]["deciding"]] == [ready.pk]
    page = html(response)
    assert page.by_id("h-queue")
    content = response.content.decode()
    for order in (new, mine, ready):
        assert order.title in content


def test_start_page_shows_a_provider_its_assigned_orders(
    client, make_order, provider, provider_user
):
    planned = make_order(S.PLANNED, provider=provider, provider_user=provider_user,
                         title="Att utföra")
    other = make_order(S.PLANNED, title="Annan leverantörs uppdrag")
    client.force_login(provider_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [o.pk for o in response.context["assigned"]] == [planned.pk]
    assert planned.reference in response.content.decode()
    assert_no_data_of(response, other)


def test_start_page_of_a_person_without_a_role_lists_no_orders(client, make_order, outsider):
    order = make_order(S.SUBMITTED)
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    for key in ("queue", "assigned", "departments", "own_orders"):
        assert key not in response.context
    assert_no_data_of(response, order)
    assert not html(response).find_all("table")


def test_start_page_of_another_departments_orderer_shows_none_of_ours(
    client, make_order, other_orderer
):
    order = make_order(S.SUBMITTED, title="Inte er sak")
    client.force_login(other_orderer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert_no_data_of(response, order)


def test_start_page_is_get_only(client, orderer):
    client.force_login(orderer)
    assert client.post(reverse("home")).status_code == 405


# --- the order list ---------------------------------------------------------------------


def listed(response) -> list[str]:
    """Titles of the orders in the result table, in order."""
    results = html(response).by_id("order-results")
    return [row.find_all("a")[0].text() for row in results.find_all("tr")[1:]]


def test_order_list_shows_an_orderer_what_they_may_see(
    client, make_order, orderer, colleague, other_orderer, other_department, department
):
    own_draft = make_order(S.DRAFT, title="Eget utkast")
    submitted = make_order(S.SUBMITTED, title="Inskickad")
    colleague_draft = make_order(S.DRAFT, orderer=colleague, department=department,
                                 title="Kollegans utkast")
    colleague_submitted = make_order(S.SUBMITTED, orderer=colleague, department=department,
                                     title="Kollegans inskickade")
    others = make_order(S.SUBMITTED, orderer=other_orderer, department=other_department,
                        title="Socialens")
    client.force_login(orderer)
    response = client.get(reverse("orders:list"))
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(
        [own_draft.title, submitted.title, colleague_submitted.title]
    )
    assert_no_data_of(response, colleague_draft, others)
    assert other_department.name not in response.content.decode()


def test_order_list_of_a_person_without_a_role_is_empty(client, make_order, outsider):
    order = make_order(S.SUBMITTED)
    client.force_login(outsider)
    response = client.get(reverse("orders:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert_no_data_of(response, order)


def test_order_list_filter_by_another_department_shows_nothing_of_it(
    client, make_order, other_orderer, department
):
    order = make_order(S.SUBMITTED)
    client.force_login(other_orderer)
    response = client.get(reverse("orders:list"), {"department": department.pk})
    assert response.status_code == 200
    assert_no_data_of(response, order)
    assert department.name not in response.content.decode()


def test_order_list_department_choices_are_the_users_own(
    client, orderer, department, other_department
):
    client.force_login(orderer)
    response = client.get(reverse("orders:list"))
    choices = {o.attrs.get("value") for o in html(response).by_id("id_department").find_all(
        "option")}
    assert choices == {"", str(department.pk)}


def test_the_unbound_filter_offers_each_person_their_own_choices_under_their_names(
    client, orderer, it_chief, department, other_department
):
    """The unbound filter's markup is kept between pages: one person's departments never
    appear in another's, and a renamed department shows its new name."""

    def offered(user) -> dict[str, str]:
        client.force_login(user)
        select = html(client.get(reverse("orders:list"))).by_id("id_department")
        return {o.attrs.get("value"): o.text() for o in select.find_all("option")}

    assert offered(orderer).keys() == {"", str(department.pk)}
    assert offered(it_chief).keys() == {"", str(department.pk), str(other_department.pk)}
    assert offered(orderer).keys() == {"", str(department.pk)}
    department.name = "Utbildningsförvaltningen"
    department.save()
    assert "Utbildningsförvaltningen" in offered(orderer).values()


def test_a_bound_filter_shows_the_states_chosen(client, coordinator, listing):
    def checked(query) -> list[str]:
        page = html(client.get(reverse("orders:list"), query))
        return [box.attrs.get("value") for box in page.find_all("input", name="status")
                if "checked" in box.attrs]

    client.force_login(coordinator)
    assert checked({}) == []
    assert checked({"status": [S.SUBMITTED]}) == [S.SUBMITTED]
    assert checked({}) == []


@pytest.fixture
def listing(make_order, coordinator, change_manager, other_orderer, other_department):
    """Orders of two departments, of several types, handlers, states and years."""
    orders = {
        "draft": make_order(S.DRAFT, title="Alfa utkast"),
        "submitted": make_order(S.SUBMITTED, title="Bravo inskickad", kind=Order.Kind.CHANGE),
        "preparing": make_order(S.IN_PREPARATION, title="Charlie bereds",
                                handler=change_manager, kind=Order.Kind.PROJECT),
        "ready": make_order(S.READY_FOR_DECISION, title="Delta redo",
                            need="Behov om skolskjutsar"),
        "social": make_order(S.SUBMITTED, orderer=other_orderer, department=other_department,
                             title="Echo socialen"),
    }
    old = make_order(S.SUBMITTED, title="Foxtrot förra året")
    Order.objects.filter(pk=old.pk).update(
        created_at=timezone.now().replace(year=timezone.now().year - 1)
    )
    orders["old"] = old
    return orders


def test_order_list_filters_by_status(client, coordinator, listing):
    client.force_login(coordinator)
    response = client.get(reverse("orders:list"),
                          {"status": [S.IN_PREPARATION, S.READY_FOR_DECISION]})
    assert sorted(listed(response)) == ["Charlie bereds", "Delta redo"]
    page = html(response)
    checked = {e.attrs["value"] for e in page.find_all("input", name="status")
               if "checked" in e.attrs}
    assert checked == {S.IN_PREPARATION, S.READY_FOR_DECISION}


def test_order_list_filters_by_department(client, coordinator, listing, other_department):
    client.force_login(coordinator)
    response = client.get(reverse("orders:list"), {"department": other_department.pk})
    assert listed(response) == ["Echo socialen"]


def test_order_list_filters_by_type(client, coordinator, listing):
    client.force_login(coordinator)
    response = client.get(reverse("orders:list"), {"kind": Order.Kind.PROJECT})
    assert listed(response) == ["Charlie bereds"]


def test_order_list_filters_by_handler(client, coordinator, change_manager, listing):
    client.force_login(coordinator)
    response = client.get(reverse("orders:list"), {"handler": change_manager.pk})
    assert listed(response) == ["Charlie bereds"]
    response = client.get(reverse("orders:list"), {"handler": coordinator.pk})
    assert sorted(listed(response)) == ["Delta redo"]


def test_order_list_filters_by_year(client, coordinator, listing):
    client.force_login(coordinator)
    last_year = timezone.localdate().year - 1
    response = client.get(reverse("orders:list"), {"year": last_year})
    assert listed(response) == ["Foxtrot förra året"]
    response = client.get(reverse("orders:list"), {"year": last_year + 1})
    assert "Foxtrot förra året" not in listed(response)
    assert len(listed(response)) == 5


def test_order_list_searches_by_reference(client, coordinator, listing):
    client.force_login(coordinator)
    reference = listing["ready"].reference
    response = client.get(reverse("orders:list"), {"q": reference.lower()})
    assert listed(response) == ["Delta redo"]


def test_order_list_searches_in_title_and_need(client, coordinator, listing):
    client.force_login(coordinator)
    assert listed(client.get(reverse("orders:list"), {"q": "bravo"})) == ["Bravo inskickad"]
    assert listed(client.get(reverse("orders:list"), {"q": "skolskjuts"})) == ["Delta redo"]
    assert listed(client.get(reverse("orders:list"), {"q": "finns inte"})) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Alfa utkast", "Bravo inskickad", "Charlie bereds", "Delta redo",
                   "Echo socialen", "Foxtrot förra året"]),
        ("-created", ["Foxtrot förra året", "Alfa utkast", "Bravo inskickad", "Charlie bereds",
                      "Delta redo", "Echo socialen"]),
        ("created", ["Echo socialen", "Delta redo", "Charlie bereds", "Bravo inskickad",
                     "Alfa utkast", "Foxtrot förra året"]),
    ],
)
def test_order_list_sorts(client, coordinator, listing, sort, expected):
    client.force_login(coordinator)
    assert listed(client.get(reverse("orders:list"), {"sort": sort})) == expected


def test_order_list_sorts_by_reference(client, coordinator, listing):
    client.force_login(coordinator)
    response = client.get(reverse("orders:list"), {"sort": "reference", "status": S.SUBMITTED})
    references = [o.reference for o in response.context["page"].object_list]
    assert references == sorted(references)
    assert len(references) == 3


def test_order_list_paginates(client, coordinator, listing, settings):
    settings.ORDER_PAGE_SIZE = 4
    client.force_login(coordinator)
    first = client.get(reverse("orders:list"), {"sort": "title"})
    assert listed(first) == ["Alfa utkast", "Bravo inskickad", "Charlie bereds", "Delta redo"]
    pagination = html(first).find_all("nav", class_="pagination")[0]
    next_link = pagination.find_all("a", rel="next")[0].attrs["href"]
    assert "sort=title" in next_link and "page=2" in next_link
    second = client.get(reverse("orders:list") + next_link)
    assert listed(second) == ["Echo socialen", "Foxtrot förra året"]
    assert html(second).find_all("a", rel="prev")
    assert not html(second).find_all("a", rel="next")
    # A page past the end shows the last page, not an error.
    assert listed(client.get(reverse("orders:list"), {"sort": "title", "page": 99})) == [
        "Echo socialen", "Foxtrot förra året"]


def test_order_list_with_an_invalid_filter_still_answers(client, coordinator, listing):
    client.force_login(coordinator)
    response = client.get(reverse("orders:list"), {"year": "förra", "status": "inget"})
    assert response.status_code == 200
    page = html(response)
    assert page.by_id("id_year").attrs.get("aria-invalid") == "true"
    assert len(listed(response)) == 6


def test_order_list_answers_htmx_with_the_results_only(client, coordinator, listing):
    client.force_login(coordinator)
    response = client.get(reverse("orders:list"), {"q": "bravo"},
                          headers={"HX-Request": "true", "HX-Target": "order-results"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="order-results"' in content
    assert listed(response) == ["Bravo inskickad"]


def test_order_list_is_get_only(client, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("orders:list")).status_code == 405


# --- writing a new order ----------------------------------------------------------------


def new_order_data(department, **overrides) -> dict:
    return {
        "department": department.pk,
        "title": "Digital signering av avtal",
        "kind": Order.Kind.NEW_FUNCTION,
        "need": "Avtal skrivs ut, signeras och skannas.",
        "functional_requirements": "Signera med e-legitimation.",
        "one_off_cost": "100000",
        "yearly_cost": "20000",
        "lifetime_years": "5",
        "yearly_benefit": "50000",
        **overrides,
    }


def test_new_order_form_offers_only_the_users_departments(
    client, orderer, department, other_department
):
    client.force_login(orderer)
    response = client.get(reverse("orders:create"))
    assert response.status_code == 200
    options = html(response).by_id("id_department").find_all("option")
    assert [o.attrs["value"] for o in options] == [str(department.pk)]


def test_new_order_is_saved_as_a_draft_and_shown(client, orderer, department):
    client.force_login(orderer)
    response = client.post(reverse("orders:create"), new_order_data(department))
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    assert order.status == S.DRAFT
    assert order.orderer == orderer
    assert order.department == department
    assert order.reference is None
    assert order.lifecycle_cost == Decimal("200000")
    assert order.history.count() == 1
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "Digital signering av avtal" in detail.content.decode()


def test_new_order_by_the_departments_it_lead(client, it_lead, department):
    client.force_login(it_lead)
    response = client.post(reverse("orders:create"), new_order_data(department))
    assert response.status_code == 302
    assert Order.objects.get().orderer == it_lead


def test_new_order_without_title_and_need_is_refused_by_the_fields(client, orderer, department):
    client.force_login(orderer)
    response = client.post(reverse("orders:create"),
                           new_order_data(department, title="", need=""))
    assert response.status_code == 400
    assert_error_by_field(response, "id_title", REQUIRED)
    assert_error_by_field(response, "id_need", REQUIRED)
    assert html(response).by_id("form-errors").find_all("a", href="#id_title")
    assert not Order.objects.exists()


def test_new_order_keeps_the_users_input_when_refused(client, orderer, department):
    client.force_login(orderer)
    response = client.post(reverse("orders:create"), new_order_data(department, need=""))
    assert html(response).by_id("id_title").attrs["value"] == "Digital signering av avtal"


def test_new_order_with_a_negative_cost_is_refused_by_the_field(client, orderer, department):
    client.force_login(orderer)
    response = client.post(reverse("orders:create"),
                           new_order_data(department, one_off_cost="-5"))
    assert response.status_code == 400
    assert_error_by_field(response, "id_one_off_cost")
    assert not Order.objects.exists()


def test_catalogue_order_without_a_service_is_refused_by_the_field(client, orderer, department):
    client.force_login(orderer)
    response = client.post(reverse("orders:create"),
                           new_order_data(department, kind=Order.Kind.CATALOGUE_SERVICE))
    assert response.status_code == 400
    assert_error_by_field(response, "id_service")
    assert not Order.objects.exists()


def test_new_order_for_another_department_is_refused(client, orderer, department,
                                                     other_department):
    client.force_login(orderer)
    response = client.post(reverse("orders:create"), new_order_data(other_department))
    assert response.status_code == 400
    assert_error_by_field(response, "id_department")
    assert not Order.objects.exists()
    assert other_department.name not in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_new_order_page_turns_away_a_person_without_a_department(
    client, outsider, department, method
):
    client.force_login(outsider)
    response = getattr(client, method)(reverse("orders:create"),
                                       new_order_data(department) if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not Order.objects.exists()
    start = client.get(response["Location"])
    assert html(start).find_all(role="alert"), "no message tells why"


def test_new_order_page_turns_away_the_ordering_function(client, coordinator, department):
    client.force_login(coordinator)
    response = client.post(reverse("orders:create"), new_order_data(department))
    assert response.status_code == 302
    assert not Order.objects.exists()


# --- the order page ---------------------------------------------------------------------


def test_order_page_shows_the_order_its_pre_study_and_the_orderers_actions(
    client, make_order, orderer
):
    order = make_order(S.SUBMITTED, one_off_cost=Decimal(100_000), yearly_cost=Decimal(20_000),
                       lifetime_years=5, yearly_benefit=Decimal(50_000))
    client.force_login(orderer)
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    page = html(response)
    assert order.reference in page.find_all("h1")[0].text()
    totals = [
        "".join(ch for ch in row.find_all("td")[0].text() if ch.isdigit())
        for row in page.find_all("tr", class_="total")[:3]
    ]
    assert totals == ["200000", "250000", "50000"]
    assert page.has_id("action-withdraw")
    assert not page.has_id("action-take_on")
    assert not page.has_id("id_assign_handler")
    assert [e.kind for e in response.context["timeline"].entries] == ["created", "event"]


def test_order_page_shows_the_ordering_function_its_actions(client, make_order, coordinator):
    order = make_order(S.SUBMITTED)
    client.force_login(coordinator)
    page = html(client.get(order.get_absolute_url()))
    assert page.has_id("action-take_on")
    assert not page.has_id("action-withdraw")


def test_order_page_of_a_colleague_offers_no_actions(client, make_order, colleague):
    order = make_order(S.SUBMITTED)
    client.force_login(colleague)
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    assert response.context["actions"] == []


def test_order_page_shows_the_it_lead_the_departments_drafts(client, make_order, it_lead):
    draft = make_order(S.DRAFT)
    client.force_login(it_lead)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert html(response).has_id("action-submit")


def test_order_page_shows_the_provider_its_assigned_order(
    client, make_order, provider, provider_user
):
    order = make_order(S.PLANNED, provider=provider, provider_user=provider_user)
    client.force_login(provider_user)
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    assert html(response).has_id("action-start")


def test_order_page_is_get_only(client, make_order, orderer):
    order = make_order(S.DRAFT)
    client.force_login(orderer)
    assert client.post(order.get_absolute_url()).status_code == 405


# --- editing an order -------------------------------------------------------------------


def edit_data(order: Order, **overrides) -> dict:
    return {
        "title": order.title, "kind": order.kind, "need": order.need,
        "version": order.version, **overrides,
    }


def test_edit_page_shows_the_order_with_its_version(client, make_order, orderer):
    order = make_order(S.DRAFT)
    client.force_login(orderer)
    response = client.get(reverse("orders:edit", args=[order.pk]))
    assert response.status_code == 200
    page = html(response)
    assert page.by_id("id_title").attrs["value"] == order.title
    assert page.by_id("id_version").attrs["value"] == str(order.version)


def test_edit_saves_and_leads_back_to_the_order(client, make_order, orderer):
    order = make_order(S.DRAFT)
    client.force_login(orderer)
    response = client.post(reverse("orders:edit", args=[order.pk]),
                           edit_data(order, title="Ny rubrik"))
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    assert order.title == "Ny rubrik"
    assert order.version == 2


def test_edit_by_the_it_lead(client, make_order, it_lead):
    order = make_order(S.DRAFT)
    client.force_login(it_lead)
    response = client.post(reverse("orders:edit", args=[order.pk]),
                           edit_data(order, title="Ändrad av IT-samordnaren"))
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).title == "Ändrad av IT-samordnaren"


def test_edit_while_supplementing(client, make_order, orderer):
    order = make_order(S.AWAITING_SUPPLEMENT)
    client.force_login(orderer)
    response = client.post(reverse("orders:edit", args=[order.pk]),
                           edit_data(order, need="Tydligare behov"))
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).need == "Tydligare behov"


def test_edit_with_an_empty_title_is_refused_by_the_field(client, make_order, orderer):
    order = make_order(S.DRAFT)
    client.force_login(orderer)
    response = client.post(reverse("orders:edit", args=[order.pk]), edit_data(order, title=""))
    assert response.status_code == 400
    assert_error_by_field(response, "id_title", REQUIRED)
    assert Order.objects.get(pk=order.pk).title == order.title


def test_edit_of_a_stale_form_keeps_the_newer_data_and_the_users_input(
    client, make_order, orderer, it_lead
):
    order = make_order(S.DRAFT, title="Första rubriken")
    client.force_login(orderer)
    form = html(client.get(reverse("orders:edit", args=[order.pk])))
    started_from = int(form.by_id("id_version").attrs["value"])
    # Meanwhile the IT lead saves a change.
    services.order_update_request(order_id=order.pk, actor=it_lead,
                                  data={"title": "IT-samordnarens rubrik"},
                                  expected_version=started_from)
    response = client.post(reverse("orders:edit", args=[order.pk]),
                           edit_data(order, title="Min rubrik", version=started_from))
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.title == "IT-samordnarens rubrik"
    assert order.version == started_from + 1
    page = html(response)
    assert page.by_id("id_title").attrs["value"] == "Min rubrik"
    assert page.by_id("id_version").attrs["value"] == str(order.version)
    assert page.by_id("form-errors").text()
    assert "IT-samordnarens rubrik" in response.content.decode()
    # Saving again from the refreshed form goes through.
    again = client.post(reverse("orders:edit", args=[order.pk]),
                        edit_data(order, title="Min rubrik", version=order.version))
    assert again.status_code == 302
    assert Order.objects.get(pk=order.pk).title == "Min rubrik"


@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_by_a_colleague_is_refused_and_changes_nothing(
    client, make_order, colleague, method
):
    order = make_order(S.SUBMITTED)
    before = snapshot(order)
    client.force_login(colleague)
    url = reverse("orders:edit", args=[order.pk])
    response = getattr(client, method)(url, edit_data(order, title="Kapad")
                                       if method == "post" else None)
    assert_refused_with_a_message(client, response, order)
    assert snapshot(order) == before


def test_edit_of_a_submitted_order_is_refused(client, make_order, orderer):
    order = make_order(S.SUBMITTED)
    before = snapshot(order)
    client.force_login(orderer)
    response = client.post(reverse("orders:edit", args=[order.pk]),
                           edit_data(order, title="För sent"))
    assert_refused_with_a_message(client, response, order)
    assert snapshot(order) == before


# --- preparation ------------------------------------------------------------------------


def preparation_data(order: Order, **overrides) -> dict:
    data = {
        "it_requirements": "Integration med e-tjänsteplattformen.",
        "architecture_review": "Följer målarkitekturen.",
        "estimated_cost": "80000",
        "estimated_hours": "120",
        "risk_level": Order.Risk.MEDIUM,
        "risk_description": "Beroende av leverantören.",
        "recommendation": "Köp tjänsten.",
        "version": order.version,
    }
    data.update({f"factor_{code}": value for code, value in factories.PRIORITY_VALUES.items()})
    data.update(overrides)
    return data


def test_preparation_form_shows_every_priority_factor(client, make_order, coordinator):
    model = factories.ensure_priority_model()
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.get(reverse("orders:prepare", args=[order.pk]))
    assert response.status_code == 200
    page = html(response)
    for factor in model.factors.all():
        field = page.by_id(f"id_factor_{factor.code}")
        assert [o.attrs["value"] for o in field.find_all("option")] == [str(i) for i in range(6)]


def test_a_factors_guidance_from_the_admin_is_shown_as_text_not_markup(
    client, make_order, coordinator
):
    model = factories.ensure_priority_model()
    factor = model.factors.get(code="legal")
    factor.help_text = '<script>alert(1)</script><a href="http://evil">Läs</a> & mer'
    factor.save()
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.get(reverse("orders:prepare", args=[order.pk]))
    assert response.status_code == 200
    page = html(response)
    help_text = page.by_id("id_factor_legal_helptext")
    assert help_text.text().endswith(
        '<script>alert(1)</script><a href="http://evil">Läs</a> & mer')
    assert help_text.find_all("script") == help_text.find_all("a") == []
    assert "<script>alert(1)" not in response.content.decode()


def test_preparation_is_saved_with_the_computed_priority_score_and_its_breakdown(
    client, make_order, coordinator
):
    model = factories.ensure_priority_model()
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.post(reverse("orders:prepare", args=[order.pk]), preparation_data(order))
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    weights = {f.code: f.weight for f in model.factors.all()}
    expected = sum(weights[c] * v for c, v in factories.PRIORITY_VALUES.items())
    assert order.priority_score == expected == Decimal("31.5")
    assert order.priority_model == model
    assert order.priority_values == factories.PRIORITY_VALUES
    assert order.estimated_cost == Decimal(80_000)
    assert order.risk_level == Order.Risk.MEDIUM

    detail = client.get(order.get_absolute_url())
    rows = {row["factor"].code: row for row in detail.context["breakdown"]}
    assert {code: row["points"] for code, row in rows.items()} == {
        code: weights[code] * value for code, value in factories.PRIORITY_VALUES.items()
    }
    table = [t for t in html(detail).find_all("table")
             if any(f.name in t.text() for f in model.factors.all())][0]
    body = [r for r in table.find_all("tr") if r.find_all("th", scope="row")]
    assert len(body) == len(weights) + 1  # one row per factor, and the sum
    legal = next(r for r in body if "Lagkrav" in r.text())
    assert [c.text() for c in legal.find_all("td")] == ["3", "1", "3"]
    assert body[-1].find_all("td")[-1].text() == "31,50"


def test_preparation_with_a_factor_out_of_range_is_refused_by_the_field(
    client, make_order, coordinator
):
    factories.ensure_priority_model()
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.post(reverse("orders:prepare", args=[order.pk]),
                           preparation_data(order, factor_legal="9"))
    assert response.status_code == 400
    assert_error_by_field(response, "id_factor_legal")
    assert Order.objects.get(pk=order.pk).priority_score is None


def test_preparation_with_a_cost_that_is_not_a_number_is_refused_by_the_field(
    client, make_order, coordinator
):
    factories.ensure_priority_model()
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.post(reverse("orders:prepare", args=[order.pk]),
                           preparation_data(order, estimated_cost="mycket"))
    assert response.status_code == 400
    assert_error_by_field(response, "id_estimated_cost", NOT_A_NUMBER)
    assert Order.objects.get(pk=order.pk).it_requirements == ""


def test_preparation_with_a_negative_cost_is_refused_by_the_field(
    client, make_order, coordinator
):
    factories.ensure_priority_model()
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.post(reverse("orders:prepare", args=[order.pk]),
                           preparation_data(order, estimated_cost="-100000"))
    assert response.status_code == 400
    assert_error_by_field(response, "id_estimated_cost")
    assert Order.objects.get(pk=order.pk).estimated_cost is None


def test_preparation_of_a_stale_form_keeps_the_newer_data(
    client, make_order, coordinator, change_manager
):
    factories.ensure_priority_model()
    order = make_order(S.IN_PREPARATION)
    services.order_update_preparation(order_id=order.pk, actor=change_manager,
                                      data={"it_requirements": "Ändringsansvarigs krav"},
                                      expected_version=order.version)
    client.force_login(coordinator)
    response = client.post(reverse("orders:prepare", args=[order.pk]),
                           preparation_data(order, it_requirements="Mina krav"))
    assert response.status_code == 409
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.it_requirements == "Ändringsansvarigs krav"
    assert fresh.priority_score is None
    page = html(response)
    assert page.by_id("id_it_requirements").text() == "Mina krav"
    assert page.by_id("id_version").attrs["value"] == str(fresh.version)
    assert page.by_id("form-errors").text()


@pytest.mark.parametrize("method", ["get", "post"])
def test_preparation_by_the_orderer_is_refused_and_saves_nothing(
    client, make_order, orderer, method
):
    factories.ensure_priority_model()
    order = make_order(S.IN_PREPARATION)
    before = snapshot(order)
    client.force_login(orderer)
    url = reverse("orders:prepare", args=[order.pk])
    response = getattr(client, method)(url, preparation_data(order)
                                       if method == "post" else None)
    assert_refused_with_a_message(client, response, order)
    assert snapshot(order) == before
    assert Order.objects.get(pk=order.pk).it_requirements == ""


def test_preparation_outside_the_preparation_state_is_refused(client, make_order, coordinator):
    order = make_order(S.SUBMITTED)
    before = snapshot(order)
    client.force_login(coordinator)
    response = client.post(reverse("orders:prepare", args=[order.pk]), preparation_data(order))
    assert_refused_with_a_message(client, response, order)
    assert snapshot(order) == before


# --- transitions ------------------------------------------------------------------------


def _plan_data(provider) -> dict:
    today = timezone.localdate()
    return {"plan-provider": provider.pk, "plan-planned_start": today.isoformat(),
            "plan-planned_end": (today + timedelta(days=30)).isoformat(),
            "plan-planning_priority": "2"}


# action, starting state, who acts, what is posted, the state it ends in
TRANSITION_CASES = [
    ("submit", S.DRAFT, "orderer", {}, S.SUBMITTED),
    ("take_on", S.SUBMITTED, "coordinator", {"take_on-handler": "coordinator"},
     S.IN_PREPARATION),
    ("request_supplement", S.IN_PREPARATION, "coordinator",
     {"request_supplement-reason": "Hur många användare?",
      "request_supplement-due_date": "2031-01-15"}, S.AWAITING_SUPPLEMENT),
    ("supplement", S.AWAITING_SUPPLEMENT, "orderer", {"supplement-reason": "Tvåhundra."},
     S.IN_PREPARATION),
    ("mark_ready", "in_preparation+brief", "coordinator", {}, S.READY_FOR_DECISION),
    ("decide_delegated", "in_preparation+brief", "change_manager",
     {"decide_delegated-reason": "Under beloppsgränsen."}, S.APPROVED),
    ("plan", S.APPROVED, "coordinator", "plan", S.PLANNED),
    ("start", S.PLANNED, "provider_user", {}, S.IN_PROGRESS),
    ("deliver", S.IN_PROGRESS, "provider_user", {}, S.DELIVERED),
    ("accept", S.DELIVERED, "orderer", {}, S.CLOSED),
    ("report_deviation", S.DELIVERED, "orderer",
     {"report_deviation-reason": "Exporten saknas."}, S.IN_PROGRESS),
    ("withdraw", S.SUBMITTED, "orderer", {"withdraw-reason": "Behovet är borta."}, S.WITHDRAWN),
    ("withdraw", S.DRAFT, "orderer", {"withdraw-reason": "Fel förvaltning."}, S.WITHDRAWN),
    ("withdraw", S.READY_FOR_DECISION, "it_lead", {"withdraw-reason": "Inte längre aktuellt."},
     S.WITHDRAWN),
]


@pytest.fixture
def order_in(make_order, coordinator, provider, provider_user):
    """`order_in(state)`: an order of `department` in `state`, planned to `provider`."""

    def make(state: str) -> Order:
        if state == "in_preparation+brief":
            return with_brief(make_order(S.IN_PREPARATION), coordinator)
        return make_order(state, provider=provider, provider_user=provider_user)

    return make


@pytest.mark.parametrize(("action", "state", "actor", "data", "target"), TRANSITION_CASES)
def test_transition_is_done_and_leads_back_to_the_order(
    client, request, order_in, provider, action, state, actor, data, target
):
    order = order_in(state)
    user = request.getfixturevalue(actor)
    if data == "plan":
        data = _plan_data(provider)
    data = {k: (request.getfixturevalue(v).pk if v in {"coordinator"} else v)
            for k, v in data.items()}
    client.force_login(user)
    response = client.post(reverse("orders:transition", args=[order.pk, action]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == order.get_absolute_url()
    assert status_of(order) == target
    event = OrderEvent.objects.filter(order=order).latest("at", "pk")
    assert (event.action, event.actor_id, event.to_status) == (action, user.pk, target)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert html(page).find_all(role="status"), "no message confirms the change"


def test_submit_gives_the_order_its_reference(client, make_order, orderer):
    order = make_order(S.DRAFT)
    client.force_login(orderer)
    client.post(reverse("orders:transition", args=[order.pk, "submit"]))
    order.refresh_from_db()
    assert order.reference == f"B-{timezone.localdate().year}-0001"


def test_take_on_with_another_handler(client, make_order, coordinator, change_manager):
    order = make_order(S.SUBMITTED)
    client.force_login(coordinator)
    response = client.post(reverse("orders:transition", args=[order.pk, "take_on"]),
                           {"take_on-handler": change_manager.pk})
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).handler == change_manager


def test_request_supplement_records_the_question_and_due_date(client, make_order, coordinator):
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    client.post(reverse("orders:transition", args=[order.pk, "request_supplement"]),
                {"request_supplement-reason": "Vilka skolor?",
                 "request_supplement-due_date": "2031-01-15"})
    question = Comment.objects.get(order=order)
    assert (question.kind, question.body, question.due_date) == (
        Comment.Kind.SUPPLEMENT_REQUEST, "Vilka skolor?", date(2031, 1, 15))


def test_order_page_shows_the_orderer_the_open_supplement_request(client, make_order, orderer,
                                                                  coordinator):
    order = make_order(S.IN_PREPARATION)
    services.order_request_supplement(order_id=order.pk, actor=coordinator,
                                      question="Vilka skolor gäller det?",
                                      due_date=date(2031, 1, 15))
    services.comment_add(order_id=order.pk, actor=orderer, body="Vi återkommer.")
    client.force_login(orderer)
    response = client.get(order.get_absolute_url())
    callout = html(response).find_all(role="note")
    assert len(callout) == 1
    assert "Vilka skolor gäller det?" in callout[0].text()
    assert "2031" in callout[0].text()
    assert html(response).has_id("action-supplement")
    history = html(response).by_id("historik").text()
    assert "Vi återkommer." in history and "Vilka skolor gäller det?" in history


# action, state the action does not apply to, who tries
WRONG_STATE_CASES = [
    ("submit", S.SUBMITTED, "orderer"),
    ("take_on", S.IN_PREPARATION, "coordinator"),
    ("request_supplement", S.AWAITING_SUPPLEMENT, "coordinator"),
    ("supplement", S.IN_PREPARATION, "orderer"),
    ("mark_ready", S.READY_FOR_DECISION, "coordinator"),
    ("decide_delegated", S.READY_FOR_DECISION, "change_manager"),
    ("plan", S.PLANNED, "coordinator"),
    ("start", S.IN_PROGRESS, "provider_user"),
    ("deliver", S.DELIVERED, "provider_user"),
    ("accept", S.IN_PROGRESS, "orderer"),
    ("report_deviation", S.CLOSED, "orderer"),
    ("withdraw", S.APPROVED, "orderer"),
]

REASONS = {
    "take_on-handler": None, "request_supplement-reason": "Fråga",
    "supplement-reason": "Svar", "decide_delegated-reason": "Skäl",
    "report_deviation-reason": "Skäl", "withdraw-reason": "Skäl",
}


def full_data(action: str, coordinator, provider) -> dict:
    data = {k: v for k, v in REASONS.items() if k.startswith(f"{action}-")}
    if action == "take_on":
        data["take_on-handler"] = coordinator.pk
    if action == "plan":
        data = _plan_data(provider)
    return data


@pytest.mark.parametrize(("action", "state", "actor"), WRONG_STATE_CASES)
def test_transition_in_the_wrong_state_is_a_conflict_with_a_message(
    client, request, order_in, coordinator, provider, action, state, actor
):
    order = order_in(state)
    before = snapshot(order)
    client.force_login(request.getfixturevalue(actor))
    response = client.post(reverse("orders:transition", args=[order.pk, action]),
                           full_data(action, coordinator, provider))
    assert response.status_code == 409
    assert snapshot(order) == before
    shown = messages_on(html(response))
    assert order.get_status_display() in shown, f"no clear message: {shown!r}"


# action, state, who may see the order but not do this
NOT_ALLOWED_CASES = [
    ("submit", S.DRAFT, "it_chief"),
    ("take_on", S.SUBMITTED, "orderer"),
    ("take_on", S.SUBMITTED, "it_chief"),
    ("request_supplement", S.IN_PREPARATION, "change_manager"),  # not the handler
    ("supplement", S.AWAITING_SUPPLEMENT, "colleague"),
    ("supplement", S.AWAITING_SUPPLEMENT, "coordinator"),
    ("mark_ready", "in_preparation+brief", "orderer"),
    ("decide_delegated", "in_preparation+brief", "coordinator"),
    ("plan", S.APPROVED, "orderer"),
    ("start", S.PLANNED, "coordinator"),
    ("start", S.PLANNED, "orderer"),
    ("deliver", S.IN_PROGRESS, "orderer"),
    ("accept", S.DELIVERED, "provider_user"),
    ("accept", S.DELIVERED, "colleague"),
    ("report_deviation", S.DELIVERED, "coordinator"),
    ("withdraw", S.SUBMITTED, "colleague"),
    ("withdraw", S.SUBMITTED, "coordinator"),
]


@pytest.mark.parametrize(("action", "state", "actor"), NOT_ALLOWED_CASES)
def test_transition_by_someone_without_the_right_is_forbidden(
    client, request, order_in, coordinator, provider, action, state, actor
):
    order = order_in(state)
    before = snapshot(order)
    client.force_login(request.getfixturevalue(actor))
    response = client.post(reverse("orders:transition", args=[order.pk, action]),
                           full_data(action, coordinator, provider))
    assert response.status_code == 403
    assert snapshot(order) == before
    assert messages_on(html(response)), "no message says why"


@pytest.mark.parametrize(
    ("action", "state", "actor"),
    [
        ("request_supplement", S.IN_PREPARATION, "coordinator"),
        ("supplement", S.AWAITING_SUPPLEMENT, "orderer"),
        ("decide_delegated", "in_preparation+brief", "change_manager"),
        ("report_deviation", S.DELIVERED, "orderer"),
        ("withdraw", S.SUBMITTED, "orderer"),
    ],
)
def test_transition_without_a_required_reason_is_refused_by_the_field(
    client, request, order_in, action, state, actor
):
    order = order_in(state)
    before = snapshot(order)
    client.force_login(request.getfixturevalue(actor))
    response = client.post(reverse("orders:transition", args=[order.pk, action]),
                           {f"{action}-reason": "   "})
    assert response.status_code == 400
    assert_error_by_field(response, f"id_{action}-reason", REQUIRED)
    assert html(response).by_id(f"action-{action}").has_id(f"id_{action}-reason_error")
    assert snapshot(order) == before


def test_plan_ending_before_it_starts_is_refused_by_the_field(
    client, make_order, coordinator, provider
):
    order = make_order(S.APPROVED)
    client.force_login(coordinator)
    data = _plan_data(provider)
    data["plan-planned_end"] = "2000-01-01"
    response = client.post(reverse("orders:transition", args=[order.pk, "plan"]), data)
    assert response.status_code == 400
    assert_error_by_field(response, "id_plan-planned_end")
    assert status_of(order) == S.APPROVED


def test_mark_ready_without_a_complete_brief_is_refused_with_a_message(
    client, make_order, coordinator
):
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.post(reverse("orders:transition", args=[order.pk, "mark_ready"]))
    assert response.status_code == 400
    assert status_of(order) == S.IN_PREPARATION
    form = html(response).by_id("action-mark_ready")
    assert messages_on(form)


def test_delegated_decision_above_the_threshold_is_refused(client, order_in, change_manager,
                                                           settings):
    settings.DELEGATION_THRESHOLD_SEK = 10_000
    order = order_in("in_preparation+brief")
    client.force_login(change_manager)
    response = client.post(reverse("orders:transition", args=[order.pk, "decide_delegated"]),
                           {"decide_delegated-reason": "Brådskande"})
    assert response.status_code == 400
    assert status_of(order) == S.IN_PREPARATION
    assert messages_on(html(response).by_id("action-decide_delegated"))


@pytest.mark.parametrize("action", ["board_approve", "board_reject", "board_defer",
                                    "board_return", "no_such_action"])
def test_board_decisions_and_unknown_actions_are_not_found(
    client, make_order, change_manager, action
):
    order = make_order(S.READY_FOR_DECISION)
    before = snapshot(order)
    client.force_login(change_manager)
    response = client.post(reverse("orders:transition", args=[order.pk, action]),
                           {f"{action}-reason": "Beslut"})
    assert response.status_code == 404
    assert snapshot(order) == before


def test_transition_is_post_only(client, make_order, orderer):
    order = make_order(S.DRAFT)
    client.force_login(orderer)
    response = client.get(reverse("orders:transition", args=[order.pk, "submit"]))
    assert response.status_code == 405
    assert status_of(order) == S.DRAFT


# --- comments ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["orderer", "colleague", "coordinator", "it_lead"])
def test_comment_is_saved_and_shown_in_the_history(client, request, make_order, actor):
    order = make_order(S.SUBMITTED)
    user = request.getfixturevalue(actor)
    client.force_login(user)
    response = client.post(reverse("orders:comment_add", args=[order.pk]),
                           {"body": "När kan ni börja?"})
    assert response.status_code == 302
    assert response["Location"] == f"{order.get_absolute_url()}#historik"
    comment = Comment.objects.get(order=order)
    assert (comment.author, comment.body, comment.kind) == (user, "När kan ni börja?",
                                                            Comment.Kind.COMMENT)
    history = html(client.get(order.get_absolute_url())).by_id("historik")
    assert "När kan ni börja?" in history.text()


def test_empty_comment_is_refused_by_the_field(client, make_order, orderer):
    order = make_order(S.SUBMITTED)
    client.force_login(orderer)
    response = client.post(reverse("orders:comment_add", args=[order.pk]), {"body": "  "})
    assert response.status_code == 400
    assert_error_by_field(response, "id_body", REQUIRED)
    assert not Comment.objects.exists()


def test_comment_on_a_draft_by_someone_else_is_forbidden(client, make_order, it_chief):
    draft = make_order(S.DRAFT)
    client.force_login(it_chief)
    response = client.post(reverse("orders:comment_add", args=[draft.pk]), {"body": "Hej"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_comment_is_post_only(client, make_order, orderer):
    order = make_order(S.SUBMITTED)
    client.force_login(orderer)
    assert client.get(reverse("orders:comment_add", args=[order.pk])).status_code == 405


# --- attachments ------------------------------------------------------------------------


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_attachment_is_stored_under_a_random_name_and_listed(client, make_order, orderer,
                                                             settings):
    order = make_order(S.SUBMITTED)
    client.force_login(orderer)
    response = client.post(reverse("orders:attachment_add", args=[order.pk]),
                           {"file": pdf("Behovsanalys.pdf")})
    assert response.status_code == 302
    assert response["Location"] == f"{order.get_absolute_url()}#bilagor"
    attachment = Attachment.objects.get(order=order)
    assert attachment.name == "Behovsanalys.pdf"
    assert attachment.uploaded_by == orderer
    files = stored_files(settings)
    assert len(files) == 1
    assert "Behovsanalys" not in files[0].name
    section = html(client.get(order.get_absolute_url())).by_id("bilagor")
    link = section.find_all("a", href=reverse("orders:attachment",
                                              args=[order.pk, attachment.pk]))
    assert link and link[0].text() == "Behovsanalys.pdf"


def test_too_large_attachment_is_refused_by_the_field(client, make_order, orderer, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    order = make_order(S.SUBMITTED)
    client.force_login(orderer)
    response = client.post(reverse("orders:attachment_add", args=[order.pk]),
                           {"file": pdf(size=2048)})
    assert response.status_code == 400
    assert_error_by_field(response, "id_file")
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("name", ["program.exe", "sida.html", "skript.svg", "utan-filändelse"])
def test_attachment_of_a_type_not_allowed_is_refused_by_the_field(
    client, make_order, orderer, settings, name
):
    order = make_order(S.SUBMITTED)
    client.force_login(orderer)
    upload = SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="text/html")
    response = client.post(reverse("orders:attachment_add", args=[order.pk]), {"file": upload})
    assert response.status_code == 400
    assert_error_by_field(response, "id_file")
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_attachment_without_a_file_is_refused_by_the_field(client, make_order, orderer):
    order = make_order(S.SUBMITTED)
    client.force_login(orderer)
    response = client.post(reverse("orders:attachment_add", args=[order.pk]), {})
    assert response.status_code == 400
    assert_error_by_field(response, "id_file", REQUIRED)
    assert not Attachment.objects.exists()


def test_attachment_to_a_closed_order_is_forbidden(client, make_order, orderer, settings):
    order = make_order(S.WITHDRAWN)
    client.force_login(orderer)
    response = client.post(reverse("orders:attachment_add", args=[order.pk]), {"file": pdf()})
    assert response.status_code == 403
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("actor", ["orderer", "colleague", "it_lead", "coordinator", "it_chief"])
def test_attachment_is_served_as_a_download_to_those_who_may_see_the_order(
    client, request, prepared, actor
):
    order, _option, attachment = prepared
    client.force_login(request.getfixturevalue(actor))
    response = client.get(reverse("orders:attachment", args=[order.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="underlag.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


@pytest.mark.parametrize("actor", ["other_orderer", "outsider", "provider_user"])
def test_attachment_is_not_found_for_those_who_may_not_see_the_order(
    client, request, prepared, actor
):
    order, _option, attachment = prepared
    client.force_login(request.getfixturevalue(actor))
    response = client.get(reverse("orders:attachment", args=[order.pk, attachment.pk]))
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_attachment_of_another_order_is_not_found_through_an_order_one_may_see(
    client, prepared, make_order, other_orderer, other_department
):
    _order, _option, attachment = prepared
    own = make_order(S.SUBMITTED, orderer=other_orderer, department=other_department)
    client.force_login(other_orderer)
    response = client.get(reverse("orders:attachment", args=[own.pk, attachment.pk]))
    assert response.status_code == 404


# --- solution options -------------------------------------------------------------------


def test_option_is_added_during_preparation_and_shown(client, make_order, coordinator):
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.post(reverse("orders:option_add", args=[order.pk]), {
        "title": "Egen utveckling", "pros": "Passar exakt", "cons": "Dyrt",
        "estimated_cost": "300000", "recommended": "on",
    })
    assert response.status_code == 302
    assert response["Location"] == f"{order.get_absolute_url()}#alternativ"
    option = SolutionOption.objects.get(order=order)
    assert (option.title, option.recommended, option.estimated_cost) == (
        "Egen utveckling", True, Decimal(300_000))
    assert "Egen utveckling" in client.get(order.get_absolute_url()).content.decode()


def test_option_without_a_name_is_refused_by_the_field(client, make_order, coordinator):
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.post(reverse("orders:option_add", args=[order.pk]),
                           {"pros": "Billigt", "estimated_cost": "dyrt"})
    assert response.status_code == 400
    assert not SolutionOption.objects.exists()
    assert messages_on(html(response))
    assert_error_by_field(response, "id_title", REQUIRED)
    assert_error_by_field(response, "id_estimated_cost", NOT_A_NUMBER)
    form = html(response).find_all("form", action=reverse("orders:option_add", args=[order.pk]))
    assert "open" in form[0].parent.attrs, "the refused option form is folded away"
    assert html(response).by_id("id_pros").text() == "Billigt"


def test_option_with_a_negative_cost_is_refused_by_the_field(client, make_order, coordinator):
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.post(reverse("orders:option_add", args=[order.pk]),
                           {"title": "Gratis", "estimated_cost": "-1"})
    assert response.status_code == 400
    assert_error_by_field(response, "id_estimated_cost")
    assert not SolutionOption.objects.exists()


def test_option_by_the_orderer_is_refused(client, make_order, orderer):
    order = make_order(S.IN_PREPARATION)
    client.force_login(orderer)
    response = client.post(reverse("orders:option_add", args=[order.pk]), {"title": "Mitt"})
    assert_refused_with_a_message(client, response, order)
    assert not SolutionOption.objects.exists()


def test_option_outside_preparation_is_refused(client, make_order, coordinator):
    order = make_order(S.SUBMITTED)
    client.force_login(coordinator)
    response = client.post(reverse("orders:option_add", args=[order.pk]), {"title": "Sent"})
    assert_refused_with_a_message(client, response, order)
    assert not SolutionOption.objects.exists()


def test_option_is_removed_during_preparation(client, prepared, coordinator):
    order, option, _attachment = prepared
    client.force_login(coordinator)
    response = client.post(reverse("orders:option_delete", args=[order.pk, option.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{order.get_absolute_url()}#alternativ"
    assert not SolutionOption.objects.filter(pk=option.pk).exists()


def test_option_removal_by_the_orderer_is_refused(client, prepared, orderer):
    order, option, _attachment = prepared
    client.force_login(orderer)
    response = client.post(reverse("orders:option_delete", args=[order.pk, option.pk]))
    assert_refused_with_a_message(client, response, order)
    assert SolutionOption.objects.filter(pk=option.pk).exists()


def test_option_of_another_order_is_not_found(client, prepared, make_order, coordinator):
    _order, option, _attachment = prepared
    other = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    response = client.post(reverse("orders:option_delete", args=[other.pk, option.pk]))
    assert response.status_code == 404
    assert SolutionOption.objects.filter(pk=option.pk).exists()


# --- handler ----------------------------------------------------------------------------


def test_handler_is_assigned_by_the_ordering_function(client, make_order, coordinator,
                                                      change_manager):
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    page = html(client.get(order.get_absolute_url()))
    choices = {o.attrs["value"] for o in page.by_id("id_assign_handler").find_all("option")}
    assert {str(coordinator.pk), str(change_manager.pk)} <= choices
    response = client.post(reverse("orders:assign_handler", args=[order.pk]),
                           {"handler": change_manager.pk})
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    assert Order.objects.get(pk=order.pk).handler == change_manager


def test_handlers_offered_are_the_active_people_of_the_ordering_function(
    client, make_order, coordinator, change_manager, orderer, outsider
):
    direct = factories.UserFactory(username="direct")
    direct.user_permissions.add(
        Permission.objects.get(content_type__app_label="orders", codename="prepare_order"))
    retired = factories.make_coordinator(username="retired", is_active=False)
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    page = html(client.get(order.get_absolute_url()))
    offered = {int(o.attrs["value"]) for o in page.by_id("id_assign_handler").find_all("option")}
    assert offered == {coordinator.pk, change_manager.pk, direct.pk}
    assert retired.pk not in offered and outsider.pk not in offered and orderer.pk not in offered


def test_handler_assignment_by_the_orderer_is_forbidden(client, make_order, orderer,
                                                        change_manager):
    order = make_order(S.IN_PREPARATION)
    before = snapshot(order)
    client.force_login(orderer)
    response = client.post(reverse("orders:assign_handler", args=[order.pk]),
                           {"handler": change_manager.pk})
    assert response.status_code == 403
    assert snapshot(order) == before


def test_handler_outside_the_ordering_function_is_refused(client, make_order, coordinator,
                                                          outsider):
    order = make_order(S.IN_PREPARATION)
    before = snapshot(order)
    client.force_login(coordinator)
    response = client.post(reverse("orders:assign_handler", args=[order.pk]),
                           {"handler": outsider.pk})
    assert_refused_with_a_message(client, response, order)
    assert snapshot(order) == before


def test_handler_assignment_outside_preparation_is_a_conflict(client, make_order, coordinator,
                                                              change_manager):
    order = make_order(S.SUBMITTED)
    before = snapshot(order)
    client.force_login(coordinator)
    response = client.post(reverse("orders:assign_handler", args=[order.pk]),
                           {"handler": change_manager.pk})
    assert response.status_code == 409
    assert snapshot(order) == before
    assert messages_on(html(response))


# --- refusals come before input, filters stand alone, stale forms show both versions -------


def test_a_bad_value_in_one_filter_keeps_the_other_filters(client, coordinator, listing):
    client.force_login(coordinator)
    response = client.get(reverse("orders:list"),
                          {"status": [S.IN_PREPARATION], "year": "inte ett år"})
    assert response.status_code == 200
    assert listed(response) == ["Charlie bereds"]


def test_a_transition_by_someone_without_the_right_is_refused_before_its_form_is_read(
    client, make_order, colleague
):
    order = make_order(S.SUBMITTED)
    client.force_login(colleague)
    # Withdrawing needs a reason, but the colleague may not withdraw at all: 403, not 400.
    response = client.post(reverse("orders:transition", args=[order.pk, "withdraw"]),
                           {"withdraw-reason": ""})
    assert response.status_code == 403
    assert messages_on(html(response))
    assert status_of(order) == S.SUBMITTED


def test_a_stale_edit_shows_the_version_someone_else_saved_beside_the_users_input(
    client, make_order, orderer, it_lead
):
    order = make_order(S.DRAFT, title="Första rubriken")
    client.force_login(orderer)
    services.order_update_request(order_id=order.pk, actor=it_lead,
                                  data={"title": "IT-ledarens rubrik"},
                                  expected_version=order.version)
    response = client.post(reverse("orders:edit", args=[order.pk]),
                           edit_data(order, title="Min rubrik", version=order.version))
    assert response.status_code == 409
    page = html(response)
    assert "IT-ledarens rubrik" in page.by_id("h-saved").parent.text()
    assert page.by_id("id_title").attrs["value"] == "Min rubrik"


def test_the_list_offers_a_new_order_only_to_those_who_may_write_one(
    client, orderer, coordinator, provider_user
):
    create = reverse("orders:create")
    client.force_login(orderer)
    assert f'class="button" href="{create}"' in client.get(reverse("orders:list")).content.decode()
    for person in (coordinator, provider_user):
        client.force_login(person)
        content = client.get(reverse("orders:list")).content.decode()
        assert f'class="button" href="{create}"' not in content
