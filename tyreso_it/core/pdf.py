"""The product's PDFs, set up in one place: pages, type, styles, and text that stays text.

Every report (the board's meeting pack and minutes, the portfolio's status report to the
management group) is built from the pieces here:

- `document()` lays out A4 pages (portrait or landscape) with the footer and page numbers and
  returns the PDF's bytes;
- `STYLES` are the paragraph styles, all in DejaVu Sans, a TrueType family embedded in the
  PDF (from `tyreso_it/core/fonts/`, with its licence), so names such as Łukasz or Zoë print:
  the PDF's built-in Helvetica covers Windows-1252 only;
- `paragraph()`, `table()` and `facts()` make the flowables from plain values;
- `report()` makes a whole PDF of a title, a few facts and tables of figures (`Section`), for
  the reports that are nothing more (a service's key figures, the sharing of IT's costs), and
  `pdf_response()` sends a PDF.

What this module protects: reportlab's `Paragraph` reads its text as markup, so a project
called `Avtal A<B` stopped a report, `<img src="/path"/>` embedded a file of the server and
`<font>` or `<a>` changed what a reader saw. Here a caller never writes markup: plain values
are escaped, and the only markup is what `bold()` and `muted()` make of plain text. A long
word without spaces is broken to fit its column (`splitLongWords`), and a table row taller
than a good part of a page may split across pages, so no value can make a cell wider or
taller than a page.

This is the bottom layer: it imports no app of the product.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

PORTRAIT = A4
LANDSCAPE = landscape(A4)

INK = colors.HexColor("#1b1f23")
MUTED_HEX = "#545b64"
MUTED = colors.HexColor(MUTED_HEX)
LINE = colors.HexColor("#c9ced6")
HEAD = colors.HexColor("#e3f1f5")

#: What stands for an empty value.
DASH = "–"

#: A table row is split across pages only when it is taller than this (in points): a
#: shorter row moves to the next page whole; a taller one may not fit any page.
SPLIT_ROWS_TALLER_THAN = 200

# C0 controls other than the line break (and DEL): not text, and reportlab's parser chokes
# on some of them.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


# --- the font --------------------------------------------------------------------------------


def _utf16_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode map of a font subset, with each character as the PDF wants it:
    UTF-16BE. reportlab writes a character beyond U+FFFF (an emoji) as five hex digits,
    which no reader decodes, so such a character could not be searched or copied."""
    entries = [
        f"<{code:02X}> <{chr(point).encode('utf-16-be').hex().upper()}>"
        for code, point in enumerate(subset)
    ]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar", *entries, "endbfchar", "endcmap",
        "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once per process, as a
    family, so `<b>` in a paragraph is the bold face. The files are the repository's own:
    nothing is read from the system's font directories."""
    ttfonts.makeToUnicodeCMap = _utf16_cmap
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    for bold, italic, face in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT),
                               (1, 1, FONT_BOLD)):
        addMapping(FONT, bold, italic, face)


# --- styles ----------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=10, leading=13, textColor=INK, spaceAfter=4,
        # A word longer than its line (a 400-character name) is broken, not overflowing.
        splitLongWords=1,
    )
    styles = {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=17,
                                leading=21, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=12.5, leading=16,
                             spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=body, fontName=FONT_BOLD, fontSize=10.5,
                             leading=13.5, spaceBefore=8, spaceAfter=2),
        "label": ParagraphStyle("label", parent=body, fontName=FONT_BOLD, fontSize=8.5,
                                leading=11, textColor=MUTED, spaceAfter=0),
        "body": body,
        "muted": ParagraphStyle("muted", parent=body, textColor=MUTED, fontSize=8.5,
                                leading=11),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "head": ParagraphStyle("head", parent=body, fontName=FONT_BOLD, fontSize=8,
                               leading=10, spaceAfter=0),
    }
    # Figures in tables: right-aligned, and bold in a row of totals.
    styles["number"] = ParagraphStyle("number", parent=styles["cell"], alignment=TA_RIGHT)
    styles["head_number"] = ParagraphStyle("head_number", parent=styles["head"],
                                           alignment=TA_RIGHT)
    styles["bold"] = ParagraphStyle("bold", parent=styles["cell"], fontName=FONT_BOLD)
    styles["bold_number"] = ParagraphStyle("bold_number", parent=styles["bold"],
                                           alignment=TA_RIGHT)
    return styles


