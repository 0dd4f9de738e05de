"""The pack's speed-ups rest on a few fpdf2 internals and on our own line breaking: pin them down."""

from __future__ import annotations

import pickle

import fpdf

from chalicelib.dossier import fonts, pdf
from chalicelib.dossier.typeset import Measure, runs, wrap
from tests.unit.dossier.conftest import pdf_text


def _measure() -> Measure:
    return fonts.measure()


def _glyph_counts() -> dict[str, int]:
    prototypes = fonts.font_prototypes().items()
    return {key: len(pickle.loads(blob).getGlyphOrder()) for key, (_, blob) in prototypes}  # noqa: S301 (our own bytes)


def test_the_fpdf2_internals_we_rely_on_are_those_of_the_checked_version():
    # Upgrading fpdf2 switches the font copies off (FPDF_CHECKED) until pdf.py is re-checked.
    assert (fpdf.__version__ == "2.8.9") == fonts.FPDF_CHECKED
    assert fonts.FPDF_CHECKED, "fpdf2 was upgraded: re-check font_prototypes() and update FPDF_CHECKED"


def test_documents_get_their_own_font_copies_and_leave_the_prototypes_whole():
    before = _glyph_counts()
    first = pdf.PackDocument(title="t", letterhead=("a", "b"), footer="f")
    second = pdf.PackDocument(title="t", letterhead=("a", "b"), footer="f")
    assert all(first.fonts[k].ttfont is not second.fonts[k].ttfont for k in before)
    assert all(first.fonts[k].subset is not second.fonts[k].subset for k in before)
    first.html("<p>Zoé</p>")
    second.html("<p>Ébène wxyz</p>")  # glyphs the first document's subset does not hold
    bodies = [bytes(first.output()), bytes(second.output())]
    assert [pdf_text(b) for b in bodies] == ["a b Zoé f · page 1/1", "a b Ébène wxyz f · page 1/1"]
    after = _glyph_counts()
    assert after == before
    assert all(not font.ttfont.recalcBBoxes for font in first.fonts.values())


def test_bold_markers_and_escapes_become_runs():
    assert runs("a **b** c") == [("a ", False), ("b", True), (" c", False)]
    assert runs("\\**x\\** \\\\ y") == [("**x** \\ y", False)]


def test_lines_fit_the_width_and_keep_every_word():
    text = "Le client communique avant le début de la formation les noms, prénoms et fonctions des stagiaires"
    m = _measure()
    lines = wrap(text, 60.0, 9.5, m)
    assert len(lines) > 1
    assert all(m.width("".join(t for t, _ in line), False, 9.5) <= 60.0 + 1e-6 for line in lines)
    assert " ".join("".join(t for t, _ in line) for line in lines) == text


def test_a_word_longer_than_the_line_is_cut_between_characters():
    lines = wrap("X" * 80, 30.0, 9.5, _measure())
    assert len(lines) > 1 and "".join(t for line in lines for t, _ in line) == "X" * 80


def test_line_breaks_are_kept_and_bold_spans_lines():
    lines = wrap("**Nom**\nligne 2", 100.0, 8.8, _measure())
    assert lines == ((("Nom", True),), (("ligne 2", False),))
