"""Markup kept while the database stays as it was (tyreso_it.core.kept), and the IT chief's
dashboard, which is kept so: never shown older than the data, whoever writes and however.

Transactional tests on PostgreSQL: what is kept depends on what is committed, and a test's own
transaction (which has written) keeps nothing.
"""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from orders.models import Order
from tests.queries import ACCESS_TOKEN
from tyreso_it.core import kept

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _other_connection() -> psycopg.Connection:
    """A connection of its own to the test database, as another web process has."""
    db = connection.settings_dict
    return psycopg.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"],
                           port=db["PORT"] or 5432, password=db["PASSWORD"] or None)


class Renders:
    """A render function that counts its calls."""

    def __init__(self, text: str = "<p>figures</p>"):
        self.calls = 0
        self.text = text

    def __call__(self) -> str:
        self.calls += 1
        return self.text


def test_the_state_changes_with_every_committed_write_however_made(department):
    state = kept.database_state()
    assert state is not None and kept.database_state() == state  # reading changes nothing
    department.name = "Barn- och utbildningsförvaltningen"
    department.save()
    after_save = kept.database_state()
    assert after_save != state
    type(department).objects.filter(pk=department.pk).update(short_name="BUF")
    after_update = kept.database_state()
    assert after_update != after_save
    with connection.cursor() as cursor:
        cursor.execute("UPDATE organisation_department SET email = 'buf@tyreso.se'")
    assert kept.database_state() != after_update


def test_another_process_writing_changes_the_state_when_it_commits(department):
    state = kept.database_state()
    with _other_connection() as other:
        other.execute("UPDATE organisation_department SET name = 'Ny' WHERE id = %s",
                      [department.pk])
        # Not committed: the data this process reads is as it was, and so is the state.
        assert kept.database_state() == state
        other.commit()
    assert kept.database_state() != state


def test_nothing_is_kept_in_a_transaction_that_has_written(department):
    renders = Renders()
    with transaction.atomic():
        assert kept.database_state() is not None  # nothing written yet
        department.save()
        assert kept.database_state() is None
        kept.markup("test", ["a"], renders)
        kept.markup("test", ["a"], renders)
    assert renders.calls == 2


def test_markup_is_kept_until_the_database_changes(department):
    renders = Renders()
    assert kept.markup("test", ["a"], renders) == "<p>figures</p>"
    assert kept.markup("test", ["a"], renders) == "<p>figures</p>"
    assert renders.calls == 1
    kept.markup("test", ["b"], renders)  # other parts: other markup
    assert renders.calls == 2
    with translation.override("en"):
        kept.markup("test", ["a"], renders)  # another language
    assert renders.calls == 3
    department.save()
    kept.markup("test", ["a"], renders)
    assert renders.calls == 4


def test_kept_markup_is_built_again_the_next_minute(monkeypatch):
    renders = Renders()
    kept.markup("test", ["a"], renders)
    kept.markup("test", ["a"], renders)
    later = timezone.localtime() + timedelta(minutes=1)
    monkeypatch.setattr(kept.timezone, "localtime", lambda *args: later)
    kept.markup("test", ["a"], renders)
    assert renders.calls == 2


# --- the dashboard -----------------------------------------------------------------------------


def _figures(response) -> str:
    page = response.getvalue().decode()
    return page[page.index('class="muted dashboard-scope"'):page.index("</main>")]


def _waiting(response) -> str:
    """The number of the "waiting for a decision" tile, as the page writes it."""
    page = response.getvalue().decode()
    tile = page.index("Väntar på beslut")
    return page[page.rindex('<span class="tile-number">', 0, tile):tile]


