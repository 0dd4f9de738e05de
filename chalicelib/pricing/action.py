"""The training action a lead asks for, with the consultant's adjustments applied. Pure."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from chalicelib.catalogue import MODALITY_LABELS, Training, catalogue
from chalicelib.leads.model import DossierFields, Lead
from chalicelib.opco.deadlines import is_working_day

REMOTE = frozenset({"classe_virtuelle", "elearning"})


class TrainingAction(BaseModel):
    """What will be delivered: the lead's request with the consultant's adjustments applied."""

    model_config = ConfigDict(frozen=True)
    trainings: tuple[Training, ...]
    trainees: int
    start_date: date | None
    end_date: date | None
    modality: str
    place: str
    subrogation: bool | None
    agreed_price_ht: Decimal | None

    @property
    def hours(self) -> Decimal:
        """Hours per trainee, all trainings together."""
        return sum((t.hours for t in self.trainings), Decimal(0))

    @property
    def modality_label(self) -> str:
        return MODALITY_LABELS.get(self.modality, self.modality)

    @property
    def hours_by_modality(self) -> dict[str, Decimal] | None:
        """Hours per trainee by modality (OPCO caps differ by modality); None when a blended part's
        split is unknown. A consultant's single modality applies to every hour."""
        if self.modality != "mixte":
            return {self.modality: self.hours} if self.trainings else {}
        if len(self.trainings) == 1 and self.trainings[0].modality != "mixte":
            return None  # "mixte" set on a single-modality training: the split is not known
        split: dict[str, Decimal] = {}
        for training in self.trainings:
            parts = training.hours_by_modality
            if parts is None:
                return None
            for modality, hours in parts.items():
                split[modality] = split.get(modality, Decimal(0)) + hours
        return split


def branch_idcc(lead: Lead) -> str | None:
    """The IDCC the client declared, else the one the OPCO was resolved from (company registry)."""
    resolved = lead.opco.idcc if lead.opco else None
    return lead.idcc or (str(resolved) if resolved else None)


def client_address(lead: Lead) -> str | None:
    """The head office's address from the company registry, else the address the client typed."""
    record = lead.registry.record if lead.registry else None
    return (record.address if record else None) or lead.address


def action_for_lead(lead: Lead) -> TrainingAction:
    fields = lead.dossier
    return make_action(
        fields.trainings or lead.trainings,
        fields.trainees or lead.trainees,
        fields.start_date or lead.start_date,
        fields,
        address=client_address(lead),
    )


def make_action(
    training_ids: tuple[str, ...],
    trainees: int,
    start: date | None,
    fields: DossierFields | None = None,
    *,
    address: str | None = None,
) -> TrainingAction:
    fields = fields or DossierFields()
    cat = catalogue()
    trainings = tuple(t for t in (cat.get(i) for i in training_ids) if t is not None)
    modalities = {t.modality for t in trainings}
    modality = fields.modality or (modalities.pop() if len(modalities) == 1 else "mixte")
    days = sum((t.days for t in trainings), Decimal(0))
    return TrainingAction(
        trainings=trainings,
        trainees=trainees,
        start_date=start,
        end_date=fields.end_date or _planned_end(start, days),
        modality=modality,
        place=fields.place or _default_place(modality, address),
        subrogation=fields.subrogation,
        agreed_price_ht=fields.price_ht,
    )


def _planned_end(start: date | None, days: Decimal) -> date | None:
    """Consecutive working days from the start, one per training day (the consultant may adjust)."""
    if start is None:
        return None
    end, left = start, max(int(days.to_integral_value(rounding="ROUND_CEILING")), 1) - 1
    while left > 0:
        end += timedelta(days=1)
        if is_working_day(end):
            left -= 1
    return end


def _default_place(modality: str, address: str | None) -> str:
    if modality in REMOTE:
        return "À distance (classe virtuelle ; lien de connexion transmis à chaque stagiaire)"
    if address:
        return f"Dans les locaux de l'entreprise cliente, {address}"
    return "Dans les locaux de l'entreprise cliente (adresse à confirmer)"
