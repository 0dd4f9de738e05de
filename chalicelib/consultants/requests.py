"""What a consultant's request says, parsed at the door. Pure.

The JSON API (api.py) and the pages (pages.py, client_routes.py) hand their query parameters, JSON
body or urlencoded form (lists of strings) to these functions and pass the typed values they return to
the services; a mistake is a UserError with a French message per field, answered 400 (BadRequest) or
422 (InvalidEdit, TransitionRefused, client.requests.Invalid).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, NamedTuple, cast, get_args

from chalicelib.client.requests import SignerInput, parse_signer
from chalicelib.consultants.edits import parse_fields
from chalicelib.leads.listing import LeadFilter
from chalicelib.leads.model import DossierFields, LeadStatus
from chalicelib.leads.workflow import StatusChange, parse_change
from chalicelib.web import UserError

# Filter dates outside these bounds name no lead (and 9999-12-31 + 1 day overflows).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 30)
MAX_REV = 2**53  # a JSON number any client reads exactly; DynamoDB numbers stop at 38 digits
ERASE_WORD = "EFFACER"


class BadRequest(UserError):
    """A parameter the consultant's request got wrong (400)."""


def first(value: Any) -> Any:
    """A form's value (urlencoded forms give lists), or a JSON body's."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def field_text(params: Mapping[str, Any], name: str) -> str:
    """A parameter's text, stripped ("" when absent)."""
    return str(first(params.get(name)) or "").strip()


def _text(params: Mapping[str, Any], name: str) -> str | None:
    return field_text(params, name) or None


# --- the lead list ------------------------------------------------------------------------------


class Listing(NamedTuple):
    """A page of the lead list: the filter, and where the previous page stopped (None: the first)."""

    filter: LeadFilter
    cursor: str | None


def parse_filter(params: Mapping[str, Any] | None) -> LeadFilter:
    params = params or {}
    status = _text(params, "status")
    if status and status not in LeadStatus.__members__:
        raise BadRequest("status", "Statut inconnu.")
    opco = _text(params, "opco")
    if opco and (len(opco) > 40 or not opco.replace("-", "").replace("_", "").isalnum()):
        raise BadRequest("opco", "OPCO inconnu.")
    dates: dict[str, date | None] = {}
    for name in ("from", "to"):
        value = _text(params, name)
        try:
            day = dates[name] = date.fromisoformat(value) if value else None
        except ValueError:
            raise BadRequest(name, "Date invalide (format attendu : AAAA-MM-JJ).") from None
        if day and not FIRST_DAY <= day <= LAST_DAY:
            raise BadRequest(name, "Date hors limites : choisissez une date entre 2000 et 2999.")
    query = _text(params, "q")
    if query and len(query) > 100:
        raise BadRequest("q", "Recherche trop longue (100 caractères au plus).")
    return LeadFilter(status=status, opco=opco, date_from=dates["from"], date_to=dates["to"], query=query)


def parse_listing(params: Mapping[str, Any] | None) -> Listing:
    """The list's query parameters; the cursor is checked by the store, against the filter's index."""
    return Listing(parse_filter(params), _text(params or {}, "cursor"))


# --- the lead page ---------------------------------------------------------------------------------

# What the consultant just did, shown once on the lead page (`?ok=`, set by the redirects after a form).
LeadNotice = Literal["dossier", "statut", "lien", "revoque", "contresigne"]


def parse_lead_notice(params: Mapping[str, Any] | None) -> LeadNotice | None:
    """The lead page's `ok` parameter; any other value says nothing."""
    ok = _text(params or {}, "ok")
    return cast(LeadNotice, ok) if ok in get_args(LeadNotice) else None


# --- edits ----------------------------------------------------------------------------------------


def parse_rev(value: Any) -> int:
    """The lead's revision the consultant's page or client read (optimistic locking)."""
    value = first(value)
    if isinstance(value, bool) or (isinstance(value, str) and len(value) > 20):
        value = None  # True is not revision 1; a 5,000-digit string is no revision at all
    try:
        rev = int(value)
    except (TypeError, ValueError, OverflowError):  # None, "abc", 1e400 (inf)
        raise BadRequest("rev", "Révision manquante : rechargez la fiche puis recommencez.") from None
    if not 0 <= rev <= MAX_REV or (isinstance(value, float) and value != rev):
        raise BadRequest("rev", "Révision invalide : rechargez la fiche puis recommencez.")
    return rev


@dataclass(frozen=True)
class DossierEdit:
    """The dossier fields a request changes, at the revision it was read."""

    fields: DossierFields  # only the fields the request names (`model_fields_set`); None = the lead's value
    expected_rev: int


def parse_dossier_edit(data: Mapping[str, Any]) -> DossierEdit:
    """A JSON body or a page form (lists); InvalidEdit (422) for its fields, then BadRequest for `rev`."""
    return DossierEdit(DossierFields(**parse_fields(data)), parse_rev(data.get("rev")))


def parse_dossier_form(fields: Mapping[str, list[str]]) -> DossierEdit:
    """The lead page's form posts every field but an unticked checkbox: named blank, it goes back to the
    lead's value, as any blank field does."""
    return parse_dossier_edit({"subrogation": [""], **fields})


class StatusUpdate(NamedTuple):
    change: StatusChange
    expected_rev: int


def parse_status_update(data: Mapping[str, Any]) -> StatusUpdate:
    """A JSON body or a page form; TransitionRefused (422) for its fields, then BadRequest for `rev`."""
    return StatusUpdate(parse_change(data), parse_rev(data.get("rev")))


def parse_erasure(fields: Mapping[str, Any]) -> None:
    """An erasure is typed out, not clicked by mistake."""
    if _text(fields, "confirmation") != ERASE_WORD:
        raise BadRequest("confirmation", "Tapez EFFACER pour confirmer l'effacement définitif.")


# --- the client space -------------------------------------------------------------------------------


class Countersignature(NamedTuple):
    """The organisme's signature of a document the client signed: who signs, as what (consent given)."""

    document: str
    signer: SignerInput


def parse_countersignature(fields: Mapping[str, Any]) -> Countersignature:
    signer = parse_signer(dict(fields))  # the client's own rules and messages, for the same form
    return Countersignature(_text(fields, "document") or "", signer)
