"""Word (python-docx) pieces shared by the annex tables: an A4 landscape document in the annex font,
shaded and written table cells, a header row repeated on every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell, _Row

from geo.export.annex import ANNEX_FONT

__all__ = ["landscape_document", "shade", "write_cell", "repeat_header", "add_heading_lines"]


def landscape_document(made_on: date) -> DocumentType:
    """A new A4 landscape document (15 mm margins, Times New Roman 11 pt) dated ``made_on``."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = ANNEX_FONT, Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), ANNEX_FONT)
    stamp = datetime(made_on.year, made_on.month, made_on.day, tzinfo=UTC)
    doc.core_properties.created = doc.core_properties.modified = stamp
    doc.core_properties.author = "vn-coverage-map"
    return doc


def add_heading_lines(doc: DocumentType, lines: list[tuple[str, bool, bool]]) -> None:
    """Centred paragraphs above the table: (text, bold, italic) each."""
    for text, bold, italic in lines:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic


def shade(cell: _Cell, colour: str) -> None:
    """Fill a table cell with ``colour`` (hex)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


def write_cell(
    cell: _Cell, text: str, *, bold: bool = False, colour: str | None = None, centre: bool = True
) -> None:
    """Write ``text`` (10 pt) into ``cell``, centred or left-aligned, bold and coloured when asked."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(10)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())


def repeat_header(row: _Row) -> None:
    """Repeat ``row`` at the top of every page the table spans."""
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(repeat)
