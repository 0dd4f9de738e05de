"""What the consultant API and pages both do: list, edit, change status, download, export, erase.

Handlers parse (consultants/requests.py) and answer; this module takes typed values and calls the
domain (pure) and the adapters (store, storage, jobs) through its ports, wired in consultant_ports().
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from chalicelib.consultants.auth import Consultant
from chalicelib.consultants.client_link import LinkPorts, link_ports, send_link
from chalicelib.consultants.edits import apply_edit, changed_fields, keep_defaults
from chalicelib.consultants.presenter import effective
from chalicelib.consultants.requests import BadRequest, DossierEdit, StatusUpdate
from chalicelib.dossier.jobs import DossierJob
from chalicelib.leads.listing import InvalidCursor, LeadFilter
from chalicelib.leads.model import EditStamp, Lead, LeadStatus
from chalicelib.leads.store import LeadPage
from chalicelib.leads.workflow import apply_change
from chalicelib.observability import logger

if TYPE_CHECKING:
    from chalicelib.leads.client_space import ClientSpace
    from chalicelib.ports import ClientBucket, ClientSpaces, ConsultantLeads, JobQueue, PackFiles

PAGE_SIZE = 25
EXPORT_MAX_ROWS = 5000


class DocumentNotFound(Exception):
    pass


class LeadRecord(NamedTuple):
    lead: Lead
    history: list[dict[str, Any]]


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ConsultantPorts:
    """What the consultant service uses; tests hand in tests/fakes.py's."""

    leads: ConsultantLeads
    jobs: JobQueue
    packs: PackFiles
    client_files: ClientBucket  # signed copies, the clients' letters
    presign_expiry_s: int
    form_secret: Callable[[], str]  # the duplicate fingerprint's key, read by an erasure only
    spaces: ClientSpaces  # the client space: what the lead page shows, countersignatures, confirmations
    client_link: LinkPorts  # "envoyé au client" e-mails the client its personal link
    stage: str  # the organisme's profile: who countersigns on the lead page


def consultant_ports() -> ConsultantPorts:
    """The real adapters (DynamoDB, SQS, both buckets, Secrets Manager) and settings: the one place they are wired."""
    from chalicelib.config import settings
    from chalicelib.dossier.client_files import client_files
    from chalicelib.dossier.jobs import dossier_jobs
    from chalicelib.dossier.storage import PRESIGN_MAX_S, dossier_storage
    from chalicelib.leads.store import leads_store
    from chalicelib.secret_store import form_token_secret

    s = settings()
    expiry = min(s.presign_expiry_s, PRESIGN_MAX_S)
    links = link_ports()
    return ConsultantPorts(
        leads_store(),
        dossier_jobs(),
        dossier_storage(),
        client_files(),
        expiry,
        form_token_secret,
        links.spaces,
        links,
        s.stage,
    )


def list_page(
    f: LeadFilter, cursor: str | None, limit: int = PAGE_SIZE, *, ports: ConsultantPorts | None = None
) -> LeadPage:
    try:
        return (ports or consultant_ports()).leads.list_leads(f, limit=limit, cursor=cursor)
    except InvalidCursor:
        raise BadRequest("cursor", "Lien de pagination invalide : revenez à la première page.") from None


def export_leads(f: LeadFilter, *, ports: ConsultantPorts | None = None) -> Iterator[Lead]:
    cursor, count, ports = None, 0, ports or consultant_ports()
    while True:
        page = list_page(f, cursor, limit=100, ports=ports)
        for lead in page.leads:
            yield lead
            count += 1
            if count >= EXPORT_MAX_ROWS:
                return
        cursor = page.cursor
        if not cursor:
            return


def _stamp(expected_rev: int, who: Consultant) -> EditStamp:
    """The edit's revision (the one the consultant's page was loaded at), author and time."""
    return EditStamp(expected_rev=expected_rev, actor=who.label, now=now())


def lead_record(lead_id: str, *, ports: ConsultantPorts | None = None) -> LeadRecord:
    """A lead and its history, oldest line first (LeadNotFound for a lead that is gone)."""
    leads = (ports or consultant_ports()).leads
    return LeadRecord(leads.get(lead_id), leads.events(lead_id))


def get_lead(lead_id: str, *, ports: ConsultantPorts | None = None) -> Lead:
    return (ports or consultant_ports()).leads.get(lead_id)