def test_the_dashboard_is_kept_and_shows_every_write_at_once(client, it_chief, make_order):
    make_order("submitted")
    client.force_login(it_chief)
    url = reverse("portfolio:dashboard")
    first = client.get(url)
    assert '<span class="tile-number">1</span>' in _waiting(first)
    with CaptureQueriesContext(connection) as kept_page:
        again = client.get(url)
    # Kept: the access token, the database's state and the filter's departments.
    assert len(kept_page) == ACCESS_TOKEN + 2, [q["sql"] for q in kept_page.captured_queries]
    assert _figures(again) == _figures(first)  # (the rest carries a new CSRF token)

    make_order("in_preparation")  # the services write it
    assert '<span class="tile-number">2</span>' in _waiting(client.get(url))
    Order.objects.filter(status=Order.Status.IN_PREPARATION).update(
        status=Order.Status.APPROVED)  # no signal, no save(): still seen
    assert '<span class="tile-number">1</span>' in _waiting(client.get(url))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orders_order SET status = 'ready_for_decision'")
    assert '<span class="tile-number">2</span>' in _waiting(client.get(url))


def test_each_person_has_their_own_kept_dashboard(client, it_chief, coordinator, make_order):
    """The IT chief keeps the costs and sees their line; the coordinator, on the same data a
    moment later, must not be shown the IT chief's page."""
    make_order("submitted")
    url = reverse("portfolio:dashboard")
    client.force_login(it_chief)
    client.get(url)
    assert 'id="costs-line"' in client.get(url).getvalue().decode()
    client.force_login(coordinator)
    assert 'id="costs-line"' not in client.get(url).getvalue().decode()


def test_the_filters_have_their_own_kept_dashboard(client, it_chief, make_order, department):
    make_order("submitted")
    client.force_login(it_chief)
    url = reverse("portfolio:dashboard")
    everyone = client.get(url).getvalue().decode()
    filtered = client.get(f"{url}?department={department.pk}").getvalue().decode()
    assert f"Förvaltning: {department.name}." not in everyone
    assert f"Förvaltning: {department.name}." in filtered


# --- the order page's history ------------------------------------------------------------------


def _history(response) -> str:
    page = response.getvalue().decode()
    return page[page.index('id="h-history"'):page.index("</ol>", page.index('id="h-history"'))]


def test_the_order_history_is_kept_and_shows_a_new_comment_at_once(client, make_order,
                                                                   orderer):
    from orders import services

    order = make_order("submitted")
    client.force_login(orderer)
    url = reverse("orders:detail", args=[order.pk])
    first = client.get(url)
    with CaptureQueriesContext(connection) as kept_page:
        again = client.get(url)
    tables = " ".join(q["sql"] for q in kept_page.captured_queries)
    assert "orders_historicalorder" not in tables and "orders_orderevent" not in tables
    assert _history(again) == _history(first)
    services.comment_add(order_id=order.pk, actor=orderer, body="Vi behöver svar före jul.")
    assert "Vi behöver svar före jul." in _history(client.get(url))


def test_a_kept_history_never_tells_a_secret_need_to_those_who_may_not_read_it(
        client, make_order, orderer, coordinator, it_chief):
    """The orderer reads the old need text in the history; the IT chief, asking right after
    under the same database state, is shown the history kept for those who may not."""
    from orders import services

    order = make_order(Order.Status.AWAITING_SUPPLEMENT, need="Första texten.")
    order.refresh_from_db()
    services.order_update_request(order_id=order.pk, actor=orderer,
                                  data={"need": "Skyddade uppgifter om larmet."},
                                  expected_version=order.version)
    services.order_mark_secret(order_id=order.pk, actor=coordinator,
                               provision="OSL 18 kap. 8 §", reason="Larmets placering.")
    url = reverse("orders:detail", args=[order.pk]) + "?historik=alla"
    chief = Client()
    # Both logged in first: logging in writes, and the pages below must share one state.
    client.force_login(orderer)
    chief.force_login(it_chief)
    client.get(url)
    assert "Första texten." in _history(client.get(url))
    state = kept.database_state()
    assert "Första texten." not in _history(chief.get(url))
    assert kept.database_state() == state


def test_the_setting_turns_keeping_off(settings):
    settings.KEPT_MARKUP = False
    assert kept.database_state() is None
    renders = Renders()
    kept.markup("test", ["a"], renders)
    kept.markup("test", ["a"], renders)
    assert renders.calls == 2
