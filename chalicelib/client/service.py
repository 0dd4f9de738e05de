"""What the client does through its personal link: open, download, sign, file, report the decision.

Nothing here changes the lead's status: filing and decision are stored as proposals that a
consultant confirms (chalicelib/consultants/client_panel.py). Every action lands in the lead's history
with the actor "client" and in the day's list for the consultants' digest.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from chalicelib.client import tokens
from chalicelib.client.jobs import ClientJob
from chalicelib.client.mail import notify_consultants
from chalicelib.client.requests import DecisionInput, FilingInput, Invalid, SignatureInput, SignerInput
from chalicelib.client.view import page
from chalicelib.client.wiring import ClientPorts, client_ports
from chalicelib.formats import fr_date
from chalicelib.leads.client_space import (
    CONSENT_TEXT,
    OUTCOME_LABELS,
    SIGNABLE,
    ClientSpace,
    Decision,
    Filing,
    Signature,
    Signer,
)
from chalicelib.leads.model import Lead, LeadStatus
from chalicelib.leads.store import LeadNotFound
from chalicelib.pricing import price_lead
from chalicelib.pricing.deadline import deadline

if TYPE_CHECKING:
    from chalicelib.ports import ClientSpaces

CLOSED = (LeadStatus.abandonne, LeadStatus.spam)


class LinkRefused(Exception):
    """A token that opens nothing: `kind` is invalide | expire | revoque (the 4xx page says which)."""

    def __init__(self, kind: str, status: int):
        super().__init__(kind)
        self.kind = kind
        self.status = status


class Opened(NamedTuple):
    lead: Lead
    space: ClientSpace
    token: str


class Evidence(NamedTuple):
    """Where a signature was given from, for its audit trail: the IP's keyed hash (never the address)
    and the browser."""

    ip_hash: str | None
    user_agent: str

    @classmethod
    def of(cls, request: Any) -> Evidence:
        """The evidence of the request that signs (a Chalice request)."""
        from chalicelib.intake.screening import ip_hash, source_ip

        return cls(ip_hash(source_ip(request)), request.headers.get("user-agent", "")[:300])


def now() -> datetime:
    return datetime.now(UTC)


def open_link(token: str, *, at: datetime | None = None, ports: ClientPorts | None = None) -> Opened:
    """The dossier a token opens, or LinkRefused; a token opens one dossier and one only."""
    at = at or now()
    if not tokens.well_formed(token):
        raise LinkRefused("invalide", 404)
    hashed = tokens.token_hash(token)
    ports = ports or client_ports()
    store = ports.spaces
    record = store.find_link(hashed)
    if record is None:
        raise LinkRefused("invalide", 404)
    space = store.space(record.lead_id)
    link = space.link
    if link is None or link.token_hash != hashed or link.revoked_at is not None:
        raise LinkRefused("revoque", 410)
    if record.expires_at < at.timestamp() or link.expires_at < at:
        raise LinkRefused("expire", 410)
    try:
        lead = ports.leads.get(record.lead_id)
    except LeadNotFound:
        raise LinkRefused("revoque", 410) from None
    if lead.status in CLOSED:
        raise LinkRefused("revoque", 410)
    if link.opened_at is None:

        def first_opening(s: ClientSpace) -> ClientSpace | None:
            if s.link is None or s.link.opened_at is not None:
                return None
            return s.model_copy(update={"link": s.link.model_copy(update={"opened_at": at})})

        space = store.update(lead.id, first_opening, read=space)
        if space.link and space.link.opened_at == at:
            _record(store, lead, "lien_ouvert", at, {})
    return Opened(lead, space, token)


def page_view(o: Opened, *, today: date, ports: ClientPorts | None = None) -> dict[str, Any]:
    """What the client's page shows: the dossier, with the portal's fields from the pack's prefill, and the
    estimate priced as the pack and the consultant's page price it (the consultant's edits included: the
    estimate stored at intake is the visitor's request, not the dossier)."""
    lead, prefill = o.lead, None
    if lead.pack and "prefill.json" in lead.pack.keys:
        prefill = json.loads((ports or client_ports()).packs.read(lead.pack.keys["prefill.json"]))
    return page(lead, o.space, prefill, deadline(lead, today), price_lead(lead, today).estimate, today)


