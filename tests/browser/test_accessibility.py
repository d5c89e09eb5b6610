"""The accessibility statement in the browser: reached from the login page's footer without
logging in, a barrier reported with the keyboard, and the register page of the IT chief.
Every page without an axe-core violation."""

import pytest

from accessibility.models import BarrierReport
from organisation.models import Role, User
from tests import factories

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "en-lång-lösenfras-2026"


def test_a_visitor_reports_a_barrier_from_the_statement(page):
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    page.wait_for_url(page.base_url + "/tillganglighet/")
    assert_accessible(page)
    # Sent without what it needs: the errors stand by their fields.
    page.get_by_role("button", name="Skicka rapporten").click()
    assert_accessible(page)
    page.get_by_label("Din e-postadress").fill("besokare@example.se")
    page.get_by_label("Sidans adress").fill("/bestallningar/ny/")
    page.get_by_label("Vad är fel?").fill("Knappen går inte att nå med tangentbordet.")
    page.get_by_label("Vad är fel?").press("Tab")
    page.keyboard.press("Enter")  # the focus is on the button
    page.get_by_text("Tack! Din rapport är mottagen").wait_for()
    assert BarrierReport.objects.get().page_url == "/bestallningar/ny/"


def test_the_register_page_is_accessible(page):
    factories.ensure_roles()
    chief = User.objects.create_user("itchef", "itchef@tyreso.se", PASSWORD, first_name="Eva")
    Role.objects.get(code=Role.Code.IT_CHIEF).group.user_set.add(chief)
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("itchef")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")
    page.get_by_role("link", name="Diarium").click()
    page.wait_for_url(page.base_url + "/diarium/")
    assert_accessible(page)
