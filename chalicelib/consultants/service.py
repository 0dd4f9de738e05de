"""What the consultant API and pages both do: list, edit, change status, download, export, erase.

Handlers parse and answer; this module calls the domain (pure) and the adapters (store, storage, jobs)
through its ports, wired in consultant_ports().
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.consultants.auth import Consultant
from chalicelib.consultants.client_link import LinkPorts, link_ports, send_link
from chalicelib.consultants.edits import apply_edit, changed_fields, keep_defaults
from chalicelib.consultants.presenter import effective
from chalicelib.dossier.jobs import DossierJob
from chalicelib.leads.listing import InvalidCursor, LeadFilter
from chalicelib.leads.model import EditStamp, Lead, LeadStatus
from chalicelib.leads.store import LeadPage
from chalicelib.leads.workflow import apply_change, parse_change
from chalicelib.observability import logger
from chalicelib.web import UserError

if TYPE_CHECKING:
    from chalicelib.ports import ClientBucket, ClientSpaces, ConsultantLeads, JobQueue, PackFiles

PAGE_SIZE = 25
EXPORT_MAX_ROWS = 5000
# Filter dates outside these bounds name no lead (and 9999-12-31 + 1 day overflows).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 30)
MAX_REV = 2**53  # a JSON number any client reads exactly; DynamoDB numbers stop at 38 digits


class BadRequest(UserError):
    """A parameter the consultant's request got wrong (400)."""


class DocumentNotFound(Exception):
    pass


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


def consultant_ports() -> ConsultantPorts:
    """The real adapters (DynamoDB, SQS, both buckets, Secrets Manager) and settings: the one place they are wired."""
    from chalicelib.config import settings
    from chalicelib.dossier.client_files import client_files
    from chalicelib.dossier.jobs import dossier_jobs
    from chalicelib.dossier.storage import PRESIGN_MAX_S, dossier_storage
    from chalicelib.leads.store import leads_store
    from chalicelib.secret_store import form_token_secret

    expiry = min(settings().presign_expiry_s, PRESIGN_MAX_S)
    links = link_ports()
    return ConsultantPorts(
        leads_store(), dossier_jobs(), dossier_storage(), client_files(), expiry, form_token_secret, links.spaces, links
    )


def _param(params: Mapping[str, Any], name: str) -> str | None:
    value = (params.get(name) or "").strip()
    return value or None


def parse_filter(params: Mapping[str, Any] | None) -> LeadFilter:
    params = params or {}
    status = _param(params, "status")
    if status and status not in LeadStatus.__members__:
        raise BadRequest("status", "Statut inconnu.")
    opco = _param(params, "opco")
    if opco and (len(opco) > 40 or not opco.replace("-", "").replace("_", "").isalnum()):
        raise BadRequest("opco", "OPCO inconnu.")
    dates: dict[str, date | None] = {}
    for name in ("from", "to"):
        value = _param(params, name)
        try:
            day = dates[name] = date.fromisoformat(value) if value else None
        except ValueError:
            raise BadRequest(name, "Date invalide (format attendu : AAAA-MM-JJ).") from None
        if day and not FIRST_DAY <= day <= LAST_DAY:
            raise BadRequest(name, "Date hors limites : choisissez une date entre 2000 et 2999.")
    query = _param(params, "q")
    if query and len(query) > 100:
        raise BadRequest("q", "Recherche trop longue (100 caractères au plus).")
    return LeadFilter(status=status, opco=opco, date_from=dates["from"], date_to=dates["to"], query=query)


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


def parse_rev(value: Any) -> int:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool) or (isinstance(value, str) and len(value) > 20):
        value = None  # True is not revision 1; a 5,000-digit string is no revision at all
    try:
        rev = int(value)
    except (TypeError, ValueError, OverflowError):  # None, "abc", 1e400 (inf)
        raise BadRequest("rev", "Révision manquante : rechargez la fiche puis recommencez.") from None
    if not 0 <= rev <= MAX_REV or (isinstance(value, float) and value != rev):
        raise BadRequest("rev", "Révision invalide : rechargez la fiche puis recommencez.")
    return rev


def _stamp(data: dict[str, Any], who: Consultant) -> EditStamp:
    """The edit's revision (the one the consultant's page was loaded at), author and time."""
    return EditStamp(expected_rev=parse_rev(data.get("rev")), actor=who.label, now=now())


def edit_dossier(lead_id: str, data: dict[str, Any], who: Consultant, *, ports: ConsultantPorts | None = None) -> Lead:
    """Validate the edit, store it with the next pack version, and queue that version."""
    ports = ports or consultant_ports()
    store = ports.leads
    lead = store.get(lead_id)
    if lead.status == LeadStatus.spam:
        raise BadRequest("status", "Une demande indésirable n'a pas de dossier à modifier.")
    dossier = keep_defaults(lead.dossier, apply_edit(lead.dossier, data), effective(lead))
    changed = changed_fields(lead.dossier, dossier)
    if not changed:
        return lead
    updated = store.update_dossier(lead_id, dossier, _stamp(data, who), changed=changed)
    try:
        ports.jobs.send(DossierJob(lead_id, updated.pack_requested))
    except Exception:  # the pending marker lets the sweeper send it again
        logger.exception("dossier job send failed after an edit; the sweeper will retry")
    return updated


def change_status(lead_id: str, data: dict[str, Any], who: Consultant, *, ports: ConsultantPorts | None = None) -> Lead:
    ports = ports or consultant_ports()
    store = ports.leads
    lead = store.get(lead_id)
    change = parse_change(data)
    today = now().date()
    tracking = apply_change(lead.status, lead.tracking, change, today=today)
    details = {"le": (change.on or today).isoformat()}
    if change.amount_granted is not None:
        details["montant"] = str(change.amount_granted)
    if change.opco_file_number:
        details["numero_dossier_opco"] = change.opco_file_number
    updated = store.change_status(lead_id, change.status, tracking, _stamp(data, who), details=details)
    if change.status == LeadStatus.envoye_client:  # the client gets its personal link (chalicelib/client)
        try:
            send_link(updated, who, ports=ports.client_link)
        except Exception:  # the status stands; the lead page offers to send the link again
            logger.exception("client link not sent after envoye_client")
    return updated


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
