"""The package as a Word document (python-docx), for the HR officer or coordinator to adjust before sending."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt, RGBColor

from seconding.packages.layout import Block, Fields, Heading, PageBreak, Paragraph, Table, Title

# A font every word processor has, with Polish letters (a DOCX names its font; it does not embed it).
FONT = "Arial"
MUTED = RGBColor(0x5A, 0x5A, 0x5A)
LINE_CM = 17.0  # A4 less the margins


def write_docx(blocks: list[Block], *, title: str) -> bytes:
    """Write the blocks as a DOCX file and return it."""
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "seconding"
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(10)
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].font.name = FONT
    for block in blocks:
        _write(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _write(doc, block: Block) -> None:
    if isinstance(block, Title):
        doc.add_heading(block.text, level=0)
        if block.subtitle:
            doc.add_paragraph(block.subtitle)
    elif isinstance(block, Heading):
        doc.add_heading(block.text, level=2)
    elif isinstance(block, Fields):
        table = doc.add_table(rows=0, cols=2)
        for label, value in block.rows:
            cells = table.add_row().cells
            run = cells[0].paragraphs[0].add_run(label)
            run.font.color.rgb = MUTED
            cells[1].text = value
        _widths(table, (0.32, 0.68))
    elif isinstance(block, Table):
        if not block.rows:
            doc.add_paragraph(block.empty)
            return
        table = doc.add_table(rows=1, cols=len(block.header))
        table.style = "Table Grid"
        for cell, heading in zip(table.rows[0].cells, block.header):
            cell.paragraphs[0].add_run(heading).bold = True
        for values in block.rows:
            for cell, value in zip(table.add_row().cells, values):
                cell.text = value
        _widths(table, block.widths)
    elif isinstance(block, Paragraph):
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(block.text)
        if block.small:
            run.font.size, run.font.color.rgb = Pt(8), MUTED
    elif isinstance(block, PageBreak):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _widths(table, shares: tuple[float, ...]) -> None:
    """Column widths as shares of the line (Word reads them from every cell)."""
    table.autofit = False
    for row in table.rows:
        for cell, share in zip(row.cells, shares):
            cell.width = Cm(LINE_CM * share)
