"""What the client space stores for one lead: its link, signatures, filing and decision. Pure."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SIGNABLE = {"devis.pdf": "Devis", "convention.pdf": "Convention de formation"}
CONSENT_TEXT = (
    "Je déclare avoir lu le document et l'accepter. Je consens à le signer électroniquement et "
    "reconnais que cette signature électronique simple m'engage comme une signature manuscrite."
)
Outcome = Literal["accord", "accord_partiel", "refus"]
OUTCOME_LABELS = {"accord": "Accord", "accord_partiel": "Accord partiel", "refus": "Refus"}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Link(_Frozen):
    nonce: str
    token_hash: str
    issued_at: datetime
    expires_at: datetime
    sent_to_hint: str  # "c***@atelier-dupont.fr": what the consultant page shows
    sent_by: str
    opened_at: datetime | None = None
    revoked_at: datetime | None = None


class Signer(_Frozen):
    """One signature's audit trail: who typed what, when, from where (hashed), on which exact file."""

    party: Literal["client", "organisme"]
    name: str
    role: str
    consent: str
    signed_at: datetime
    ip_hash: str | None
    user_agent: str
    pdf_sha256: str  # the document as it was when signed (the pack's file, or the client-signed one)


class Signature(_Frozen):
    """A document of one pack version and its signers; the worker writes the signed files."""

    document: str
    version: int
    source_sha256: str  # the pack's PDF the client saw and signed
    client: Signer | None = None
    organisme: Signer | None = None
    client_signed_key: str | None = None  # write-once copy with the client's block and certificate
    client_signed_sha256: str | None = None
    final_key: str | None = None  # countersigned by the organisme
    final_sha256: str | None = None

    @property
    def state(self) -> str:
        if self.final_key:
            return "contresigne"
        if self.organisme:
            return "contresignature_en_cours"
        if self.client_signed_key:
            return "signe"
        return "en_cours" if self.client else "a_signer"


class Filing(_Frozen):
    filed_on: date
    opco_file_number: str
    declared_at: datetime
    confirmed_at: datetime | None = None


class Decision(_Frozen):
    outcome: Outcome
    decided_on: date
    amount: Decimal | None = None
    declared_at: datetime
    upload_key: str | None = None  # the OPCO's letter, once uploaded
    upload_state: Literal["attendu", "verification", "accepte", "refuse"] = "attendu"
    upload_note: str | None = None  # French, why a file was refused
    upload_type: str | None = None
    confirmed_at: datetime | None = None


class ClientSpace(_Frozen):
    lead_id: str
    rev: int = 0
    link: Link | None = None
    signatures: dict[str, Signature] = Field(default_factory=dict)  # "<version>/<document>"
    filing: Filing | None = None
    decision: Decision | None = None
    reminders_off: bool = False
    reminders_sent: tuple[str, ...] = ()  # "J-7:<deadline>", "J-2:<deadline>"
    expires_at: int | None = None  # the lead's retention TTL

    def signature(self, version: int, document: str) -> Signature | None:
        return self.signatures.get(f"{version}/{document}")

    def with_signature(self, sig: Signature) -> ClientSpace:
        return self.model_copy(update={"signatures": {**self.signatures, f"{sig.version}/{sig.document}": sig}})


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
