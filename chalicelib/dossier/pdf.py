"""HTML (from our Jinja2 templates) to PDF with fpdf2 and Source Sans Pro. Worker only.

Speed: fpdf2 parses the TTF and subsets it again for every document. Parsing a full Source Sans
Pro file and subsetting it costs far more than laying out the text, so once per process we cut each
style down to the characters a French document needs (no OpenType layout tables, no hinting) and
write the small files to the temp dir; each document then loads ~26 KB fonts. Characters outside
that set (emoji, CJK...) are replaced before layout: a visitor's text can never crash a render.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import os
import pickle
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import fpdf
from fpdf import FPDF

from chalicelib.dossier.layout import Block, Table, parse
from chalicelib.dossier.typeset import PT_PER_MM, Line, Measure, line_width, wrap

FAMILY = "SourceSans"
STYLES = {"": "Regular", "B": "Bold"}  # the templates use no italics
# Basic Latin, Latin-1 (« » é à), Latin Extended-A (œ Œ Ÿ), general punctuation (U+202F, ’ – …),
# €, and the ballot boxes of the subrogation choice.
KEPT = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2000, 0x2070), 0x20AC, 0x2122, 0x2192, 0x2610, 0x2611, 0x2713]
REPLACEMENT = "?"
INVISIBLE = {"\u200d", "\ufe0f", "\ufe0e"}  # joiners and variation selectors glue emoji together
FONT_RECIPE = 2  # bump when the reduction below changes: the temp dir keeps older builds
INK = (31, 45, 61)
ACCENT = (0, 84, 147)


@functools.cache
def font_files() -> dict[str, Path]:
    """The reduced fonts, built once per process (and reused from the temp dir when present)."""
    import font_source_sans_pro  # the font comes from PyPI, never from the repository
    from fontTools import subset, ttLib

    source = Path(font_source_sans_pro.font_directory)
    key = hashlib.sha1(repr((KEPT, FONT_RECIPE, source.stat().st_mtime_ns)).encode()).hexdigest()[:12]
    target = Path(tempfile.gettempdir()) / f"opco-dossier-fonts-{key}"
    target.mkdir(exist_ok=True)
    files = {}
    for style, name in STYLES.items():
        path = target / f"SourceSansPro-{name}.ttf"
        if not path.exists():
            # No OpenType layout (fpdf2 does no shaping here) and named glyphs: fpdf2 parses and
            # subsets the font again for every document, and these tables only slow that down.
            options = subset.Options(layout_features=[], hinting=False, notdef_outline=True, name_IDs=["*"],
                                     glyph_names=True)
            options.drop_tables += ["BASE", "GDEF", "GPOS", "GSUB"]
            font = ttLib.TTFont(source / f"SourceSansPro-{name}.ttf")
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=KEPT)
            subsetter.subset(font)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            font.save(partial)
            os.replace(partial, path)  # atomic: parallel workers never read half a file
        files[style] = path
    return files


@functools.cache
def supported() -> frozenset[int]:
    from fontTools import ttLib

    maps = [set(ttLib.TTFont(p, lazy=True).getBestCmap()) for p in font_files().values()]
    return frozenset(set.intersection(*maps))


@functools.cache
def supported_chars() -> frozenset[str]:
    return frozenset(map(chr, supported())) | {"\n", "\t"}


def sanitise(text: str) -> str:
    """Keep every character the font has (all of French); replace the others legibly."""
    text = unicodedata.normalize("NFC", text)
    if supported_chars().issuperset(text):  # the usual case, checked at C speed
        return text
    glyphs = supported()
    out = []
    for ch in text:
        if ord(ch) in glyphs or ch in "\n\t":
            out.append(ch)
        elif ch not in INVISIBLE:
            near = unicodedata.normalize("NFKD", ch)  # e.g. full-width letters, ligatures
            out.append(near if near and all(ord(c) in glyphs for c in near) else REPLACEMENT)
    return "".join(out)


# fpdf2 internals relied upon, checked against this version (fpdf.py add_font, fonts.py TTFFont,
# output.py _add_fonts); re-check on upgrade, tests/unit/dossier/test_pdf_speed.py covers them.
FPDF_CHECKED = fpdf.__version__ == "2.8.9"


@functools.cache
def font_prototypes() -> dict[str, tuple[Any, bytes]]:
    """fpdf2's parsed fonts, built once per process, and their fontTools fonts pickled.

    add_font parses the TTF for every document (a third of a document's time) and output() subsets
    the fontTools font in place, so documents cannot share one; unpickling one costs a quarter of a
    parse (the pickle is ours, made in this process). The glyphs are the source font's, unchanged,
    so their bounding boxes are already right: saving without recomputing them spares fontTools
    decoding every outline (half of output())."""
    prototype = FPDF()
    for style, path in font_files().items():
        prototype.add_font(FAMILY, style, path)
    fonts = {}
    for key, font in prototype.fonts.items():
        ttfont = font.ttfont
        for tag in ttfont.keys():
            ttfont[tag]  # load every table now: the copies must not need the file
        ttfont.close()
        ttfont.recalcBBoxes = False
        fonts[key] = (font, pickle.dumps(ttfont, protocol=pickle.HIGHEST_PROTOCOL))
    return fonts


@functools.cache
def measure() -> Measure:
    files = font_files()
    return Measure(files[""], files["B"])


class PackDocument(FPDF):
    """An A4 page with the organisme's letterhead and a numbered footer.

    Text is broken into lines by typeset.wrap and each line is written with FPDF.text (see typeset.py
    for why not multi_cell); fpdf2 still embeds and subsets the font and writes the file."""

    def __init__(self, *, title: str, letterhead: tuple[str, str], footer: str):
        super().__init__(format="A4")
        if FPDF_CHECKED:
            for key, (font, ttfont) in font_prototypes().items():
                self.fonts[key] = copy.deepcopy(font)  # TTFFont's own deepcopy: fresh subset map...
                self.fonts[key].ttfont = pickle.loads(ttfont)  # ...and its own fontTools font
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

    def _draw(self, line: Line, x: float, y: float, width: float, h: float, size: float, align: str = "L",
              last: bool = True) -> None:
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

    def _write(self, text: str, *, size: float, h: float, bold: bool = False, indent: float = 0.0,
               align: str = "L") -> None:
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
        self._draw([(block.bullet, False)], self.l_margin + indent + self.c_margin, self.y, 3, 4.75, 9.5)
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

    def _layout(self, cells: list, heading: bool) -> tuple[float, list, bool]:
        laid, col = [], 0
        for cell in cells:
            x = sum(self.widths[:col])
            width = sum(self.widths[col:col + cell.colspan])
            col += cell.colspan
            inner = width - 2 * self.PAD_H
            lines = wrap(cell.text, inner, self.SIZE, self.doc._measure, heading) if cell.text else []
            laid.append((x, width, lines, (cell.align or "left")[0].upper()))
        height = max((len(lines) * self.LINE for *_, lines, _ in laid), default=0.0) + 2 * self.PAD_V
        return height, laid, heading

    def draw(self) -> None:
        doc = self.doc
        for n, row in enumerate(self.rows):
            if doc.will_page_break(row[0]):
                doc.add_page()
                if not row[2]:
                    for heading in self.rows[:self.table.head_rows]:
                        self._draw_row(heading)
            self._draw_row(row)
        doc.x = doc.l_margin

    def _draw_row(self, row: tuple[float, list, bool]) -> None:
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
                doc._draw(line, doc.l_margin + x + self.PAD_H, top + self.PAD_V + k * self.LINE,
                          width - 2 * self.PAD_H, self.LINE, self.SIZE, align)
        doc.y = top + height


HEADING_FILL = (230, 238, 245)
MUTED = (90, 90, 90)


@functools.lru_cache(maxsize=16)
def html_to_pdf(markup: str, *, title: str, letterhead: tuple[str, str], footer: str) -> bytes:
    """Identical inputs give the same document: a warm worker reuses e.g. a training's programme."""
    doc = PackDocument(title=title, letterhead=letterhead, footer=footer)
    doc.html(markup)
    return bytes(doc.output())
