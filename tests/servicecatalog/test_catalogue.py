"""The catalogue's pages: read by every employee, written by the ordering function and each
service's system owner and manager only, and never showing a department's internal fields to
anyone else.

Every view is tried anonymously (sent to the login page), by a logged-in person without any
role (reads everything public, writes nothing: 403), by those with the right, and for a
service that does not exist (404).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from orders.models import Order
from servicecatalog import selectors, services
from servicecatalog.models import Service, ServiceLevel
from tests import factories
from tests.amounts import shows_amount

from .catalogue_data import (
    make_category,
    make_contract,
    make_service,
    make_supplier,
    rich_service,
)

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LIST = reverse("servicecatalog:service_list")
CREATE = reverse("servicecatalog:service_create")


def detail(service: Service) -> str:
    return reverse("servicecatalog:service", args=[service.pk])


def edit(service: Service) -> str:
    return reverse("servicecatalog:service_edit", args=[service.pk])


def html(response) -> str:
    """The page without its CSP nonces: a random nonce may hold digits a test looks for."""
    return re.sub(r' nonce="[^"]*"', "", response.content.decode())


def required_message() -> str:
    with translation.override("sv"):
        return str(forms.CharField().error_messages["required"])


def level_data(levels: dict[int, tuple[str, str]] | None = None) -> dict[str, str]:
    """The SLA formset as the form posts it: one row per priority."""
    levels = levels or {}
    data = {"levels-TOTAL_FORMS": "4", "levels-INITIAL_FORMS": "4",
            "levels-MIN_NUM_FORMS": "0", "levels-MAX_NUM_FORMS": "4"}
    for index, priority in enumerate(ServiceLevel.Priority.values):
        response, resolution = levels.get(priority, ("", ""))
        data[f"levels-{index}-priority"] = str(priority)
        data[f"levels-{index}-response_hours"] = response
        data[f"levels-{index}-resolution_hours"] = resolution
    return data


def service_post(service: Service | None = None, **changes) -> dict[str, str]:
    """What the service form posts: the service's current values with `changes`."""
    values = {
        "name": "Nytt system", "kind": Service.Kind.SYSTEM, "lifecycle": Service.Lifecycle.IN_USE,
        "description": "", "contact": "", "availability_target": "", "support_hours": "",
        "order_template": "", "yearly_cost": "", "internal_notes": "", "review_month": "10",
    }
    if service is not None:
        for name in values:
            value = getattr(service, name)
            values[name] = "" if value is None else str(value)
        for name in ("category", "department", "system_owner", "system_manager", "supplier"):
            value = getattr(service, f"{name}_id")
            values[name] = "" if value is None else str(value)
        values["version"] = str(selectors.service_version(service.pk))
        if service.orderable:
            values["orderable"] = "on"
        if service.personal_data:
            values["personal_data"] = "on"
    values.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        values.pop(key, None)
    return {**values, **level_data()}