def _record(store: ClientSpaces, lead: Lead, kind: str, at: datetime, details: dict[str, Any]) -> None:
    store.record_action(lead.id, kind, at=at, details=details, expires_at=lead.expires_at)


def document_url(o: Opened, name: str, *, ports: ClientPorts | None = None) -> str:
    """A short-lived presigned URL of a document of the current pack (or its signed copy), recorded."""
    ports = ports or client_ports()
    lead, expires = o.lead, ports.presign_expiry_s
    if not lead.pack:
        raise Invalid("document", "Document introuvable.")
    filename = f"{lead.id[-8:]}-v{lead.pack.version}-{name}"
    if name in lead.pack.keys and name != "prefill.json":
        url = ports.packs.presigned_url(lead.pack.keys[name], expires_s=expires, filename=filename)
    else:
        sig = o.space.signature(lead.pack.version, name.removesuffix("-signe.pdf") + ".pdf")
        key = sig and (sig.final_key or sig.client_signed_key)
        if not name.endswith("-signe.pdf") or not key:
            raise Invalid("document", "Document introuvable.")
        url = ports.documents.presigned_url(key, expires_s=expires, filename=filename)
    _record(ports.spaces, lead, "telechargement", now(), {"fichier": name, "version": lead.pack.version})
    return url


def new_signer(
    party: Literal["client", "organisme"],
    who: SignerInput,
    evidence: Evidence,
    *,
    pdf_sha256: str,
) -> Signer:
    """The audit trail of one signature: who (parsed at the door, consent given), as what, when."""
    return Signer(
        party=party,
        name=who.name,
        role=who.role,
        consent=CONSENT_TEXT,
        signed_at=now(),
        ip_hash=evidence.ip_hash,
        user_agent=evidence.user_agent,
        pdf_sha256=pdf_sha256,
    )


def sign(o: Opened, form: SignatureInput, evidence: Evidence, *, ports: ClientPorts | None = None) -> Signature:
    """Record the client's signature of one document of the current pack; the worker stamps it."""
    lead, space, document = o.lead, o.space, form.document
    if document not in SIGNABLE or not lead.pack:
        raise Invalid("document", "Document à signer inconnu.")
    version, expected = lead.pack.version, lead.pack.sha256.get(document)
    if lead.pack_requested > version:
        raise Invalid(
            "document", "Une nouvelle version du dossier est en préparation : rechargez la page dans un instant."
        )
    if not expected:  # a pack built before signatures existed: its hashes were never recorded
        raise Invalid("document", "Ce document doit d'abord être régénéré par votre conseiller : contactez-le.")
    if form.sha256 != expected:
        raise Invalid("document", "Le document a changé depuis l'ouverture de la page : rechargez-la puis signez.")
    _unsigned(space, version, document)
    signer = new_signer("client", form.signer, evidence, pdf_sha256=expected)
    at = signer.signed_at
    sig = Signature(document=document, version=version, source_sha256=expected, client=signer)
    ports = ports or client_ports()
    store = ports.spaces
    # Re-applied to a fresh read if the worker (stamping the previous signature) wrote in between.
    store.update(lead.id, lambda s: _unsigned(s, version, document).with_signature(sig), read=space)
    _record(store, lead, "signature_client", at, {"document": document, "version": version, "sha256": expected})
    queue_job(ClientJob("signature", lead.id, version=version, document=document, party="client"), ports=ports)
    notify_consultants(
        lead,
        f"le client a signé « {SIGNABLE[document]} » (version {version})",
        ports.consultants,
        ports.public_base_url,
    )
    return sig


def _unsigned(space: ClientSpace, version: int, document: str) -> ClientSpace:
    if (existing := space.signature(version, document)) and existing.client:
        raise Invalid("document", "Vous avez déjà signé ce document.")
    return space


