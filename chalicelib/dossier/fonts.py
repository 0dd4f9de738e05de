"""The pack's font: Source Sans Pro from PyPI, reduced once per process, and what fpdf2 gets of it.

fpdf2 parses the TTF and subsets it again for every document. Parsing a full Source Sans Pro file
and subsetting it costs far more than laying out the text, so once per process we cut each style
down to the characters a French document needs (no OpenType layout tables, no hinting) and write the
small files to the temp dir; documents then copy fpdf2's parsed font instead of parsing it again
(font_prototypes). Characters outside that set (emoji, CJK...) are replaced before layout: a
visitor's text can never crash a render. Worker only.
"""

from __future__ import annotations

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
from fpdf.fonts import TTFFont

from chalicelib.dossier.typeset import Measure

FAMILY = "SourceSans"
STYLES = {"": "Regular", "B": "Bold"}  # the templates use no italics
# Basic Latin, Latin-1 (« » é à), Latin Extended-A (œ Œ Ÿ), general punctuation (U+202F, ’ – …),
# €, and the ballot boxes of the subrogation choice.
KEPT = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2000, 0x2070), 0x20AC, 0x2122, 0x2192, 0x2610, 0x2611, 0x2713]
REPLACEMENT = "?"
INVISIBLE = {"\u200d", "\ufe0f", "\ufe0e"}  # joiners and variation selectors glue emoji together
FONT_RECIPE = 2  # bump when the reduction below changes: the temp dir keeps older builds


def font_files() -> dict[str, Path]:
    """The reduced fonts; rebuilt if the temp dir was cleaned since this process made them."""
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
    recipe = repr((KEPT, FONT_RECIPE, source.stat().st_mtime_ns)).encode()
    key = hashlib.sha1(recipe, usedforsecurity=False).hexdigest()[:12]
    target = Path(tempfile.gettempdir()) / f"opco-dossier-fonts-{key}"
    target.mkdir(exist_ok=True)
    files = {}
    for style, name in STYLES.items():
        path = target / f"SourceSansPro-{name}.ttf"
        if not path.exists():
            # No OpenType layout (fpdf2 does no shaping here) and named glyphs: fpdf2 parses and
            # subsets the font again for every document, and these tables only slow that down.
            options = subset.Options(
                layout_features=[], hinting=False, notdef_outline=True, name_IDs=["*"], glyph_names=True
            )
            options.drop_tables += ["BASE", "GDEF", "GPOS", "GSUB"]
            font = ttLib.TTFont(source / f"SourceSansPro-{name}.ttf")
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=KEPT)
            subsetter.subset(font)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            font.save(partial)
            partial.replace(path)  # atomic: parallel workers never read half a file
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
        if not isinstance(font, TTFFont):  # only our TTF files were added
            continue
        ttfont = font.ttfont
        for tag in ttfont.keys():  # noqa: SIM118 (a TTFont is no dict: iterating it indexes by number)
            ttfont[tag]  # load every table now: the copies must not need the file
        ttfont.close()
        ttfont.recalcBBoxes = False
        fonts[key] = (font, pickle.dumps(ttfont, protocol=pickle.HIGHEST_PROTOCOL))
    return fonts


@functools.cache
def measure() -> Measure:
    files = font_files()
    return Measure(files[""], files["B"])
