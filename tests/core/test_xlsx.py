"""The XLSX writer behind the exports: a well-formed package that openpyxl (and so Excel)
reads, values typed as Excel keeps them, text escaped and cut where Excel wants it."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from defusedxml import ElementTree

from tyreso_it.core import xlsx

HOSTILE = ['Avtal A<B', "R&D", '<img src="/etc/passwd"/>', "]]><x>", "Zoë 😀", "#N/A",
           "'=1+1", " leading and trailing "]


def written(headers, rows, title="Export") -> bytes:
    buffer = io.BytesIO()
    xlsx.write(buffer, headers, rows, title=title)
    return buffer.getvalue()


def test_every_part_is_well_formed_xml_and_declared():
    data = written(["A"], [["x"]])
    package = zipfile.ZipFile(io.BytesIO(data))
    assert package.testzip() is None
    names = set(package.namelist())
    assert names == {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                     "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"}
    for name in names:
        ElementTree.fromstring(package.read(name))
    types = package.read("[Content_Types].xml").decode()
    for part in ("/xl/workbook.xml", "/xl/worksheets/sheet1.xml", "/xl/styles.xml"):
        assert f'PartName="{part}"' in types


def test_values_keep_their_types_and_texts_come_back_as_written():
    moment = datetime(2026, 3, 5, 14, 30)
    rows = [[*HOSTILE, 42, Decimal("1234.50"), 2.5, True, False, date(2026, 1, 31), moment,
             None, "efter tom"]]
    headers = [f"K{n}" for n in range(len(rows[0]))]
    book = openpyxl.load_workbook(io.BytesIO(written(headers, rows, title="Lista")))
    sheet = book["Lista"]
    values = [cell.value for cell in sheet[2]]
    assert values[:len(HOSTILE)] == HOSTILE
    assert [cell.data_type for cell in sheet[2][:len(HOSTILE)]] == ["s"] * len(HOSTILE)
    rest = values[len(HOSTILE):]
    assert rest[:5] == [42, 1234.5, 2.5, True, False]
    assert rest[5] == datetime(2026, 1, 31) and sheet[2][len(HOSTILE) + 5].is_date
    assert rest[6] == moment
    assert rest[7] is None and rest[8] == "efter tom"
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"


def test_characters_xml_cannot_hold_are_dropped_and_long_text_is_cut():
    text = "a\x00b\x1bc\td\ne" + "x" * 40_000
    sheet = openpyxl.load_workbook(io.BytesIO(written(["T"], [[text]]))).active
    value = sheet["A2"].value
    assert value.startswith("abc\td\ne")
    assert len(value) == xlsx.CELL_TEXT_MAX


def test_many_columns_and_many_rows():
    headers = [f"Kolumn {n}" for n in range(60)]
    rows = ([f"{r}:{c}" for c in range(60)] for r in range(2500))
    sheet = openpyxl.load_workbook(io.BytesIO(written(headers, rows)), read_only=True).active
    table = list(sheet.iter_rows(values_only=True))
    assert len(table) == 2501
    assert table[-1][59] == "2499:59" and table[1][27] == "0:27"


def test_column_letters_and_sheet_names_follow_excel():
    assert [xlsx.column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    name = xlsx.sheet_name("Ledtider 2026: median/p90 [dagar]?")
    assert name == "Ledtider 2026  median p90  daga"  # cut at 31
    assert xlsx.sheet_name("''") == "Export"
    assert len(xlsx.sheet_name("x" * 50)) == 31
