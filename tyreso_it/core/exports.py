"""Exports that open right in a Swedish Excel: CSV with semicolons and a BOM, and XLSX.

Text a user wrote is never taken for a formula: a cell that starts with =, +, -, @, a tab or
a carriage return is prefixed with an apostrophe (OWASP "CSV injection").

Both formats take the rows as an iterable and read each row once, as it comes, so an export
of every order holds one chunk of rows in memory, not the list: CSV is streamed to the
client as it is written; XLSX is written row by row (`tyreso_it.core.xlsx`, no cell kept)
into a temporary file that moves from memory to disk as it grows, then sent from there.
Give them a generator over `QuerySet.iterator()` (or `values_list(...).iterator()`) and the
export's memory stays the same whatever the number of rows.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.text import slugify

from . import xlsx

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOM = b"\xef\xbb\xbf"

#: Rows written to the client at a time: large enough that the stream is not a trickle of
#: tiny writes, small enough to stay a few hundred kilobytes.
CSV_CHUNK_ROWS = 1000
#: An XLSX file is kept in memory up to this size, then moved to a temporary file on disk.
XLSX_MEMORY_BYTES = 4 * 1024 * 1024


def safe_text(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula; leave numbers alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(value: datetime, zone: tzinfo) -> datetime:
    """An aware moment in the export's time zone, naive (as spreadsheets keep them)."""
    return timezone.localtime(value, zone).replace(tzinfo=None) if timezone.is_aware(
        value) else value


def _csv_cell(value: Any, zone: tzinfo) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, datetime):
        return _local(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # Swedish Excel reads a decimal comma.
        return format(value, "f").replace(".", ",")
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    return safe_text(str(value))


class _Line:
    """A file for csv.writer that hands back what it is given."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, zone: tzinfo | None = None
) -> Iterator[bytes]:
    """The CSV as UTF-8 bytes with a BOM, a chunk of rows at a time, read as they come."""
    zone = zone or timezone.get_current_timezone()
    writer = csv.writer(_Line(), delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    yield BOM + writer.writerow([safe_text(str(h)) for h in headers]).encode("utf-8")
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow([_csv_cell(value, zone) for value in row]))
        if len(lines) >= CSV_CHUNK_ROWS:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole CSV at once (for small tables and tests)."""
    return b"".join(csv_chunks(headers, rows))


def xlsx_file(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Export",
    *, zone: tzinfo | None = None,
) -> IO[bytes]:
    """The workbook in a temporary file (in memory while small, then on disk), at its
    start. One sheet named `title`: the headers in bold, frozen, then the rows."""
    zone = zone or timezone.get_current_timezone()

    def convert(value: Any) -> Any:
        return _local(value, zone) if isinstance(value, datetime) else value

    # Handed to the caller open (a FileResponse closes it once sent); closed here on failure.
    target = tempfile.SpooledTemporaryFile(max_size=XLSX_MEMORY_BYTES)  # noqa: SIM115
    try:
        xlsx.write(target, headers, rows, title=title, text=safe_text, convert=convert)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Export"
) -> bytes:
    """The whole workbook at once (for small tables and tests)."""
    with xlsx_file(headers, rows, title) as target:
        return target.read()


def _streamed(chunks: Iterator[bytes], language: str | None) -> Iterator[bytes]:
    """`chunks` written in the request's language: the rows are read (and their labels
    translated) only as the response is sent, after the view has returned."""
    with translation.override(language):
        yield from chunks


def export_response(
    fmt: str, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A download of `rows` as csv or xlsx, named `<name>-<date>.<fmt>`.

    CSV is streamed: `rows` is read while the response is sent, in the request's language
    and time zone. XLSX is written before this returns and sent from its temporary file.
    """
    filename = f"{slugify(name)}-{timezone.localdate().isoformat()}"
    zone = timezone.get_current_timezone()
    headers = [str(h) for h in headers]
    if fmt == "xlsx":
        return FileResponse(xlsx_file(headers, rows, title=str(name), zone=zone),
                            as_attachment=True, filename=f"{filename}.xlsx",
                            content_type=XLSX_TYPE)
    response = StreamingHttpResponse(
        _streamed(csv_chunks(headers, rows, zone=zone), translation.get_language()),
        content_type=CSV_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
