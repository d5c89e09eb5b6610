"""Supplier, contract and licence pages: every employee reads them, only the ordering function
writes, values and costs are shown (and exported) only to those who see IT's figures; exports
and query counts of the lists."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from servicecatalog.models import Contract, Licence, Service, Supplier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
VALUE = Decimal("2471113.00")
VALUE_SHOWN = "2\xa0471\xa0113"  # as the page shows it in Swedish
COST = Decimal("183457.00")


@pytest.fixture
def supplier(db):
    return Supplier.objects.create(name="Skolsystem AB", contact_name="Eva Avtal")


@pytest.fixture
def contract(supplier, coordinator):
    today = timezone.localdate()
    contract = Contract.objects.create(
        supplier=supplier, title="Elevadministration", reference="UH-2023-014",
        starts_on=date(2024, 1, 1), ends_on=today + timedelta(days=400), notice_months=6,
        renewal_terms="Förlängs ett år i taget.", value=VALUE, delivery_manager=coordinator,
    )
    contract.services.add(Service.objects.create(name="Elevadministrativt system"))
    return contract


@pytest.fixture
def licence(supplier, contract):
    return Licence.objects.create(
        product="Elevregister", supplier=supplier, contract=contract, count=900, used=912,
        yearly_cost=COST, renews_on=timezone.localdate() + timedelta(days=40),
    )


def read_urls(supplier, contract):
    return [
        reverse("servicecatalog:supplier_list"),
        reverse("servicecatalog:supplier", args=[supplier.pk]),
        reverse("servicecatalog:contract_list"),
        reverse("servicecatalog:contract", args=[contract.pk]),
        reverse("servicecatalog:licence_list"),
        reverse("servicecatalog:due_list"),
    ]


def edit_urls(supplier, contract, licence):
    return [
        reverse("servicecatalog:supplier_create"),
        reverse("servicecatalog:supplier_edit", args=[supplier.pk]),
        reverse("servicecatalog:contract_create"),
        reverse("servicecatalog:contract_edit", args=[contract.pk]),
        reverse("servicecatalog:licence_create"),
        reverse("servicecatalog:licence_edit", args=[licence.pk]),
    ]


def contract_post(contract, **changes):
    data = {
        "supplier": contract.supplier_id, "title": contract.title,
        "reference": contract.reference, "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(), "notice_months": contract.notice_months,
        "renewal_terms": contract.renewal_terms, "value": str(contract.value or ""),
        "delivery_manager": contract.delivery_manager_id or "",
        "services": [s.pk for s in contract.services.all()],
    }
    data.update(changes)
    return data


# --- who reads, who writes ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client, supplier, contract, licence):
    for url in read_urls(supplier, contract) + edit_urls(supplier, contract, licence):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url


def test_every_employee_reads_suppliers_contracts_and_licences(
    client, supplier, contract, licence, outsider
):
    client.force_login(outsider)
    for url in read_urls(supplier, contract):
        assert client.get(url).status_code == 200, url


def test_missing_rows_are_404(client, outsider, coordinator):
    for person in (outsider, coordinator):
        client.force_login(person)
        for name in ("supplier", "contract"):
            assert client.get(reverse(f"servicecatalog:{name}", args=[98765])).status_code == 404
    assert client.get(reverse("servicecatalog:contract_edit", args=[98765])).status_code == 404
    assert client.get(reverse("servicecatalog:licence_edit", args=[98765])).status_code == 404


def test_only_the_ordering_function_opens_and_posts_the_edit_forms(
    client, supplier, contract, licence, outsider, orderer, it_chief
):
    for person in (outsider, orderer, it_chief):
        client.force_login(person)
        for url in edit_urls(supplier, contract, licence):
            assert client.get(url).status_code == 403, (person, url)
            assert client.post(url, {"name": "Kapad AB", "title": "Kapat"}).status_code == 403
        page = client.get(reverse("servicecatalog:contract", args=[contract.pk])).content
        assert reverse("servicecatalog:contract_edit", args=[contract.pk]).encode() not in page
    assert Supplier.objects.get().name == "Skolsystem AB"
    assert Contract.objects.get().title == "Elevadministration"


def test_the_ordering_function_writes_suppliers_contracts_and_licences(
    client, supplier, contract, licence, coordinator
):
    client.force_login(coordinator)
    for url in edit_urls(supplier, contract, licence):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("servicecatalog:supplier_create"),
                           {"name": "Kartbolaget AB", "contact_email": "info@kartbolaget.se"})
    new_supplier = Supplier.objects.get(name="Kartbolaget AB")
    assert response["Location"] == new_supplier.get_absolute_url()

    response = client.post(reverse("servicecatalog:contract_edit", args=[contract.pk]),
                           contract_post(contract, notice_months=3, is_terminated="on"))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.notice_months, contract.is_terminated) == (3, True)
    assert contract.history.order_by("-history_id").first().history_user == coordinator

    response = client.post(reverse("servicecatalog:licence_create"), {
        "product": "Kartprogram", "supplier": new_supplier.pk, "count": 10, "used": 3,
        "yearly_cost": "12000", "renews_on": "2027-01-01"})
    assert response["Location"] == reverse("servicecatalog:licence_list")
    assert Licence.objects.get(product="Kartprogram").used == 3


def test_an_invalid_contract_is_a_400_with_the_error_at_its_field(client, contract,
                                                                  coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("servicecatalog:contract_edit", args=[contract.pk]),
                           contract_post(contract, ends_on="2020-01-01"))
    assert response.status_code == 400
    assert "ends_on" in response.context["form"].errors
    assert Contract.objects.get().ends_on == contract.ends_on


# --- values and costs --------------------------------------------------------------------


def test_values_and_costs_are_shown_only_to_those_who_see_its_figures(
    client, supplier, contract, licence, outsider, orderer, it_chief, coordinator
):
    pages = read_urls(supplier, contract)
    for person in (outsider, orderer):
        client.force_login(person)
        for url in pages:
            page = client.get(url).content.decode()
            assert VALUE_SHOWN not in page and "183\xa0457" not in page, (person, url)
        for url in pages[2:]:
            exported = client.get(url, {"export": "csv"}).getvalue().decode("utf-8-sig")
            assert "2471113" not in exported and "183457" not in exported, url
    for person in (it_chief, coordinator):
        client.force_login(person)
        assert VALUE_SHOWN in client.get(pages[3]).content.decode()
        assert "183\xa0457" in client.get(pages[4]).content.decode()
        exported = client.get(pages[2], {"export": "csv"}).getvalue().decode("utf-8-sig")
        assert "2471113,00" in exported


# --- exports ------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.getvalue()  # streamed: it can be read once
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())).active


CONTRACT_HEADERS = ["Rubrik", "Avtalsnummer", "Leverantör", "Gäller från", "Gäller till",
                    "Uppsägningstid (månader)", "Sista dag för uppsägning",
                    "Villkor för förlängning", "Tjänster", "Leverantörs- och leveransansvarig",
                    "Status"]


def test_the_reminder_steps_agree_with_their_number_of_days(client, contract, outsider,
                                                            settings):
    settings.CONTRACT_NOTICE_REMINDER_DAYS = (30, 1)
    client.force_login(outsider)
    page = client.get(reverse("servicecatalog:contract", args=[contract.pk])).content.decode()
    day = contract.notice_date - timedelta(days=1)
    assert f"1 dag före: {day.day} " in page
    assert "30 dagar före: " in page


def test_the_contract_list_exports_its_columns_and_keeps_formula_text_as_text(
    client, supplier, contract, coordinator, outsider
):
    contract.title = "=cmd|' /C calc'!A0"
    contract.save()
    client.force_login(outsider)
    url = reverse("servicecatalog:contract_list")
    rows = read_csv(client.get(url, {"export": "csv"}))
    assert rows[0] == CONTRACT_HEADERS
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[1][2:4] == ["Skolsystem AB", "2024-01-01"]
    assert rows[1][6] == contract.notice_date.isoformat()
    assert rows[1][8] == "Elevadministrativt system"
    assert rows[1][10] == "Gäller"
    sheet = read_xlsx(client.get(url, {"export": "xlsx"}))
    assert [c.value for c in sheet[1]] == CONTRACT_HEADERS
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'=")
    client.force_login(coordinator)
    assert read_csv(client.get(url, {"export": "csv"}))[0] == [*CONTRACT_HEADERS,
                                                               "Värde (kr)"]


def test_the_other_lists_export_their_columns(client, supplier, contract, licence, outsider):
    client.force_login(outsider)
    suppliers = read_csv(client.get(reverse("servicecatalog:supplier_list"), {"export": "csv"}))
    assert suppliers[0] == ["Namn", "Organisationsnummer", "Kontaktperson",
                            "Kontaktpersonens e-post", "Kontaktpersonens telefon", "Avtal",
                            "Licenser", "Tjänster"]
    assert suppliers[1] == ["Skolsystem AB", "", "Eva Avtal", "", "", "1", "1", "0"]
    licences = read_csv(client.get(reverse("servicecatalog:licence_list"), {"export": "csv"}))
    assert licences[0] == ["Produkt", "Leverantör", "Avtal", "Tjänst", "Antal licenser",
                           "I bruk", "Lediga", "Förnyelsedatum"]
    assert licences[1][4:7] == ["900", "912", "-12"]
    sheet = read_xlsx(client.get(reverse("servicecatalog:due_list"), {"export": "xlsx"}))
    assert [c.value for c in sheet[1]] == ["Datum", "Vad", "Rubrik", "Leverantör",
                                           "Dagar kvar", "Avtalet upphör",
                                           "Villkor för förlängning"]
    assert sheet["B2"].value == "Förnyelse av licens"
    assert sheet["E2"].value == 40


def test_the_due_list_covers_the_chosen_months(client, supplier, contract, licence, outsider):
    client.force_login(outsider)
    url = reverse("servicecatalog:due_list")
    assert [i.kind for i in client.get(url).context["items"]] == ["licence"]
    items = client.get(url, {"months": 12}).context["items"]
    assert [i.kind for i in items] == ["licence", "contract"]
    # A bad value falls back to the default.
    assert client.get(url, {"months": "x"}).context["months"] == 6


def test_the_contract_list_filters_by_state_and_supplier(client, supplier, contract, outsider):
    other = Supplier.objects.create(name="Annan AB")
    ended = Contract.objects.create(supplier=other, title="Gammalt avtal",
                                    starts_on=date(2019, 1, 1), ends_on=date(2020, 12, 31))
    client.force_login(outsider)
    url = reverse("servicecatalog:contract_list")
    assert [r[0] for r in client.get(url).context["rows"]] == [ended, contract]
    assert [r[0] for r in client.get(url, {"state": "ended"}).context["rows"]] == [ended]
    assert [r[0] for r in client.get(url, {"supplier": supplier.pk}).context["rows"]] == [
        contract]


# --- query counts ------------------------------------------------------------------------
# Each count is taken on the second of two identical requests. A page's count is the
# layout's (session, user, permissions, the navigation's questions), measured on a 404 for an
# address no view answers, plus the page's own queries listed here.


def layout_queries(client) -> int:
    """Measured before the page: each request resets the connection's query log."""
    client.get("/tjanster/avtal/finns-inte/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/tjanster/avtal/finns-inte/").status_code == 404
    return len(ctx)


