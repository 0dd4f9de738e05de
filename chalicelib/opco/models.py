"""Results of the OPCO room: what the resolver answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

Confidence = Literal["high", "medium", "low", "none"]


class OpcoRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    portal_url: str | None = None


class Candidate(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    share: float | None = None  # share of the branch's establishments, 0..1, when known


class OpcoMatch(BaseModel):
    model_config = ConfigDict(frozen=True)

    opco: OpcoRef | None
    candidates: list[Candidate] = []
    confidence: Confidence
    source: Literal["idcc", "idcc_successor", "registry", "naf", "sector", "none"]
    explanation: str
    data_date: str
    idcc: str | None = None
    idcc_label: str | None = None
    successor_chain: list[str] = []


class MatchedOpco:
    """The matched OPCO's reference, code and name, for a model with an `opco: OpcoMatch | None` field
    (the lead, the pack's content)."""

    if TYPE_CHECKING:  # declared for the type checker only: pydantic would take it for a field, first in order
        opco: OpcoMatch | None

    @property
    def opco_ref(self) -> OpcoRef | None:
        return self.opco.opco if self.opco else None

    @property
    def opco_code(self) -> str | None:
        return self.opco_ref.code if self.opco_ref else None

    @property
    def opco_name(self) -> str | None:
        return self.opco_ref.name if self.opco_ref else None
