"""The worker's side of the client space: write signed documents once, check uploaded decisions.

Imported by the worker only (it loads fpdf and pypdf through signing.py, lazily).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.client.jobs import ClientJob
from chalicelib.client.mail import notify_consultants
from chalicelib.client.wiring import WorkPorts, work_ports
from chalicelib.dossier.client_files import MAX_UPLOAD_BYTES, signed_key
from chalicelib.leads.client_space import SIGNABLE, ClientSpace, Signer
from chalicelib.leads.model import Lead
from chalicelib.observability import logger

if TYPE_CHECKING:
    from chalicelib.ports import SignedFiles

# File signatures ("magic numbers") of the types a decision may have: the declared type is not trusted.
MAGIC = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
TYPE_NAMES = {"application/pdf": "un PDF", "image/jpeg": "une image JPEG", "image/png": "une image PNG"}


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC.items() if head.startswith(magic)), None)


def mismatch_note(declared: str | None, real: str) -> str:
    """Why a file whose content is not the type the client chose is refused (French, shown to both sides)."""
    chosen = TYPE_NAMES.get(declared or "", "un autre type")
    return f"Ce fichier est {TYPE_NAMES[real]} alors que vous aviez choisi {chosen} : recommencez avec le bon type."


def handle(job: ClientJob, *, now: datetime | None = None, ports: WorkPorts | None = None) -> bool:
    now, ports = now or datetime.now(UTC), ports or work_ports()
    lead = ports.leads.get(job.lead_id)
    space = ports.spaces.space(job.lead_id)
    if job.kind == "signature":
        return _sign(ports, lead, space, job, now)
    return _check_upload(ports, lead, space)


def _sign(ports: WorkPorts, lead: Lead, space: ClientSpace, job: ClientJob, now: datetime) -> bool:
    from chalicelib.client import signing
    from chalicelib.dossier.storage import pack_prefix

    sig = space.signature(job.version, job.document)
    files = ports.files
    if sig is None:
        raise ValueError("signature job without a recorded signature")
    if job.party == "client":
        if sig.client is None or sig.client_signed_key:
            return False  # nothing to do, or done by an earlier delivery
        source = ports.packs.read(pack_prefix(lead.id, job.version) + job.document)
        if signing.sha256(source) != sig.source_sha256:
            raise ValueError("the pack's PDF does not match the signed hash")  # never sign another file
        signers = [sig.client]
    else:
        if sig.organisme is None or sig.final_key or not sig.client_signed_key or sig.client is None:
            return False
        source = files.read(sig.client_signed_key)
        signers = [sig.client, sig.organisme]
    signer = signers[-1]
    body = signing.signed_pdf(source, signer, _certificate(lead, job, signers, ports.stage))
    key = signed_key(lead.id, job.version, job.document, job.party)
    digest = _put_once(files, key, body, now)
    done = (
        {"client_signed_key": key, "client_signed_sha256": digest}
        if job.party == "client"
        else {"final_key": key, "final_sha256": digest}
    )
    _save_signature(ports, lead.id, job, done, space)
    ports.leads.add_event(
        lead.id,
        "document_signe",
        at=now,
        details={"document": job.document, "version": job.version, "partie": job.party, "sha256": digest},
        expires_at=lead.expires_at,
    )
    logger.info("signed document written", extra={"document": job.document, "party": job.party})
    return True


def _certificate(lead: Lead, job: ClientJob, signers: list[Signer], stage: str) -> bytes:
    from chalicelib.client import signing
    from chalicelib.dossier.organisme import organisme_profile

    o = organisme_profile(stage)
    letterhead = (o.name, f"{' – '.join(o.address)} · SIRET {o.siret} · NDA {o.nda}")
    reference = f"dossier {lead.id}, version {job.version}"
    return signing.certificate(
        title=SIGNABLE[job.document],
        reference=reference,
        company=lead.company_name,
        signers=signers,
        letterhead=letterhead,
    )


def _put_once(files: SignedFiles, key: str, body: bytes, now: datetime) -> str:
    """Write the signed file once; an earlier delivery that died after writing left the one to keep."""
    from chalicelib.client import signing

    if files.head(key) is None:
        files.put_signed(key, body, now=now)
        return signing.sha256(body)
    return signing.sha256(files.read(key))


def _save_signature(ports: WorkPorts, lead_id: str, job: ClientJob, done: dict[str, str], read: ClientSpace) -> None:
    def stamped(space: ClientSpace) -> ClientSpace:
        sig = space.signature(job.version, job.document)
        if sig is None:
            raise ValueError("signature vanished")
        return space.with_signature(sig.model_copy(update=done))

    # The client or a consultant may have acted since `read`: the store then re-reads and re-applies.
    ports.spaces.update(lead_id, stamped, read=read)


def _check_upload(ports: WorkPorts, lead: Lead, space: ClientSpace) -> bool:
    decision = space.decision
    if decision is None or decision.upload_key is None or decision.upload_state != "verification":
        return False
    files = ports.files
    head = files.head(decision.upload_key)
    note, kind = None, None
    if head is None:
        note = "Aucun fichier reçu : recommencez l'envoi."
    elif int(head["ContentLength"]) > MAX_UPLOAD_BYTES:
        note = "Fichier trop volumineux (10 Mo au plus)."
    else:
        kind = sniff(files.read(decision.upload_key, first_bytes=16))
        if kind is None:
            note = "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG."
        elif kind != head.get("ContentType"):  # the type chosen on the page, fixed by the upload's policy
            note = mismatch_note(head.get("ContentType"), kind)
            kind = None
    if note and head is not None:
        files.delete_upload(decision.upload_key)
    update = {"upload_state": "refuse" if note else "accepte", "upload_note": note, "upload_type": kind}

    def checked(s: ClientSpace) -> ClientSpace | None:
        if s.decision is None or s.decision.upload_key != decision.upload_key:
            return None  # the client started another upload meanwhile: its own job checks that one
        return s.model_copy(update={"decision": s.decision.model_copy(update=update)})

    ports.spaces.update(lead.id, checked, read=space)
    if not note:
        notify_consultants(
            lead, "le client a joint le courrier de décision de l'OPCO", ports.consultants, ports.public_base_url
        )
    logger.info("decision upload checked", extra={"accepted": not note})
    return True
