"""Lead: what we store for one form submission, its statuses and events. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator
from ulid import ULID

from chalicelib.leads.company_record import CompanyRecord
from chalicelib.opco.funding import FundingEstimate
from chalicelib.opco.models import MatchedOpco, OpcoMatch


class LeadStatus(StrEnum):
    recu = "recu"
    dossier_pret = "dossier_pret"
    envoye_client = "envoye_client"
    demande_deposee = "demande_deposee"
    accord = "accord"
    accord_partiel = "accord_partiel"
    refus = "refus"
    formation_realisee = "formation_realisee"
    abandonne = "abandonne"
    spam = "spam"


STATUS_LABELS = {
    LeadStatus.recu: "Reçu",
    LeadStatus.dossier_pret: "Dossier prêt",
    LeadStatus.envoye_client: "Envoyé au client",
    LeadStatus.demande_deposee: "Demande déposée à l'OPCO",
    LeadStatus.accord: "Accord de l'OPCO",
    LeadStatus.accord_partiel: "Accord partiel",
    LeadStatus.refus: "Refus de l'OPCO",
    LeadStatus.formation_realisee: "Formation réalisée",
    LeadStatus.abandonne: "Abandonné",
    LeadStatus.spam: "Indésirable",
}


# What the visitor declares on the form, in its order, under the lead's names: Lead.from_form copies
# them, a repeated submission is compared on them (leads/resubmission.py).
DECLARED_FIELDS = (
    "company_name",
    "siret",
    "idcc",
    "naf",
    "headcount",
    "address",
    "first_name",
    "last_name",
    "email",
    "phone",
    "trainings",
    "trainees",
    "start_date",
    "message",
)
FORM_NAMES = {"trainings": "training"}  # the form's name where it differs (a form may lack `address`)


def new_lead_id() -> str:
    # ULID: not guessable (80 random bits), sorts by creation time.
    return str(ULID()).lower()


class Consent(BaseModel):
    model_config = ConfigDict(frozen=True)
    given_at: datetime
    text_version: str


class Provenance(BaseModel):
    """Where the submission came from (no IP in clear: hashed)."""

    model_config = ConfigDict(frozen=True)
    referrer: str | None = None
    utm: dict[str, str] = Field(default_factory=dict)
    form_token: str = "absent"  # noqa: S105 (an outcome, not a token) valid | absent | invalid | expired
    ip_hash: str | None = None
    spam_reasons: tuple[str, ...] = ()


class PackInfo(BaseModel):
    """The last pack built for the lead: version and its S3 keys."""

    model_config = ConfigDict(frozen=True)
    version: int
    built_at: datetime
    keys: dict[str, str]
    # SHA-256 of each PDF as written: what a client's signature refers to (empty for older packs).
    sha256: dict[str, str] = Field(default_factory=dict)


class DossierFields(BaseModel):
    """What a consultant may adjust before (re)generating the pack. None = take the lead's value
    (or the catalogue's, for price and modality)."""

    model_config = ConfigDict(frozen=True)
    trainings: tuple[str, ...] | None = None
    trainees: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    price_ht: Decimal | None = None  # total pedagogical cost HT for the group
    modality: str | None = None  # presentiel | classe_virtuelle | elearning | mixte
    place: str | None = None
    subrogation: bool | None = None  # the OPCO pays the organisme directly
    notes: str | None = None  # internal, never printed in the pack


class Tracking(BaseModel):
    """What the consultant records along the OPCO's process (dates, file number, decision)."""

    model_config = ConfigDict(frozen=True)
    sent_on: date | None = None  # pack sent to the client to sign
    filed_on: date | None = None  # the client filed the request on the OPCO's portal
    opco_file_number: str | None = None
    decided_on: date | None = None
    amount_granted: Decimal | None = None
    completed_on: date | None = None
    closed_on: date | None = None  # abandoned
    reason: str | None = None  # why refused or abandoned (no personal data)


RegistryStatus = Literal["ok", "not_found", "unavailable", "disabled"]


class RegistryFinding(BaseModel):
    """The registry lookup's outcome on a lead. Stored as is (DynamoDB map of the same keys)."""

    model_config = ConfigDict(frozen=True)

    status: RegistryStatus
    checked_at: str  # ISO 8601 as written since the first lead: kept a string so the stored shape stays
    note: str  # French, shown on the consultant's page
    record: CompanyRecord | None = None


class IdccOpco(BaseModel):
    model_config = ConfigDict(frozen=True)

    idcc: str | None
    opco: str | None


class RegistryIdccs(BaseModel):
    model_config = ConfigDict(frozen=True)

    idcc: list[str]
    opco: str | None


class OpcoCheck(BaseModel):
    """The declared IDCC and the registry's side by side, for the consultant."""

    model_config = ConfigDict(frozen=True)

    declared: IdccOpco
    registry: RegistryIdccs
    agrees: bool
    message: str  # French


class Lead(BaseModel, MatchedOpco):
    model_config = ConfigDict(frozen=True)

    id: str
    created_at: datetime
    updated_at: datetime
    status: LeadStatus
    # What the visitor declared.
    company_name: str
    siret: str
    idcc: str | None = None
    naf: str | None = None
    headcount: int
    address: str | None = None  # optional: the registry's head office address is preferred
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    trainings: tuple[str, ...]
    trainees: int
    start_date: date | None = None
    message: str | None = None
    consent: Consent
    provenance: Provenance = Provenance()
    # What we worked out. opco: the resolver's match at intake, stored as its JSON dump (None: none
    # recorded, stored as an empty map as it always was).
    opco: OpcoMatch | None = None
    estimate: FundingEstimate | None = None  # the funding estimate at intake (stored as its JSON dump)
    dossier: DossierFields = DossierFields()
    # What the company registry said (worker only); and the declared IDCC beside the registry's.
    registry: RegistryFinding | None = None
    opco_check: OpcoCheck | None = None
    # Packs: the version asked for and the last one built.
    pack_requested: int = 1
    pack: PackInfo | None = None
    expires_at: int | None = None  # epoch seconds: DynamoDB TTL for retention
    # Consultant side: the OPCO process and a revision for optimistic locking of their edits.
    tracking: Tracking = Tracking()
    rev: int = 0

    @field_validator("opco", mode="before")
    @classmethod
    def _empty_opco_is_none(cls, value: Any) -> Any:
        return None if value == {} else value

    @field_serializer("opco")
    def _opco_as_stored(self, match: OpcoMatch | None) -> dict[str, Any]:
        return match.model_dump(mode="json") if match else {}

    @property
    def needs_pack(self) -> bool:
        built = self.pack.version if self.pack else 0
        return self.status != LeadStatus.spam and built < self.pack_requested

    @classmethod
    def from_form(
        cls,
        form: Any,
        *,
        opco: OpcoMatch,
        now: datetime,
        consent_version: str,
        provenance: Provenance,
        spam: bool,
        retention_days: int,
    ) -> Lead:
        now = now.astimezone(UTC)
        declared: dict[str, Any] = {name: getattr(form, FORM_NAMES.get(name, name), None) for name in DECLARED_FIELDS}
        return cls(
            id=new_lead_id(),
            created_at=now,
            updated_at=now,
            status=LeadStatus.spam if spam else LeadStatus.recu,
            **declared,
            consent=Consent(given_at=now, text_version=consent_version),
            provenance=provenance,
            opco=opco,
            expires_at=int(now.timestamp()) + retention_days * 86400,
        )


class EditStamp(BaseModel):
    """Who edits a lead, when, and the revision they read it at: the store refuses the edit
    (EditConflict) once the lead's revision has moved on (optimistic locking)."""

    model_config = ConfigDict(frozen=True)
    expected_rev: int
    actor: str
    now: datetime

    @property
    def next_rev(self) -> int:
        return self.expected_rev + 1

    def applied(self, lead: Lead, **changes: Any) -> Lead:
        """The lead as the edit leaves it: the changes, stamped with the edit's time and the next revision."""
        return lead.model_copy(update={**changes, "updated_at": self.now, "rev": self.next_rev})
