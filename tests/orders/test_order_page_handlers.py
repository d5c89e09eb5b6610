"""The order page offers the handlers (taking an order on, changing its handler) from the
access cache: the same markup as the form's own query gives, and a change shows at once."""

import pytest
from django.urls import reverse

from orders import forms
from orders.models import Order
from orders.views import _handlers
from tests.factories import make_coordinator
from tests.orders.test_query_counts import assert_count, measure
from tests.queries import ACCESS_TOKEN, KEPT_STATE

pytestmark = pytest.mark.django_db

S = Order.Status

# The ordering function's view of a submitted order: the order and its prefetches of options,
# attachments and comments (4; no priority model yet), transitions and history records (2),
# the HUKI matrix's version in force and the consultations (2). The handlers of the take-on
# form come from the access cache.
SUBMITTED_DETAIL = ACCESS_TOKEN + 8 + KEPT_STATE


def test_take_on_offers_the_handlers_as_the_form_would(client, make_order, coordinator):
    order = make_order(S.SUBMITTED)
    client.force_login(coordinator)
    response, ctx = measure(client, order.get_absolute_url())
    assert_count(ctx, SUBMITTED_DETAIL)
    reference = forms.TakeOnForm(handlers=_handlers(), initial={"handler": coordinator.pk},
                                 prefix="take_on")
    content = response.content.decode()
    assert "".join(str(field.as_field_group()) for field in reference) in content
    assert f'<option value="{coordinator.pk}" selected>' in content


def test_a_new_handler_is_offered_at_once(client, make_order, coordinator):
    order = make_order(S.SUBMITTED)
    client.force_login(coordinator)
    assert "Ada Lind" not in client.get(order.get_absolute_url()).content.decode()
    newcomer = make_coordinator(first_name="Ada", last_name="Lind")
    content = client.get(order.get_absolute_url()).content.decode()
    assert f'<option value="{newcomer.pk}">Ada Lind</option>' in content


def test_change_of_handler_offers_a_renamed_handler_at_once(client, make_order, coordinator):
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    assert reverse("orders:assign_handler", args=[order.pk]) in client.get(
        order.get_absolute_url()).content.decode()
    coordinator.first_name, coordinator.last_name = "Bo", "Ek"
    coordinator.save()
    content = client.get(order.get_absolute_url()).content.decode()
    assert f'<option value="{coordinator.pk}" selected>Bo Ek</option>' in content
