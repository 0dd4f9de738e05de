"""SIRO first: the resolver agrees with every row of the shipped table and with every IDCC of the
SIRO data (France compétences, 2026-08-11), or the exception is explained in the table's method
column with its source (the 2019 ministry table, for an ambiguous SIRO majority)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.opco import resolve_opco
from chalicelib.opco._data import idcc_table

SIRO = json.loads((Path(__file__).parent / "fixtures" / "idcc_opco_siro_2026-08.json").read_text(encoding="utf-8"))
CODE = {
    "AFDAS": "afdas",
    "AKTO": "akto",
    "ATLAS": "atlas",
    "CONSTRUCTYS": "constructys",
    "L'OPCOMMERCE": "opcommerce",
    "OCAPIAT": "ocapiat",
    "OPCO2I": "opco2i",
    "OPCO EP": "opco_ep",
    "OPCO MOBILITES": "opco_mobilites",
    "OPCO SANTE": "opco_sante",
    "UNIFORMATION COHESION SOCIALE": "uniformation",
}


def test_the_resolver_answers_every_row_of_the_shipped_table_as_the_table_says():
    wrong = []
    for code, row in idcc_table().items():
        match = resolve_opco(idcc=code)
        if (match.opco.code if match.opco else "") != row.opco:
            wrong.append(code)
    assert len(idcc_table()) > 1800 and wrong == []


def test_the_resolver_answers_every_siro_idcc_as_siro_or_explains_why():
    exceptions = {}
    for code, siro in SIRO["idcc"].items():
        match = resolve_opco(idcc=code)
        expected = CODE[siro["opco"]]
        if match.opco and match.opco.code == expected:
            continue
        exceptions[code] = idcc_table()[code].method
        # Only an ambiguous SIRO majority may be overruled, by the 2019 table; SIRO stays a candidate.
        assert siro.get("ambigu") and idcc_table()[code].method == "table2019", code
        assert expected in [c.code for c in match.candidates] and "2019" in match.explanation
    assert len(SIRO["idcc"]) == 953 and exceptions == {"3203": "table2019"}


@pytest.mark.parametrize("code", sorted(c for c, v in SIRO["idcc"].items() if v.get("ambigu")))
def test_an_ambiguous_idcc_lists_the_siro_majority_with_its_share(code):
    match = resolve_opco(idcc=code)
    majority = next(c for c in match.candidates if c.code == CODE[SIRO["idcc"][code]["opco"]])
    assert majority.share == pytest.approx(SIRO["idcc"][code]["confiance"])
    assert match.confidence in ("medium", "low") and "à vérifier" in match.explanation
