"""What the pack says, worked out from a lead: pure, no I/O, no clock."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from chalicelib.catalogue import Training, catalogue
from chalicelib.leads.model import Lead
from chalicelib.opco import filing_deadline


class DossierContent(BaseModel):
    model_config = ConfigDict(frozen=True)

    lead_id: str
    version: int
    issued_on: date
    company_name: str
    siret: str
    idcc: str | None
    naf: str | None
    headcount: int
    contact_name: str
    trainings: tuple[Training, ...]
    trainees: int
    start_date: date | None
    opco: dict[str, Any]
    deadline: dict[str, Any]

    @property
    def total_hours(self) -> Decimal:
        return sum((t.hours for t in self.trainings), Decimal(0))

    def prefill(self) -> dict[str, Any]:
        """The fields a consultant pastes into the OPCO's portal (machine-readable)."""
        ref = self.opco.get("opco") or {}
        return {
            "lead_id": self.lead_id, "pack_version": self.version, "issued_on": self.issued_on.isoformat(),
            "opco": {"code": ref.get("code"), "name": ref.get("name"), "portal_url": ref.get("portal_url"),
                     "confidence": self.opco.get("confidence"), "source": self.opco.get("source")},
            "entreprise": {"raison_sociale": self.company_name, "siret": self.siret, "idcc": self.idcc,
                           "naf": self.naf, "effectif": self.headcount},
            "action": {"intitules": [t.title for t in self.trainings],
                       "duree_heures_par_stagiaire": str(self.total_hours),
                       "nombre_stagiaires": self.trainees,
                       "date_debut": self.start_date.isoformat() if self.start_date else None},
            "echeance": {"a_deposer_avant": self.deadline.get("deposit_before"),
                         "en_retard": self.deadline.get("late")},
        }


def build_content(lead: Lead, *, version: int, today: date) -> DossierContent:
    cat = catalogue()
    trainings = tuple(t for t in (cat.get(i) for i in lead.trainings) if t is not None)
    deadline = filing_deadline(opco_code=lead.opco_code, start_date=lead.start_date, today=today)
    return DossierContent(
        lead_id=lead.id, version=version, issued_on=today, company_name=lead.company_name,
        siret=lead.siret, idcc=lead.idcc, naf=lead.naf, headcount=lead.headcount,
        contact_name=f"{lead.first_name} {lead.last_name}", trainings=trainings, trainees=lead.trainees,
        start_date=lead.start_date, opco=lead.opco, deadline=deadline.model_dump(mode="json"),
    )