def measure(client, url: str):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, ctx


def assert_count(ctx, expected: int) -> None:
    sql = "\n".join(f"{i}. {q['sql'][:200]}" for i, q in enumerate(ctx.captured_queries, 1))
    assert len(ctx) == expected, f"{len(ctx)} queries, expected {expected}:\n{sql}"


def make_rows(count: int) -> None:
    """Suppliers, each with a contract (own delivery manager, two services) and a licence."""
    today = timezone.localdate()
    start = Supplier.objects.count()
    for n in range(start, start + count):
        supplier = Supplier.objects.create(name=f"Leverantör {n:03d}")
        contract = Contract.objects.create(
            supplier=supplier, title=f"Avtal {n:03d}", starts_on=date(2024, 1, 1),
            ends_on=today + timedelta(days=200 + n), value=Decimal(1000 * n),
            delivery_manager=UserFactory())
        contract.services.add(Service.objects.create(name=f"Tjänst {n:03d}a"),
                              Service.objects.create(name=f"Tjänst {n:03d}b"))
        Licence.objects.create(product=f"Produkt {n:03d}", supplier=supplier, contract=contract,
                               service=Service.objects.get(name=f"Tjänst {n:03d}a"),
                               count=10, used=n, renews_on=today + timedelta(days=30 + n))


