"""Accept a valid submission: resolve the OPCO, store the lead, queue its pack.

The lead is durably stored before the visitor hears "reçu"; a failed queue send
is logged and left to the sweeper (docs/architecture.md, "Invariants").
"""

from __future__ import annotations

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
    retention_days: int,
    idempotency_key: str | None = None,
    fingerprint: str | None = None,
    store: LeadSubmissions | None = None,
    jobs: JobQueue | None = None,
) -> tuple[Lead, bool]:
    """Store the submission; return what the visitor is told about (this submission as a lead,
    with the id to answer) and whether the answer replays an earlier one (same Idempotency-Key).

    A repeat of a stored submission is recorded on that lead and answered like a new lead, with an
    id of its own: the answer never tells whether the SIRET, email and trainings were known.
    `store` and `jobs` default to the DynamoDB and SQS adapters (tests hand in tests/fakes.py's)."""
    lead = new_lead(form, provenance, now=now, retention_days=retention_days)
    stored = (store or leads_store()).submit(lead, idempotency_key=idempotency_key, fingerprint=fingerprint)
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
                (jobs or dossier_jobs()).send(DossierJob(stored.lead.id, stored.lead.pack_requested))
            except Exception:  # the sweeper re-sends: the visitor's lead is already safe
                logger.exception("dossier job send failed; the sweeper will retry")
    return lead.model_copy(update={"id": stored.reply_id}), stored.outcome == "replayed"
