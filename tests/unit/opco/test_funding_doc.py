"""docs/funding.md's per-OPCO tables and worked cases are generated from the data: never stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location("funding_doc", ROOT / "scripts" / "funding_doc.py")
assert spec and spec.loader
funding_doc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(funding_doc)


def test_funding_doc_is_in_sync_with_opco_rules_and_worked_cases():
    current = funding_doc.DOC.read_text(encoding="utf-8")
    assert funding_doc.render(current) == current, "run: .venv/bin/python scripts/funding_doc.py"


def test_funding_doc_has_one_table_per_opco():
    current = funding_doc.DOC.read_text(encoding="utf-8")
    from chalicelib.opco.rules import all_codes, opco_profile

    for code in all_codes():
        assert f"### {opco_profile(code).name}\n\n| Élément |" in current
