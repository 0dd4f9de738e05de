"""How a filtered lead list maps onto the table's indexes, and its opaque cursor. Pure.

Every list is one Query on one GSI (never a Scan), newest first, at most page size + 1 items
evaluated per call:
- status given → by_status (gsi1pk = STATUS#<s>), OPCO as a filter on the page;
- else OPCO given → by_opco (gsi2pk = OPCO#<code>), spam filtered out;
- else → by_date (gsi3pk = LEADS), spam filtered out.
Dates bound the sort key (created_at iso + id), so they narrow the Query itself.
Search (company or SIRET) is a `contains` filter on the normalised `search` attribute within that
bounded page: a page costs the same whatever the table size; a narrow search may return a short
(even empty) page with a cursor to continue, which the UI says plainly.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

INDEXES = {"by_status": ("gsi1pk", "gsi1sk"), "by_opco": ("gsi2pk", "gsi2sk"), "by_date": ("gsi3pk", "gsi3sk")}
_LEAD_PK = re.compile(r"^LEAD#[0-9a-z]{26}$")


class InvalidCursor(Exception):
    pass


@dataclass(frozen=True)
class LeadFilter:
    status: str | None = None
    opco: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    query: str | None = None

    def as_params(self) -> dict[str, str]:
        values = {"status": self.status, "opco": self.opco, "from": self.date_from, "to": self.date_to, "q": self.query}
        return {k: str(v) for k, v in values.items() if v}


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: what search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def search_text(company_name: str, siret: str) -> str:
    return f"{normalise(company_name)} {re.sub(r'[^0-9]', '', siret)}"


def search_term(query: str) -> str:
    digits = re.sub(r"[\s.]", "", query)
    return digits if digits.isdigit() else normalise(query)


def query_plan(f: LeadFilter, all_leads: str) -> dict[str, Any]:
    """Index, key condition, filter and values for one filtered page (DynamoDB JSON)."""
    if f.status:
        index, pk = "by_status", f"STATUS#{f.status}"
    elif f.opco:
        index, pk = "by_opco", f"OPCO#{f.opco}"
    else:
        index, pk = "by_date", all_leads
    pk_attr, sk_attr = INDEXES[index]
    cond = f"{pk_attr} = :p"
    values: dict[str, Any] = {":p": {"S": pk}}
    if f.date_from or f.date_to:
        cond += f" AND {sk_attr} BETWEEN :a AND :b"
        values[":a"] = {"S": (f.date_from or date(2000, 1, 1)).isoformat()}
        values[":b"] = {"S": ((f.date_to or date(2999, 12, 30)) + timedelta(days=1)).isoformat()}
    filters, names = [], {}
    if f.status and f.opco:
        filters.append("gsi2pk = :o")
        values[":o"] = {"S": f"OPCO#{f.opco}"}
    if not f.status:
        filters.append("gsi1pk <> :spam")
        values[":spam"] = {"S": "STATUS#spam"}
    if f.query and search_term(f.query):
        filters.append("contains(#q, :q)")
        names["#q"] = "search"
        values[":q"] = {"S": search_term(f.query)}
    plan: dict[str, Any] = {
        "IndexName": index,
        "KeyConditionExpression": cond,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": False,
    }
    if filters:
        plan["FilterExpression"] = " AND ".join(filters)
    if names:
        plan["ExpressionAttributeNames"] = names
    return plan


def key_of(item: dict[str, Any], index: str) -> dict[str, Any]:
    """The LastEvaluatedKey DynamoDB would give after `item` on this index."""
    pk_attr, sk_attr = INDEXES[index]
    return {k: item[k] for k in ("pk", "sk", pk_attr, sk_attr)}


def encode_cursor(key: dict[str, Any] | None, index: str) -> str | None:
    if not key:
        return None
    raw = json.dumps({"i": index, "k": {k: v["S"] for k, v in key.items()}}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, plan: dict[str, Any]) -> dict[str, Any]:
    """Validate a cursor against the plan it must continue; never trust its content."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        raise InvalidCursor("cursor is not ours") from None
    index = plan["IndexName"]
    pk_attr, sk_attr = INDEXES[index]
    if not isinstance(data, dict):  # e.g. "W10" is base64 for "[]"
        raise InvalidCursor("cursor is not an object")
    key = data.get("k")
    if data.get("i") != index or not isinstance(key, dict) or set(key) != {"pk", "sk", pk_attr, sk_attr}:
        raise InvalidCursor("cursor for another list")
    if not all(isinstance(v, str) and len(v) < 200 for v in key.values()):
        raise InvalidCursor("cursor values")
    if (
        key["sk"] != "LEAD"
        or not _LEAD_PK.match(key["pk"])
        or key[pk_attr] != plan["ExpressionAttributeValues"][":p"]["S"]
    ):
        raise InvalidCursor("cursor for another list")
    return {k: {"S": v} for k, v in key.items()}
