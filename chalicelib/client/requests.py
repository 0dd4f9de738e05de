"""What a client's form says, parsed at the door. Pure.

client/routes.py hands the urlencoded form (lists of strings) or the query parameters to these
functions and passes the typed values they return to client/service.py. A form's mistakes are one
`Invalid` with a French message for each field that has one (the page shows each by its field);
what depends on the dossier (the document's hash, a filing before the decision) is the service's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal, NamedTuple, cast, get_args

from chalicelib.leads.client_space import OUTCOME_LABELS, SIGNABLE, Outcome
from chalicelib.leads.workflow import TransitionRefused, parse_amount
from chalicelib.web import FieldError, UserError

UPLOAD_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
# The part of the page an action comes back to (?ok=...), which says what was done.
Notice = Literal["signature", "depot", "decision", "fichier", "rappels"]


class Invalid(UserError):
    """A client's form with a mistake: French message for one field or more."""


class SignerInput(NamedTuple):
    """Who signs, as what; there is one only once the consent box was ticked."""

    name: str
    role: str


class SignatureInput(NamedTuple):
    document: str  # one of SIGNABLE
    sha256: str  # the hash of the PDF the page showed: the one the client approves
    signer: SignerInput


class FilingInput(NamedTuple):
    filed_on: date
    opco_file_number: str


class DecisionInput(NamedTuple):
    outcome: Outcome
    decided_on: date
    amount: Decimal | None  # HT, more than 0; None for a refusal


class UploadChoice(NamedTuple):
    kind: str  # pdf | jpeg | png, as the page names it
    content_type: str  # what the upload's policy fixes


class _Fields:
    """A form read field by field: the first mistake of each field is kept, all raised at once."""

    def __init__(self, form: Mapping[str, Any]):
        self.form = form
        self.errors: dict[str, str] = {}

    def text(self, name: str, limit: int) -> str:
        value = self.form.get(name)
        if isinstance(value, list):  # urlencoded: the first of the field's values
            value = value[0] if value else None
        text = str(value or "").strip()
        if len(text) > limit:
            self.refuse(name, f"{limit} caractères au plus.")
        return text

    def refuse(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def date(self, name: str, today: date) -> date:
        raw = self.text(name, 10)
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            self.refuse(name, "Indiquez une date (jj/mm/aaaa).")
            return today
        if value > today:
            self.refuse(name, "La date ne peut pas être dans le futur.")
        if value.year < today.year - 2:
            self.refuse(name, "Date trop ancienne : vérifiez l'année.")
        return value

    def signer(self) -> SignerInput:
        name, role = self.text("name", 120), self.text("role", 120)
        if len(name) < 3:
            self.refuse("name", "Indiquez vos prénom et nom.")
        if len(role) < 2:
            self.refuse("role", "Indiquez votre qualité (par exemple : gérante, directeur des ressources humaines).")
        if self.text("consent", 10) != "oui":
            self.refuse("consent", "Cochez la case pour consentir à la signature électronique.")
        return SignerInput(name, role)

    def checked(self) -> None:
        if self.errors:
            (field, message), *more = self.errors.items()
            raise Invalid(field, message, *(FieldError(f, m) for f, m in more))


def parse_signer(form: Mapping[str, Any]) -> SignerInput:
    """The signer's fields (name, role, consent) of a signature form: the client's or the organisme's."""
    fields = _Fields(form)
    signer = fields.signer()
    fields.checked()
    return signer


def parse_signature(form: Mapping[str, Any]) -> SignatureInput:
    fields = _Fields(form)
    document = fields.text("document", 40)
    if document not in SIGNABLE:
        fields.refuse("document", "Document à signer inconnu.")
    sha256 = fields.text("sha256", 64)
    signature = SignatureInput(document, sha256, fields.signer())
    fields.checked()
    return signature


def parse_filing(form: Mapping[str, Any], today: date) -> FilingInput:
    fields = _Fields(form)
    filed_on = fields.date("filed_on", today)
    number = fields.text("opco_file_number", 60)
    if len(number) < 3:
        fields.refuse("opco_file_number", "Indiquez le numéro de dossier donné par l'OPCO.")
    fields.checked()
    return FilingInput(filed_on, number)


def parse_decision(form: Mapping[str, Any], today: date) -> DecisionInput:
    fields = _Fields(form)
    outcome = fields.text("outcome", 20)
    if outcome not in OUTCOME_LABELS:
        fields.refuse("outcome", "Choisissez la décision de l'OPCO : accord, accord partiel ou refus.")
    decided_on = fields.date("decided_on", today)
    amount = None
    if outcome in ("accord", "accord_partiel"):
        try:
            amount = parse_amount(fields.text("amount", 20) or None, "amount")
        except TransitionRefused as exc:
            fields.refuse("amount", exc.message)
        if amount is None or amount <= 0:
            fields.refuse("amount", "Indiquez le montant accordé par l'OPCO (en euros HT).")
    fields.checked()
    return DecisionInput(cast(Outcome, outcome), decided_on, amount)


def parse_upload_choice(form: Mapping[str, Any]) -> UploadChoice:
    kind = _Fields(form).text("type", 10)
    if kind not in UPLOAD_TYPES:
        raise Invalid("file", "Choisissez le type du fichier : PDF, JPEG ou PNG.")
    return UploadChoice(kind, UPLOAD_TYPES[kind])


def parse_notice(params: Mapping[str, Any] | None) -> Notice | None:
    """The page's `ok` parameter: what the client just did (any other value says nothing)."""
    ok = (params or {}).get("ok")
    return cast(Notice, ok) if ok in get_args(Notice) else None
