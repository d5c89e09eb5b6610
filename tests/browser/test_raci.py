"""The HUKI matrix in the browser: the process owner edits a cell with the keyboard, publishes,
and compares the versions; every page passes axe-core."""

import pytest

from organisation.models import Role, User
from raci.models import MatrixVersion
from tests.raci.conftest import ensure_matrix

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "en-lång-lösenfras-2026"


def _log_in(page, username: str) -> None:
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")


def test_the_process_owner_edits_a_cell_with_the_keyboard_publishes_and_compares(page):
    ensure_matrix()
    deputy = User.objects.create_user("processledare", "fredrik.lund@tyreso.se", PASSWORD,
                                      first_name="Fredrik", last_name="Lund")
    Role.objects.get(code=Role.Code.DEPUTY_IT_CHIEF).group.user_set.add(deputy)

    _log_in(page, "processledare")
    page.get_by_role("link", name="HUKI-matris").click()
    page.wait_for_selector("#huki-matrix")
    assert_accessible(page)
    page.get_by_role("link", name="Alla versioner").click()
    assert_accessible(page)
    page.get_by_role("link", name="Version 1").click()
    page.get_by_role("link", name="Skriv ut (A4 liggande)").click()
    assert_accessible(page)
    page.go_back()
    page.get_by_label("Roll:", exact=True).select_option("service_desk")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_selector("text=Det här ansvarar Servicedesk för")
    assert_accessible(page)

    # A draft, edited from the keyboard: focus a cell, type its letter, tab on, save.
    page.get_by_role("button", name="Påbörja ett nytt utkast").click()
    page.wait_for_selector("h1:has-text('Utkast till HUKI-matris, version 2')")
    assert_accessible(page)
    cell = page.get_by_label("Rapportera beställningen levererad – IT-chef", exact=True)
    cell.focus()
    page.keyboard.press("i")
    assert cell.input_value() == "I"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.labels[0].textContent") == (
        "Rapportera beställningen levererad – Biträdande IT-chef")
    page.get_by_role("button", name="Spara utkast").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Utkastet är sparat och följer alla regler")
    assert page.get_by_label("Rapportera beställningen levererad – IT-chef",
                             exact=True).input_value() == "I"
    assert_accessible(page)

    # A cell that breaks a rule is shown next to its row, and publishing is refused.
    page.get_by_label("Skicka in beställningen – Behörig beställare", exact=True).select_option("")
    page.get_by_role("button", name="Spara utkast").first.click()
    problem = page.locator(".huki-problems").first
    problem.wait_for()
    assert "Ingen roll är utförare (U): markera minst en." in problem.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Publicera version 2").click()
    page.wait_for_selector("text=Utkastet publicerades inte.")
    assert MatrixVersion.objects.get(number=2).status == "draft"
    page.get_by_label("Skicka in beställningen – Behörig beställare", exact=True).select_option("U")
    page.get_by_role("button", name="Spara utkast").first.click()
    page.wait_for_selector("text=Utkastet är sparat och följer alla regler")

    # Publish, with a note, and compare with the version before.
    page.get_by_label("Vad som ändrats och varför").fill("IT-chefen informeras om leveranser.")
    page.get_by_role("button", name="Publicera version 2").click()
    page.wait_for_selector("text=Version 2 är publicerad och gäller.")
    assert_accessible(page)
    version = MatrixVersion.objects.get(number=2)
    assert (version.status, version.published_by) == ("published", deputy)
    page.get_by_role("link", name="Jämför med version 1").click()
    page.wait_for_selector("#huki-changes")
    rows = page.locator("#huki-changes tbody tr")
    assert rows.count() == 1
    assert rows.first.inner_text().split("\t") == [
        "Leverans", "Rapportera beställningen levererad", "IT-chef", "–", "I"]
    assert_accessible(page)
