"""The service catalogue in the browser: an employee without any role reads the list, a
service's page and the system map, and the ordering function edits a service; every page
without an axe-core violation."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from organisation.models import Department, Role, User
from servicecatalog.models import Category, Integration, Service

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
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")


def _catalogue() -> dict[str, Service]:
    buf = Department.objects.create(name="Barn- och utbildningsförvaltningen", short_name="BUF")
    eko = Department.objects.create(name="Ekonomiavdelningen", short_name="EKO")
    school = Category.objects.create(name="Skola och förskola")
    services = {
        "Elevadministrativt system": Service.objects.create(
            name="Elevadministrativt system", department=buf, category=school,
            description="Elevregister, schema, frånvaro och betyg.",
            availability_target=Decimal("99.5"), support_hours="Vardagar 7–17",
            confidentiality=3, integrity=3, availability=2, personal_data=True,
            yearly_cost=Decimal("1450000"), internal_notes="Internt: avtalet omförhandlas.",
        ),
        "Lärplattform": Service.objects.create(name="Lärplattform", department=buf,
                                               category=school, orderable=True,
                                               order_template="Antal elever:"),
        "Ekonomisystem": Service.objects.create(name="Ekonomisystem", department=eko),
        "Identitets- och behörighetshantering": Service.objects.create(
            name="Identitets- och behörighetshantering"),
    }
    services["Elevadministrativt system"].levels.create(priority=1, response_hours=1,
                                                        resolution_hours=4)
    s = services
    Integration.objects.create(source=s["Elevadministrativt system"], target=s["Lärplattform"],
                               data="Elever och grupper", method="REST", frequency="Varje natt")
    Integration.objects.create(source=s["Lärplattform"], target=s["Elevadministrativt system"],
                               data="Betyg")
    Integration.objects.create(source=s["Elevadministrativt system"],
                               target=s["Identitets- och behörighetshantering"],
                               data="Elever och klasser", direction="both")
    Integration.objects.create(source=s["Ekonomisystem"],
                               target=s["Identitets- och behörighetshantering"],
                               data="Kostnadsställen")
    return services


def test_an_employee_reads_the_catalogue_a_service_and_the_system_map(page):
    services = _catalogue()
    _person("medarbetare", "Maja", "Mattsson")
    _log_in(page, "medarbetare")

    page.get_by_role("link", name="Tjänstekatalog").click()
    page.wait_for_selector("#service-table")
    assert_accessible(page)
    page.get_by_role("searchbox", name="Sök").fill("lär")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.locator("#service-table tbody tr")).to_have_count(1)
    assert "Lärplattform" in page.inner_text("#service-table")
    assert_accessible(page)

    page.goto(page.base_url + services["Elevadministrativt system"].get_absolute_url())
    page.wait_for_selector("#sla-table")
    assert_accessible(page)
    body = page.inner_text("main")
    assert "99,5 %" in body and "Vardagar 7–17" in body
    assert "Internt: avtalet omförhandlas." not in page.content()
    # The neighbourhood's systems are links in the picture, reachable by keyboard.
    node = page.locator("svg a[aria-label^='Lärplattform']")
    node.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith(
        "Lärplattform")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + services["Lärplattform"].get_absolute_url())

    page.get_by_role("link", name="På systemkartan").click()  # this system's neighbourhood
    page.wait_for_selector(".node-centre")
    assert_accessible(page)
    page.get_by_role("link", name="Hela kartan").click()
    page.wait_for_selector("svg.systemmap-svg")
    assert_accessible(page)
    assert page.locator("svg.systemmap-svg a.node").count() == 4
    assert page.locator("#map-table tbody tr").count() == 4
    page.get_by_label("System:", exact=True).select_option(
        str(services["Ekonomisystem"].pk))
    page.get_by_role("button", name="Visa").click()
    page.wait_for_selector(".node-centre")
    assert page.locator("#map-table tbody tr").count() == 1
    assert_accessible(page)

    page.goto(page.base_url + services["Elevadministrativt system"].get_absolute_url()
              + "utskrift/")
    assert_accessible(page)


def test_the_ordering_function_edits_a_service_and_its_service_levels(page):
    services = _catalogue()
    _person("samordnare", "Carl", "Ek", role=Role.Code.IT_COORDINATOR)
    _log_in(page, "samordnare")
    service = services["Lärplattform"]
    page.goto(page.base_url + service.get_absolute_url())
    page.get_by_role("link", name="Redigera tjänsten").click()
    page.wait_for_selector("#levels")
    assert_accessible(page)
    page.get_by_label("Supporttider").fill("Vardagar 8–16")
    page.get_by_label("Svarstid (timmar), prioritet 2 – hög").fill("4")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector(".form-errors")
    assert_accessible(page)  # the error summary and the marked field
    page.get_by_label("Lösningstid (timmar), prioritet 2 – hög").fill("16")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector("#sla-table")
    assert "Vardagar 8–16" in page.inner_text("main")
    assert_accessible(page)
    service.refresh_from_db()
    assert list(service.levels.values_list("priority", "resolution_hours")) == [
        (2, Decimal("16.0"))]

    page.goto(page.base_url + "/tjanster/import/")
    assert_accessible(page)
