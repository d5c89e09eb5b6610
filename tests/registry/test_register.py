"""The register (diarium) of orders and meetings: who may read it, what each year's file
holds (the orders received that year by reference, and the year's meetings), that a
secrecy-marked order is in it by its marking only, and that its cost does not grow with the
number of orders."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from board import services as board_services
from orders import services
from orders.models import Order
from tests import factories, pdftext
from tests.queries import ACCESS_TOKEN

pytestmark = pytest.mark.django_db

S = Order.Status
NEED = "Skyddade uppgifter om larmsystemet i kommunhuset."
YEAR = timezone.localdate().year
LOGIN = reverse("login")


def export(year: int = YEAR, fmt: str = "csv") -> str:
    return reverse("registry:export", args=[year, fmt])


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


@pytest.fixture
def registrar(db):
    """The municipality's registrar: no role here, the register's permission given itself."""
    person = factories.UserFactory(username="registrator")
    person.user_permissions.add(
        Permission.objects.get(content_type__app_label="orders", codename="view_register"))
    return factories.fresh(person)


@pytest.fixture
def world(make_order, coordinator, change_manager):
    received = make_order(S.SUBMITTED, title="Lokalbokning")
    secret = make_order(S.IN_PREPARATION, title="Passersystem", need=NEED)
    services.order_mark_secret(order_id=secret.pk, actor=coordinator,
                               provision="OSL 18 kap. 8 §", reason="Larmets placering.")
    draft = make_order(S.DRAFT, title="Ett utkast")
    meeting = board_services.meeting_create(
        actor=change_manager, starts_at=timezone.now() + timedelta(days=7), place="Rum 1")
    return {"received": received, "secret": Order.objects.get(pk=secret.pk), "draft": draft,
            "meeting": meeting}


# --- who may read it --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "change_manager", "it_chief", "registrar"])
def test_the_register_is_read_by_its_readers(request, client, world, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("registry:register")).status_code == 200
    for fmt in ("csv", "xlsx", "pdf"):
        assert client.get(export(fmt=fmt)).status_code == 200


@pytest.mark.parametrize("who", ["orderer", "it_lead", "provider_user", "outsider"])
def test_anyone_else_finds_no_register(request, client, world, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("registry:register")).status_code == 404
    assert client.get(export()).status_code == 404


def test_an_anonymous_visitor_is_asked_to_log_in(client):
    for url in (reverse("registry:register"), export()):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_register_link_is_in_the_menu_of_its_readers_only(client, it_chief, orderer):
    client.force_login(it_chief)
    assert reverse("registry:register") in client.get(reverse("home")).content.decode()
    client.force_login(orderer)
    assert reverse("registry:register") not in client.get(reverse("home")).content.decode()


# --- what it holds ---------------------------------------------------------------------------


def test_a_year_holds_the_orders_received_and_the_meetings(client, world, it_chief):
    client.force_login(it_chief)
    header, *rows = csv_rows(client.get(export()))
    assert header == ["Diarienummer", "Typ av handling", "Inkom", "Förvaltning", "Rubrik",
                      "Status", "Sekretessmarkering"]
    received, secret = world["received"], world["secret"]
    today = timezone.localdate().isoformat()
    assert rows[0] == [received.reference, "Beställning", today, received.department.name,
                       "Lokalbokning", "Inkommen", ""]
    assert rows[1] == [secret.reference, "Beställning", today, secret.department.name,
                       "Passersystem", "Under beredning", "OSL 18 kap. 8 §"]
    assert [row[1] for row in rows[2:]] == ["Sammanträde i Beslutsråd IT"]
    assert rows[2][4] == "Beslutsråd IT"
    # A draft is not a received record.
    assert not any("Ett utkast" in row for row in rows)


def test_another_year_holds_nothing_of_this_one(client, world, it_chief):
    client.force_login(it_chief)
    header, *rows = csv_rows(client.get(export(YEAR - 1)))
    assert rows == []


def test_no_file_holds_a_secret_need(client, world, it_chief):
    client.force_login(it_chief)
    content = b"".join(client.get(export()).streaming_content).decode("utf-8-sig")
    assert NEED not in content and "Larmets placering." not in content
    book = load_workbook(io.BytesIO(client.get(export(fmt="xlsx")).getvalue()), read_only=True)
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "OSL 18 kap. 8 §" in cells and NEED not in cells
    text = pdftext.compact(pdftext.text(client.get(export(fmt="pdf")).content))
    assert pdftext.compact("OSL 18 kap. 8 §") in text
    assert pdftext.compact("Passersystem") in text
    assert pdftext.compact(NEED) not in text


# --- the page ----------------------------------------------------------------------------------


def test_the_page_sends_the_chosen_year_and_format(client, world, it_chief):
    client.force_login(it_chief)
    response = client.get(reverse("registry:register"), {"year": YEAR, "fmt": "pdf"})
    assert response.status_code == 302 and response["Location"] == export(fmt="pdf")


def test_a_year_not_offered_is_told_next_to_the_field(client, world, it_chief):
    client.force_login(it_chief)
    response = client.get(reverse("registry:register"), {"year": "1999", "fmt": "csv"})
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()


@pytest.mark.parametrize("url", [export(fmt="exe"), export(1999), export(3000)])
def test_an_unknown_format_or_year_is_a_404(client, it_chief, url):
    client.force_login(it_chief)
    assert client.get(url).status_code == 404


# --- its cost ----------------------------------------------------------------------------------


def read(client, url):
    response = client.get(url)
    return b"".join(response.streaming_content)


def test_the_export_costs_the_same_queries_whatever_the_number_of_orders(
        client, world, it_chief, make_order, django_assert_num_queries):
    client.force_login(it_chief)
    read(client, export())  # the session and the access cache are warm
    # The orders and the meetings (the person and their rights come from the cache).
    with django_assert_num_queries(ACCESS_TOKEN + 2):
        read(client, export())
    for _ in range(3):
        make_order(S.SUBMITTED)
    with django_assert_num_queries(ACCESS_TOKEN + 2):
        read(client, export())
