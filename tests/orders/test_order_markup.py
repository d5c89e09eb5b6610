"""What the order lists and the order page show of an order, its history and its forms, as the
person reading the page gets it: escaped, in Swedish, with the day in Stockholm's time."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from orders import selectors, services
from orders.models import Order
from orders.views import _handlers
from tests.factories import COMPLETE_BRIEF, PRIORITY_VALUES, UserFactory, fresh

pytestmark = pytest.mark.django_db
S = Order.Status


def rows_of(page: str) -> list[str]:
    """The table rows of the order table(s) on a page."""
    return re.findall(r"<tr>\s*<td class=\"nowrap\">.*?</tr>", page, flags=re.S)


def test_order_list_shows_each_order_escaped_with_its_day_in_stockholm(
        client, make_order, orderer, coordinator):
    submitted = make_order(S.IN_PREPARATION, title='Boka <lokaler> & "rum"')
    draft = make_order(S.DRAFT, handler=None)
    coordinator.last_name = "<O'Brien>"
    coordinator.save()
    # A time late in the evening: the day shown is Stockholm's, not UTC's.
    Order.objects.filter(pk=submitted.pk).update(status_changed_at=timezone.make_aware(
        timezone.datetime(2025, 3, 31, 23, 30), timezone.get_fixed_timezone(0)))
    client.force_login(orderer)
    page = client.get(reverse("orders:list"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert len(rows_of(page)) == 2
    assert "Boka &lt;lokaler&gt; &amp; &#34;rum&#34;" in page
    assert "&lt;O&#39;Brien&gt;" in page
    assert f'href="{reverse("orders:detail", args=[submitted.pk])}"' in page
    assert 'datetime="2025-04-01T01:30:00+02:00">1 apr 2025</time>' in page
    assert f'<a href="{reverse("orders:detail", args=[draft.pk])}">' in page
    assert '<td class="nowrap">Utkast</td>' in page  # a draft has no reference yet
    assert '<caption class="visually-hidden">Beställningar</caption>' in page
    assert '<th scope="col">Handläggare</th>' in page


def test_an_empty_list_says_so_in_its_own_words(client, orderer):
    client.force_login(orderer)
    with translation.override("sv"):
        listed = client.get(reverse("orders:list"), {"q": "finns inte"},
                            HTTP_ACCEPT_LANGUAGE="sv").content.decode()
        home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<p class="empty">Ingen beställning passar filtret.</p>' in listed
    assert '<p class="empty">Du har inga pågående beställningar.</p>' in home
    assert "<tbody>" not in listed


def test_start_and_list_pages_show_the_tables_of_the_orders(client, make_order, orderer):
    order = make_order(S.SUBMITTED, title="Ny skrivare")
    client.force_login(orderer)
    for url in (reverse("home"), reverse("orders:list")):
        page = client.get(url).content.decode()
        assert '<th scope="col">' in page and "<tbody>" in page
        assert f'<span class="status status-submitted">{order.status_label}</span>' in page
        assert "Ny skrivare" in page


def busy_order(make_order, orderer, coordinator) -> Order:
    order = make_order(S.IN_PREPARATION)
    services.order_update_preparation(
        order_id=order.pk, actor=coordinator,
        data={**COMPLETE_BRIEF, "priority_values": dict(PRIORITY_VALUES),
              "it_requirements": "x" * 120},
        expected_version=Order.objects.get(pk=order.pk).version,
    )
    services.comment_add(order_id=order.pk, actor=orderer, body="En <b>kommentar</b>\nmed rader")
    services.order_request_supplement(order_id=order.pk, actor=coordinator, question="Varför?")
    services.order_supplement(order_id=order.pk, actor=orderer, answer="Därför.")
    services.order_update_preparation(
        order_id=order.pk, actor=coordinator,
        data={"estimated_cost": Decimal("12500.50"), "risk_level": "", "it_requirements": ""},
        expected_version=Order.objects.get(pk=order.pk).version,
    )
    # A change on its own, away from any transition.
    later = timezone.now() + timedelta(minutes=5)
    order.history.filter(pk=order.history.latest().pk).update(history_date=later)
    return Order.objects.get(pk=order.pk)


def test_order_page_shows_its_history(client, make_order, orderer, coordinator):
    order = busy_order(make_order, orderer, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("orders:detail", args=[order.pk]),
                      HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    history = page[page.index('<ol class="timeline">'):]
    history = history[:history.index("</ol>")]
    for kind in ("created", "event", "comment", "change"):
        assert f'<li class="timeline-{kind}">' in history
    assert "En &lt;b&gt;kommentar&lt;/b&gt;" in history
    assert "Skrev utkastet." in history
    # A changed text is cut at 80 characters; a value that was empty says so.
    assert "x" * 79 + "…" in history
    assert "<em>tomt</em>" in history
    assert '<ul class="changes">' in history and '<span class="change-field">' in history
    with translation.override("sv"):
        step = f"{S.AWAITING_SUPPLEMENT.label} → {S.IN_PREPARATION.label}"
    assert f"<strong>{step}</strong>" in history


def test_history_names_the_system_and_an_unchanged_state(client, make_order, coordinator):
    order = make_order(S.SUBMITTED)
    order.events.update(actor=None, from_status=S.SUBMITTED, to_status=S.SUBMITTED)
    client.force_login(coordinator)
    page = client.get(reverse("orders:detail", args=[order.pk]),
                      HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "· systemet</p>" in page
    with translation.override("sv"):
        unchanged = translation.gettext("%(status)s (unchanged)") % {
            "status": S.SUBMITTED.label}
    assert "(oförändrad)" in unchanged
    assert f"<strong>{unchanged}</strong>" in page


def test_handlers_are_those_holding_prepare_order_by_group_or_directly(coordinator, orderer):
    direct = UserFactory(first_name="Direkt")
    direct.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    gone = UserFactory(first_name="Borta", is_active=False)
    gone.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    both = UserFactory(first_name="Båda")
    both.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    both.groups.add(*coordinator.groups.all())

    handlers = list(_handlers())

    assert coordinator in handlers and direct in handlers and both in handlers
    assert gone not in handlers and orderer not in handlers
    assert len(handlers) == len(set(handlers))
    assert [h.first_name for h in handlers] == sorted(h.first_name for h in handlers)


def test_order_page_keeps_the_priority_model_and_its_factors_in_one_query(
        client, make_order, orderer, coordinator, django_assert_num_queries):
    order = make_order(S.READY_FOR_DECISION)
    detail = selectors.order_detail(fresh(coordinator), order.pk)
    with django_assert_num_queries(0):
        rows = services.priority_breakdown(detail)
        version = detail.priority_model.version
    assert rows and version
    assert {row["factor"].code for row in rows} == set(detail.priority_values)
    assert all(row["factor"].model is detail.priority_model for row in rows)
    client.force_login(coordinator)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'id="priority-breakdown"' in page
    assert 'id="priority-sum"' in page


def test_a_refused_comment_shows_its_error_by_the_field(client, make_order, orderer):
    order = make_order(S.SUBMITTED)
    client.force_login(orderer)
    response = client.post(reverse("orders:comment_add", args=[order.pk]), {"body": ""},
                           HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and 'id="id_body_error"' in page
    assert 'aria-describedby="id_body_error"' in page
    assert '<div class="field field-error field-required">' in page
    assert "Det här fältet måste fyllas i." in page
    assert "&lt;textarea" not in page


def test_order_page_offers_each_action_its_form(client, make_order, orderer):
    order = make_order(S.SUBMITTED)
    client.force_login(orderer)
    page = client.get(reverse("orders:detail", args=[order.pk]),
                      HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert 'id="action-withdraw"' in page
    assert '<textarea name="withdraw-reason"' in page
    assert '<label for="id_withdraw-reason">' in page
    assert '<textarea name="body" cols="40" rows="3" required id="id_body">' in page
    # The same again: the kept markup of an unbound form is the same as the first page's.
    again = client.get(reverse("orders:detail", args=[order.pk]),
                       HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert again.count('name="withdraw-reason"') == page.count('name="withdraw-reason"') == 1


def test_change_handler_lists_the_ordering_function_with_the_handler_chosen(
        client, make_order, coordinator):
    other = UserFactory(first_name="Ann <A>")
    other.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert f'<option value="{coordinator.pk}" selected>' in page
    assert f'<option value="{other.pk}">Ann &lt;A&gt; {other.last_name}</option>' in page


def test_list_rows_read_as_values_show_what_the_orders_do(make_order, orderer,
                                                          django_assert_num_queries):
    make_order(S.IN_PREPARATION, title="Med <handläggare>")
    make_order(S.DRAFT, handler=None)
    nameless = UserFactory(first_name="", last_name="", username="utan_namn")
    nameless.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    Order.objects.filter(status=S.DRAFT).update(handler=nameless)
    person = fresh(orderer)
    orders = list(selectors.order_list(person))
    listed = selectors.order_list(person)
    with django_assert_num_queries(1):
        rows = selectors.order_rows(listed, 10)
    assert [r.pk for r in rows] == [o.pk for o in orders]
    assert [r.handler for r in rows] == [str(o.handler) for o in orders]
    assert "utan_namn" in [r.handler for r in rows]
    assert [r.get_absolute_url() for r in rows] == [o.get_absolute_url() for o in orders]
    assert [r.status_label for r in rows] == [o.status_label for o in orders]
    assert len(selectors.order_rows(selectors.order_list(fresh(orderer)), 1)) == 1


def test_the_filter_as_first_opened_is_what_its_form_writes_from_the_database(
        client, coordinator, orderer, department, other_department):
    """The list as first opened builds no form: its filter is kept markup, offered from the
    access cache. It must be what the form itself writes with its querysets."""
    from django.template.loader import render_to_string

    from orders.forms import OrderFilterForm
    from organisation.models import Department

    for person, departments in ((coordinator, Department.objects.all()),
                                (orderer, Department.objects.filter(pk=department.pk))):
        client.force_login(person)
        with translation.override("sv"):
            form = OrderFilterForm(departments=departments, handlers=_handlers())
            written = render_to_string("orders/includes/order_filters.html", {"form": form})
        for _ in range(2):  # built, then kept
            assert written in client.get(reverse("orders:list")).content.decode()
