"""The layout's main menu, kept per process (tyreso_it/core/templatetags/layout.py): each person
is offered the sections they may use, the current one marked, and a menu kept for one person
is never shown to another who may use other sections."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from organisation.models import OrdererRegistration

pytestmark = pytest.mark.django_db


def menu(client, url: str = "/") -> str:
    page = client.get(url).getvalue().decode()
    return page[page.index('<nav aria-label="Huvudmeny">'):page.index("</nav>")]


def sections(client, url: str = "/") -> list[str]:
    return re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a>', menu(client, url))


def test_each_person_is_offered_their_own_sections(client, orderer, it_chief, outsider,
                                                    admin_user):
    client.force_login(orderer)
    assert sections(client) == ["Start", "Beställningar", "Ny beställning", "Projektportfölj",
                                "Tjänstekatalog", "HUKI-matris"]
    client.force_login(it_chief)
    offered = sections(client)
    assert "Beslutsråd IT" in offered and "Ny beställning" not in offered
    client.force_login(outsider)
    assert sections(client) == ["Start", "Beställningar", "Tjänstekatalog", "HUKI-matris"]
    client.force_login(admin_user)
    assert "Administration" in sections(client)


def test_the_current_section_is_marked(client, orderer):
    client.force_login(orderer)
    assert re.search(r'href="/"[^>]*aria-current="page">Start<', menu(client, "/"))
    orders = menu(client, reverse("orders:list"))
    assert re.search(r'aria-current="page">Beställningar<', orders)
    assert 'aria-current="page">Start<' not in orders
    catalogue = menu(client, reverse("servicecatalog:service_list"))
    assert re.search(r'aria-current="page">Tjänstekatalog<', catalogue)


def test_a_menu_follows_the_persons_rights_at_the_next_request(client, orderer):
    client.force_login(orderer)
    assert "Ny beställning" in sections(client)
    OrdererRegistration.objects.filter(person=orderer).delete()
    assert "Ny beställning" not in sections(client)
