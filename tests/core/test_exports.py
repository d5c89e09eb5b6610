"""Exports open right in a Swedish Excel and never run a user's text as a formula."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from tyreso_it.core.exports import csv_bytes, export_response, xlsx_bytes

ROWS = [
    ["=HYPERLINK(\"http://evil\")", Decimal("1234.50"), date(2026, 11, 28), True],
    ["+46 8 578 291 00", Decimal("0"), None, False],
    ["Vanlig text; med semikolon", 3, date(2026, 1, 2), True],
]
HEADERS = ["Rubrik", "Belopp", "Datum", "Aktiv"]


def test_csv_has_a_bom_semicolons_and_decimal_commas():
    data = csv_bytes(HEADERS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADERS
    assert rows[1][1] == "1234,50"
    assert rows[1][2] == "2026-11-28"
    assert rows[1][3] == "Ja"
    assert rows[3][0] == "Vanlig text; med semikolon"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_starting_like_a_formula_are_kept_as_text(text):
    rows = list(csv.reader(io.StringIO(csv_bytes(["a"], [[text]]).decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[1][0] == "'" + text


def test_xlsx_keeps_formula_like_text_as_text_and_numbers_as_numbers():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(HEADERS, ROWS, title="Tjänster")))
    sheet = book["Tjänster"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A2"].value == "'=HYPERLINK(\"http://evil\")"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == Decimal("1234.50") or sheet["B2"].value == 1234.5
    assert sheet["A3"].value == "'+46 8 578 291 00"


def test_export_response_names_the_file_and_sets_the_type():
    response = export_response("xlsx", "Tjänstekatalog", HEADERS, ROWS)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert 'filename="tjanstekatalog-' in response["Content-Disposition"]
    response = export_response("csv", "Tjänstekatalog", HEADERS, ROWS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
