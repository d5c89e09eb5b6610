"""SPEC "Permissions": "The service desk holds no right on orders" — not in the list, the
order's page, a search or an export, not even after the HUKI matrix has told it of an order;
and what it is told links to no page it cannot open."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from orders.models import Order, OrderEvent
from organisation.models import Role
from raci.models import OrderRoleSight
from tests.factories import make_role_user
from tests.servicecatalog.catalogue_data import make_service
from tyreso_it.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return make_role_user(Role.Code.SERVICE_DESK, username="servicedesk",
                          email="servicedesk@tyreso.se")


@pytest.fixture
def delivered(make_order, provider, provider_user, desk):
    """Delivered: the matrix in force tells the service desk (I on "Report delivered")."""
    return make_order("delivered", provider=provider, provider_user=provider_user,
                      title="Ny lärplattform för skolorna", service=make_service())


def test_the_service_desk_is_told_of_a_delivery_without_a_link_to_the_order(delivered, desk):
    told = [m for m in OutboxMessage.objects.all() if desk.email in m.recipients]

    assert len(told) == 1
    message = told[0]
    assert delivered.reference in message.subject
    assert delivered.get_absolute_url() not in message.body
    assert settings.SITE_URL not in message.body
    # Those told who may open the order are sent its address, in a message of their own.
    event = OrderEvent.objects.get(order=delivered, action="deliver")
    assert message.dedupe_key == f"order-event-{event.pk}-huki-informed-unlinked"
    linked = OutboxMessage.objects.get(dedupe_key=f"order-event-{event.pk}-huki-informed")
    assert delivered.get_absolute_url() in linked.body
    assert desk.email not in linked.recipients


def test_telling_the_service_desk_gives_it_no_sight_of_the_order(delivered, desk):
    assert not OrderRoleSight.objects.filter(role__code=Role.Code.SERVICE_DESK).exists()
    assert not Order.objects.visible_to(desk).exists()


def test_the_service_desk_finds_no_order_in_the_list_or_a_search(client, delivered, desk):
    client.force_login(desk)

    for query in ({}, {"q": delivered.title}, {"q": delivered.reference},
                  {"status": Order.Status.DELIVERED}):
        response = client.get(reverse("orders:list"), query)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
        assert list(response.context["page"].object_list) == []
        # Only the search field itself may hold what was searched for.
        assert delivered.get_absolute_url() not in response.content.decode()


def test_the_service_desk_cannot_open_the_order_or_its_parts(client, delivered, desk):
    client.force_login(desk)

    assert client.get(delivered.get_absolute_url()).status_code == 404
    for action in ("accept", "report_deviation"):
        response = client.post(reverse("orders:transition", args=[delivered.pk, action]),
                               {f"{action}-reason": "Fungerar inte."})
        assert response.status_code == 404
    response = client.post(reverse("orders:comment_add", args=[delivered.pk]),
                           {"body": "Hej"})
    assert response.status_code == 404


def test_the_service_desk_sees_no_order_in_exports_or_beside_the_catalogue(
    client, delivered, desk
):
    client.force_login(desk)

    for url in (reverse("portfolio:dashboard_export", args=["status", "csv"]),
                reverse("portfolio:timeline") + "?export=csv",
                reverse("portfolio:management_report")):
        assert client.get(url).status_code == 404, url
    service = client.get(reverse("servicecatalog:service", args=[delivered.service_id]))
    assert service.status_code == 200
    assert delivered.title not in service.content.decode()
    catalogue = client.get(reverse("servicecatalog:service_export", args=["csv"]))
    assert delivered.title not in catalogue.getvalue().decode("utf-8-sig")
    # The order list as a file: its heading, and not one order.
    orders = client.get(reverse("orders:export", args=["csv"]))
    assert orders.status_code == 200
    assert orders.getvalue().decode("utf-8-sig").strip().count("\r\n") == 0
