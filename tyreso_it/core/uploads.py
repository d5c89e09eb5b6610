"""Files people upload, judged by what they hold, and request bodies refused by their size.

What this module protects:

- An attachment's type is read from its first bytes, not taken from its name or from the
  browser: a file called `underlag.pdf` that is an HTML page, a script or an executable is
  refused, and the type stored is the one found (`detect_type`). A table of our own, no
  libmagic: PDF, PNG and JPEG by their signatures; Word, Excel and PowerPoint (OOXML) and
  OpenDocument as zip files holding the parts of their kind; text as UTF-8 (with or without
  a BOM) or Windows-1252 without NUL bytes.
- An uploaded workbook is opened only when its zip unpacks to a bounded size (a zip bomb is
  refused before it is unpacked) and only with defusedxml parsing its XML, so entity
  declarations (the "billion laughs" expansion, external entities reading the server's
  files) are refused, not expanded (`open_workbook`).
- A request body larger than `REQUEST_BODY_MAX_BYTES` is refused with 413 by its declared
  length, before anything reads it (`RequestBodyLimitMiddleware`): Django's own limit,
  DATA_UPLOAD_MAX_MEMORY_SIZE, counts form fields only, not files.
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: An uploaded workbook may unpack to at most this many bytes, and hold at most this many
#: parts: a spreadsheet of a few thousand rows is a few megabytes unpacked.
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
ZIP_MAX_ENTRIES = 10_000

#: Bytes read to recognise a file by its signature.
HEAD_BYTES = 8


class UploadRefused(Exception):
    """The file is not what it claims to be, or not safe to open; `message` tells the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- what a file holds -----------------------------------------------------------------------


def _zip(file: IO[bytes]) -> zipfile.ZipFile | None:
    file.seek(0)
    if not zipfile.is_zipfile(file):
        return None
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(archive.infolist()) > ZIP_MAX_ENTRIES:
        return None
    return archive


def _ooxml(folder: str) -> Callable[[bytes, IO[bytes]], bool]:
    """An Office Open XML package: a zip with its content types and the kind's folder."""

    def check(_head: bytes, file: IO[bytes]) -> bool:
        archive = _zip(file)
        if archive is None:
            return False
        names = archive.namelist()
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


def _odf(mimetype: str) -> Callable[[bytes, IO[bytes]], bool]:
    """An OpenDocument package: a zip whose first part, `mimetype`, names the kind."""

    def check(_head: bytes, file: IO[bytes]) -> bool:
        archive = _zip(file)
        if archive is None:
            return False
        entries = archive.infolist()
        if not entries or entries[0].filename != "mimetype" or entries[0].file_size > 100:
            return False
        return archive.read(entries[0]).strip() == mimetype.encode("ascii")

    return check


def _text(_head: bytes, file: IO[bytes]) -> bool:
    """Text: UTF-8 (a BOM allowed) or Windows-1252, and no NUL byte anywhere."""
    file.seek(0)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    is_utf8 = is_cp1252 = True
    while chunk := file.read(64 * 1024):
        if b"\x00" in chunk:
            return False
        if is_utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
        if is_cp1252:
            try:
                cp1252.decode(chunk)
            except UnicodeDecodeError:
                is_cp1252 = False
        if not (is_utf8 or is_cp1252):
            return False
    try:
        utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        is_utf8 = False
    return is_utf8 or is_cp1252


