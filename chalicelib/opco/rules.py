"""OPCO rules as data (data/opco_rules.json): every figure carries its source, year and status, and
every funding rule the scope its source gives it (branch IDCCs, headcount band, year)."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ._data import DATA_DIR

Status = Literal["confirmed", "secondary", "old", "unconfirmed", "unknown"]
STATUS_FR = {
    "confirmed": "source OPCO ou légale",
    "secondary": "source secondaire, à revérifier",
    "old": "règle ancienne, à revérifier",
    "unconfirmed": "non confirmé",
    "unknown": "inconnu",
}
# IDCC that DSN uses for "no collective agreement": the OPCOs' no-branch grids apply to it.
NO_AGREEMENT_IDCC = "9999"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Figure(_Frozen):
    value: Any
    unit: str  # EUR / EUR_HT / EUR_TTC (+ _per_trainee_hour): HT or TTC only where the source says so
    source: str
    year: int
    status: Status
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None and self.status != "unknown"

    @property
    def tax(self) -> str:
        """' HT', ' TTC' or '' as the source states it."""
        return " TTC" if "_TTC" in self.unit else " HT" if "_HT" in self.unit else ""


class SourcedText(_Frozen):
    text: str
    source: str
    year: int
    status: Status
    years: list[int] | None = None  # the budget years the text concerns; None = every year
    branch_idcc: list[str] | None = None
    budget_exhausted: bool = False
    over_50: bool = False

    def applies(self, idcc: str | None, year: int) -> bool:
        in_year = self.years is None or year in self.years
        return in_year and (self.branch_idcc is None or (idcc is not None and idcc in self.branch_idcc))


class Portal(_Frozen):
    name: str
    url: str | None
    source: str
    year: int
    status: Status


class LeadTime(Figure):
    kind: Literal["calendar", "working", "unknown"]


class Filing(_Frozen):
    """What the OPCO asks the client to attach, and how many signed copies."""

    documents: list[str]
    signed_copies: int | None
    source: str
    year: int
    status: Status
    note: str | None = None


class Scope(_Frozen):
    kind: Literal["branch", "all", "no_branch_agreement"]
    idcc: list[str] | None
    min_headcount: int
    max_headcount: int
    year: int

    def text(self) -> str:
        who = {
            "branch": f"IDCC {', '.join(self.idcc or [])}",
            "all": "toutes les branches de l'OPCO",
            "no_branch_agreement": "entreprises sans accord de branche",
        }[self.kind]
        return f"{who} ; {self.min_headcount} à {self.max_headcount} salariés ; règles {self.year}"


class Band(_Frozen):
    min_headcount: int
    max_headcount: int
    amount: Figure

    def fits(self, headcount: int) -> bool:
        return self.min_headcount <= headcount <= self.max_headcount


class HourlyCap(_Frozen):
    course_kinds: list[str]
    modalities: list[str] | None  # catalogue modalities; None = whatever the modality
    label: str | None
    amount: Figure

    def covers(self, modality: str) -> bool:
        return self.modalities is None or modality in self.modalities


class Rule(_Frozen):
    label: str | None
    scope: Scope
    ceilings: list[Band]
    caps: list[HourlyCap]
    rate_min: Figure | None = None
    rate_max: Figure | None = None
    ceiling_note: Figure | None = None  # why no yearly ceiling is given

    def ceiling(self, headcount: int) -> Band | None:
        return next((b for b in self.ceilings if b.fits(headcount)), None)


class OpcoProfile(_Frozen):
    code: str
    name: str
    full_name: str
    website: str
    criteria_url: str
    portal: Portal
    lead_time: LeadTime
    filing: Filing
    rules: list[Rule]
    salary: Figure
    notes: list[SourcedText]

    def rule_for(self, idcc: str | None, headcount: int) -> Rule | None:
        """The branch's own rule, else the OPCO-wide one; the no-branch grid only without a branch
        agreement. None: the branch's rule is not in our data (never borrow another scope's grid)."""
        fits = [r for r in self.rules if r.scope.min_headcount <= headcount <= r.scope.max_headcount]
        if idcc == NO_AGREEMENT_IDCC:
            return next((r for r in fits if r.scope.kind == "no_branch_agreement"), None)
        branch = [r for r in fits if r.scope.kind == "branch" and idcc in (r.scope.idcc or [])]
        return next(iter(branch or [r for r in fits if r.scope.kind == "all"]), None)

    def notes_for(self, idcc: str | None, year: int) -> list[SourcedText]:
        return [n for n in self.notes if n.applies(idcc, year)]


class CommonRules(_Frozen):
    mutualised_max_headcount: Figure
    within_funds_warning: SourcedText
    yearly_ceiling_warning: SourcedText
    over_50_options: list[SourcedText]


@functools.cache
def _raw_rules() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((DATA_DIR / "opco_rules.json").read_text(encoding="utf-8"))
    return raw


@functools.cache
def opco_profile(code: str) -> OpcoProfile:
    """The OPCO's rules; KeyError for an unknown code."""
    return OpcoProfile(code=code, **_raw_rules()["opcos"][code])


def known_profile(code: str | None) -> OpcoProfile | None:
    try:
        return opco_profile(code) if code else None
    except KeyError:
        return None


@functools.cache
def common_rules() -> CommonRules:
    return CommonRules(**_raw_rules()["common"])


def portal_url(code: str) -> str | None:
    # Read from the raw JSON: the resolver is on the request path and needs only this field.
    url = (_raw_rules()["opcos"].get(code, {}).get("portal") or {}).get("url")
    return str(url) if url else None


def all_codes() -> Sequence[str]:
    return tuple(_raw_rules()["opcos"])
