"""The package as a PDF (fpdf2), with Liberation Sans embedded so Polish letters render on any machine."""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from seconding.packages.layout import Block, Fields, Heading, PageBreak, Paragraph, Table, Title

FONTS = Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts" / "liberation"
FAMILY = "Liberation Sans"
LABEL_SHARE = 0.32  # of the line, for the labels of label / value rows
INK, MUTED, RULE = (27, 27, 27), (90, 90, 90), (200, 200, 200)


class _Pdf(FPDF):
    """A4 with a footer naming the document and the page."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text} — page {self.page_no()}/{{nb}}", align="C")


def write_pdf(blocks: list[Block], *, title: str) -> bytes:
    """Draw the blocks on A4 pages and return the PDF file."""
    pdf = _Pdf(format="A4")
    pdf.set_title(title)
    pdf.set_creator("seconding")
    pdf.footer_text = title
    pdf.add_font(FAMILY, "", str(FONTS / "LiberationSans-Regular.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "LiberationSans-Bold.ttf"))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    for block in blocks:
        _draw(pdf, block)
    return bytes(pdf.output())


def _draw(pdf: _Pdf, block: Block) -> None:
    pdf.set_text_color(*INK)
    if isinstance(block, Title):
        pdf.set_font(FAMILY, "B", 16)
        pdf.multi_cell(0, 8, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if block.subtitle:
            pdf.set_font(FAMILY, "", 10)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(0, 5, block.subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    elif isinstance(block, Heading):
        pdf.ln(3)
        pdf.set_font(FAMILY, "B", 11)
        pdf.multi_cell(0, 6, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)
    elif isinstance(block, Fields):
        _fields(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Paragraph):
        pdf.set_font(FAMILY, "", 8 if block.small else 9)
        if block.small:
            pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 4.5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    elif isinstance(block, PageBreak):
        pdf.add_page()


def _fields(pdf: _Pdf, block: Fields) -> None:
    # Plain cells, not fpdf2's table: these rows need no borders, and the PDF builds a third faster. Labels are
    # short fixed words (one line); values wrap.
    label_width = (pdf.w - pdf.l_margin - pdf.r_margin) * LABEL_SHARE
    pdf.set_font(FAMILY, "", 9)
    for label, value in block.rows:
        if pdf.will_page_break(5):
            pdf.add_page()
        pdf.set_text_color(*MUTED)
        pdf.cell(label_width, 5, label)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: _Pdf, block: Table) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if not block.rows:
        pdf.set_font(FAMILY, "", 9)
        pdf.multi_cell(0, 5, block.empty, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    pdf.set_font(FAMILY, "", 8)
    pdf.set_draw_color(*RULE)
    with pdf.table(col_widths=block.widths, width=width, line_height=4.5, padding=(0.8, 1),
                   borders_layout="HORIZONTAL_LINES", text_align="LEFT") as table:
        table.row(list(block.header))
        for values in block.rows:
            table.row(list(values))
    pdf.ln(1)