def _starts(signature: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    return lambda head, _file: head.startswith(signature)


@dataclass(frozen=True)
class Kind:
    """A kind of file people may upload: its content type and how to recognise it."""

    content_type: str
    name: Any  # what the file should be, for the message: "a PDF"
    matches: Callable[[bytes, IO[bytes]], bool]


PDF = Kind("application/pdf", gettext_lazy("a PDF"), _starts(b"%PDF-"))
JPEG = Kind("image/jpeg", gettext_lazy("a JPEG image"), _starts(b"\xff\xd8\xff"))

#: Every extension an upload may have, with what its content must be.
KINDS: dict[str, Kind] = {
    "pdf": PDF,
    "png": Kind("image/png", gettext_lazy("a PNG image"), _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": JPEG,
    "jpeg": JPEG,
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 gettext_lazy("a Word document"), _ooxml("word/")),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 gettext_lazy("an Excel workbook"), _ooxml("xl/")),
    "pptx": Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                 gettext_lazy("a PowerPoint presentation"), _ooxml("ppt/")),
    "odt": Kind("application/vnd.oasis.opendocument.text",
                gettext_lazy("an OpenDocument text"),
                _odf("application/vnd.oasis.opendocument.text")),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet",
                gettext_lazy("an OpenDocument spreadsheet"),
                _odf("application/vnd.oasis.opendocument.spreadsheet")),
    "txt": Kind("text/plain", gettext_lazy("a text file"), _text),
    "csv": Kind("text/csv", gettext_lazy("a CSV file"), _text),
}


def detect_type(file: IO[bytes], extension: str) -> str:
    """The content type of `file`, whose name ends in `.extension`, judged by its content;
    UploadRefused when the content is not of that kind. The file is left at its start."""
    kind = KINDS.get(extension.lower())
    if kind is None:
        raise UploadRefused(_("Files of this type cannot be attached."))
    try:
        file.seek(0)
        head = file.read(HEAD_BYTES)
        matches = kind.matches(head, file)
    finally:
        file.seek(0)
    if not matches:
        raise UploadRefused(_(
            "The file is not %(kind)s: its content does not match its name (.%(extension)s)."
            " Choose the file again, or save it in the right format."
        ) % {"kind": kind.name, "extension": extension.lower()})
    return kind.content_type


# --- workbooks -------------------------------------------------------------------------------


def _workbook_parts_fit(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: openpyxl says it cannot read it
    entries = archive.infolist()
    # The sizes the zip declares bound what can be read from it: Python's zipfile stops at
    # an entry's declared size (and then fails its checksum) however the data was packed.
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > ZIP_MAX_ENTRIES or unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise UploadRefused(_(
            "The workbook unpacks to more than %(mb)s MB: it cannot be read. Save the sheet "
            "as CSV, or split it in parts."
        ) % {"mb": XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)})


@contextmanager
def open_workbook(data: bytes) -> Iterator[Any]:
    """openpyxl's read-only workbook of an uploaded XLSX file, for reading its rows inside
    the `with` block.

    Refused with UploadRefused: a zip that unpacks past `XLSX_MAX_UNPACKED_BYTES`, and XML
    declaring entities or a DTD, found when the workbook is opened or (its sheets are parsed
    as they are read) while its rows are read. Any other unreadable file raises what
    openpyxl raises.
    """
    import openpyxl
    from defusedxml import DefusedXmlException

    _workbook_parts_fit(data)
    # openpyxl parses with defusedxml when it is installed, unless OPENPYXL_DEFUSEDXML turns
    # it off: an upload is never parsed without it.
    if not openpyxl.DEFUSEDXML:
        raise ImproperlyConfigured("openpyxl does not use defusedxml: uploads are not read.")
    refused = _(
        "The workbook holds XML declarations that are not allowed (entities). Save it again "
        "from Excel, or as CSV."
    )
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except ValueError as exc:
        # openpyxl wraps what its parser raised in a ValueError of its own.
        if _caused_by(exc, DefusedXmlException):
            raise UploadRefused(refused) from exc
        raise
    try:
        yield workbook
    except ValueError as exc:
        if _caused_by(exc, DefusedXmlException):
            raise UploadRefused(refused) from exc
        raise
    finally:
        workbook.close()


def _caused_by(exc: BaseException | None, kind: type[BaseException]) -> bool:
    while exc is not None:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


# --- request bodies --------------------------------------------------------------------------


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose body is declared larger than REQUEST_BODY_MAX_BYTES,
    before anything reads it: Django reads a body only up to its declared length, so the
    length is the body's size."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_BODY_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            body = render_to_string("413.html", {"max_mb": max(1, limit // (1024 * 1024))})
            return HttpResponse(body, status=413)
        return self.get_response(request)
