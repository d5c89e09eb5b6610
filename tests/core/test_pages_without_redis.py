"""Every app's main page is served, with its content, while every cache call fails (Redis
down): the cache answers as empty (tyreso_it.core.cache) and the pages read the database. The
people log in through the login form, and an order is submitted and commented on, with the
cache away throughout."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from board import services as board_services
from orders.models import Comment, Order
from portfolio import services as portfolio_services
from tests.raci.conftest import ensure_matrix
from tests.servicecatalog.catalogue_data import make_integration, make_service

pytestmark = pytest.mark.django_db

PASSWORD = "ett-långt-lösenord-2026"


@pytest.fixture
def world(department, orderer, coordinator, change_manager, it_chief, provider,
          provider_user, make_order):
    """One of each thing the main pages show."""
    for person in (orderer, change_manager):
        person.set_password(PASSWORD)
        person.save()
    ensure_matrix()
    submitted = make_order("submitted", title="Lokalbokning för föreningar")
    ready = make_order("ready_for_decision", title="Skolskjutsplanering i appen",
                       change_manager=change_manager)
    planned = make_order("planned", title="Ny lärplattform", provider=provider,
                         provider_user=provider_user, change_manager=change_manager)
    meeting = board_services.meeting_create(actor=change_manager,
                                            starts_at=timezone.now() + timedelta(days=7))
    assert board_services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=change_manager)
    system = make_service(name="Elevregistret", department=department)
    make_integration(system, make_service(name="Schemasystemet"), data="Klasser och elever")
    portfolio_services.project_create(actor=change_manager, data={
        "name": "E-arkiv för hela kommunen", "sponsor_department": department,
        "manager": change_manager, "phase": "execution", "status": "active",
        "budget": Decimal("500000"), "planned_start": date(timezone.localdate().year, 2, 1),
        "planned_end": date(timezone.localdate().year, 10, 31)}, order=None)
    return {"submitted": submitted, "ready": ready, "planned": planned, "meeting": meeting,
            "system": system}


def log_in(client, person) -> None:
    response = client.post(reverse("login"), {"username": person.username,
                                              "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def test_every_apps_main_page_is_served_with_its_content_while_the_cache_fails(
    client, world, change_manager, cache_away
):
    log_in(client, change_manager)
    meeting = world["meeting"]
    expected = {
        reverse("home"): ["Lokalbokning för föreningar"],
        reverse("orders:list"): ["Lokalbokning för föreningar", "Skolskjutsplanering i appen",
                                 world["submitted"].reference],
        world["submitted"].get_absolute_url(): ["Lokalbokning för föreningar",
                                                world["submitted"].reference],
        reverse("board:meetings"): [reverse("board:meeting", args=[meeting.pk])],
        # The meeting page keeps its agenda in the cache: the page that returned 500.
        reverse("board:meeting", args=[meeting.pk]): ["Skolskjutsplanering i appen",
                                                      world["ready"].reference],
        reverse("servicecatalog:systemmap"): ["Elevregistret", "Schemasystemet",
                                              "Klasser och elever"],
        world["system"].get_absolute_url(): ["Elevregistret", "Klasser och elever"],
        reverse("raci:matrix"): ["Ändringsansvarig"],
        reverse("portfolio:ranking"): ["E-arkiv för hela kommunen"],
        reverse("portfolio:timeline"): ["Ny lärplattform", "E-arkiv för hela kommunen"],
        reverse("portfolio:dashboard"): ["E-arkiv för hela kommunen"],
    }
    for url, texts in expected.items():
        content = page(client, url)
        for text in texts:
            assert text in content, f"{url} does not show {text!r}"
    # Every page asked the cache, and the cache asked Redis each time: nothing was spared.
    assert {"get", "set"} <= set(cache_away.calls)


def test_an_orderer_logs_in_submits_and_comments_while_the_cache_fails(
    client, world, orderer, make_order, cache_away
):
    draft = make_order("draft", title="Digital signering av avtal")
    log_in(client, orderer)
    assert "Digital signering av avtal" in page(client, reverse("orders:list"))

    response = client.post(reverse("orders:transition", args=[draft.pk, "submit"]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Order.Status.SUBMITTED and draft.reference

    response = client.post(reverse("orders:comment_add", args=[draft.pk]),
                           {"body": "Avtalen gäller från årsskiftet."})
    assert response.status_code == 302
    assert Comment.objects.filter(order=draft, body="Avtalen gäller från årsskiftet.").exists()
    assert "Avtalen gäller från årsskiftet." in page(client, draft.get_absolute_url())

    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
    assert cache_away.calls
