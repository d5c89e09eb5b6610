"""Uploads judged by their content: each kind recognised by what it holds, a file whose
content does not match its name refused in Swedish, and workbooks opened only when they are
neither zip bombs nor XML declaring entities."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.utils import translation

from tests import uploads as files
from tyreso_it.core import uploads
from tyreso_it.core.uploads import UploadRefused, detect_type, open_workbook

ACCEPTED = [
    ("pdf", files.PDF, "application/pdf"),
    ("png", files.PNG, "image/png"),
    ("jpg", files.JPEG, "image/jpeg"),
    ("jpeg", files.JPEG, "image/jpeg"),
    ("docx", files.DOCX,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", files.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pptx", files.PPTX,
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("odt", files.ODT, "application/vnd.oasis.opendocument.text"),
    ("ods", files.ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ("txt", b"Behov: boka lokaler.\n", "text/plain"),
    ("txt", "\ufeffMed BOM och åäö.\n".encode(), "text/plain"),
    ("csv", "Namn;Förvaltning\nÅsa;BUF\n".encode("cp1252"), "text/csv"),
]


@pytest.mark.parametrize(("extension", "content", "content_type"), ACCEPTED)
def test_each_kind_is_recognised_by_its_content(extension, content, content_type):
    file = io.BytesIO(content)
    assert detect_type(file, extension) == content_type
    assert file.tell() == 0  # left at its start, to be stored whole


REFUSED = [
    ("pdf", files.HTML, "Filen är inte en PDF"),
    ("pdf", files.EXE, "Filen är inte en PDF"),
    ("png", files.JPEG, "Filen är inte en PNG-bild"),
    ("jpg", files.PNG, "Filen är inte en JPEG-bild"),
    ("docx", files.XLSX, "Filen är inte ett Word-dokument"),
    ("xlsx", files.DOCX, "Filen är inte en Excel-arbetsbok"),
    ("docx", files.zipped({"word/document.xml": b"<w/>"}), "Filen är inte ett Word-dokument"),
    ("pptx", files.PDF, "Filen är inte en PowerPoint-presentation"),
    ("ods", files.ODT, "Filen är inte ett OpenDocument-kalkylark"),
    ("odt", files.zipped({"content.xml": b"<x/>"}), "Filen är inte ett OpenDocument-textdokument"),
    ("txt", files.EXE, "Filen är inte en textfil"),
    ("txt", b"en rad\x00med NUL", "Filen är inte en textfil"),
    ("csv", b"Namn\n\x81\x8d\x8f\x90\x9d", "Filen är inte en CSV-fil"),
    ("csv", files.XLSX, "Filen är inte en CSV-fil"),
]


@pytest.mark.parametrize(("extension", "content", "message"), REFUSED)
def test_content_that_does_not_match_the_name_is_refused_in_swedish(extension, content,
                                                                    message):
    with translation.override("sv"), pytest.raises(UploadRefused) as refused:
        detect_type(io.BytesIO(content), extension)
    assert refused.value.message.startswith(message)
    assert f"(.{extension})" in refused.value.message


def test_text_is_read_to_its_end_not_judged_by_its_start():
    content = b"Namn;Roll\r\n" * 20_000 + b"\x00"
    with pytest.raises(UploadRefused):
        detect_type(io.BytesIO(content), "csv")


# --- workbooks ------------------------------------------------------------------------------


def rows_of(data: bytes) -> list[list]:
    with open_workbook(data) as workbook:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_a_plain_workbook_is_read():
    assert rows_of(files.XLSX) == [["Namn"], ["Elevregister"]]


def test_openpyxl_parses_with_defusedxml():
    """openpyxl picks defusedxml when it is installed (openpyxl/xml/__init__.py); the
    import's refusals below rest on that."""
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.fromstring.__module__.startswith("defusedxml")
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_without_defusedxml_no_workbook_is_opened(monkeypatch):
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(ImproperlyConfigured), open_workbook(files.XLSX):
        pass


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                  "[Content_Types].xml"])
def test_a_workbook_declaring_entities_is_refused_not_expanded(part):
    data = files.with_doctype(files.XLSX, part, files.BILLION_LAUGHS,
                              reference="&lol9;" if "sheet" in part else "")
    with translation.override("sv"), pytest.raises(UploadRefused) as refused:
        rows_of(data)
    assert "XML" in refused.value.message and "entiteter" in refused.value.message


def test_an_external_entity_never_reads_the_servers_files(tmp_path):
    secret = tmp_path / "hemligt.txt"
    secret.write_text("HEMLIG-RAD-7731", encoding="utf-8")
    data = files.with_doctype(files.XLSX, "xl/worksheets/sheet1.xml",
                              files.external_entity(str(secret)), reference="&xxe;")
    with pytest.raises(UploadRefused) as refused:
        rows_of(data)
    assert "HEMLIG-RAD-7731" not in refused.value.message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    data = files.zip_bomb(files.XLSX, uploads.XLSX_MAX_UNPACKED_BYTES + 1)
    assert len(data) < 2 * 1024 * 1024  # it fits the import's limit
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    with translation.override("sv"), pytest.raises(UploadRefused) as refused:
        rows_of(data)
    assert "packas upp till mer än 50 MB" in refused.value.message
    assert opened == []


# --- request bodies -------------------------------------------------------------------------


def test_a_body_declared_larger_than_the_limit_is_refused_unread(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    reached = []
    middleware = uploads.RequestBodyLimitMiddleware(lambda request: reached.append(request))
    request = RequestFactory().post("/bestallningar/1/bilagor/", data=b"x" * 10,
                                    content_type="application/octet-stream",
                                    CONTENT_LENGTH="1001")
    with translation.override("sv"):
        response = middleware(request)
    assert response.status_code == 413
    assert "Filen är för stor" in response.content.decode()
    assert reached == []
    request = RequestFactory().post("/x/", data=b"x" * 1000,
                                    content_type="application/octet-stream")
    middleware(request)
    assert reached == [request]


def test_a_zip_that_understates_its_sizes_gives_no_more_than_it_declares():
    """The bound on what a workbook unpacks to rests on the sizes its zip declares: Python's
    zipfile stops at an entry's declared size and fails the entry's checksum."""
    import struct
    import zipfile

    data = bytearray(files.zipped({"xl/worksheets/sheet1.xml": bytes(1_000_000)}))
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 100)  # the local header's unpacked size
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)  # the central directory's
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    assert sum(entry.file_size for entry in archive.infolist()) == 100
    with pytest.raises(zipfile.BadZipFile, match="CRC"), archive.open(
            "xl/worksheets/sheet1.xml") as entry:
        entry.read()
