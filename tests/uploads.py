"""Files for the upload tests: real ones of each kind, and hostile ones (a page named as a PDF,
a workbook declaring XML entities, a zip bomb)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40


def zipped(parts: dict[str, bytes], *, mimetype: bytes | None = None) -> bytes:
    """A zip of `parts`; with `mimetype`, that entry first and stored, as ODF wants it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype is not None:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype,
                             compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
DOCX = zipped({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})
PPTX = zipped({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p/>"})
ODT = zipped({"content.xml": b"<office:document-content/>"},
             mimetype=b"application/vnd.oasis.opendocument.text")
ODS = zipped({"content.xml": b"<office:document-content/>"},
             mimetype=b"application/vnd.oasis.opendocument.spreadsheet")


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = workbook([["Namn"], ["Elevregister"]])

#: Entities that expand to a billion "lol"s.
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
              for n in range(1, 10))
    + "]>"
)


def external_entity(path: str) -> str:
    return f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{path}">]>'


def with_doctype(data: bytes, part: str, doctype: str, *, reference: str = "") -> bytes:
    """The workbook `data` with `doctype` declared in `part` (after its XML declaration),
    and `reference` (an entity) written into the first inline text of the sheet."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    xml = parts[part].decode("utf-8")
    declaration, rest = xml.split("?>", 1) if xml.startswith("<?xml") else ("", xml)
    head = f"{declaration}?>" if declaration else ""
    if reference:
        rest = rest.replace("</sheetData>", "<row r=\"9\"><c r=\"A9\" t=\"inlineStr\">"
                                            f"<is><t>{reference}</t></is></c></row></sheetData>")
    parts[part] = f"{head}{doctype}{rest}".encode()
    return zipped(parts)


def zip_bomb(data: bytes, unpacked: int) -> bytes:
    """The workbook `data` with a part of `unpacked` zero bytes, which packs to a sliver."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/media/padding.bin"] = bytes(unpacked)
    return zipped(parts)