# --- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["service_list", "service_create", "import", "systemmap"])
def test_anonymous_is_sent_to_login(client, url_name):
    response = client.get(reverse(f"servicecatalog:{url_name}"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.parametrize("url_name", ["service", "service_edit", "service_print"])
def test_anonymous_is_sent_to_login_from_a_service(client, url_name):
    service = make_service()
    response = client.get(reverse(f"servicecatalog:{url_name}", args=[service.pk]))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_anonymous_cannot_export(client):
    response = client.get(reverse("servicecatalog:service_export", args=["csv"]))
    assert response.status_code == 302


def test_outsider_without_a_role_reads_the_list_and_a_service(client, outsider, department):
    service = rich_service(department, name="Elevadministrativt system")
    client.force_login(outsider)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Elevadministrativt system" in html(response)
    response = client.get(detail(service))
    assert response.status_code == 200
    page = html(response)
    assert "Elevadministrativt system" in page
    assert 'id="sla-table"' in page
    assert 'id="classification"' in page


def test_a_missing_service_is_404(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("servicecatalog:service", args=[999999])).status_code == 404
    assert client.get(reverse("servicecatalog:service_print", args=[999999])).status_code == 404
    assert client.get(reverse("servicecatalog:service_edit", args=[999999])).status_code == 404


def test_service_page_shows_sla_classification_and_contacts(client, outsider, department):
    service = rich_service(department)
    client.force_login(outsider)
    page = html(client.get(detail(service)))
    assert "99,5 %" in page
    assert "Vardagar 7–17" in page
    assert "08-578 291 00" in page
    assert "1 – kritisk" in page and "3 – normal" in page
    assert "2 – hög" not in page  # no level agreed for priority 2
    classification = page.split('id="classification"')[1].split("</dl>")[0]
    assert "Hög" in classification and "Medel" in classification and "Låg" in classification


def test_print_sheet_is_one_page_of_public_fields(client, outsider, department):
    service = rich_service(department, name="Lönesystemet")
    client.force_login(outsider)
    response = client.get(reverse("servicecatalog:service_print", args=[service.pk]))
    assert response.status_code == 200
    page = html(response)
    assert 'class="print-sheet"' in page
    assert "Lönesystemet" in page and "Vardagar 7–17" in page
    assert "HEMLIG-ANTECKNING" not in page
    assert not shows_amount(123456, page.split("print-sheet")[1])


# --- internal fields ---------------------------------------------------------------------


@pytest.fixture
def other_service(other_department):
    """A service of the other department with its internal fields filled in."""
    return rich_service(other_department, name="Socialtjänstens system",
                        yearly_cost=Decimal("987654.00"))


def internal_shown(client, user, service) -> bool:
    client.force_login(user)
    page = html(client.get(detail(service)))
    shown = "HEMLIG-ANTECKNING" in page
    assert shown == (shows_amount(987654, page) and 'id="internal"' in page)
    return shown


def test_another_departments_internal_fields_are_not_in_the_html(
    client, orderer, it_lead, outsider, provider_user, other_service
):
    for person in (orderer, it_lead, outsider, provider_user):
        assert not internal_shown(client, person, other_service), person


def test_own_department_ordering_function_and_chiefs_see_internal_fields(
    client, other_orderer, coordinator, change_manager, it_chief, other_service
):
    for person in (other_orderer, coordinator, change_manager, it_chief):
        assert internal_shown(client, person, other_service), person


def test_system_owner_and_manager_see_internal_fields_of_their_service(
    client, orderer, colleague, other_service
):
    other_service.system_owner = orderer
    other_service.system_manager = colleague
    other_service.save()
    assert internal_shown(client, orderer, other_service)
    assert internal_shown(client, colleague, other_service)


def test_contract_values_only_for_those_who_see_all(client, orderer, it_chief, department):
    service = rich_service(department)
    service.contracts.add(make_contract(title="Driftavtal 2024", value=Decimal("777777")))
    client.force_login(orderer)  # internal fields yes (own department), contract values no
    page = html(client.get(detail(service)))
    assert "Driftavtal 2024" in page
    assert not shows_amount(777777, page)
    client.force_login(it_chief)
    page = html(client.get(detail(service)))
    assert shows_amount(777777, page)


def test_contracts_and_the_supplier_link_to_their_pages_where_those_exist(
    client, outsider, department, monkeypatch
):
    service = rich_service(department)
    contract = make_contract(title="Driftavtal 2024")
    service.contracts.add(contract)
    client.force_login(outsider)
    page = html(client.get(detail(service)))
    assert f'<a href="{reverse("servicecatalog:contract", args=[contract.pk])}">' in page
    assert f'<a href="{service.supplier.get_absolute_url()}">' in page
    # Without those pages (an installation without contracts), the names stay plain text.
    from servicecatalog.views import catalogue

    monkeypatch.setattr(catalogue, "url_exists", lambda name: False)
    page = html(client.get(detail(service)))
    assert "Driftavtal 2024" in page and "/avtal/" not in page and "/leverantorer/" not in page


# --- ordering a service -------------------------------------------------------------------


ORDER_TEMPLATE = "Antal licenser:\nFrån och med datum:"


def test_order_button_opens_a_prefilled_order_form(client, orderer):
    service = make_service(name="Microsoft 365", orderable=True, order_template=ORDER_TEMPLATE)
    client.force_login(orderer)
    page = html(client.get(detail(service)))
    url = f"{reverse('orders:create')}?service={service.pk}"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["service"].value() == service.pk
    assert form["kind"].value() == Order.Kind.CATALOGUE_SERVICE
    assert form["need"].value() == ORDER_TEMPLATE
    assert "Antal licenser:" in html(response)


def test_order_form_ignores_a_bad_or_retired_service(client, orderer):
    retired = make_service(lifecycle=Service.Lifecycle.RETIRED, orderable=False,
                           order_template="Gammal mall")
    client.force_login(orderer)
    for value in ("abc", "999999", str(retired.pk)):
        response = client.get(f"{reverse('orders:create')}?service={value}")
        assert response.status_code == 200
        assert not response.context["form"]["need"].value()


def test_order_button_only_for_orderable_services_and_people_who_order(
    client, orderer, outsider
):
    orderable = make_service(orderable=True)
    not_orderable = make_service(orderable=False)
    client.force_login(orderer)
    assert 'id="order-service"' in html(client.get(detail(orderable)))
    assert 'id="order-service"' not in html(client.get(detail(not_orderable)))
    client.force_login(outsider)  # on no department's register: told who orders instead
    assert 'id="order-service"' not in html(client.get(detail(orderable)))


def test_the_order_page_links_its_service(client, orderer, make_order):
    service = make_service(name="Lärplattform")
    order = make_order("submitted", service=service, kind=Order.Kind.CATALOGUE_SERVICE)
    client.force_login(orderer)
    page = html(client.get(order.get_absolute_url()))
    assert f'<a href="{detail(service)}">Lärplattform</a>' in page


def test_service_page_lists_only_the_open_orders_the_viewer_may_see(
    client, orderer, other_orderer, it_chief, outsider, make_order, other_department
):
    service = make_service()
    own = make_order("submitted", service=service, title="Egen beställning")
    closed = make_order("closed", service=service, title="Avslutad beställning")
    other = factories.make_order("in_preparation", department=other_department,
                                 orderer=other_orderer, service=service,
                                 title="Annan förvaltnings beställning")

    def listed(user) -> set[str]:
        client.force_login(user)
        orders = client.get(detail(service)).context["open_orders"]
        return {o.title for o in orders}

    assert listed(orderer) == {own.title}
    assert listed(other_orderer) == {other.title}
    assert listed(it_chief) == {own.title, other.title}
    assert listed(outsider) == set()
    client.force_login(orderer)
    page = html(client.get(detail(service)))
    assert other.title not in page and other.reference not in page
    assert closed.title not in page


# --- writing ----------------------------------------------------------------------------


def test_outsider_and_orderers_cannot_create_or_edit(client, outsider, orderer, department):
    service = make_service(department=department)
    for person in (outsider, orderer):
        client.force_login(person)
        assert client.get(CREATE).status_code == 403
        assert client.post(CREATE, service_post(name="Smyg")).status_code == 403
        assert client.get(edit(service)).status_code == 403
        assert client.post(edit(service), service_post(service, name="Smyg")).status_code == 403
    assert not Service.objects.filter(name="Smyg").exists()


def test_edit_link_only_for_those_who_may_edit(client, outsider, coordinator):
    service = make_service()
    client.force_login(outsider)
    assert edit(service) not in html(client.get(detail(service)))
    client.force_login(coordinator)
    assert edit(service) in html(client.get(detail(service)))


def test_ordering_function_creates_a_service_with_service_levels(client, coordinator, department):
    category = make_category("Skola och förskola")
    client.force_login(coordinator)
    assert client.get(CREATE).status_code == 200
    data = service_post(name="Skolskjutsplanering", category=str(category.pk),
                        department=str(department.pk), availability_target="99.5",
                        orderable="on", order_template="Elev och adress:")
    data.update(level_data({1: ("1", "4"), 2: ("2", "8")}))
    response = client.post(CREATE, data)
    service = Service.objects.get(name="Skolskjutsplanering")
    assert response.status_code == 302 and response.url == detail(service)
    assert service.category == category and service.department == department
    assert service.availability_target == Decimal("99.50") and service.orderable
    assert [(lv.priority, lv.response_hours, lv.resolution_hours)
            for lv in service.levels.all()] == [(1, Decimal("1.0"), Decimal("4.0")),
                                                (2, Decimal("2.0"), Decimal("8.0"))]
    record = service.history.first()
    assert record.history_user == coordinator


def test_errors_are_shown_in_swedish_next_to_their_fields(client, coordinator):
    client.force_login(coordinator)
    data = service_post(name="", availability_target="120")
    data.update(level_data({1: ("4", ""), 2: ("8", "2")}))
    response = client.post(CREATE, data)
    assert response.status_code == 400
    page = html(response)
    assert f'<ul class="errorlist" id="id_name_error"><li>{required_message()}</li>' in page
    assert 'id="id_availability_target_error"' in page
    assert 'id="id_levels-0-resolution_hours_error"' in page
    assert "Ange lösningstiden också." in page
    assert 'id="id_levels-1-resolution_hours_error"' in page
    assert "Lösningstiden kan inte vara kortare än svarstiden." in page
    assert not Service.objects.exists()


def test_a_retired_service_cannot_be_orderable(client, coordinator):
    client.force_login(coordinator)
    response = client.post(CREATE, service_post(lifecycle="retired", orderable="on"))
    assert response.status_code == 400
    assert 'id="id_orderable_error"' in html(response)


@pytest.mark.parametrize("role", ["system_owner", "system_manager"])
def test_system_owner_and_manager_edit_their_service(client, role, orderer):
    service = make_service(**{role: orderer})
    client.force_login(orderer)
    assert client.get(edit(service)).status_code == 200
    data = service_post(service, support_hours="Dygnet runt")
    data.update(level_data({3: ("8", "40")}))
    response = client.post(edit(service), data)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.support_hours == "Dygnet runt"
    assert list(service.levels.values_list("priority", flat=True)) == [3]


def test_owner_cannot_hand_the_service_to_another_department_or_person(
    client, orderer, other_department, outsider, department
):
    service = make_service(system_owner=orderer, department=department)
    client.force_login(orderer)
    form = client.get(edit(service)).context["form"]
    assert "department" not in form.fields and "system_owner" not in form.fields
    client.post(edit(service), service_post(service, department=str(other_department.pk),
                                            system_owner=str(outsider.pk)))
    service.refresh_from_db()
    assert service.department == department and service.system_owner == orderer
    with pytest.raises(services.NotAllowed):
        services.service_update(actor=orderer, service_id=service.pk,
                                data={"department": other_department},
                                expected_version=selectors.service_version(service.pk))


def test_owner_of_another_service_cannot_edit_this_one(client, orderer, other_orderer):
    mine = make_service(system_owner=orderer)
    theirs = make_service(system_owner=other_orderer)
    client.force_login(orderer)
    assert client.get(edit(mine)).status_code == 200
    assert client.get(edit(theirs)).status_code == 403


def test_a_stale_edit_is_refused_and_shows_the_newer_version(client, coordinator, change_manager):
    service = make_service(support_hours="Vardagar 8–16")
    client.force_login(coordinator)
    stale = service_post(service, support_hours="Mitt förslag")
    # Someone else saves in between.
    services.service_update(actor=change_manager, service_id=service.pk,
                            data={"support_hours": "Deras ändring"},
                            expected_version=selectors.service_version(service.pk))
    response = client.post(edit(service), stale)
    assert response.status_code == 409
    page = html(response)
    assert "Deras ändring" in page  # the saved version, beside
    assert "Mitt förslag" in page  # the person's own input, kept in the form
    service.refresh_from_db()
    assert service.support_hours == "Deras ändring"
    # Saving again from the page's new token goes through.
    fresh = response.context["form"].data.copy()
    response = client.post(edit(service), fresh)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.support_hours == "Mitt förslag"


def test_changing_only_the_service_levels_moves_the_version(coordinator):
    service = make_service()
    before = selectors.service_version(service.pk)
    services.service_update(actor=coordinator, service_id=service.pk, data={},
                            levels=[{"priority": 1, "response_hours": 1,
                                     "resolution_hours": 2}], expected_version=before)
    assert selectors.service_version(service.pk) != before
    with pytest.raises(services.StaleVersion):
        services.service_update(actor=coordinator, service_id=service.pk,
                                data={"name": "Ny"}, expected_version=before)


def test_service_create_refuses_without_the_right(orderer):
    with pytest.raises(services.NotAllowed):
        services.service_create(actor=orderer, data={"name": "Smyg"})
    assert not Service.objects.exists()


# --- the list: search, filters, sorting, pages -------------------------------------------


def names_listed(client, query: str = "") -> list[str]:
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return [s.name for s in response.context["page"].object_list]


def test_search_and_filters(client, outsider, department, other_department):
    school = make_category("Skola")
    supplier = make_supplier("Norrsken AB")
    make_service(name="Lärplattform", category=school, department=department,
                 description="Uppgifter och omdömen", supplier=supplier)
    make_service(name="Ekonomisystem", department=other_department, orderable=True,
                 kind=Service.Kind.SERVICE)
    make_service(name="Gammalt diarium", lifecycle=Service.Lifecycle.RETIRED)
    client.force_login(outsider)
    assert names_listed(client) == ["Ekonomisystem", "Gammalt diarium", "Lärplattform"]
    assert names_listed(client, "q=omdömen") == ["Lärplattform"]
    assert names_listed(client, "q=ekonomi") == ["Ekonomisystem"]
    assert names_listed(client, f"category={school.pk}") == ["Lärplattform"]
    assert names_listed(client, f"department={other_department.pk}") == ["Ekonomisystem"]
    assert names_listed(client, f"supplier={supplier.pk}") == ["Lärplattform"]
    assert names_listed(client, "lifecycle=retired") == ["Gammalt diarium"]
    assert names_listed(client, "lifecycle=retired&lifecycle=in_use") == [
        "Ekonomisystem", "Gammalt diarium", "Lärplattform"]
    assert names_listed(client, "kind=service") == ["Ekonomisystem"]
    assert names_listed(client, "orderable=yes") == ["Ekonomisystem"]
    assert names_listed(client, "orderable=no") == ["Gammalt diarium", "Lärplattform"]
    assert names_listed(client, "sort=-name") == ["Lärplattform", "Gammalt diarium",
                                                  "Ekonomisystem"]
    # A bad value drops that filter only.
    assert names_listed(client, "category=999999&q=ekonomi") == ["Ekonomisystem"]


def test_the_list_is_paginated(client, outsider):
    for number in range(55):
        make_service(name=f"Tjänst {number:02d}")
    client.force_login(outsider)
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == 50
    assert 'rel="next"' in html(first)
    assert names_listed(client, "page=2") == [f"Tjänst {n}" for n in range(50, 55)]


def test_htmx_search_returns_the_results_only(client, outsider):
    make_service(name="Lärplattform")
    client.force_login(outsider)
    response = client.get(f"{LIST}?q=lär", headers={"HX-Request": "true",
                                                    "HX-Target": "service-results"})
    page = html(response)
    assert page.lstrip().startswith('<div id="service-results"')
    assert "Lärplattform" in page and "<html" not in page


def test_nav_links_to_the_catalogue(client, outsider):
    client.force_login(outsider)
    page = html(client.get(reverse("home")))
    assert f'href="{LIST}"' in page


# --- export -------------------------------------------------------------------------------


def export_csv(client, query: str = "") -> list[list[str]]:
    response = client.get(reverse("servicecatalog:service_export", args=["csv"]) + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.getvalue()
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


PUBLIC_HEADERS = [
    "Namn", "Typ", "Kategori", "Livscykelstatus", "Ägande förvaltning", "Systemägare",
    "Systemförvaltare", "Leverantör", "Beskrivning", "Kontaktvägar",
    "Mål för tillgänglighet (%)", "Supporttider", "Konfidentialitet", "Riktighet",
    "Tillgänglighet", "Innehåller personuppgifter", "Kan beställas", "Mall för beställning",
    "Månad för den årliga översynen",
]
INTERNAL_HEADERS = ["Årlig kostnad (kr)", "Interna anteckningar"]


def test_export_without_internal_columns_for_those_who_see_none(
    client, outsider, department, other_service
):
    rich_service(department, name="Lärplattform")
    client.force_login(outsider)
    rows = export_csv(client)
    assert rows[0] == PUBLIC_HEADERS
    assert [row[0] for row in rows[1:]] == ["Lärplattform", "Socialtjänstens system"]
    assert "HEMLIG" not in str(rows)


def test_export_fills_internal_columns_only_for_services_the_reader_may_see(
    client, other_orderer, department, other_service
):
    rich_service(department, name="Lärplattform", internal_notes="BUF-INTERNT")
    client.force_login(other_orderer)
    rows = export_csv(client)
    assert rows[0] == PUBLIC_HEADERS + INTERNAL_HEADERS
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Socialtjänstens system"][-2:] == ["987654,00", "HEMLIG-ANTECKNING om avtalet"]
    assert by_name["Lärplattform"][-2:] == ["", ""]
    assert "BUF-INTERNT" not in str(rows)


def test_export_follows_the_filters_and_shows_values_as_on_the_page(
    client, coordinator, department
):
    rich_service(department, name="Lärplattform", system_owner=coordinator)
    make_service(name="Ekonomisystem")
    client.force_login(coordinator)
    rows = export_csv(client, "?q=lär")
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Livscykelstatus"] == "I bruk"
    assert row["Ägande förvaltning"] == department.name
    assert row["Systemägare"] == str(coordinator)
    assert row["Konfidentialitet"] == "Hög"
    assert row["Innehåller personuppgifter"] == "Ja"
    assert row["Mål för tillgänglighet (%)"] == "99,50"


def test_export_neutralises_formulas(client, outsider):
    make_service(name="=HYPERLINK(\"http://evil\")", description="+SUM(A1:A9)",
                 support_hours="@kl 8")
    client.force_login(outsider)
    rows = export_csv(client)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Namn"] == "'=HYPERLINK(\"http://evil\")"
    assert row["Beskrivning"] == "'+SUM(A1:A9)"
    assert row["Supporttider"] == "'@kl 8"
    response = client.get(reverse("servicecatalog:service_export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert [c.value for c in sheet[1]] == PUBLIC_HEADERS
    name = sheet.cell(row=2, column=1)
    assert name.value == "'=HYPERLINK(\"http://evil\")" and name.data_type == "s"


def test_unknown_export_format_is_404(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("servicecatalog:service_export", args=["pdf"]))
    assert response.status_code == 404
