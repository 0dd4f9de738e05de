"""One test per OPCO rule with an hourly cap: 2 trainees x 7 h, a price far above every cap, so the
cap (x the offer's rate where there is one) is what the estimate gives, hand-computed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chalicelib.opco import FundingQuery, estimate_funding
from chalicelib.opco.rules import all_codes, opco_profile

TODAY = date(2026, 11, 26)
PRICE = Decimal(5000)

# (opco, idcc, modality) -> (min, max) for 2 trainees x 7 h
CASES = {
    ("atlas", "2335", "presentiel"): (700, 700),  # 50 €/h, any modality
    ("akto", "1979", "presentiel"): (350, 350),  # HCR 25 €/h
    ("akto", "1979", "classe_virtuelle"): (350, 350),  # synchronous: classroom cap
    ("akto", "1979", "elearning"): (210, 210),  # HCR distance 15 €/h
    ("akto", "3043", "presentiel"): (280, 420),  # propreté 20 €/h transversal, 30 €/h job
    ("akto", "9999", "elearning"): (420, 420),  # no branch agreement: 30 €/h
    ("opco2i", "3248", "presentiel"): (420, 420),  # 30 €/h (regulatory 20 and languages 15 do not apply)
    ("ocapiat", "7024", "presentiel"): (280, 560),  # 40 €/h x 50 % Boost to 100 % offre régionale
    ("opco_ep", "9999", "classe_virtuelle"): (280, 420),  # interprofession 20 / 30 €/h HT
    ("constructys", "1702", "presentiel"): (448, 448),  # travaux publics 32 €/h HT
    ("constructys", "1596", "elearning"): (336, 336),  # bâtiment 24 €/h HT
    ("uniformation", "1518", "presentiel"): (5000, 5000),  # 65 € TTC/h is for certifying courses only
}


def _estimate(opco: str, idcc: str, modality: str):  # type: ignore[no-untyped-def]
    return estimate_funding(
        FundingQuery(
            opco_code=opco,
            idcc=idcc,
            headcount=5,
            trainees=2,
            hours=Decimal(7),
            hours_by_modality={modality: Decimal(7)},
            price_ht=PRICE,
            start_date=date(2026, 12, 15),
            today=TODAY,
        )
    )


@pytest.mark.parametrize(("opco", "idcc", "modality"), sorted(CASES))
def test_the_hourly_cap_of_each_rule_gives_the_hand_computed_amount(opco, idcc, modality):
    estimate = _estimate(opco, idcc, modality)
    low, high = CASES[(opco, idcc, modality)]
    assert (estimate.amount_min, estimate.amount_max) == (Decimal(low), Decimal(high))


def test_every_rule_with_a_cap_has_a_case():
    covered = {(o, i) for o, i, _ in CASES}
    for code in all_codes():
        for rule in opco_profile(code).rules:
            if rule.caps:
                scope = rule.scope
                idccs = scope.idcc if scope.kind == "branch" else (["9999"] if scope.kind != "all" else None)
                assert any(o == code and (idccs is None or i in idccs) for o, i in covered), (code, rule.label)