#: The paragraph styles of every report, by name: title, h2, h3, label, body, muted, and
#: cell and head for tables (number, head_number, bold and bold_number for figures).
STYLES = _styles()


# --- text ------------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    """A value as text for a paragraph: escaped, control characters dropped, line breaks
    kept."""
    text = _CONTROL.sub(" ", str(value))
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


@dataclass(frozen=True, slots=True)
class Span:
    """A run of plain text with a look (bold, muted); its text is escaped when written."""

    text: str
    bold: bool = False
    muted: bool = False

    def markup(self) -> str:
        text = _plain(self.text)
        if self.bold:
            text = f"<b>{text}</b>"
        if self.muted:
            text = f'<font color="{MUTED_HEX}">{text}</font>'
        return text


def bold(value: Any) -> Span:
    return Span(DASH if value is None else str(value), bold=True)


def muted(value: Any) -> Span:
    return Span(DASH if value is None else str(value), muted=True)


Part = Any  # a plain value (str, number, date, None) or a Span


def markup(*parts: Part) -> str:
    """The paragraph markup of `parts`: each Span as its look, every other value as escaped
    text (None as a dash); a paragraph with no text at all is a dash."""
    written = "".join(
        part.markup() if isinstance(part, Span) else _plain(DASH if part is None else part)
        for part in parts
    )
    return written or DASH


def paragraph(*parts: Part, style: str = "body") -> Paragraph:
    """A paragraph of plain values and Spans in one of `STYLES`."""
    register_fonts()
    return Paragraph(markup(*parts), STYLES[style])


# --- tables ----------------------------------------------------------------------------------


Cell = Part | tuple  # one part, or a tuple of parts for a cell of several runs


def _cell(value: Cell, style: str) -> Paragraph:
    return paragraph(*value, style=style) if isinstance(value, tuple) else paragraph(
        value, style=style)


def table(
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    header: bool = True,
    cell_style: str = "cell",
    rules: bool = True,
    style: Iterable[tuple] = (),
    numbers_from: int | None = None,
    total_row: bool = False,
) -> Table:
    """A table of plain values, each cell a paragraph in its column's width (in
    `cell_style`); the first row is the header, repeated on every page, unless `header` is
    false. `rules` draws a line under every row; `style` adds TableStyle commands (a cell's
    background, say). Columns from `numbers_from` on hold figures, right-aligned;
    `total_row` sets the last row in bold."""
    last = len(rows) - 1

    def style_of(index: int, column: int) -> str:
        number = numbers_from is not None and column >= numbers_from
        if header and index == 0:
            return "head_number" if number else "head"
        if total_row and index == last:
            return "bold_number" if number else "bold"
        return "number" if number else cell_style

    data = [
        [_cell(value, style_of(index, column)) for column, value in enumerate(row)]
        for index, row in enumerate(rows)
    ]
    result = Table(data, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT",
                   splitInRow=SPLIT_ROWS_TALLER_THAN)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if rules:
        commands.append(("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE))
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD))
    result.setStyle(TableStyle([*commands, *style]))
    return result


def facts(rows: Sequence[tuple[str, Cell]], *, width: float,
          label_width: float = 45 * mm) -> Table:
    """Label and value pairs, two columns without rules (a meeting's time, place, chair)."""
    data = [[paragraph(label, style="label"), _cell(value, "body")] for label, value in rows]
    result = Table(data, colWidths=[label_width, width - label_width], hAlign="LEFT",
                   splitInRow=SPLIT_ROWS_TALLER_THAN)
    result.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
    ]))
    return result


# --- the document ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page layout: its size and margins."""

    size: tuple[float, float] = PORTRAIT
    left: float = 20 * mm
    right: float = 20 * mm
    top: float = 20 * mm
    bottom: float = 20 * mm

    @property
    def width(self) -> float:
        """The width of the text between the margins."""
        return self.size[0] - self.left - self.right


