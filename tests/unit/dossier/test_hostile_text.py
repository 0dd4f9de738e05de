"""Text a visitor typed is data: markup, quotes, emoji, markdown and very long names render as text."""

from __future__ import annotations

import pytest

from chalicelib.dossier.layout import md_escape, parse
from chalicelib.dossier.pdf import sanitise
from tests.unit.dossier.conftest import has, rendered, texts

DOCS_WITH_CLIENT = ("devis.pdf", "convention.pdf", "fiche-opco.pdf")

HOSTILE = {
    "script": '<script>alert("x")</script> Dupont & Fils',
    "quotes": "L'Atelier \"Dupont\" « Cœur » 'n' Co",
    "markdown": "**Gras** __souligné__ --barré-- ~~x~~ [clic](https://evil.example) \\o/",
    "emoji": "Café 😀 Dupont 👩‍💻 ✨",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_company_name_is_printed_as_text_in_every_document(case):
    name = HOSTILE[case]
    expected = sanitise(name).replace("](", "] (")
    _, files = rendered(company_name=name)
    for doc in DOCS_WITH_CLIENT:
        assert has(texts(company_name=name)[doc], expected), doc
    assert all(files[d].startswith(b"%PDF") for d in DOCS_WITH_CLIENT)


def test_emoji_are_replaced_and_french_is_kept():
    assert sanitise("Café 😀 Dupont 👩‍💻 ✨") == "Café ? Dupont ?? ?"
    french = "àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ « » € ’ – … \u202f\u00a0"
    assert sanitise(french) == french


def test_full_width_letters_fall_back_to_their_plain_form():
    assert sanitise("ＡＢＣ ﬁn") == "ABC fin"


def test_a_300_character_name_wraps_legibly_in_every_document():
    name = ("Société Coopérative d'Intérêt Collectif des Artisans Réunis " * 6)[:300]
    unbroken = "X" * 300
    for value in (name, unbroken):
        for doc in DOCS_WITH_CLIENT:
            assert has(texts(company_name=value)[doc], value), doc


def test_markup_in_data_never_becomes_structure():
    blocks = parse("<p>**a** &lt;b&gt;x&lt;/b&gt;</p>")  # what Jinja2's autoescape makes of the data
    assert len(blocks) == 1 and blocks[0].text == md_escape("**a**") + " <b>x</b>" == "\\**a\\** <b>x</b>"


def test_tables_keep_bold_and_line_breaks_inside_cells():
    [block] = parse(
        '<table><thead><tr><th width="30%">A</th><th width="70%">B</th></tr></thead>'
        '<tbody><tr><td><b>Nom</b><br>ligne 2</td><td align="right">1 €</td></tr></tbody></table>'
    )
    assert block.table.head_rows == 1
    cell, price = block.table.rows[1]
    assert cell.text == "**Nom**\nligne 2" and price.align == "right"
    assert [c.width for c in block.table.rows[0]] == [30.0, 70.0]
