"""Accept a valid submission: resolve the OPCO, store the lead, queue its pack.

The lead is durably stored before the visitor hears "reçu"; a failed queue send
is logged and left to the sweeper (DESIGN.md section 1 invariants).
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.dossier.jobs import DossierJob, dossier_jobs
from chalicelib.pricing import price_lead
from chalicelib.intake.consent import CONSENT_VERSION
from chalicelib.intake.form import ContactForm
from chalicelib.leads.model import Lead, LeadStatus, Provenance
from chalicelib.leads.store import leads_store
from chalicelib.observability import lead_received, logger
from chalicelib.opco import resolve_opco


def accept_submission(
    form: ContactForm,
    provenance: Provenance,
    *,
    now: datetime,
    retention_days: int,
    idempotency_key: str | None = None,
    fingerprint: str | None = None,
) -> Lead:
    """Returns the stored lead: the new one, or the one this submission repeats (see is_repeat)."""
    match = resolve_opco(idcc=form.idcc, naf=form.naf)
    lead = Lead.from_form(
        form,
        opco=match.model_dump(mode="json"),
        now=now,
        consent_version=CONSENT_VERSION,
        provenance=provenance,
        spam=bool(provenance.spam_reasons),
        retention_days=retention_days,
    )
    estimate = price_lead(lead, now.date()).estimate  # pure and in memory: fine on the request path
    lead = lead.model_copy(update={"estimate": estimate.model_dump(mode="json") if estimate else None})
    stored = leads_store().submit(lead, idempotency_key=idempotency_key, fingerprint=fingerprint)
    lead = stored.lead
    logger.append_keys(lead_id=lead.id)
    logger.info(
        "lead stored",
        extra={
            "status": lead.status.value,
            "opco": lead.opco_code,
            "outcome": stored.outcome,
            "opco_confidence": match.confidence,
        },
    )
    if stored.outcome == "created":  # a replay or a duplicate is not a new lead
        lead_received(lead.opco_code, spam=lead.status == LeadStatus.spam)
    # A replay or an update of a lead whose pack is still pending needs no second job.
    if lead.needs_pack and (stored.outcome == "created" or stored.repack):
        try:
            dossier_jobs().send(DossierJob(lead.id, lead.pack_requested))
        except Exception:  # the sweeper re-sends: the visitor's lead is already safe
            logger.exception("dossier job send failed; the sweeper will retry")
    return lead


def is_repeat(lead: Lead, now: datetime) -> bool:
    """True when accept_submission returned an earlier lead (same Idempotency-Key or same submission)."""
    return lead.created_at != now