def _fitted(text: str, width: float, size: float) -> str:
    """`text` cut with an ellipsis to fit `width` points in the footer's type."""
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def document(flow: list[Flowable], *, title: str, footer: str, page: Page = Page()) -> bytes:
    """The PDF of `flow`: every page with `footer` on its left and its number on its right,
    `title` as the document's title (its metadata), in Swedish, by Tyresö kommun."""
    register_fonts()
    buffer = BytesIO()
    size = 8
    footer = _CONTROL.sub(" ", footer)

    def on_page(canvas, doc) -> None:
        number = _("Page %(page)s") % {"page": doc.page}
        room = page.width - pdfmetrics.stringWidth(number, FONT, size) - 10 * mm
        canvas.saveState()
        canvas.setFont(FONT, size)
        canvas.setFillColor(MUTED)
        canvas.drawString(page.left, page.bottom / 2, _fitted(footer, room, size))
        canvas.drawRightString(page.size[0] - page.right, page.bottom / 2, number)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=page.size, leftMargin=page.left, rightMargin=page.right,
        topMargin=page.top, bottomMargin=page.bottom, title=title, author="Tyresö kommun",
        lang="sv",
    )
    doc.build(flow, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


# --- reports of figures ------------------------------------------------------------------------


def plain(value: Any, decimals: int | None = None) -> str:
    """A value as a reader of a Swedish report sees it: numbers with a decimal comma and
    grouped thousands (`1 234 567,50`), dates as dates, yes/no, and a dash for nothing."""
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


@dataclass(frozen=True)
class Section:
    """A heading, an optional paragraph and an optional table of a `report()`.

    Columns from `numbers_from` on are figures, right-aligned; `total_row` sets the last row
    in bold. `widths` are relative (they are scaled to the page)."""

    heading: str
    text: str = ""
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[Any]] = ()
    numbers_from: int = 1
    total_row: bool = False
    widths: Sequence[float] = ()


def _section_table(section: Section, width: float) -> Table:
    header = bool(section.headers)
    columns = len(section.headers) if header else max(len(row) for row in section.rows)
    weights = list(section.widths) or [2.0] + [1.0] * (columns - 1)
    scale = width / sum(weights)
    rows = [[plain(value) for value in row] for row in section.rows]
    if header:
        rows.insert(0, [plain(value) for value in section.headers])
    return table(rows, [weight * scale for weight in weights], header=header,
                 numbers_from=section.numbers_from, total_row=section.total_row)


def report(*, title: str, subtitle: str = "", facts_rows: Sequence[tuple[str, Any]] = (),
           sections: Sequence[Section] = (), wide: bool = False) -> bytes:
    """The PDF of a report of figures: `title`, `subtitle`, the facts (label, value) and each
    section, on A4 (landscape when `wide`), every page with the date and its number."""
    page = Page(size=LANDSCAPE if wide else PORTRAIT, left=15 * mm, right=15 * mm,
                top=15 * mm, bottom=16 * mm)
    flow: list[Flowable] = [paragraph(title, style="title")]
    if subtitle:
        flow.append(paragraph(muted(subtitle)))
    if facts_rows:
        flow.append(facts([(label, plain(value)) for label, value in facts_rows],
                          width=page.width * 0.7))
    for section in sections:
        flow.append(paragraph(section.heading, style="h2"))
        if section.text:
            flow.append(paragraph(section.text))
        if section.rows or section.headers:
            flow.append(_section_table(section, page.width))
    footer = f"{_('Tyresö kommun, IT')} – {date_format(timezone.localdate(), 'j F Y')}"
    return document(flow, title=_CONTROL.sub(" ", title), footer=footer, page=page)


def pdf_response(body: bytes, filename: str) -> HttpResponse:
    """The PDF as an inline download named `<filename>-<date>.pdf`."""
    response = HttpResponse(body, content_type="application/pdf")
    name = f"{slugify(filename)}-{timezone.localdate().isoformat()}"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
