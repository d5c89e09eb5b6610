"""The accessibility statement: public at its fixed address, linked from every page's footer,
and its form for reporting a barrier, which keeps the report, tells the accessibility contact
through the outbox and refuses a flood."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from accessibility.models import BarrierReport
from tests import factories
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

URL = "/tillganglighet/"
CONTACT = "tillganglighet@tyreso.se"
REPORT = {"name": "", "email": "besokare@example.se", "page_url": "/bestallningar/ny/",
          "description": "Felmeddelandet läses inte upp av skärmläsaren."}
with translation.override("sv"):
    REQUIRED = str(forms.CharField().error_messages["required"])
    BAD_EMAIL = str(forms.EmailField().validators[0].message)


@pytest.fixture(autouse=True)
def _contact(settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = CONTACT


def test_the_statement_is_at_its_fixed_address_and_public(client):
    assert reverse("accessibility:statement") == URL
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "delvis förenlig" in text
    assert "www.digg.se/tdosanmalan" in text
    assert "Hur vi testat webbtjänsten" in text
    assert CONTACT in text


def test_every_page_links_to_it_from_its_footer(client, orderer):
    login_page = client.get(reverse("login")).content.decode()
    assert f'href="{URL}"' in login_page.split('class="site-footer"')[1]
    client.force_login(orderer)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in home.split('class="site-footer"')[1]


def test_an_anonymous_visitor_reports_a_barrier(client):
    response = client.post(URL, REPORT)
    assert response.status_code == 302
    report = BarrierReport.objects.get()
    assert (report.email, report.page_url, report.status) == (
        "besokare@example.se", "/bestallningar/ny/", BarrierReport.Status.NEW)
    assert report.history.count() == 1
    message = OutboxMessage.objects.get()
    assert message.recipients == [CONTACT]
    assert "/bestallningar/ny/" in message.subject
    assert REPORT["description"] in message.body and "besokare@example.se" in message.body
    assert "Tack" in client.get(response["Location"]).content.decode()


def test_a_logged_in_person_finds_their_address_filled_in(client, orderer):
    client.force_login(orderer)
    text = client.get(URL).content.decode()
    assert f'value="{orderer.email}"' in text


@pytest.mark.parametrize(("field", "value", "error"), [
    ("email", "", REQUIRED), ("email", "inte-en-adress", BAD_EMAIL),
    ("page_url", "", REQUIRED), ("description", "", REQUIRED),
])
def test_a_report_without_what_it_needs_is_told_next_to_the_field(client, field, value, error):
    response = client.post(URL, {**REPORT, field: value})
    assert response.status_code == 400
    text = response.content.decode()
    assert error in text
    assert f'aria-describedby="id_{field}_error' in text or f"id_{field}_error" in text
    assert not BarrierReport.objects.exists() and not OutboxMessage.objects.exists()


def test_one_address_may_send_only_a_few_reports_an_hour(client, settings):
    settings.ACCESSIBILITY_REPORTS_PER_ADDRESS_HOUR = 2
    for _ in range(2):
        assert client.post(URL, REPORT).status_code == 302
    response = client.post(URL, REPORT)
    assert response.status_code == 429
    assert "Försök igen om en timme" in response.content.decode()
    assert BarrierReport.objects.count() == 2
    # Another address is not held back by this one.
    assert client.post(URL, REPORT, REMOTE_ADDR="192.0.2.7").status_code == 302
    assert BarrierReport.objects.count() == 3


def test_all_addresses_together_are_held_to_a_limit(client, settings):
    settings.ACCESSIBILITY_REPORTS_PER_HOUR = 2
    for number in range(2):
        assert client.post(URL, REPORT, REMOTE_ADDR=f"192.0.2.{number + 1}").status_code == 302
    assert client.post(URL, REPORT, REMOTE_ADDR="192.0.2.99").status_code == 429
    assert OutboxMessage.objects.count() == 2


def test_the_senders_address_is_not_stored(client):
    client.post(URL, REPORT, REMOTE_ADDR="198.51.100.23")
    report = BarrierReport.objects.get()
    assert "198.51.100.23" not in report.sender_key and len(report.sender_key) == 64


def test_the_reports_are_listed_for_the_administrator_only(client, orderer):
    client.post(URL, REPORT)
    admin_list = reverse("admin:accessibility_barrierreport_changelist")
    client.force_login(orderer)
    assert client.get(admin_list).status_code == 302
    admin = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(admin_list)
    assert response.status_code == 200
    assert "/bestallningar/ny/" in response.content.decode()
