"""The order list as CSV and XLSX: the orders the person may see, with the list's filters,
read as the file is written, in the same queries whatever the number of orders."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from orders.models import Order
from tests import factories
from tests.orders.test_query_counts import assert_count, bare_order
from tests.queries import ACCESS_TOKEN

pytestmark = pytest.mark.django_db

S = Order.Status
HEADERS = [
    "Nummer", "Rubrik", "Förvaltning", "Beställare", "Typ", "Status", "Handläggare",
    "Utförare", "Tjänst i tjänstekatalogen", "Skapad", "Inkommen", "Beslutad", "Levererad",
    "Önskat datum", "Planerad start", "Planerad leverans", "Beräknad kostnad (kr)",
    "Prioritetspoäng", "Berör personuppgifter",
]


def url(fmt: str = "csv", query: str = "") -> str:
    return reverse("orders:export", args=[fmt]) + (f"?{query}" if query else "")


def parse_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def parse_xlsx(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)  # streamed as it is written
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return parse_csv(response.getvalue())


def xlsx_rows(response) -> list[list]:
    assert isinstance(response, FileResponse)  # sent from its temporary file
    assert 'filename="bestallningar-' in response["Content-Disposition"]
    return parse_xlsx(response.getvalue())


@pytest.fixture
def own(department, orderer, coordinator):
    """An order of the orderer's department, written with every column filled."""
    order = bare_order(
        department=department, status=S.IN_PREPARATION, orderer=orderer, handler=coordinator,
        estimated_cost=Decimal("125000.50"), personal_data=True,
    )
    Order.objects.filter(pk=order.pk).update(
        title="=HYPERLINK(\"http://evil\")", submitted_at=timezone.make_aware(
            datetime(2026, 1, 15, 23, 30)))
    return order


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_someone_without_a_right_gets_the_columns_and_no_order(client, own, outsider):
    client.force_login(outsider)
    assert csv_rows(client.get(url())) == [HEADERS]


def test_an_orderer_gets_the_departments_orders_and_never_anothers(
    client, own, orderer, other_department
):
    hidden = bare_order(department=other_department)
    client.force_login(orderer)
    rows = csv_rows(client.get(url()))
    assert rows[0] == HEADERS
    references = [row[0] for row in rows[1:]]
    assert own.reference in references
    assert hidden.reference not in references


def test_the_columns_read_as_on_the_page_in_a_swedish_excel(client, own, orderer, coordinator):
    client.force_login(orderer)
    row = next(r for r in csv_rows(client.get(url()))[1:] if r[0] == own.reference)
    values = dict(zip(HEADERS, row, strict=True))
    assert values["Rubrik"] == "'=HYPERLINK(\"http://evil\")"
    assert values["Förvaltning"] == own.department.name
    assert values["Beställare"] == str(own.orderer)
    assert values["Handläggare"] == str(coordinator)
    assert values["Status"] == "Under beredning"
    assert values["Typ"] == "Ny funktion eller nytt system"
    assert values["Inkommen"] == "2026-01-15 23:30"  # Stockholm time, as written
    assert values["Beräknad kostnad (kr)"] == "125000,50"
    assert values["Berör personuppgifter"] == "Ja"

    table = xlsx_rows(client.get(url("xlsx")))
    assert table[0] == HEADERS
    cells = next(r for r in table[1:] if r[0] == own.reference)
    assert cells[1] == "'=HYPERLINK(\"http://evil\")"
    assert cells[10] == datetime(2026, 1, 15, 23, 30)
    assert cells[16] == 125000.5
    assert cells[18] is True


def test_the_lists_filters_apply(client, own, department, it_chief):
    closed = bare_order(department=department, status=S.CLOSED)
    client.force_login(it_chief)
    references = [row[0] for row in csv_rows(client.get(url(query="status=closed")))[1:]]
    assert references == [closed.reference]
    references = [row[0] for row in csv_rows(client.get(url(query="q=HYPERLINK")))[1:]]
    assert references == [own.reference]


def test_an_unknown_format_is_not_found(client, it_chief):
    client.force_login(it_chief)
    assert client.get(reverse("orders:export", args=["pdf"])).status_code == 404


def test_the_list_offers_the_export_with_its_filters(client, own, orderer):
    client.force_login(orderer)
    page = client.get(reverse("orders:list") + "?status=in_preparation").content.decode()
    assert f'href="{url("csv")}?status=in_preparation"' in page
    assert f'href="{url("xlsx")}?status=in_preparation"' in page


def test_the_rows_are_read_only_as_the_csv_is_sent(client, own, orderer):
    client.force_login(orderer)
    client.get(url()).getvalue()  # the steady state: the access cache is warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url())
    assert_count(ctx, ACCESS_TOKEN)
    with CaptureQueriesContext(connection) as ctx:
        rows = csv_rows(response)
    assert_count(ctx, 1)
    assert len(rows) == 2


# The export (the IT chief, every order): the access token, then
#   1. the orders with their department, people, provider and service joined
EXPORT = ACCESS_TOKEN + 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_makes_the_same_queries_for_3_and_for_30_orders(client, it_chief, fmt):
    departments = [factories.DepartmentFactory() for _ in range(3)]
    client.force_login(it_chief)
    client.get(url(fmt)).getvalue()
    counts = []
    for rows in (3, 27):
        for number in range(rows):
            bare_order(department=departments[number % 3],
                       provider=factories.ProviderFactory() if number % 2 else None)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url(fmt)).getvalue()
        assert_count(ctx, EXPORT)
        counts.append(len(ctx))
        table = parse_csv(body) if fmt == "csv" else parse_xlsx(body)
        assert len(table) == 1 + Order.objects.count()
    assert counts == [EXPORT, EXPORT]
    assert Order.objects.count() == 30


def test_an_export_of_5000_orders_completes_with_every_row(client, department, it_chief):
    orderer = factories.UserFactory()
    Order.objects.bulk_create(
        Order(title=f"Beställning {number}", department=department, orderer=orderer,
              kind=Order.Kind.CHANGE, need="Behov.", status=S.SUBMITTED,
              reference=f"B-1900-{number:05d}")
        for number in range(5000)
    )
    client.force_login(it_chief)
    table = xlsx_rows(client.get(url("xlsx", "sort=reference")))
    assert len(table) == 5001
    assert [row[0] for row in table[1:4]] == ["B-1900-00000", "B-1900-00001", "B-1900-00002"]
    assert table[-1][0] == "B-1900-04999"
