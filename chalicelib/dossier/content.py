"""What the pack says, worked out from a lead: pure, no I/O, no clock (`today` is passed in)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from chalicelib.catalogue import catalogue
from chalicelib.dossier.organisme import Organisme
from chalicelib.leads.model import Lead
from chalicelib.opco import FilingDeadline, FundingEstimate, OpcoMatch, OpcoProfile, filing_deadline
from chalicelib.opco.models import MatchedOpco
from chalicelib.opco.rules import known_profile
from chalicelib.pricing import Quote, TrainingAction, price_lead
from chalicelib.pricing.action import branch_idcc, client_address


class Client(BaseModel):
    model_config = ConfigDict(frozen=True)
    company_name: str
    siret: str
    idcc: str | None
    idcc_label: str | None
    naf: str | None
    headcount: int
    address: str | None  # the registry's head office address, else the one the client typed
    contact_name: str
    email: str
    phone: str | None


class DossierContent(BaseModel, MatchedOpco):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    lead_id: str
    version: int
    issued_on: date
    valid_until: date
    catalogue_version: str
    organisme: Organisme
    client: Client
    action: TrainingAction
    quote: Quote
    estimate: FundingEstimate | None
    deadline: FilingDeadline
    opco: OpcoMatch | None
    opco_profile: OpcoProfile | None

    @property
    def reference(self) -> str:
        """Pack number printed on every document: year, lead suffix, version (no personal data)."""
        return f"{self.issued_on.year}-{self.lead_id[-6:].upper()}-V{self.version}"

    @property
    def portal_name(self) -> str | None:
        return self.opco_profile.portal.name if self.opco_profile else None

    @property
    def portal_url(self) -> str | None:
        if self.opco_profile and self.opco_profile.portal.url:
            return self.opco_profile.portal.url
        return self.opco_ref.portal_url if self.opco_ref else None

    @property
    def cost_per_trainee_hour_ht(self) -> Decimal | None:
        hours = self.action.hours * self.action.trainees
        return (self.quote.total_ht / hours).quantize(Decimal("0.01")) if hours else None

    def prefill(self) -> dict[str, Any]:
        """The OPCO portal's fields, for machines (the fiche OPCO prints the same values)."""
        a, c, o = self.action, self.client, self.organisme
        return {
            "lead_id": self.lead_id,
            "pack_version": self.version,
            "reference": self.reference,
            "issued_on": self.issued_on.isoformat(),
            "opco": {
                "code": self.opco_code,
                "name": self.opco_name,
                "portal": self.portal_name,
                "portal_url": self.portal_url,
                "confidence": self.opco.confidence if self.opco else None,
                "source": self.opco.source if self.opco else None,
            },
            "entreprise": {
                "raison_sociale": c.company_name,
                "siret": c.siret,
                "adresse": c.address,
                "idcc": c.idcc,
                "naf": c.naf,
                "effectif": c.headcount,
            },
            "action": {
                "intitule": " + ".join(t.title for t in a.trainings),
                "formations": [t.id for t in a.trainings],
                "date_debut": _iso(a.start_date),
                "date_fin": _iso(a.end_date),
                "duree_heures_par_stagiaire": str(a.hours),
                "nombre_stagiaires": a.trainees,
                "modalite": a.modality,
                "lieu": a.place,
            },
            "cout": {
                "pedagogique_ht": str(self.quote.total_ht),
                "tva": str(self.quote.vat_amount),
                "ttc": str(self.quote.total_ttc),
                "exoneration_tva": self.quote.vat_exempt,
                "par_heure_stagiaire_ht": _str(self.cost_per_trainee_hour_ht),
            },
            "organisme": {"raison_sociale": o.name, "siret": o.siret, "nda": o.nda, "qualiopi": o.qualiopi.certificate},
            "subrogation": a.subrogation,
            "estimation": None
            if self.estimate is None
            else {
                "montant_min": _str(self.estimate.amount_min),
                "montant_max": _str(self.estimate.amount_max),
                "reste_a_charge_min": _str(self.estimate.remaining_cost_min),
                "reste_a_charge_max": _str(self.estimate.remaining_cost_max),
                "regle": self.estimate.rule_applied,
                "perimetre": self.estimate.scope,
                "sources": self.estimate.basis,
                "exercice": self.estimate.budget_year,
                "confiance": self.estimate.confidence,
            },
            "echeance": {
                "a_deposer_au_plus_tard_le": _iso(self.deadline.deposit_before),
                "depot_conseille_le": _iso(self.deadline.recommended_by),
                "en_retard": self.deadline.late,
                "delai_opco": self.deadline.lead_time_text,
            },
            "pieces": None if self.opco_profile is None else self.opco_profile.filing.model_dump(),
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def build_content(lead: Lead, *, version: int, today: date, organisme: Organisme) -> DossierContent:
    priced = price_lead(lead, today, vat_exempt=organisme.vat.exempt, vat_rate=organisme.vat.rate)
    action = priced.action
    client = Client(
        company_name=lead.company_name,
        siret=lead.siret,
        idcc=branch_idcc(lead),
        idcc_label=lead.opco.idcc_label if lead.opco else None,
        naf=lead.naf,
        headcount=lead.headcount,
        address=client_address(lead),
        contact_name=f"{lead.first_name} {lead.last_name}",
        email=lead.email,
        phone=lead.phone,
    )
    return DossierContent(
        lead_id=lead.id,
        version=version,
        issued_on=today,
        valid_until=today + timedelta(days=organisme.quote_validity_days),
        catalogue_version=catalogue().version,
        organisme=organisme,
        client=client,
        action=action,
        quote=priced.quote,
        estimate=priced.estimate,
        deadline=filing_deadline(opco_code=lead.opco_code, start_date=action.start_date, today=today),
        opco=lead.opco,
        opco_profile=known_profile(lead.opco_code),
    )
