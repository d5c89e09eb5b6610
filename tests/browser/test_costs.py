"""IT's costs in the browser: the IT chief starts a year, enters the keys and the departments'
figures, adds a cost pool and publishes; the department's IT lead reads their report; a
service's yearly key figures. Every page without an axe-core violation."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from organisation.models import Department, Role, User
from organisation.services import department_set_it_lead
from servicecatalog.models import Contract, Licence, Service, Supplier
from tests import factories

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "en-lång-lösenfras-2026"


def _person(username: str, first: str, last: str) -> User:
    return User.objects.create_user(username, f"{username}@tyreso.se", PASSWORD,
                                    first_name=first, last_name=last)


def _log_in(page, username: str) -> None:
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")


def _municipality() -> tuple[Department, Department, Service]:
    factories.ensure_roles()
    buf = Department.objects.create(name="Barn- och utbildningsförvaltningen", short_name="BUF")
    soc = Department.objects.create(name="Socialförvaltningen", short_name="SOC")
    chief = _person("itchef", "Eva", "Dahlgren")
    Role.objects.get(code=Role.Code.IT_CHIEF).group.user_set.add(chief)
    department_set_it_lead(department=buf, user=_person("itbuf", "Maria", "Holm"))
    year = timezone.localdate().year
    supplier = Supplier.objects.create(name="Skolsystem AB")
    system = Service.objects.create(name="Elevadministrativt system", department=buf,
                                    availability_target=Decimal("99.5"))
    Service.objects.create(name="Omsorgssystem", department=soc)
    Contract.objects.create(supplier=supplier, title="Elevsystem", starts_on=date(year, 1, 1),
                            ends_on=date(year, 12, 31), value=Decimal("365000.00"))
    Licence.objects.create(product="Elevlicenser", service=system, count=500,
                           yearly_cost=Decimal("240000.00"))
    return buf, soc, system


def test_the_it_chief_shares_the_years_costs_and_the_it_lead_reads_their_part(page):
    buf, soc, _system = _municipality()
    year = timezone.localdate().year
    _log_in(page, "itchef")
    page.goto(page.base_url + "/it-kostnader/")
    assert_accessible(page)
    page.get_by_label("År:", exact=True).fill(str(year))
    page.get_by_role("button", name="Påbörja året").click()
    page.wait_for_selector("#matrix")
    assert_accessible(page)

    page.get_by_role("link", name="Ändra nycklarna och förvaltningarnas underlag").click()
    page.get_by_label("Projekt fördelas efter:", exact=True).select_option("users")
    page.get_by_label("Användare i Barn- och utbildningsförvaltningen").fill("600")
    page.get_by_label("Användare i Socialförvaltningen").fill("300")
    page.get_by_label("Fast andel för Barn- och utbildningsförvaltningen (%)").fill("70")
    page.get_by_label("Fast andel för Socialförvaltningen (%)").fill("20")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector("#form-errors")
    assert "de ska vara tillsammans 100 %" in page.inner_text("#form-errors")
    assert_accessible(page)
    page.get_by_label("Fast andel för Socialförvaltningen (%)").fill("30")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector("#matrix")

    page.get_by_role("link", name="Lägg till en kostnadspost").click()
    assert_accessible(page)
    page.get_by_label("Namn:", exact=True).fill("Nätverk")
    page.get_by_label("Belopp (kr):", exact=True).fill("90000")
    page.get_by_label("Nyckel:", exact=True).select_option("fixed")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector("#matrix")
    # Contracts by systems owned 1 : 1, licences by licences held, the network 70 : 30.
    totals = page.inner_text("#matrix tfoot")
    assert "695 000,00" in totals.replace("\xa0", " ")
    rows = page.inner_text("#matrix tbody").replace("\xa0", " ")
    assert "63 000,00" in rows and "27 000,00" in rows

    page.get_by_role("button", name=f"Fastställ {year}").click()
    page.wait_for_selector(".messages")
    assert "fördelningen ligger fast" in page.inner_text(".messages")
    assert_accessible(page)
    page.get_by_role("link", name="Årets alla kostnader").click()
    page.wait_for_selector("h1")
    assert_accessible(page)

    page.context.clear_cookies()
    _log_in(page, "itbuf")
    page.goto(page.base_url + "/it-kostnader/")
    assert_accessible(page)
    page.get_by_role("link", name="Barn- och utbildningsförvaltningen").click()
    page.wait_for_selector("#department-lines")
    assert_accessible(page)
    assert "Socialförvaltningen" not in page.inner_text("main")


def test_an_employee_reads_a_services_yearly_key_figures(page):
    _buf, _soc, system = _municipality()
    _person("medarbetare", "Maja", "Mattsson")
    _log_in(page, "medarbetare")
    page.goto(page.base_url + system.get_absolute_url())
    page.wait_for_selector("#key-figures")
    assert_accessible(page)
    page.get_by_role("link", name=str(timezone.localdate().year), exact=True).click()
    page.wait_for_selector("#report-months")
    assert_accessible(page)
