"""Single sign-on in a real browser: the municipality's account at a real OpenID provider
(tests/oidc), through its login page and back, logging out at both, and a refused login's
message on the login page."""

import pytest

from organisation.models import Role, User
from tests import factories
from tests.oidc import PASSWORD, account

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _at_the_provider(page, login: str) -> None:
    page.get_by_label("Användarnamn").fill(login)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_logging_in_and_out_with_the_municipal_account(page, sso, settings):
    factories.ensure_roles()
    sso.accounts(
        lena=account("E9001", ["IT-samordnare"], name="Lena Berg"),
        okand=account("E9002", ["Alla anställda"], name="Olle Okänd"),
    )

    page.goto(page.base_url + "/bestallningar/")
    page.wait_for_url(f"{page.base_url}/konto/logga-in/?next=/bestallningar/")
    assert_accessible(page)
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    page.wait_for_url(f"{sso.issuer}/interaction/**")
    _at_the_provider(page, "lena")

    # Back in the product, on the page asked for, as the person the provider named.
    page.wait_for_url(page.base_url + "/bestallningar/")
    page.wait_for_selector("text=Lena Berg")
    user = User.objects.get(external_identity__employee_id="E9001")
    assert Role.objects.filter(group__user=user, code="it_coordinator").exists()

    # Logging out ends the provider's session too, which asks to confirm.
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{sso.issuer}/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(page.base_url + "/konto/logga-in/")

    # The next login asks the provider's password again; an account in no known group is
    # refused with the reason on the login page.
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    page.wait_for_url(f"{sso.issuer}/interaction/**")
    _at_the_provider(page, "okand")
    page.wait_for_url(page.base_url + "/konto/logga-in/")
    alert = page.get_by_role("alert")
    assert "ingen grupp som ger tillgång till IT-beställning" in alert.inner_text()
    assert_accessible(page)
    assert not User.objects.filter(username="E9002").exists()

    # Passwords switched off but for break-glass: the form waits behind its disclosure.
    settings.LOCAL_PASSWORDS = "break-glass"
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_text("Reservinloggning för administratörer").click()
    page.get_by_label("Användarnamn").wait_for()
    assert_accessible(page)
