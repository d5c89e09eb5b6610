"""The order flow end to end in the browser, as the orderer and the ordering function."""

import pytest

from orders.models import Order
from organisation.models import Department, Role, User
from organisation.services import orderer_register
from tests.factories import ensure_priority_model

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "en-lång-lösenfras-2026"


def _person(username: str, first: str, last: str, role: str | None = None) -> User:
    user = User.objects.create_user(
        username, f"{username}@tyreso.se", PASSWORD, first_name=first, last_name=last
    )
    if role:
        Role.objects.get(code=role).group.user_set.add(user)
    return user


def _log_in(page, username: str) -> None:
    page.goto(page.base_url + "/konto/logga-in/")
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")


def _log_out(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/konto/logga-in/")


def test_order_goes_from_draft_to_ready_for_decision_in_the_browser(page):
    # An earlier transactional test's flush removes the migrated priority model.
    ensure_priority_model()
    department = Department.objects.create(
        name="Barn- och utbildningsförvaltningen", short_name="BUF"
    )
    orderer = _person("bestallare", "Anna", "Berg")
    orderer_register(department=department, person=orderer)
    _person("samordnare", "Carl", "Ek", role=Role.Code.IT_COORDINATOR)

    # The orderer writes and submits the order.
    _log_in(page, "bestallare")
    assert_accessible(page)
    page.get_by_role("link", name="Ny beställning").first.click()
    assert_accessible(page)
    page.get_by_label("Rubrik").fill("E-tjänst för ansökan om skolskjuts")
    page.get_by_label("Typ").select_option("new_function")
    page.get_by_label("Behov").fill("Vårdnadshavare ska kunna söka skolskjuts digitalt.")
    page.get_by_label("Engångskostnad (kr)").fill("200000")
    page.get_by_label("Årlig kostnad (kr)").fill("30000")
    page.get_by_label("Livslängd (år)").fill("5")
    page.get_by_label("Beräknad årlig nytta (kr)").fill("90000")
    page.get_by_role("button", name="Spara utkast").click()
    page.wait_for_selector("h1:has-text('E-tjänst för ansökan om skolskjuts')")
    # The pre-study's totals are computed and shown.
    prestudy = page.inner_text("#h-prestudy ~ table").replace("\xa0", " ")
    assert "Livscykelkostnad\t350 000" in prestudy
    assert_accessible(page)
    page.locator("#action-submit").get_by_role("button", name="Skicka in").click()
    page.wait_for_selector(".status-submitted")
    order = Order.objects.get()
    assert order.reference.startswith("B-")
    _log_out(page)

    # The ordering function takes it on and asks for a supplement.
    _log_in(page, "samordnare")
    assert_accessible(page)
    page.goto(page.base_url + "/bestallningar/?status=submitted")
    assert page.get_by_label("Inkommen").is_checked()
    assert_accessible(page)
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="E-tjänst för ansökan om skolskjuts").first.click()
    page.locator("#action-take_on").get_by_role("button", name="Ta emot").click()
    page.wait_for_selector(".status-in_preparation")
    assert_accessible(page)
    page.locator("#action-request_supplement").get_by_label("Vad behöver ni veta?").fill(
        "Hur många elever berörs per läsår?"
    )
    page.locator("#action-request_supplement").get_by_role(
        "button", name="Begär komplettering"
    ).click()
    page.wait_for_selector(".status-awaiting_supplement")
    _log_out(page)

    # The orderer answers.
    _log_in(page, "bestallare")
    page.get_by_role("link", name="E-tjänst för ansökan om skolskjuts").first.click()
    assert "Hur många elever berörs per läsår?" in page.inner_text("main")
    page.locator("#action-supplement").get_by_label("Ditt svar").fill("Omkring 450 elever.")
    page.locator("#action-supplement").get_by_role("button", name="Skicka komplettering").click()
    page.wait_for_selector(".status-in_preparation")
    assert_accessible(page)
    _log_out(page)

    # The ordering function completes the brief and marks the order ready for decision.
    _log_in(page, "samordnare")
    page.goto(page.base_url + order.get_absolute_url())
    # Marking ready before the brief is complete is refused with what is missing.
    mark_ready = page.locator("#action-mark_ready").get_by_role(
        "button", name="Markera redo för beslut"
    )
    mark_ready.click()
    page.wait_for_selector("#action-mark_ready .form-errors")
    assert "Beslutsunderlaget är inte komplett" in page.inner_text("#action-mark_ready")
    assert_accessible(page)
    page.get_by_role("link", name="Redigera beredningen").click()
    assert_accessible(page)
    page.get_by_label("IT-krav").fill("E-legitimation och integration med elevregistret.")
    page.get_by_label("Beräknad kostnad (kr)").fill("180000")
    page.get_by_label("Risknivå").select_option("medium")
    page.get_by_label("Lagkrav").select_option("2")
    page.get_by_label("Nytta för invånarna").select_option("5")
    page.get_by_label("Rekommendation (beslutsunderlag)").fill(
        "Bygg e-tjänsten på e-tjänsteplattformen."
    )
    page.get_by_role("button", name="Spara beredningen").click()
    page.wait_for_selector("#h-prep")
    # 2 × 3 (lagkrav) + 5 × 2 (nytta för invånarna) = 16
    assert page.inner_text("#priority-sum td") == "16"
    page.locator("#action-mark_ready").get_by_role("button", name="Markera redo för beslut").click()
    page.wait_for_selector(".status-ready_for_decision")
    assert_accessible(page)

    order.refresh_from_db()
    assert order.status == Order.Status.READY_FOR_DECISION
    assert [e.to_status for e in order.events.all()] == [
        "submitted", "in_preparation", "awaiting_supplement", "in_preparation",
        "ready_for_decision",
    ]
