"""A burst over HTTP against the real local stack: `make load` in small (scripts/load.py)."""

from __future__ import annotations

import pytest

from scripts.load import run_load
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

N = 40
DUPLICATE_SHARE = 0.25


def _intake_honours_idempotency_keys() -> bool:
    # Idempotency-Key dedup belongs to the intake room; until it lands, duplicates are
    # allowed to become extra leads here (each still with exactly one pack).
    return any("idempotency-key" in p.read_text().lower() for p in (ROOT / "chalicelib" / "intake").glob("*.py"))


def test_a_burst_with_duplicates_gets_no_5xx_and_one_pack_per_lead(stack):
    report = run_load(stack.api, stack.aws, n=N, duplicate_share=DUPLICATE_SHARE, workers=8, timeout_s=240)
    print(report.summary())
    assert report.distinct == N - round(N * DUPLICATE_SHARE)
    assert report.server_errors == 0, report.statuses
    assert report.all_packs_s is not None, "not every lead got its pack"
    assert report.leads_without_one_pack == []
    answered = set().union(*report.answered_ids.values())
    assert answered == set(report.leads)  # every 2xx has its lead stored, and nothing else was stored
    if _intake_honours_idempotency_keys():
        assert report.dedup_honoured, report.summary()
    else:
        assert len(report.leads) == N
