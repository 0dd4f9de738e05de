"""Accept a valid submission: resolve the OPCO, store the lead, queue its pack.

The lead is durably stored before the visitor hears "reçu"; a failed queue send
is logged and left to the sweeper (docs/architecture.md, "Invariants").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.dossier.jobs import DossierJob, dossier_jobs
from chalicelib.intake.consent import CONSENT_VERSION
from chalicelib.intake.form import ContactForm
from chalicelib.leads.model import Lead, LeadStatus, Provenance
from chalicelib.leads.store import leads_store
from chalicelib.observability import lead_received, logger
from chalicelib.opco import resolve_opco
from chalicelib.pricing import price_lead

if TYPE_CHECKING:
    from chalicelib.ports import JobQueue, LeadSubmissions


@dataclass(frozen=True)
class IntakePorts:
    """What accepting a submission uses; tests hand in tests/fakes.py's."""

    store: LeadSubmissions
    jobs: JobQueue  # the pack build's queue
    retention_days: int  # how long the lead is kept (its TTL)


def intake_ports() -> IntakePorts:
    """The real adapters (DynamoDB, SQS) and the retention: the one place they are wired."""
    from chalicelib.config import settings

    return IntakePorts(leads_store(), dossier_jobs(), settings().lead_retention_days)


def new_lead(form: ContactForm, provenance: Provenance, *, now: datetime, retention_days: int) -> Lead:
    """The submission as a lead, its OPCO resolved and its funding estimated: pure and in memory, fine on
    the request path (SnapStart's priming runs it too, snapstart.py)."""
    lead = Lead.from_form(
        form,
        opco=resolve_opco(idcc=form.idcc, naf=form.naf),
        now=now,
        consent_version=CONSENT_VERSION,
        provenance=provenance,
        spam=bool(provenance.spam_reasons),
        retention_days=retention_days,
    )
    return lead.model_copy(update={"estimate": price_lead(lead, now.date()).estimate})


def accept_submission(
    form: ContactForm,
    provenance: Provenance,
    *,
    now: datetime,
    idempotency_key: str | None = None,
    fingerprint: str | None = None,
    ports: IntakePorts | None = None,
) -> tuple[Lead, bool]:
    """Store the submission; return what the visitor is told about (this submission as a lead,
    with the id to answer) and whether the answer replays an earlier one (same Idempotency-Key).

    A repeat of a stored submission is recorded on that lead and answered like a new lead, with an
    id of its own: the answer never tells whether the SIRET, email and trainings were known."""
    ports = ports or intake_ports()
    lead = new_lead(form, provenance, now=now, retention_days=ports.retention_days)
    stored = ports.store.submit(lead, idempotency_key=idempotency_key, fingerprint=fingerprint)
    logger.append_keys(lead_id=stored.lead.id)
    logger.info(
        "lead stored",
        extra={
            "status": stored.lead.status.value,
            "opco": stored.lead.opco_code,
            "outcome": stored.outcome,
            "opco_confidence": lead.opco.confidence if lead.opco else None,
        },
    )
    if stored.outcome == "created":  # a replay or a repeat is not a new lead and needs no pack
        lead_received(stored.lead.opco_code, spam=stored.lead.status == LeadStatus.spam)
        if stored.lead.needs_pack:
            try:
                ports.jobs.send(DossierJob(stored.lead.id, stored.lead.pack_requested))
            except Exception:  # the sweeper re-sends: the visitor's lead is already safe
                logger.exception("dossier job send failed; the sweeper will retry")
    return lead.model_copy(update={"id": stored.reply_id}), stored.outcome == "replayed"
