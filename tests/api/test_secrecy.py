"""The API keeps a secrecy-marked order's need as the pages do (orders.secrecy): its readers
get the text, everyone else who sees the order gets the placeholder, in the detail, its
history and the search."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders import services
from orders.models import Order
from tests.uploads import PDF

pytestmark = pytest.mark.django_db

NEED = "Skyddade uppgifter om larmsystemet i kommunhuset."
SHOWN = "Sekretessmarkerad uppgift"


@pytest.fixture
def secret(make_order, coordinator):
    order = make_order(Order.Status.IN_PREPARATION, need=NEED)
    services.attachment_add(order_id=order.pk, actor=order.orderer,
                            upload=SimpleUploadedFile("ritning.pdf", PDF))
    return services.order_mark_secret(order_id=order.pk, actor=coordinator,
                                      provision="OSL 18 kap. 8 §", reason="Larmets placering.")


def detail(api_as, user, order):
    response = api_as(user).get(reverse("api:order", args=[order.pk]),
                                HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("who", ["orderer", "it_lead", "coordinator"])
def test_its_readers_read_the_need_through_the_api(request, api_as, secret, who):
    body = detail(api_as, request.getfixturevalue(who), secret).json()
    assert body["need"].startswith(NEED)
    assert body["secrecy_provision"] == "OSL 18 kap. 8 §"


@pytest.mark.parametrize("who", ["colleague", "it_chief"])
def test_others_who_see_the_order_get_the_placeholder_everywhere(request, api_as, secret, who):
    response = detail(api_as, request.getfixturevalue(who), secret)
    assert NEED not in response.content.decode()
    body = response.json()
    assert body["need"] == SHOWN
    assert body["secrecy_provision"] == "OSL 18 kap. 8 §"
    found = api_as(request.getfixturevalue(who)).get(
        reverse("api:orders"), {"q": "larmsystemet"}).json()
    assert secret.reference not in str(found)