def edit_dossier(lead_id: str, edit: DossierEdit, who: Consultant, *, ports: ConsultantPorts | None = None) -> Lead:
    """Store the edit with the next pack version, and queue that version."""
    ports = ports or consultant_ports()
    store = ports.leads
    lead = store.get(lead_id)
    if lead.status == LeadStatus.spam:
        raise BadRequest("status", "Une demande indésirable n'a pas de dossier à modifier.")
    dossier = keep_defaults(lead.dossier, apply_edit(lead.dossier, edit.fields), effective(lead))
    changed = changed_fields(lead.dossier, dossier)
    if not changed:
        return lead
    updated = store.update_dossier(lead_id, dossier, _stamp(edit.expected_rev, who), changed=changed)
    try:
        ports.jobs.send(DossierJob(lead_id, updated.pack_requested))
    except Exception:  # the pending marker lets the sweeper send it again
        logger.exception("dossier job send failed after an edit; the sweeper will retry")
    return updated


def change_status(lead_id: str, update: StatusUpdate, who: Consultant, *, ports: ConsultantPorts | None = None) -> Lead:
    ports = ports or consultant_ports()
    store = ports.leads
    lead = store.get(lead_id)
    change = update.change
    today = now().date()
    tracking = apply_change(lead.status, lead.tracking, change, today=today)
    details = {"le": (change.on or today).isoformat()}
    if change.amount_granted is not None:
        details["montant"] = str(change.amount_granted)
    if change.opco_file_number:
        details["numero_dossier_opco"] = change.opco_file_number
    stamp = _stamp(update.expected_rev, who)
    updated = store.change_status(lead_id, change.status, tracking, stamp, details=details)
    if change.status == LeadStatus.envoye_client:  # the client gets its personal link (chalicelib/client)
        try:
            send_link(updated, who, ports=ports.client_link)
        except Exception:  # the status stands; the lead page offers to send the link again
            logger.exception("client link not sent after envoye_client")
    return updated


def send_client_link(lead_id: str, who: Consultant, *, ports: ConsultantPorts | None = None) -> ClientSpace:
    """A new personal link for the lead's client (the lead page's button); the last one stops working."""
    ports = ports or consultant_ports()
    return send_link(ports.leads.get(lead_id), who, ports=ports.client_link)


def download_url(lead_id: str, name: str, who: Consultant, *, ports: ConsultantPorts | None = None) -> tuple[str, int]:
    """A presigned GET URL (10 minutes at most) for one document, recorded in the lead's history."""
    ports = ports or consultant_ports()
    lead = ports.leads.get(lead_id)
    if not lead.pack or name not in lead.pack.keys:
        raise DocumentNotFound(name)
    expires = ports.presign_expiry_s
    url = ports.packs.presigned_url(
        lead.pack.keys[name], expires_s=expires, filename=f"{lead.id[-8:]}-v{lead.pack.version}-{name}"
    )
    ports.leads.record_event(
        lead_id,
        "telechargement",
        actor=who.label,
        now=now(),
        details={"fichier": name, "version": lead.pack.version, "sub": who.sub},
    )
    return url, expires


def erase_lead(lead_id: str, who: Consultant, *, ports: ConsultantPorts | None = None) -> dict[str, int]:
    """GDPR erasure: every S3 version first (a retry finds the lead still there), then the records,
    then S3 again: a worker that wrote a pack after the first pass and recorded it before the
    records went would otherwise leave it behind (one that records later deletes its own writes)."""
    from chalicelib.intake.antispam import submission_fingerprint

    ports = ports or consultant_ports()
    store, packs = ports.leads, ports.packs
    lead = store.get(lead_id)
    fingerprint = submission_fingerprint(
        ports.form_secret(), siret=lead.siret, email=lead.email, trainings=lead.trainings
    )
    objects = packs.erase_lead(lead_id) + ports.client_files.erase_uploads(lead_id)
    items = store.erase(lead_id, actor_sub=who.sub, now=now(), s3_versions_deleted=objects, fingerprint=fingerprint)
    objects += packs.erase_lead(lead_id)
    logger.info("lead erased", extra={"lead_id": lead_id, "items": items, "s3_versions": objects})
    return {"items_deleted": items, "s3_versions_deleted": objects}
