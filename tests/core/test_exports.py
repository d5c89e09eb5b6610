"""Exports open right in a Swedish Excel and never run a user's text as a formula."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from tyreso_it.core import exports
from tyreso_it.core.exports import CSV_CHUNK_ROWS, csv_bytes, export_response, xlsx_bytes

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


def test_a_csv_export_reads_its_rows_only_as_it_is_sent():
    read = []

    def rows():
        for number in range(2500):
            read.append(number)
            yield [f"Rad {number}"]

    response = export_response("csv", "Stor lista", ["Rad"], rows())
    assert isinstance(response, StreamingHttpResponse)
    assert read == []
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"\xef\xbb\xbfRad\r\n")
    assert next(chunks).startswith(b"Rad 0\r\n")
    assert len(read) <= CSV_CHUNK_ROWS + 1  # one chunk of rows read, not the list
    rest = b"".join(chunks).decode("utf-8")
    assert rest.endswith("Rad 2499\r\n")
    assert len(read) == 2500


def test_a_streamed_csv_keeps_the_requests_language_and_time_zone():
    moment = datetime(2026, 1, 15, 22, 30, tzinfo=UTC)  # 23:30 in Stockholm
    with translation.override("sv"), timezone.override("Europe/Stockholm"):
        response = export_response("csv", "Beställningar", [gettext_lazy("Title")],
                                   ([gettext_lazy("Draft"), moment] for _n in range(1)))
    # The rows are written after the view has returned, under another language and zone.
    with translation.override("en"), timezone.override("UTC"):
        content = response.getvalue().decode("utf-8-sig")
    assert content == "Rubrik\r\nUtkast;2026-01-15 23:30\r\n"


def test_xlsx_keeps_every_text_as_text_and_times_in_local_time():
    moment = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)  # 12:00 in Stockholm, summer time
    with timezone.override("Europe/Stockholm"):
        data = xlsx_bytes(["Text", "När"], [["#N/A", moment], ["Ett\x00två\x1btre", None]],
                          title="Export")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Export"]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet["A2"].value == "#N/A" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == datetime(2026, 6, 1, 12, 0)
    assert sheet["A3"].value == "Etttvåtre"  # characters XML cannot hold are dropped


def test_a_large_xlsx_is_written_to_a_temporary_file_on_disk(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MEMORY_BYTES", 64 * 1024)
    rows = ([f"Beställning {number}", number, Decimal("12.50")] for number in range(20_000))
    with exports.xlsx_file(["Rubrik", "Nr", "Belopp"], rows) as target:
        assert target._rolled  # moved from memory to disk as it grew
        sheet = openpyxl.load_workbook(target, read_only=True).active
        assert sum(1 for _row in sheet.iter_rows()) == 20_001
