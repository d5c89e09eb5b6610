"""A report that is a title, a few facts and tables, as PDF (reportlab's platypus).

For the reports that are nothing more than that (the key figures of a service, the sharing of
IT's costs): the caller gives plain values, this module lays them out on A4 with a footer and
page numbers. Text is never read as markup: reportlab's `Paragraph` reads its text as XML, so
every value is escaped here and control characters are dropped (a name such as `A<B`, or
`<img src=…>` typed into a field, prints as written). Numbers are written the Swedish way
(`1 234 567,50`) and right-aligned.

This is the bottom layer: it imports no app of the product.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

INK = colors.HexColor("#1b1f23")
MUTED = colors.HexColor("#545b64")
LINE = colors.HexColor("#c9ced6")
HEAD = colors.HexColor("#e3f1f5")
DASH = "–"
MARGIN = 15 * mm

# C0 controls other than the line break: not text, and reportlab's parser chokes on some.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Section:
    """A heading, an optional paragraph and an optional table.

    Columns from `numbers_from` on are numbers, right-aligned; `total_row` sets the last row
    in bold. `widths` are relative (they are scaled to the page)."""

    heading: str
    text: str = ""
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[Any]] = ()
    numbers_from: int = 1
    total_row: bool = False
    widths: Sequence[float] = ()


def plain(value: Any, decimals: int | None = None) -> str:
    """A value as the text a reader sees: numbers in Swedish, dates as dates, None a dash."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        places = 2 if decimals is None else decimals
        return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, float):
        return number_format(value, decimal_pos=1 if decimals is None else decimals,
                             use_l10n=True, force_grouping=True)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value,
                           "j F Y H:i")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return str(value)


def _markup(value: Any) -> str:
    return escape(_CONTROL.sub(" ", plain(value))).replace("\n", "<br/>")


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12.5,
                          textColor=INK, spaceAfter=4, splitLongWords=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0)
    return {
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=16,
                                leading=20, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=body, textColor=MUTED),
        "h2": ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=12,
                             leading=15, spaceBefore=10, spaceAfter=4),
        "body": body,
        "cell": cell,
        "number": ParagraphStyle("number", parent=cell, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold"),
        "head_number": ParagraphStyle("head_number", parent=cell, fontName="Helvetica-Bold",
                                      alignment=TA_RIGHT),
        "bold": ParagraphStyle("bold", parent=cell, fontName="Helvetica-Bold"),
        "bold_number": ParagraphStyle("bold_number", parent=cell, fontName="Helvetica-Bold",
                                      alignment=TA_RIGHT),
    }


def _table(section: Section, width: float, st: dict[str, ParagraphStyle]) -> Table:
    """The section's table; without headers, a plain table of its rows (label and value)."""
    header = bool(section.headers)
    columns = len(section.headers) if header else max(len(row) for row in section.rows)
    weights = list(section.widths) or [2.0] + [1.0] * (columns - 1)
    scale = width / sum(weights)
    last = len(section.rows) - 1

    def style(row: int | None, column: int) -> ParagraphStyle:
        number = column >= section.numbers_from
        if row is None:
            return st["head_number" if number else "head"]
        if section.total_row and row == last:
            return st["bold_number" if number else "bold"]
        return st["number" if number else "cell"]

    data = [[Paragraph(_markup(h), style(None, c)) for c, h in enumerate(section.headers)]]
    data = data if header else []
    data += [[Paragraph(_markup(value), style(r, c)) for c, value in enumerate(row)]
             for r, row in enumerate(section.rows)]
    table = Table(data, colWidths=[w * scale for w in weights], repeatRows=1 if header else 0,
                  hAlign="LEFT")
    commands = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD))
    table.setStyle(TableStyle(commands))
    return table


def tables_pdf(*, title: str, subtitle: str = "", facts: Sequence[tuple[str, Any]] = (),
               sections: Sequence[Section] = (), wide: bool = False) -> bytes:
    """The PDF of a report: `title`, `subtitle`, the `facts` (label, value) and each section,
    on A4 (landscape when `wide`), every page with the date and its number."""
    st = _styles()
    page = landscape(A4) if wide else A4
    width = page[0] - 2 * MARGIN
    flow: list = [Paragraph(_markup(title), st["title"])]
    if subtitle:
        flow.append(Paragraph(_markup(subtitle), st["subtitle"]))
    if facts:
        flow.append(_table(Section("", rows=facts, numbers_from=2, widths=(1, 2)),
                           width * 0.7, st))
    for section in sections:
        flow.append(Paragraph(_markup(section.heading), st["h2"]))
        if section.text:
            flow.append(Paragraph(_markup(section.text), st["body"]))
        if section.rows or section.headers:
            flow.append(_table(section, width, st))
        flow.append(Spacer(1, 2 * mm))

    footer = f"{_('Tyresö kommun, IT')} – {date_format(timezone.localdate(), 'j F Y')}"

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(page[0] - MARGIN, 10 * mm, _("Page %(page)s") % {"page": doc.page})
        canvas.restoreState()

    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=16 * mm, title=_CONTROL.sub(" ", title),
                            author="Tyresö kommun", lang="sv")
    doc.build(flow, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def pdf_response(body: bytes, filename: str):
    """The PDF as an inline download named `<filename>-<date>.pdf`."""
    from django.http import HttpResponse
    from django.utils.text import slugify

    response = HttpResponse(body, content_type="application/pdf")
    name = f"{slugify(filename)}-{timezone.localdate().isoformat()}"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
