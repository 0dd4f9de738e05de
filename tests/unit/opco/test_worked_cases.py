"""The worked cases of docs/funding.md, computed by hand, must match the code."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.opco import FundingQuery, estimate_funding, filing_deadline, resolve_opco

CASES = json.loads((Path(__file__).with_name("worked_cases.json")).read_text(encoding="utf-8"))
TODAY = date.fromisoformat(CASES["today"])


def _run(case):
    given = case["input"]
    match = resolve_opco(idcc=given["idcc"])
    code = match.opco.code if match.opco else None
    start = date.fromisoformat(given["start_date"])
    estimate = estimate_funding(
        FundingQuery(
            opco_code=code,
            idcc=match.idcc,
            headcount=given["headcount"],
            trainees=given["trainees"],
            hours=Decimal(str(given["hours"])),
            hours_by_modality={given["modality"]: Decimal(str(given["hours"]))},
            price_ht=Decimal(given["price_ht"]),
            start_date=start,
            today=TODAY,
        )
    )
    return code, estimate, filing_deadline(opco_code=code, start_date=start, today=TODAY)


def _money(value):
    return None if value is None else Decimal(value)


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["id"])
def test_worked_case_gives_the_hand_computed_figures(case):
    code, estimate, deadline = _run(case)
    expected = case["expected"]
    assert code == expected["opco"]
    assert estimate.eligible == expected["eligible"]
    for field in ("amount_min", "amount_max", "remaining_cost_min", "remaining_cost_max"):
        assert getattr(estimate, field) == _money(expected[field]), field
    assert deadline.deposit_before == date.fromisoformat(expected["deposit_before"])
    assert deadline.late == expected["late"]
    for field in ("budget_year", "days_left_in_budget_year"):
        if field in expected:
            assert getattr(deadline, field) == expected[field]
    if "confidence" in expected:
        assert estimate.confidence == expected["confidence"]
