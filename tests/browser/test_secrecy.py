"""Marking an order secret in the browser: the ordering function opens the marking, chooses a
provision and gives a reason; the page then tells the marking. Without axe-core violations."""

import pytest

from orders.models import Order
from organisation.models import Role, User
from tests import factories

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "en-lång-lösenfras-2026"


def test_the_ordering_function_marks_an_order_secret(page):
    factories.ensure_roles()
    coordinator = User.objects.create_user("samordnare", "s@tyreso.se", PASSWORD,
                                           first_name="Lena")
    Role.objects.get(code=Role.Code.IT_COORDINATOR).group.user_set.add(coordinator)
    order = factories.make_order(Order.Status.IN_PREPARATION, handler=coordinator)
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + order.get_absolute_url())
    page.get_by_text("Sekretessmarkera", exact=True).click()
    assert_accessible(page)
    # Without a reason: told next to the field.
    page.get_by_label("Lagrum:", exact=True).select_option("OSL 18 kap. 8 §")
    page.get_by_role("button", name="Spara markeringen").click()
    assert_accessible(page)
    page.get_by_label("Skäl för sekretess").fill("Larmets placering.")
    page.get_by_role("button", name="Spara markeringen").click()
    page.get_by_text("Beställningen är sekretessmarkerad.").wait_for()
    assert_accessible(page)
    order.refresh_from_db()
    assert order.secrecy_provision == "OSL 18 kap. 8 §"
