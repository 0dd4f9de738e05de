"""Walk the whole active DARES list shipped in the table: each IDCC resolves as the table says."""

import pytest

from chalicelib.opco import resolve_opco
from chalicelib.opco._data import idcc_table

ACTIVE = sorted(code for code, row in idcc_table().items() if row.active == "1")


def test_table_holds_the_485_active_branch_agreements_and_more():
    assert len(ACTIVE) >= 485
    assert len(idcc_table()) >= 1665


@pytest.mark.parametrize("code", ACTIVE)
def test_every_active_idcc_resolves_as_the_table_says(code):
    row = idcc_table()[code]
    match = resolve_opco(idcc=code)
    assert match.idcc == code and match.explanation
    if not row.opco:
        assert match.opco is None and match.confidence == "none"
        assert "aucun OPCO" in match.explanation or "aucune convention" in match.explanation
    elif row.ambiguous:
        assert match.opco.code == row.opco and match.candidates
        assert match.confidence in ("medium", "low") and "à vérifier" in match.explanation
    else:
        assert match.opco.code == row.opco
        assert match.confidence in ("high", "medium")


def test_active_branch_agreements_without_opco_are_the_known_six():
    missing = {c for c in ACTIVE if not idcc_table()[c].opco}
    # the others are company statutes from the DARES "Accords et statuts" sheet (5xxx, VRP 0804)
    branches = {c for c in missing if not c.startswith("5") and c != "0804"}
    assert branches == {"1069", "1072", "2766", "3140", "8114", "9862"}
