"""HTML (from our Jinja2 templates) to PDF with fpdf2 and Source Sans Pro. Worker only.

layout.parse turns the HTML into blocks, typeset.wrap breaks their text into lines and each line is
written with FPDF.text; fpdf2 embeds and subsets the font (fonts.py) and writes the file.
"""

from __future__ import annotations

import copy
import functools
import pickle

from fpdf import FPDF

from chalicelib.dossier.fonts import FAMILY, FPDF_CHECKED, font_files, font_prototypes, measure, sanitise
from chalicelib.dossier.layout import Block, Cell, Table, parse
from chalicelib.dossier.typeset import PT_PER_MM, Line, line_width, wrap

__all__ = ["PackDocument", "html_to_pdf", "sanitise"]
INK = (31, 45, 61)
ACCENT = (0, 84, 147)


class PackDocument(FPDF):
    """An A4 page with the organisme's letterhead and a numbered footer.

    Text is broken into lines by typeset.wrap and each line is written with FPDF.text (see typeset.py
    for why not multi_cell); fpdf2 still embeds and subsets the font and writes the file."""

    def __init__(self, *, title: str, letterhead: tuple[str, str], footer: str):
        super().__init__(format="A4")
        if FPDF_CHECKED:
            for key, (font, ttfont) in font_prototypes().items():
                own = copy.deepcopy(font)  # TTFFont's own deepcopy: fresh subset map...
                own.ttfont = pickle.loads(ttfont)  # noqa: S301 (our own bytes) ...and its own fontTools font
                self.fonts[key] = own
        else:
            for style, path in font_files().items():
                self.add_font(FAMILY, style, path)
        self._measure = measure()
        self._letterhead = (sanitise(letterhead[0]), sanitise(letterhead[1]))
        self._footer = sanitise(footer)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(sanitise(title))
        self.set_creator("opco-dossier")
        self.set_font(FAMILY, "", 9.5)
        self.add_page()

    def header(self) -> None:
        self.set_text_color(*ACCENT)
        self._write(self._letterhead[0], size=10, h=5, bold=True)
        self.set_text_color(90, 90, 90)
        self._write(self._letterhead[1], size=7.5, h=3.5)
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(5)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(110, 110, 110)
        self.cell(0, 4, f"{self._footer} · page {self.page_no()}/{{nb}}", align="C")

    def html(self, markup: str) -> None:
        for block in parse(sanitise(markup)):
            getattr(self, f"_{block.kind}")(block)

    # -- text ---------------------------------------------------------------------------------

    def _draw(
        self, line: Line, x: float, y: float, width: float, h: float, size: float, align: str = "L", last: bool = True
    ) -> None:
        """One line in a box of `width` x `h` at (x, y), with fpdf2's baseline (as in FPDF.cell)."""
        baseline = y + 0.5 * h + 0.3 * size / PT_PER_MM
        if align == "J" and not last:
            self._draw_justified(line, x, baseline, width, size)
            return
        if align in ("R", "C"):
            free = width - line_width(line, size, self._measure)
            x += free if align == "R" else free / 2
        for text, bold in line:
            self.set_font(FAMILY, "B" if bold else "", size)
            self.text(x, baseline, text)
            x += self._measure.width(text, bold, size)

    def _draw_justified(self, line: Line, x: float, baseline: float, width: float, size: float) -> None:
        gaps = sum(text.count(" ") for text, _ in line)
        extra = (width - line_width(line, size, self._measure)) / gaps if gaps else 0.0
        for text, bold in line:
            self.set_font(FAMILY, "B" if bold else "", size)
            for n, word in enumerate(text.split(" ")):
                if n:
                    x += self._measure.width(" ", bold, size) + extra
                if word:
                    self.text(x, baseline, word)
                    x += self._measure.width(word, bold, size)

    def _write(
        self, text: str, *, size: float, h: float, bold: bool = False, indent: float = 0.0, align: str = "L"
    ) -> None:
        """A multi-line paragraph from the current y, like FPDF.multi_cell(w, h, text) with w up to
        the right margin: 1 mm cell margin on each side, a page break between lines when needed."""
        x = self.l_margin + indent + self.c_margin
        width = self.w - self.r_margin - self.l_margin - indent - 2 * self.c_margin
        lines = wrap(text, width, size, self._measure, bold)
        for n, line in enumerate(lines):
            if self.will_page_break(h):
                self.add_page()
            self._draw(line, x, self.y, width, h, size, align, last=n == len(lines) - 1)
            self.y += h
        self.x = self.l_margin

    # -- blocks -------------------------------------------------------------------------------

    def _heading(self, text: str, size: float, top: float, line: bool) -> None:
        if self.will_page_break(top + (28 if line else 14)):  # keep a heading with what follows it
            self.add_page()
        self.ln(top)
        self.set_text_color(*ACCENT)
        self._write(text, size=size, h=size * 0.5, bold=True, align="J")
        if line:
            self.set_draw_color(200, 212, 224)
            self.set_line_width(0.2)
            self.line(self.l_margin, self.get_y() + 0.5, self.w - self.r_margin, self.get_y() + 0.5)
        self.ln(1.5)

    def _h1(self, block: Block) -> None:
        self._heading(block.text, 16, 0, False)

    def _h2(self, block: Block) -> None:
        self._heading(block.text, 11.5, 3, True)

    def _h3(self, block: Block) -> None:
        self._heading(block.text, 10, 1.5, False)

    def _p(self, block: Block) -> None:
        size = 7.5 if block.small else 9.5
        self.set_text_color(*(MUTED if block.small else INK))
        self._write(block.text, size=size, h=size * 0.5)
        self.ln(1.2)

    def _li(self, block: Block) -> None:
        indent = 4 + 5 * max(block.depth - 1, 0)
        self.set_text_color(*INK)
        if self.will_page_break(4.75):
            self.add_page()
        self._draw(((block.bullet, False),), self.l_margin + indent + self.c_margin, self.y, 3, 4.75, 9.5)
        self._write(block.text, size=9.5, h=4.75, indent=indent + 5, align="J")
        self.ln(0.6)

    def _table(self, block: Block) -> None:
        table = block.table
        if table is None or not table.rows:
            return
        self.set_draw_color(190, 200, 212)
        self.set_line_width(0.2)
        self.ln(0.5)
        TableLayout(self, table).draw()
        self.ln(1.5)


