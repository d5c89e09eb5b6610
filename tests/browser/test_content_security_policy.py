"""The Content-Security-Policy in a real browser: Chromium loads the main pages of the demo,
the admin's among them, and uses htmx on them, and reports no violation of the policy (no
blocked script, style or image), while a deliberate inline script on a page is blocked."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demo import loader
from demo.people import DEMO_PASSWORD
from orders.models import Order
from servicecatalog.models import Integration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page reports, kept where the test can read it. Injected by the browser
# before any of the page's own code, so the policy does not apply to it.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def _log_in(page, username: str) -> None:
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")


@pytest.fixture
def watched(page):
    """The page, with every policy violation and console error it reports collected."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text)
            if message.type == "error" else None)
    page.context.add_init_script(LISTEN)
    page.console_errors = console
    return page


def violations(page) -> list[str]:
    reported = page.evaluate("window.__violations || []")
    logged = [text for text in page.console_errors if "Content Security Policy" in text]
    return reported + logged


def test_the_main_pages_and_the_admin_load_without_a_violation(watched):
    loader.load_demo()
    page = watched
    order = Order.objects.filter(options__isnull=False).first()
    hub = Integration.objects.values_list("source", flat=True).first()
    _log_in(page, "admin")

    urls = [
        "/", reverse("orders:list"), reverse("orders:detail", args=[order.pk]),
        reverse("orders:create"), reverse("board:meetings"), reverse("portfolio:ranking"),
        reverse("portfolio:timeline"), reverse("portfolio:dashboard"),
        reverse("servicecatalog:service_list"), reverse("servicecatalog:service", args=[hub]),
        reverse("servicecatalog:systemmap"), reverse("servicecatalog:plan_list"),
        reverse("raci:matrix"), reverse("admin:index"),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:orders_order_change", args=[order.pk]),
    ]
    for url in urls:
        page.goto(page.base_url + url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__violations") == "object", url
        assert violations(page) == [], url
    # The system map's own <style> came with the nonce, and works: its rules are in force.
    page.goto(page.base_url + reverse("servicecatalog:systemmap"))
    assert page.evaluate("document.querySelector('.systemmap-svg style').sheet !== null")
    assert page.evaluate("document.querySelector('.systemmap-svg style').sheet.cssRules.length")
    assert violations(page) == []

    # htmx works under the policy: filtering the catalogue swaps the results in place.
    page.goto(page.base_url + reverse("servicecatalog:service_list"))
    page.get_by_role("searchbox", name="Sök").fill("ekonomi")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url(re.compile(r"/tjanster/\?.*ekonomi"))
    expect(page.locator("#service-table")).to_contain_text("Ekonomisystem")
    assert violations(page) == []


def test_an_inline_script_on_a_page_is_blocked(watched):
    page = watched
    page.goto(page.base_url + "/konto/logga-in/")

    # As if someone had slipped a script into the page.
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.append(script);
    }""")
    expect(page.locator("body")).to_be_visible()
    for _ in range(50):  # the report is queued: wait for it from here, as the policy would
        if page.evaluate("window.__violations.length"):  # block a wait inside the page
            break
        page.wait_for_timeout(100)

    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in violations(page))
