"""HTML (from our Jinja2 templates) to PDF with fpdf2 and Source Sans Pro. Worker only.

Speed: fpdf2 parses the TTF and subsets it again for every document. Parsing a full Source Sans
Pro file and subsetting it costs far more than laying out the text, so once per process we cut each
style down to the characters a French document needs (no OpenType layout tables, no hinting) and
write the small files to the temp dir; each document then loads ~26 KB fonts. Characters outside
that set (emoji, CJK...) are replaced before layout: a visitor's text can never crash a render.
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path

import fpdf
from fpdf import FPDF, FontFace
from fpdf.line_break import CurrentLine

from chalicelib.dossier.layout import Block, needs_markdown, parse

FAMILY = "SourceSans"
STYLES = {"": "Regular", "B": "Bold"}  # the templates use no italics
# Basic Latin, Latin-1 (« » é à), Latin Extended-A (œ Œ Ÿ), general punctuation (U+202F, ’ – …),
# €, and the ballot boxes of the subrogation choice.
KEPT = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2000, 0x2070), 0x20AC, 0x2122, 0x2192, 0x2610, 0x2611, 0x2713]
REPLACEMENT = "?"
INVISIBLE = {"\u200d", "\ufe0f", "\ufe0e"}  # joiners and variation selectors glue emoji together
INK = (31, 45, 61)
ACCENT = (0, 84, 147)


def _line_width(self: CurrentLine) -> float:
    """CurrentLine.width, memoised per fragment: fpdf2 asks for it after every character and
    recomputes the whole line each time, which makes line breaking quadratic in the line length
    (most of a pack's render time). Widths add up character by character when text shaping is
    off, so only the characters added since the last call are measured."""
    memo = self.__dict__.setdefault("_width_memo", {})
    total = 0.0
    for i, frag in enumerate(self.fragments):
        n = len(frag.characters)
        seen = memo.get(id(frag))
        # Appending keeps the same list; trim() slices a new one: then measure it all again.
        if seen and seen[0] is frag and seen[1] is frag.characters and seen[2] <= n \
                and not frag.text_shaping_parameters:
            width = seen[3] + (frag.get_width(start=seen[2], initial_cs=True) if n > seen[2] else 0.0)
        else:
            width = frag.get_width(initial_cs=i > 0)
        memo[id(frag)] = (frag, frag.characters, n, width)
        total += width
    return total


if fpdf.__version__ == "2.8.9":  # checked against this version's line_break.py; re-check on upgrade
    CurrentLine.width = property(_line_width)  # type: ignore[method-assign]


def font_files() -> dict[str, Path]:
    """The reduced fonts, built once per process; rebuilt if the temp dir was cleaned meanwhile."""
    files = _font_files()
    if not all(p.exists() for p in files.values()):
        _font_files.cache_clear()
        files = _font_files()
    return files


@functools.cache
def _font_files() -> dict[str, Path]:
    """The reduced fonts, built once per process (and reused from the temp dir when present)."""
    import font_source_sans_pro  # the font comes from PyPI, never from the repository
    from fontTools import subset, ttLib

    source = Path(font_source_sans_pro.font_directory)
    key = hashlib.sha1(repr((KEPT, source.stat().st_mtime_ns)).encode()).hexdigest()[:12]
    target = Path(tempfile.gettempdir()) / f"opco-dossier-fonts-{key}"
    target.mkdir(exist_ok=True)
    files = {}
    for style, name in STYLES.items():
        path = target / f"SourceSansPro-{name}.ttf"
        if not path.exists():
            options = subset.Options(layout_features=[], hinting=False, notdef_outline=True, name_IDs=["*"])
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


def sanitise(text: str) -> str:
    """Keep every character the font has (all of French); replace the others legibly."""
    glyphs = supported()
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) in glyphs or ch in "\n\t":
            out.append(ch)
        elif ch not in INVISIBLE:
            near = unicodedata.normalize("NFKD", ch)  # e.g. full-width letters, ligatures
            out.append(near if near and all(ord(c) in glyphs for c in near) else REPLACEMENT)
    return "".join(out)


class PackDocument(FPDF):
    """An A4 page with the organisme's letterhead and a numbered footer."""

    def __init__(self, *, title: str, letterhead: tuple[str, str], footer: str):
        super().__init__(format="A4")
        for style, path in font_files().items():
            self.add_font(FAMILY, style, path)
        self._letterhead = (sanitise(letterhead[0]), sanitise(letterhead[1]))
        self._footer = sanitise(footer)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(sanitise(title))
        self.set_creator("opco-dossier")
        self.set_font(FAMILY, "", 9.5)
        self.add_page()

    def header(self) -> None:
        self.set_font(FAMILY, "B", 10)
        self.set_text_color(*ACCENT)
        self.cell(0, 5, self._letterhead[0], new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(90, 90, 90)
        self.multi_cell(0, 3.5, self._letterhead[1], align="L", new_x="LMARGIN", new_y="NEXT")
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

    def _heading(self, text: str, size: float, top: float, line: bool) -> None:
        if self.will_page_break(top + (28 if line else 14)):  # keep a heading with what follows it
            self.add_page()
        self.ln(top)
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.5, text, markdown=needs_markdown(text), new_x="LMARGIN", new_y="NEXT")
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
        self.set_font(FAMILY, "", size)
        self.set_text_color(*(MUTED if block.small else INK))
        self.multi_cell(0, size * 0.5, block.text, markdown=needs_markdown(block.text), align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(1.2)

    def _li(self, block: Block) -> None:
        indent = 4 + 5 * max(block.depth - 1, 0)
        self.set_font(FAMILY, "", 9.5)
        self.set_text_color(*INK)
        self.set_x(self.l_margin + indent)
        self.cell(5, 4.75, block.bullet)
        self.multi_cell(self.epw - indent - 5, 4.75, block.text, markdown=needs_markdown(block.text),
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(0.6)

    def _table(self, block: Block) -> None:
        table = block.table
        if table is None or not table.rows:
            return
        first = table.rows[0]
        widths = [c.width or 100 / len(first) for c in first for _ in range(c.colspan)]
        self.set_font(FAMILY, "", 8.8)
        self.set_text_color(*INK)
        self.set_draw_color(190, 200, 212)
        self.set_line_width(0.2)
        self.ln(0.5)
        markdown = any(needs_markdown(c.text) for cells in table.rows for c in cells)
        with self.table(col_widths=widths, width=self.epw, markdown=markdown, line_height=4.3, padding=(1.1, 1.5),
                        first_row_as_headings=table.head_rows > 0, headings_style=HEADINGS,
                        text_align="LEFT", v_align="TOP") as pdf_table:
            for cells in table.rows:
                row = pdf_table.row()
                for c in cells:
                    row.cell(c.text, align=(c.align or "LEFT").upper(), colspan=c.colspan)
        self.ln(1.5)


HEADINGS = FontFace(family=FAMILY, emphasis="BOLD", color=ACCENT, fill_color=(230, 238, 245))
MUTED = (90, 90, 90)


@functools.lru_cache(maxsize=16)
def html_to_pdf(markup: str, *, title: str, letterhead: tuple[str, str], footer: str) -> bytes:
    """Identical inputs give the same document: a warm worker reuses e.g. a training's programme."""
    doc = PackDocument(title=title, letterhead=letterhead, footer=footer)
    doc.html(markup)
    return bytes(doc.output())
