"""The API's documentation in a real browser: Swagger UI and ReDoc draw the schema from the
app's own files under the product's Content-Security-Policy, without a violation; and the
token page makes a token that the API then accepts."""

import pytest
from django.urls import reverse

from tests import factories
from tests.browser.test_content_security_policy import LISTEN, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "rätt-häftigt-lösenord-2026"


@pytest.fixture
def logged_in(page):
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text)
            if message.type == "error" else None)
    page.context.add_init_script(LISTEN)
    page.console_errors = console
    factories.ensure_roles()
    user = factories.make_it_chief(username="it-chef")
    user.set_password(PASSWORD)
    user.save()
    page.goto(page.base_url + reverse("login"))
    page.get_by_label("Användarnamn").fill("it-chef")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")
    return page


def test_swagger_ui_and_redoc_draw_the_schema_without_a_violation(logged_in):
    page = logged_in
    page.goto(page.base_url + reverse("api:docs"))
    page.locator(".opblock-tag", has_text="orders").first.wait_for(timeout=15000)
    assert page.get_by_text("/api/v1/orders/", exact=True).first.is_visible()
    assert violations(page) == []
    page.goto(page.base_url + reverse("api:redoc"))
    page.get_by_role("heading", name="Tyresö IT API").first.wait_for(timeout=15000)
    assert violations(page) == []


def test_a_token_made_on_the_page_is_shown_once_and_works(logged_in):
    page = logged_in
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="API", exact=True).click()
    page.get_by_label("Namn").fill("Power BI")
    page.get_by_label("Läsa", exact=True).check()
    page.get_by_role("button", name="Skapa nyckel").click()
    secret = page.get_by_label("Nyckel", exact=True).input_value()
    assert secret.startswith("tyr_")
    response = page.request.get(page.base_url + reverse("api:orders"),
                                headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 200
    page.goto(page.base_url + reverse("api:tokens"))
    assert secret not in page.content()
    page.get_by_role("button", name="Återkalla Power BI").click()
    assert page.get_by_text("är återkallad").is_visible()
    assert violations(page) == []
