"""A one-sheet XLSX workbook written as its rows come: the writer behind the exports.

An XLSX file is a zip of XML parts. The fixed ones (content types, relationships, the
workbook, the styles: a bold header, a date and a date-and-time format) are files in
`xlsx_parts/`; the sheet is written here a thousand rows at a time, straight into the zip
entry, which deflates it on the way into the target file. Nothing of a row is kept after it
is written, and a cell costs a string, not objects: openpyxl's write-only workbook, which
the exports used first, builds and serialises an element tree for every cell, which made
an export of every order outlast gunicorn's timeout (the benchmark measures it). openpyxl
still reads what this writes (the tests read every export with it).

Every text is written as an inline string, escaped, without the characters XML cannot hold
and cut at Excel's 32,767 characters; numbers, booleans, dates and moments (local, naive)
are written as Excel's values, so they sort and sum.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any

PARTS = Path(__file__).resolve().parent / "xlsx_parts"

#: The characters XML 1.0 cannot hold (the C0 controls but tab, line feed and return).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: What a sheet's name may not hold, and its length.
SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
CELL_TEXT_MAX = 32_767
ROWS_PER_WRITE = 1000

#: The styles of xl/styles.xml, by their place in its cellXfs.
HEADER_STYLE, DATE_STYLE, MOMENT_STYLE = 1, 2, 3
EPOCH = datetime(1899, 12, 30)


@cache
def _part(name: str) -> str:
    return (PARTS / name).read_text(encoding="utf-8").strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def column_letter(index: int) -> str:
    """Excel's letters for the column at `index` (0 is A, 26 is AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(title: str) -> str:
    """`title` as Excel takes a sheet's name: without []:*?/\\, at most 31 characters."""
    name = SHEET_NAME_ILLEGAL.sub(" ", title).strip().strip("'")[:31].strip()
    return name or "Export"


def text_cell(ref: str, value: str, style: int = 0) -> str:
    value = ILLEGAL.sub("", value)[:CELL_TEXT_MAX]
    styled = f' s="{style}"' if style else ""
    return (f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">'
            f"{_escape(value)}</t></is></c>")


def _serial(value: datetime | date) -> str:
    """Excel's serial number of a day or a moment (days since 30 December 1899)."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - EPOCH
        return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6)
    return str((value - EPOCH.date()).days)


def value_cell(ref: str, value: Any, text: Callable[[str], str]) -> str:
    """The cell `ref` holding `value`: `text` makes what a text cell shows of a string."""
    if isinstance(value, str):
        return text_cell(ref, text(value))
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, Decimal):
        if value.is_finite():
            return f'<c r="{ref}"><v>{format(value, "f")}</v></c>'
        return text_cell(ref, str(value))
    if isinstance(value, float):
        if math.isfinite(value):
            return f'<c r="{ref}"><v>{value!r}</v></c>'
        return text_cell(ref, str(value))
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{MOMENT_STYLE}"><v>{_serial(value)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{_serial(value)}</v></c>'
    return text_cell(ref, text(str(value)))


def write(
    target: IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    text: Callable[[str], str] = lambda value: value,
    convert: Callable[[Any], Any] = lambda value: value,
) -> None:
    """Write the workbook into `target`: one sheet named after `title`, the headers in bold
    and frozen, then `rows`, each value passed through `convert` and each text through
    `text` (the exports neutralise formulas there). A None is an empty cell."""
    letters = [column_letter(i) for i in range(max(len(headers), 26))]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        for name in ("[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels",
                     "xl/styles.xml"):
            package.writestr(name, _part(name))
        package.writestr("xl/workbook.xml", _part("xl/workbook.xml").replace(
            "{name}", _escape(sheet_name(title)).replace('"', "&quot;")))
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            head = "".join(text_cell(f"{letters[i]}1", text(str(header)), HEADER_STYLE)
                           for i, header in enumerate(headers))
            sheet.write(f'{_part("xl/sheet-start.xml")}<row r="1">{head}</row>'.encode())
            lines: list[str] = []
            for number, row in enumerate(rows, start=2):
                cells = []
                for index, value in enumerate(row):
                    value = convert(value)
                    if value is None:
                        continue
                    while index >= len(letters):
                        letters.append(column_letter(len(letters)))
                    cells.append(value_cell(f"{letters[index]}{number}", value, text))
                lines.append(f'<row r="{number}">{"".join(cells)}</row>')
                if len(lines) >= ROWS_PER_WRITE:
                    sheet.write("".join(lines).encode())
                    lines = []
            sheet.write(("".join(lines) + _part("xl/sheet-end.xml")).encode())
