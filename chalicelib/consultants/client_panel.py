"""The consultant's side of the client space: the lead page's panel, countersign, confirm, signed files.

A client's filing or decision becomes a status only here, through the consultants' own workflow
(consultants/service.change_status): nothing a client says moves the lead by itself.
"""

from __future__ import annotations

from typing import Any

from chalicelib.client.jobs import ClientJob
from chalicelib.client.requests import Invalid
from chalicelib.client.service import Evidence, new_signer, now
from chalicelib.consultants import service
from chalicelib.consultants.auth import Consultant
from chalicelib.consultants.requests import Countersignature, StatusUpdate
from chalicelib.consultants.service import ConsultantPorts, consultant_ports
from chalicelib.leads.client_space import OUTCOME_LABELS, SIGNABLE, ClientSpace, Signature
from chalicelib.leads.model import Lead, LeadStatus
from chalicelib.leads.workflow import StatusChange

NOT_SENDABLE = (LeadStatus.recu, LeadStatus.dossier_pret, LeadStatus.spam, LeadStatus.abandonne)


def countersign(
    lead_id: str,
    request: Countersignature,
    who: Consultant,
    evidence: Evidence,
    *,
    ports: ConsultantPorts | None = None,
) -> None:
    ports = ports or consultant_ports()
    lead = ports.leads.get(lead_id)
    space = ports.spaces.space(lead_id)
    document = request.document
    version = lead.pack.version if lead.pack else 0
    if document not in SIGNABLE:
        raise Invalid("countersign", "Le client n'a pas encore signé ce document (version en cours).")
    _, signed_sha256 = _countersignable(space, version, document)
    signer = new_signer("organisme", request.signer, evidence, pdf_sha256=signed_sha256)
    at = signer.signed_at

    def countersigned(s: ClientSpace) -> ClientSpace:
        fresh, _ = _countersignable(s, version, document)
        return s.with_signature(fresh.model_copy(update={"organisme": signer}))

    ports.spaces.update(lead_id, countersigned, read=space)
    ports.leads.record_event(
        lead_id, "contresignature", actor=who.label, now=at, details={"document": document, "version": version}
    )
    ports.jobs.send(ClientJob("signature", lead_id, version=version, document=document, party="organisme"))


def _countersignable(space: ClientSpace, version: int, document: str) -> tuple[Signature, str]:
    sig = space.signature(version, document)
    if sig is None or not sig.client_signed_key or not sig.client_signed_sha256:
        raise Invalid("countersign", "Le client n'a pas encore signé ce document (version en cours).")
    if sig.organisme:
        raise Invalid("countersign", "Ce document est déjà contresigné.")
    return sig, sig.client_signed_sha256


def confirm(
    lead_id: str, what: str, expected_rev: int, who: Consultant, *, ports: ConsultantPorts | None = None
) -> Lead:
    """Turn the client's filing or decision into the lead's status (the consultant's workflow), from the
    lead's revision the consultant's page shows."""
    ports = ports or consultant_ports()
    store = ports.spaces
    space = store.space(lead_id)
    if what == "depot" and space.filing and not space.filing.confirmed_at:
        f = space.filing
        lead = ports.leads.get(lead_id)
        if lead.status == LeadStatus.envoye_client:  # else the consultant recorded the filing already
            filed = StatusChange(status=LeadStatus.demande_deposee, on=f.filed_on, opco_file_number=f.opco_file_number)
            lead = service.change_status(lead_id, StatusUpdate(filed, expected_rev), who, ports=ports)
        store.update(lead_id, lambda s: _confirmed(s, "filing"), read=space)
        return lead
    if what == "decision" and space.decision and not space.decision.confirmed_at:
        d = space.decision
        decided = StatusChange(status=LeadStatus(d.outcome), on=d.decided_on, amount_granted=d.amount)
        lead = service.change_status(lead_id, StatusUpdate(decided, expected_rev), who, ports=ports)
        store.update(lead_id, lambda s: _confirmed(s, "decision"), read=space)
        return lead
    raise Invalid("confirm", "Rien à confirmer : la proposition du client a déjà été traitée.")


def _confirmed(space: ClientSpace, what: str) -> ClientSpace | None:
    proposal = space.filing if what == "filing" else space.decision
    if proposal is None:
        return None
    return space.model_copy(update={what: proposal.model_copy(update={"confirmed_at": now()})})


def panel(lead: Lead, *, ports: ConsultantPorts | None = None) -> dict[str, Any]:
    """What the consultant's lead page shows of the client space."""
    ports = ports or consultant_ports()
    space = ports.spaces.space(lead.id)
    version = lead.pack.version if lead.pack else 0
    signatures = [
        {"document": doc, "label": label, "sig": space.signature(version, doc)} for doc, label in SIGNABLE.items()
    ]
    older = [s for key, s in space.signatures.items() if not key.startswith(f"{version}/")]
    from chalicelib.dossier.organisme import organisme_profile

    signatory = organisme_profile(ports.stage).signatory
    return {
        "signatory": signatory,
        "space": space,
        "link": space.link,
        "link_active": bool(space.link and not space.link.revoked_at and space.link.expires_at > now()),
        # The first link goes with the status change to "Envoyé au client"; this button sends a new one.
        "can_send": lead.pack is not None and lead.status not in NOT_SENDABLE,
        "signatures": signatures,
        "older_signatures": older,
        "version": version,
        "outcome_labels": OUTCOME_LABELS,
    }


def _presign(ports: ConsultantPorts, lead_id: str, key: str, filename: str, who: Consultant, what: str) -> str:
    url = ports.client_files.presigned_url(key, expires_s=ports.presign_expiry_s, filename=filename)
    ports.leads.record_event(lead_id, "telechargement", actor=who.label, now=now(), details={"fichier": what})
    return url


def signed_url(
    lead_id: str, document: str, party: str, who: Consultant, *, ports: ConsultantPorts | None = None
) -> str | None:
    """A signed PDF of the current version (client-signed or countersigned), or None."""
    ports = ports or consultant_ports()
    lead = ports.leads.get(lead_id)
    version = lead.pack.version if lead.pack else 0
    sig = ports.spaces.space(lead_id).signature(version, document)
    key = sig and (sig.client_signed_key if party == "client" else sig.final_key)
    if not key:
        return None
    name = f"{lead_id[-8:]}-v{version}-{document.removesuffix('.pdf')}-signe-{party}.pdf"
    return _presign(ports, lead_id, key, name, who, name)


def decision_url(lead_id: str, who: Consultant, *, ports: ConsultantPorts | None = None) -> str | None:
    ports = ports or consultant_ports()
    d = ports.spaces.space(lead_id).decision
    if d is None or d.upload_state != "accepte" or not d.upload_key:
        return None
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(d.upload_type or "", "bin")
    return _presign(ports, lead_id, d.upload_key, f"{lead_id[-8:]}-decision-opco.{ext}", who, "decision-opco")
