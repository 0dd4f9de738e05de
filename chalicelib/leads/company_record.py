"""The registry's record of a company: pure (the lead model carries it; no HTTP here)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class CompanyRecord(BaseModel):
    """What the registry says about a company (and the asked establishment, when it was a SIRET)."""

    model_config = ConfigDict(frozen=True)

    siren: str
    siret: str | None  # the establishment asked for (the head office when asked by SIREN)
    name: str  # nom_complet: the legal name (may be a sole trader's own name: never log it)
    naf: str | None
    naf_label: str | None
    headcount_bracket: str | None  # INSEE tranche code, e.g. "11"
    headcount_label: str | None
    headcount_year: str | None
    liste_idcc: tuple[str, ...]  # the establishment's conventions, else the company's
    liste_idcc_entreprise: tuple[str, ...]  # every convention of the company's establishments
    etat_administratif: str | None  # A (active) / C (ceased) for the company
    fetched_at: datetime
    address: str | None = None  # the head office's (siège) postal address, one line

    @property
    def active(self) -> bool:
        return self.etat_administratif in (None, "A")
