"""The published API's bodies as pydantic models: what /openapi.json is generated from.

Requests reuse the rooms' own models (ContactForm, DossierFields, Lead...); answers that the
handlers build as dicts are described here, field for field, and `extra="forbid"` makes the
schema say so: schemathesis (tests/e2e/test_openapi_conformance.py) then proves each answer
matches, so this file cannot drift from the handlers unnoticed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.intake.form import ContactForm
from chalicelib.leads.model import DossierFields, LeadStatus, Tracking
from chalicelib.opco.deadlines import FilingDeadline


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests ---------------------------------------------------------------------------------


def _submission_rules(schema: dict[str, Any]) -> None:
    """What the validators of ContactForm check beyond types, said in the schema too."""
    from chalicelib.catalogue import catalogue

    props = schema["properties"]
    props["siret"].update(pattern=r"^[0-9 .\-]{14,20}$", description="14 chiffres, clé de contrôle vérifiée.")
    props["email"].update(format="email", minLength=3)
    props["training"]["items"] = {"enum": sorted(catalogue().ids)}
    props["consent"].update(const=True)
    for name in ("company_name", "first_name", "last_name"):
        props[name]["pattern"] = r"\S"


class LeadSubmission(ContactForm):
    """POST /leads (JSON; a urlencoded form takes the same names, `training` repeated)."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra=_submission_rules)
    form_token: str | None = Field(default=None, description="From GET /form-token or the form page (anti-spam).")
    website: str | None = Field(default=None, description="Honeypot: leave empty.")
    page_url: str | None = Field(default=None, max_length=500)
    utm_source: str | None = Field(default=None, max_length=200)
    utm_medium: str | None = Field(default=None, max_length=200)
    utm_campaign: str | None = Field(default=None, max_length=200)
    utm_term: str | None = Field(default=None, max_length=200)
    utm_content: str | None = Field(default=None, max_length=200)
    cf_turnstile_response: str | None = Field(default=None, alias="cf-turnstile-response")


class DossierEdit(DossierFields):
    """PATCH /consultants/api/leads/{lead_id}: the fields to change, and the revision read."""

    model_config = ConfigDict(extra="forbid")  # another field is « Champ non modifiable. »
    rev: int = Field(ge=0, le=2**53)


class StatusChangeIn(BaseModel):
    """POST /consultants/api/leads/{lead_id}/status."""

    rev: int = Field(ge=0, le=2**53)
    status: LeadStatus
    on: date | None = None
    amount_granted: Decimal | None = None
    opco_file_number: str | None = Field(default=None, max_length=60)
    reason: str | None = Field(default=None, max_length=300)


# --- answers: the website door ------------------------------------------------------------------


class FieldMessage(Closed):
    field: str
    message: str = Field(description="French, for the visitor or the consultant.")


class Errors(Closed):
    errors: list[FieldMessage] = Field(min_length=1)


class Unauthorized(BaseModel):
    message: str


class AckOpco(Closed):
    code: str | None
    name: str | None
    confidence: str | None
    source: str | None


class LeadAck(Closed):
    lead_id: str
    status: Literal["recu"]
    duplicate: bool
    opco: AckOpco


class FormToken(Closed):
    form_token: str
    min_fill_seconds: float


class OpcoAnswer(Closed):
    opco: dict[str, Any] | None = Field(description="OpcoRef: code, name, portal_url.")
    candidates: list[dict[str, Any]]
    confidence: str
    source: str
    explanation: str = Field(description="French.")
    data_date: str | None
    estimate: dict[str, Any] | None = Field(default=None, description="With `headcount`: a funding estimate.")


# --- answers: the consultant API ----------------------------------------------------------------


class SummaryOpco(Closed):
    code: str | None
    name: str | None


class LeadSummary(Closed):
    id: str
    created_at: str
    status: LeadStatus
    status_label: str
    company_name: str
    siret: str
    opco: SummaryOpco
    trainees: int
    deposit_before: date | None
    late: bool
    pack_version: int | None


class LeadList(Closed):
    leads: list[LeadSummary]
    next_cursor: str | None
    filter: dict[str, str]


class NextStatus(Closed):
    status: LeadStatus
    label: str


class FieldChange(Closed):
    """One field a repeated submission asked differently (shown to consultants, never applied)."""

    field: str
    label: str
    before: str
    after: str


class HistoryEntry(Closed):
    at: str
    kind: str
    label: str
    actor: str = Field(description="client, systeme or the consultant's label.")
    by: str = Field(description="Who acted, in French: « le client », « le système » or the consultant's label.")
    text: str
    changes: list[FieldChange] = Field(description="A repeated submission's differences; empty for other events.")


class LeadDetail(LeadSummary):
    """The summary's fields, and the whole lead with what it needs to be worked on."""

    price_ht: str = Field(description="The devis's price HT, euros as a decimal string.")
    filing: dict[str, Any] | None = Field(description="How this OPCO takes the request (None: unknown OPCO).")
    lead: dict[str, Any] = Field(description="The lead as stored, without its provenance.")
    deadline: FilingDeadline
    estimate: dict[str, Any] | None
    documents: list[str]
    pack_requested: int
    allowed_next: list[NextStatus]
    history: list[HistoryEntry]


class EditAnswer(Closed):
    id: str
    rev: int
    pack_requested: int
    dossier: DossierFields


class StatusAnswer(Closed):
    id: str
    rev: int
    status: LeadStatus
    tracking: Tracking


class DocumentLink(Closed):
    name: str
    href: str


class PackDocuments(Closed):
    version: int | None
    pack_requested: int
    documents: list[DocumentLink]


class DownloadLink(Closed):
    url: str = Field(description="A presigned S3 URL.")
    expires_in: int


class Erasure(Closed):
    items_deleted: int
    s3_versions_deleted: int