# Own queries of each list:
#   suppliers: the suppliers with their counts (1)
#   contracts: the contracts with supplier and delivery manager, their services, the
#              suppliers of the filter (3)
#   licences:  the licences with supplier, contract and service (1)
#   due:       the contracts in force, the licences renewing in the period (2)
LIST_QUERIES = {"supplier_list": 1, "contract_list": 3, "licence_list": 1, "due_list": 2}


@pytest.mark.parametrize(("name", "expected"), LIST_QUERIES.items())
def test_the_lists_have_a_fixed_number_of_queries(client, coordinator, name, expected):
    make_rows(4)
    client.force_login(coordinator)
    layout = layout_queries(client)
    response, ctx = measure(client, reverse(f"servicecatalog:{name}"))
    assert_count(ctx, layout + expected)
    assert "003" in response.content.decode()


@pytest.mark.parametrize("name", LIST_QUERIES)
def test_list_query_counts_do_not_grow_with_rows(client, outsider, name):
    client.force_login(outsider)
    url = reverse(f"servicecatalog:{name}")
    make_rows(2)
    _, few = measure(client, url)
    make_rows(10)
    response, many = measure(client, url)
    assert len(many) == len(few)
    assert "011" in response.content.decode()


# Own queries of the pages of one row:
#   supplier: the supplier; its contracts with delivery managers; its licences with their
#             services; its services (4)
#   contract: the contract with supplier and delivery manager; its services with their
#             departments; its licences (3)
DETAIL_QUERIES = {"supplier": 4, "contract": 3}


@pytest.mark.parametrize(("name", "expected"), DETAIL_QUERIES.items())
def test_the_pages_of_one_row_have_a_fixed_number_of_queries(
    client, supplier, contract, licence, outsider, name, expected
):
    for n in range(3):
        more = Contract.objects.create(supplier=supplier, title=f"Tillägg {n}",
                                       starts_on=date(2024, 1, 1), ends_on=date(2028, 1, 1),
                                       delivery_manager=UserFactory())
        more.services.add(Service.objects.create(name=f"Tilläggstjänst {n}"))
        contract.services.add(Service.objects.create(name=f"Extratjänst {n}",
                                                     supplier=supplier))
        Licence.objects.create(product=f"Tilläggslicens {n}", supplier=supplier,
                               contract=contract, count=1)
    client.force_login(outsider)
    layout = layout_queries(client)
    pk = supplier.pk if name == "supplier" else contract.pk
    _, ctx = measure(client, reverse(f"servicecatalog:{name}", args=[pk]))
    assert_count(ctx, layout + expected)