# A laid-out table row: its height, each cell's (x, width, lines, align), whether it is a heading.
Row = tuple[float, list[tuple[float, float, tuple[Line, ...], str]], bool]


class TableLayout:
    """A table as fpdf2's FPDF.table drew ours: full width, column widths from the first row's
    percentages, 1.1 / 1.5 mm padding, 4.3 mm lines, every border, heading rows filled and
    repeated at the top of each page, a row never split across pages."""

    SIZE, LINE, PAD_V, PAD_H = 8.8, 4.3, 1.1, 1.5

    def __init__(self, doc: PackDocument, table: Table):
        self.doc, self.table = doc, table
        first = table.rows[0]
        percents = [c.width or 100 / len(first) for c in first for _ in range(c.colspan)]
        self.widths = [doc.epw * p / sum(percents) for p in percents]
        self.rows = [self._layout(cells, heading=i < table.head_rows) for i, cells in enumerate(table.rows)]

    def _layout(self, cells: list[Cell], heading: bool) -> Row:
        laid: list[tuple[float, float, tuple[Line, ...], str]] = []
        col = 0
        for cell in cells:
            x = sum(self.widths[:col])
            width = sum(self.widths[col : col + cell.colspan])
            col += cell.colspan
            inner = width - 2 * self.PAD_H
            lines = wrap(cell.text, inner, self.SIZE, self.doc._measure, heading) if cell.text else ()
            laid.append((x, width, lines, (cell.align or "left")[0].upper()))
        height = max((len(lines) * self.LINE for *_, lines, _ in laid), default=0.0) + 2 * self.PAD_V
        return height, laid, heading

    def draw(self) -> None:
        doc = self.doc
        for row in self.rows:
            if doc.will_page_break(row[0]):
                doc.add_page()
                if not row[2]:
                    for heading in self.rows[: self.table.head_rows]:
                        self._draw_row(heading)
            self._draw_row(row)
        doc.x = doc.l_margin

    def _draw_row(self, row: Row) -> None:
        doc = self.doc
        height, cells, heading = row
        if heading:
            doc.set_fill_color(*HEADING_FILL)
            doc.set_text_color(*ACCENT)
        else:
            doc.set_text_color(*INK)
        top = doc.y
        for x, width, lines, align in cells:
            doc.rect(doc.l_margin + x, top, width, height, style="DF" if heading else "D")
            for k, line in enumerate(lines):
                doc._draw(
                    line,
                    doc.l_margin + x + self.PAD_H,
                    top + self.PAD_V + k * self.LINE,
                    width - 2 * self.PAD_H,
                    self.LINE,
                    self.SIZE,
                    align,
                )
        doc.y = top + height


HEADING_FILL = (230, 238, 245)
MUTED = (90, 90, 90)


@functools.lru_cache(maxsize=16)
def html_to_pdf(markup: str, *, title: str, letterhead: tuple[str, str], footer: str) -> bytes:
    """Identical inputs give the same document: a warm worker reuses e.g. a training's programme."""
    doc = PackDocument(title=title, letterhead=letterhead, footer=footer)
    doc.html(markup)
    return bytes(doc.output())
