"""Headless Chromium (Debian's) driven by Playwright, with axe-core for WCAG checks.

Chromium is never downloaded: the tests use /usr/bin/chromium, a fresh profile per test and
flags that keep it off the network.

The pages run under the app's Content-Security-Policy, which forbids evaluating strings as
code. `page.wait_for_function(...)` compiles its condition inside the page and fails whenever
it has to wait; wait with locators (`expect(locator).to_have_count(1)`, `wait_for_selector`)
instead. `page.evaluate(...)` is not held to the policy.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def page(live_server) -> Iterator:
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety guard is lifted for browser tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="tyreso-it-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900},
                locale="sv-SE",
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.base_url = live_server.url
            yield page
            context.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        shutil.rmtree(profile, ignore_errors=True)


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
