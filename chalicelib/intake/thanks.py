"""The thank-you page's deadline: the OPCO's own lead time before the start the visitor asked for.

The page's URL carries only the OPCO code and the start date (no personal data); anything else
in it is ignored and the page falls back to the general rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from chalicelib.opco import FilingDeadline, filing_deadline
from chalicelib.opco._data import opco_names


def thanks_query(opco_code: str | None, start: date | None) -> str:
    parts = [f"opco={opco_code}" if opco_code else "", f"debut={start.isoformat()}" if start else ""]
    query = "&".join(p for p in parts if p)
    return f"?{query}" if query else ""


def thanks_deadline(params: Mapping[str, str], today: date) -> FilingDeadline | None:
    code = params.get("opco")
    if code not in opco_names():
        return None
    try:
        start = date.fromisoformat(params.get("debut") or "")
    except ValueError:
        start = None
    return filing_deadline(opco_code=code, start_date=start, today=today)
