"""Line breaking for the pack's documents, measured with the font's own advance widths. Worker only.

fpdf2's multi_cell and table break lines one character at a time through several layers of objects
(most of a pack's render time). The documents need much less: left/right/centred text in one font
family, regular or bold, broken at spaces (a word longer than the line is cut between characters).
Widths come from the reduced font's hmtx table, read once per process, so a run's width here is
exactly the width fpdf2 gives it when it writes the run with `FPDF.text`.

Text comes from layout.parse: `**` toggles bold and a backslash escapes the next character (data
was escaped with layout.md_escape, so only our <b> tags toggle bold).
"""

from __future__ import annotations

import functools
from pathlib import Path

from chalicelib.dossier.layout import MARKERS

PT_PER_MM = 72 / 25.4
Run = tuple[str, bool]  # text, bold
Line = tuple[Run, ...]


@functools.cache
def advances(path: Path) -> dict[str, float]:
    """Advance width of every character of a font, in ems."""
    from fontTools import ttLib

    font = ttLib.TTFont(path, lazy=True)
    em = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    return {chr(code): hmtx[glyph][0] / em for code, glyph in font.getBestCmap().items()}


class Measure:
    """Widths in mm of text at a size in points, in the regular and the bold style."""

    def __init__(self, regular: Path, bold: Path):
        self.ems = {False: advances(regular), True: advances(bold)}

    def width(self, text: str, bold: bool, size: float) -> float:
        ems = self.ems[bold]
        return sum(ems.get(ch, 0.0) for ch in text) * size / PT_PER_MM


def runs(text: str, bold: bool = False) -> list[Run]:
    """Split parsed text into (text, bold) runs: `**` toggles bold, a backslash escapes."""
    out: list[Run] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            marker = text[i + 1 : i + 3]
            escaped = marker if marker in MARKERS else text[i + 1]
            buf.append(escaped)
            i += 1 + len(escaped)
            continue
        if text.startswith("**", i):
            if buf:
                out.append(("".join(buf), bold))
                buf = []
            bold = not bold
            i += 2
            continue
        buf.append(ch)
        i += 1
    if buf:
        out.append(("".join(buf), bold))
    return out


def _group(chars: list[tuple[str, bool]]) -> Line:
    line: list[Run] = []
    for ch, bold in chars:
        if line and line[-1][1] == bold:
            line[-1] = (line[-1][0] + ch, bold)
        else:
            line.append((ch, bold))
    return tuple(line)


def _words(chars: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    """Alternating words and spaces (each a list of styled characters)."""
    tokens: list[list[tuple[str, bool]]] = []
    for item in chars:
        if tokens and (tokens[-1][0][0] == " ") == (item[0] == " "):
            tokens[-1].append(item)
        else:
            tokens.append([item])
    return tokens


@functools.lru_cache(maxsize=4096)
def wrap(text: str, width: float, size: float, measure: Measure, bold: bool = False) -> tuple[Line, ...]:
    """Break parsed text into lines no wider than `width` mm (at `size` pt). Most of a pack's text
    (the organisme, the training, the legal wording) is the same from one lead to the next: a warm
    worker breaks it once."""
    styled = [(ch, b) for part, b in runs(text, bold) for ch in part]
    lines: list[Line] = []
    paragraph: list[tuple[str, bool]] = []
    for item in [*styled, ("\n", bold)]:
        if item[0] != "\n":
            paragraph.append(item)
            continue
        lines.extend(_wrap_paragraph(paragraph, width, size, measure))
        paragraph = []
    return tuple(lines)


def _wrap_paragraph(chars: list[tuple[str, bool]], width: float, size: float, measure: Measure) -> list[Line]:
    scale = size / PT_PER_MM
    regular, bold = measure.ems[False], measure.ems[True]

    def w(token: list[tuple[str, bool]]) -> float:
        return sum((bold if b else regular).get(ch, 0.0) for ch, b in token) * scale

    lines: list[list[tuple[str, bool]]] = []
    line: list[tuple[str, bool]] = []
    space: list[tuple[str, bool]] = []
    used, space_w = 0.0, 0.0
    for token in _words(chars):
        if token[0][0] == " ":
            space, space_w = (token, w(token)) if line else ([], 0.0)
            continue
        token_w = w(token)
        if line and used + space_w + token_w <= width + 1e-6:
            line += space + token
            used += space_w + token_w
        else:
            if line:
                lines.append(line)
            line, used = [], 0.0
            for item in token:  # a word wider than the line is cut between characters
                item_w = w([item])
                if line and used + item_w > width + 1e-6:
                    lines.append(line)
                    line, used = [], 0.0
                line.append(item)
                used += item_w
        space, space_w = [], 0.0
    lines.append(line)
    return [_group(chars_) for chars_ in lines]


def line_width(line: Line, size: float, measure: Measure) -> float:
    return sum(measure.width(text, bold, size) for text, bold in line)
