"""The training catalogue: business-editable data in templates/catalogue.json.

Pure: reads the shipped file once. `templates/` sits next to app.py both in the
repository and in the deployed package (vendor/templates is a symlink to it).
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

MODALITY_LABELS = {
    "presentiel": "Présentiel",
    "classe_virtuelle": "Classe virtuelle (distanciel synchrone)",
    "elearning": "E-learning (FOAD asynchrone)",
    "mixte": "Mixte (présentiel et distanciel)",
}


class Sequence(BaseModel):
    model_config = ConfigDict(frozen=True)
    title: str
    hours: Decimal


class Training(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")
    id: str
    title: str
    summary: str
    audience: str
    prerequisites: str
    objectives: tuple[str, ...]
    sequences: tuple[Sequence, ...]
    hours: Decimal
    days: Decimal
    modality: str
    modality_hours: dict[str, Decimal] = {}  # a blended training's hours per modality
    methods: str
    technical_means: str
    trainer: str
    assessment: str
    follow_up: str
    sanction: str
    price_per_trainee_ht: Decimal
    price_group_ht: Decimal
    group_max: int
    access_lead_time: str
    accessibility: str
    disability_contact: str

    @model_validator(mode="after")
    def _split_adds_up(self) -> Training:
        if self.modality_hours and sum(self.modality_hours.values(), Decimal(0)) != self.hours:
            raise ValueError(f"{self.id}: modality_hours must add up to hours")
        if set(self.modality_hours) - (set(MODALITY_LABELS) - {"mixte"}):
            raise ValueError(f"{self.id}: unknown modality in modality_hours")
        return self

    @property
    def modality_label(self) -> str:
        return MODALITY_LABELS.get(self.modality, self.modality)

    @property
    def hours_by_modality(self) -> dict[str, Decimal] | None:
        """Hours per trainee by modality; None for a blended training whose split is not given."""
        if self.modality != "mixte":
            return {self.modality: self.hours}
        return dict(self.modality_hours) or None


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True)
    version: str
    trainings: tuple[Training, ...]

    def get(self, training_id: str) -> Training | None:
        return next((t for t in self.trainings if t.id == training_id), None)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.trainings)


@functools.cache
def catalogue() -> Catalogue:
    raw = json.loads((TEMPLATES_DIR / "catalogue.json").read_text(encoding="utf-8"))
    return Catalogue.model_validate({k: v for k, v in raw.items() if not k.startswith("_")})
