"""The PDF module every report is built with: text stays text, every letter prints in the
embedded TrueType font, and a long word is broken to fit its column."""

from __future__ import annotations

import ast
from pathlib import Path

from reportlab.lib.units import mm

from tests import pdftext
from tyreso_it.core import pdf

HOSTILE = [
    "Avtal A<B", "R&D", '<img src="/etc/passwd"/>', "<font color=red>x</font>",
    '<a href="http://evil">', "Łukasz Żółć", "Zoë", "😀", "<b>fet</b>", "&amp; &#65;",
]
LONG_WORD = "Långtord" * 50  # 400 characters, no space to break at


def test_markup_in_a_value_is_printed_as_written():
    flow = [pdf.paragraph(value) for value in HOSTILE]
    flow.append(pdf.paragraph(pdf.bold("Beslut:"), " ", HOSTILE[0], pdf.muted(HOSTILE[2])))
    flow.append(pdf.table([["Namn", "Text"], *([value, value] for value in HOSTILE)],
                          [40 * mm, 60 * mm]))
    flow.append(pdf.facts([(value, value) for value in HOSTILE], width=170 * mm))
    data = pdf.document(flow, title=HOSTILE[0], footer=" ".join(HOSTILE))

    text = pdftext.compact(pdftext.text(data))
    for value in HOSTILE:
        assert pdftext.compact(value) in text, value
    assert pdftext.compact("Beslut: Avtal A<B") in text
    parsed = pdftext.parse(data)
    assert parsed.images == []
    assert parsed.embeds_truetype


def test_the_only_markup_is_what_bold_and_muted_make_of_plain_text():
    assert pdf.markup("<b>x</b>", None, "") == "&lt;b&gt;x&lt;/b&gt;–"
    assert pdf.markup(pdf.bold("<i>")) == "<b>&lt;i&gt;</b>"
    assert pdf.markup(pdf.muted("a&b")) == f'<font color="{pdf.MUTED_HEX}">a&amp;b</font>'
    assert pdf.markup("rad ett\nrad två") == "rad ett<br/>rad två"
    assert pdf.markup("") == "–"
    # Control characters are not text; reportlab's parser must never see them.
    assert pdf.markup("a\x00b\x1bc") == "a b c"


def test_a_word_longer_than_its_column_is_broken_within_the_column():
    width = 20 * mm
    paragraph = pdf.paragraph(LONG_WORD, style="cell")
    paragraph.wrap(width, 1000 * mm)
    assert paragraph.blPara.kind == 0  # plain text: lines are (space left, words)
    lines = paragraph.blPara.lines
    assert len(lines) > 10
    assert all(space_left >= 0 for space_left, _words in lines)
    assert "".join("".join(words) for _space, words in lines) == LONG_WORD


def test_a_row_taller_than_a_page_splits_instead_of_stopping_the_report():
    cell = " ".join([LONG_WORD] * 8)  # about 3,200 characters in a 12 mm column
    data = pdf.document([pdf.table([["Nr", "Namn"], [cell, "x"]], [12 * mm, 40 * mm])],
                        title="Rapport", footer="Rapport")
    runs = pdftext.text(data).split("\n")
    # Every letter of the cell is printed, over more than one page (with the header row
    # repeated on each).
    printed = "".join(run for run in runs if set(run) <= set("Långtord "))
    assert pdftext.compact(printed) == pdftext.compact(cell)
    assert runs.count("Sida 2") == 1
    assert runs.count("Nr") == runs.count("Namn") > 1


def test_characters_beyond_the_basic_plane_are_mapped_as_a_reader_decodes_them():
    data = pdf.document([pdf.paragraph("Glad 😀")], title="x", footer="")
    parsed = pdftext.parse(data)
    maps = [stream for stream in parsed.streams.values() if b"beginbfchar" in stream]
    assert any(b"<D83DDE00>" in stream for stream in maps)


def test_the_fonts_are_the_repositorys_own_files_with_their_licence():
    assert (pdf.FONT_DIR / "DejaVuSans.ttf").is_file()
    assert (pdf.FONT_DIR / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream" in (pdf.FONT_DIR / "LICENSE").read_text(encoding="utf-8")
    source = Path(pdf.__file__).read_text(encoding="utf-8")
    assert "/usr/share" not in source


def test_the_pdf_module_is_the_bottom_layer():
    """It imports no app of the product: the apps import it."""
    apps = {"organisation", "orders", "board", "portfolio", "servicecatalog", "raci"}
    tree = ast.parse(Path(pdf.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & apps
