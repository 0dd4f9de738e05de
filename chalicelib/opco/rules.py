"""OPCO rules as data (data/opco_rules.json): every figure carries its source, year and status."""

from __future__ import annotations

import functools
import json
from typing import Any, Literal, Protocol

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


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Figure(_Frozen):
    value: Any
    unit: str
    source: str
    year: int
    status: Status
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None and self.status != "unknown"


class SourcedText(_Frozen):
    text: str
    source: str
    year: int
    status: Status
    branch_idcc: list[str] | None = None
    budget_exhausted: bool = False
    over_50: bool = False


class Portal(_Frozen):
    name: str
    url: str | None
    source: str
    year: int
    status: Status


class LeadTime(Figure):
    kind: Literal["calendar", "working", "unknown"]


class Ceiling(_Frozen):
    branch_idcc: list[str] | None
    label: str | None
    min_headcount: int
    max_headcount: int
    amount: Figure
    rate_min: Figure | None = None
    rate_max: Figure | None = None

    def fits(self, headcount: int) -> bool:
        return self.min_headcount <= headcount <= self.max_headcount


class HourlyCap(_Frozen):
    branch_idcc: list[str] | None
    course_kinds: list[str]
    modalities: list[str] | None
    label: str | None
    amount: Figure


class OpcoProfile(_Frozen):
    code: str
    name: str
    full_name: str
    website: str
    criteria_url: str
    portal: Portal
    lead_time: LeadTime
    ceilings: list[Ceiling]
    hourly_caps: list[HourlyCap]
    salary: Figure
    notes: list[SourcedText]
    warnings: list[SourcedText]


class CommonRules(_Frozen):
    mutualised_max_headcount: Figure
    within_funds_warning: SourcedText
    yearly_ceiling_warning: SourcedText
    over_50_options: list[SourcedText]


@functools.cache
def _raw_rules() -> dict[str, Any]:
    rules: dict[str, Any] = json.loads((DATA_DIR / "opco_rules.json").read_text(encoding="utf-8"))
    return rules


@functools.cache
def opco_profile(code: str) -> OpcoProfile:
    """The OPCO's rules; KeyError for an unknown code."""
    return OpcoProfile(code=code, **_raw_rules()["opcos"][code])


@functools.cache
def common_rules() -> CommonRules:
    return CommonRules(**_raw_rules()["common"])


def portal_url(code: str) -> str | None:
    # Read from the raw JSON: the resolver is on the request path and needs only this field.
    url: str | None = (_raw_rules()["opcos"].get(code, {}).get("portal") or {}).get("url")
    return url


class _BranchRule(Protocol):
    @property
    def branch_idcc(self) -> list[str] | None: ...


def for_branch[T: _BranchRule](items: list[T], idcc: str | None) -> list[T]:
    """Rules specific to the IDCC when there are any, else the OPCO's default (no branch) rules."""
    specific = [item for item in items if idcc and item.branch_idcc and idcc in item.branch_idcc]
    return specific or [item for item in items if not item.branch_idcc]
