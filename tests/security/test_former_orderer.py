"""Acting on an order needs current standing: whoever has left the department's register
may no longer withdraw, accept, supplement, edit or comment on a draft of an order they
wrote, in the services and on the pages alike; the department's IT lead still may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders import services
from orders.models import Order
from orders.services import NotAllowed
from organisation.models import OrdererRegistration
from tests.factories import fresh

pytestmark = pytest.mark.django_db

S = Order.Status


def leave(orderer) -> None:
    OrdererRegistration.objects.filter(person=orderer).delete()


def test_a_former_orderer_cannot_withdraw(make_order, orderer):
    order = make_order("submitted")
    leave(orderer)

    with pytest.raises(NotAllowed):
        services.order_withdraw(order_id=order.pk, actor=fresh(orderer), reason="Ångrar mig.")
    order.refresh_from_db()
    assert order.status == S.SUBMITTED


def test_a_former_orderer_cannot_accept_or_report_a_deviation(
    make_order, orderer, provider, provider_user
):
    order = make_order("delivered", provider=provider, provider_user=provider_user)
    leave(orderer)

    with pytest.raises(NotAllowed):
        services.order_accept(order_id=order.pk, actor=fresh(orderer))
    with pytest.raises(NotAllowed):
        services.order_report_deviation(order_id=order.pk, actor=fresh(orderer),
                                        reason="Fel färg.")


def test_a_former_orderer_cannot_supplement(make_order, orderer):
    order = make_order("awaiting_supplement")
    leave(orderer)

    with pytest.raises(NotAllowed):
        services.order_supplement(order_id=order.pk, actor=fresh(orderer), answer="Tio.")


def test_a_former_orderer_cannot_edit_or_submit_their_draft(make_order, orderer):
    draft = make_order("draft")
    leave(orderer)

    with pytest.raises(NotAllowed):
        services.order_update_request(order_id=draft.pk, actor=fresh(orderer),
                                      data={"title": "Ändrad"}, expected_version=draft.version)
    with pytest.raises(NotAllowed):
        services.order_submit(order_id=draft.pk, actor=fresh(orderer))


def test_a_former_orderer_is_refused_on_the_pages_as_if_the_order_did_not_exist(
    client, make_order, orderer
):
    order = make_order("submitted")
    client.force_login(orderer)
    assert client.get(order.get_absolute_url()).status_code == 200
    leave(orderer)

    response = client.post(reverse("orders:transition", args=[order.pk, "withdraw"]),
                           {"withdraw-reason": "Ångrar mig."})

    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == S.SUBMITTED


def test_the_it_lead_may_still_act_for_the_department(make_order, orderer, it_lead):
    order = make_order("submitted")
    leave(orderer)

    services.order_withdraw(order_id=order.pk, actor=fresh(it_lead), reason="Inte aktuellt.")

    order.refresh_from_db()
    assert order.status == S.WITHDRAWN


def test_a_former_orderer_is_not_offered_any_action(make_order, orderer):
    order = make_order("delivered")
    assert services.available_actions(fresh(orderer), order)
    leave(orderer)

    assert services.available_actions(fresh(orderer), order) == []


def test_a_former_orderer_is_no_longer_emailed_a_link_to_the_order(
    make_order, orderer, it_lead, coordinator
):
    from tyreso_it.core.models import OutboxMessage

    order = make_order("in_preparation", handler=coordinator)
    leave(orderer)

    services.order_request_supplement(order_id=order.pk, actor=coordinator,
                                      question="Hur många elever?")

    message = OutboxMessage.objects.filter(body__contains="Hur många elever?").get()
    assert orderer.email not in message.recipients
    assert it_lead.email in message.recipients