def queue_job(job: ClientJob, *, ports: ClientPorts | None = None) -> None:
    (ports or client_ports()).jobs.send(job)


def declare_filing(o: Opened, form: FilingInput, *, ports: ClientPorts | None = None) -> Filing:
    at = now()
    filed_on, number = form
    filing = Filing(filed_on=filed_on, opco_file_number=number, declared_at=at)
    ports = ports or client_ports()
    store = ports.spaces
    store.update(o.lead.id, lambda s: s.model_copy(update={"filing": filing}), read=o.space)
    _record(store, o.lead, "depot_declare", at, {"le": filed_on.isoformat(), "numero_dossier_opco": number})
    what = f"le client a déposé la demande à l'OPCO le {fr_date(filed_on)}, à confirmer"
    notify_consultants(o.lead, what, ports.consultants, ports.public_base_url)
    return filing


def declare_decision(o: Opened, form: DecisionInput, *, ports: ClientPorts | None = None) -> Decision:
    _filed(o.space)
    at = now()
    outcome, decided_on, amount = form
    decision = Decision(outcome=outcome, decided_on=decided_on, amount=amount, declared_at=at)
    ports = ports or client_ports()
    store = ports.spaces
    store.update(o.lead.id, lambda s: _filed(s).model_copy(update={"decision": decision}), read=o.space)
    details = {"decision": outcome, "le": decided_on.isoformat(), "montant": str(amount) if amount else None}
    _record(store, o.lead, "decision_declaree", at, {k: v for k, v in details.items() if v})
    what = f"le client signale la décision de l'OPCO ({OUTCOME_LABELS[outcome]}), à confirmer"
    notify_consultants(o.lead, what, ports.consultants, ports.public_base_url)
    return decision


def _filed(space: ClientSpace) -> ClientSpace:
    if space.filing is None:
        raise Invalid("outcome", "Indiquez d'abord que la demande a été déposée.")
    return space


def upload_form(o: Opened, content_type: str, *, ports: ClientPorts | None = None) -> dict[str, Any]:
    """The presigned POST for the OPCO's letter: its policy fixes the key, the type and 10 MB at most."""
    ports = ports or client_ports()
    key = f"uploads/{o.lead.id}/{secrets.token_hex(12)}"

    def with_key(s: ClientSpace) -> ClientSpace:
        if s.decision is None:
            raise Invalid("file", "Indiquez d'abord la décision de l'OPCO.")
        return s.model_copy(update={"decision": s.decision.model_copy(update={"upload_key": key})})

    ports.spaces.update(o.lead.id, with_key, read=o.space)
    redirect = f"{ports.public_base_url}/client/{o.token}/decision/recue"
    return ports.documents.upload_form(key, content_type=content_type, expires_s=600, redirect=redirect)


def upload_received(o: Opened, *, ports: ClientPorts | None = None) -> None:
    """S3 sent the browser back: the worker checks the file's real type and size."""

    def to_check(s: ClientSpace) -> ClientSpace | None:
        d = s.decision
        if d is None or d.upload_key is None or d.upload_state == "accepte":
            return None
        return s.model_copy(update={"decision": d.model_copy(update={"upload_state": "verification"})})

    ports = ports or client_ports()
    store = ports.spaces
    decision = store.update(o.lead.id, to_check, read=o.space).decision
    if decision is None or decision.upload_state != "verification":
        return
    _record(store, o.lead, "decision_televersee", now(), {})
    queue_job(ClientJob("upload", o.lead.id), ports=ports)


def set_reminders(o: Opened, *, on: bool, ports: ClientPorts | None = None) -> None:
    if o.space.reminders_off == (not on):
        return
    store = (ports or client_ports()).spaces
    store.update(o.lead.id, lambda s: s.model_copy(update={"reminders_off": not on}), read=o.space)
    _record(store, o.lead, "rappels_actives" if on else "rappels_arretes", now(), {})
