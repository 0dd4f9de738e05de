"""The training catalogue: business-editable data in templates/catalogue.json.

Pure: reads the shipped file once. `templates/` sits next to app.py both in the
repository and in the deployed package (vendor/templates is a symlink to it).
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict

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

    @property
    def modality_label(self) -> str:
        return MODALITY_LABELS.get(self.modality, self.modality)


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
