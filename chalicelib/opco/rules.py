"""OPCO rules as data (data/opco_rules.json): every figure carries its source, year and status."""
from __future__ import annotations

import functools
import json

from ._data import DATA_DIR


@functools.cache
def _raw_rules() -> dict:
    return json.loads((DATA_DIR / "opco_rules.json").read_text(encoding="utf-8"))


def portal_url(code: str) -> str | None:
    opco = _raw_rules().get("opcos", {}).get(code, {})
    return (opco.get("portal") or {}).get("url")
