"""The package's own data files, read once per process (functools.cache).

Nothing here reads outside chalicelib/opco/data/: a deployed Lambda has only the package.
"""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path
from typing import NamedTuple

DATA_DIR = Path(__file__).resolve().parent / "data"


class IdccRow(NamedTuple):
    idcc: str
    title: str
    active: str  # "1", "0" or "" (not in the DARES list)
    successor: str
    opco: str
    share: float | None
    establishments: int | None
    ambiguous: bool
    candidates: tuple[tuple[str, float | None], ...]
    method: str  # siro | successor:<idcc> | table2019 | siro_majority | none | no_agreement


class Hint(NamedTuple):
    opco: str
    examples: tuple[str, ...]
    reason: str


def _rows(name: str, delimiter: str = ",") -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _share(raw: str) -> float | None:
    return float(raw) if raw else None


def _candidates(raw: str) -> tuple[tuple[str, float | None], ...]:
    pairs = (item.partition(":") for item in raw.split("|") if item)
    return tuple((code, _share(share)) for code, _, share in pairs)


@functools.cache
def idcc_table() -> dict[str, IdccRow]:
    # csv.reader + positional fields: about twice as fast as DictReader on the request path.
    with (DATA_DIR / "idcc_opco.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        return {
            r[0]: IdccRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                float(r[5]) if r[5] else None,
                int(r[6]) if r[6] else None,
                r[7] == "1",
                _candidates(r[8]) if r[8] else (),
                r[9],
            )
            for r in rows
        }


@functools.cache
def idcc_meta() -> dict[str, object]:
    meta: dict[str, object] = json.loads((DATA_DIR / "idcc_opco_meta.json").read_text(encoding="utf-8"))
    return meta


@functools.cache
def opco_names() -> dict[str, str]:
    return {r["code"]: r["name"] for r in _rows("opco_names.csv")}


@functools.cache
def naf_table() -> dict[str, tuple[str, str]]:
    """NAF rév. 2 code (sections A-U and 732 sub-classes, no dot) -> (label, section)."""
    return {r["code"]: (r["label"], r["section"]) for r in _rows("naf_rev2.csv")}


@functools.cache
def naf_hints() -> dict[str, Hint]:
    return {
        r["prefix"]: Hint(r["opco"], tuple(r["example_idcc"].split("|")), r["reason"])
        for r in _rows("naf_opco_hints.csv")
    }


@functools.cache
def sector_keywords() -> dict[str, Hint]:
    return {
        r["keyword"]: Hint(r["opco"], tuple(r["example_idcc"].split("|")), "") for r in _rows("sector_keywords.csv")
    }
