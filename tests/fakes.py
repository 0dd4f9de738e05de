"""In-memory adapters for the ports of chalicelib/ports.py: services tested without moto.

tests/functional/test_lead_store_contract.py runs the same cases against InMemoryLeadStore and
the DynamoDB store under moto, so what these fakes do is what the real adapters do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.dossier.jobs import DossierJob
from chalicelib.leads.model import Lead, LeadStatus, PackInfo
from chalicelib.leads.store import (
    DUPLICATE_WINDOW_S,
    RESUBMITTED_FIELDS,
    LeadNotFound,
    PackAlreadyBuilt,
    Stored,
)


@dataclass
class InMemoryLeadStore:
    """LeadStore's submission and pack bookkeeping, in dicts."""

    leads: dict[str, Lead] = field(default_factory=dict)
    events: list[tuple[str, str]] = field(default_factory=list)  # (lead id, kind)
    _pointers: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (lead id, expires at)

    def submit(
        self,
        lead: Lead,
        *,
        idempotency_key: str | None = None,
        fingerprint: str | None = None,
        window_s: int = DUPLICATE_WINDOW_S,
    ) -> Stored:
        now_s = int(lead.created_at.timestamp())
        if idempotency_key:
            owner = self._claim(f"IDEM#{idempotency_key}", lead.id, now_s, window_s)
            if owner != lead.id:
                if owner in self.leads:
                    return Stored(self.leads[owner], "replayed")
                lead = lead.model_copy(update={"id": owner})
        if fingerprint:
            owner = self._claim(f"DEDUP#{fingerprint}", lead.id, now_s, window_s)
            if owner != lead.id:
                if idempotency_key:  # the key now stands for the lead it updates
                    self._pointers[f"IDEM#{idempotency_key}"] = (owner, now_s + window_s)
                if owner in self.leads:
                    return self._resubmit(self.leads[owner], lead)
                lead = lead.model_copy(update={"id": owner})
        self.leads[lead.id] = lead
        return Stored(lead, "created")

    def _claim(self, key: str, lead_id: str, now_s: int, window_s: int) -> str:
        owner, expires = self._pointers.get(key, (lead_id, 0))
        if expires >= now_s:  # a live pointer; DynamoDB's TTL deletes lazily, so expiry is checked
            return owner
        self._pointers[key] = (lead_id, now_s + window_s)
        return lead_id

    def _resubmit(self, existing: Lead, fresh: Lead) -> Stored:
        repack = existing.pack is not None and existing.status != LeadStatus.spam
        changes = {name: getattr(fresh, name) for name in RESUBMITTED_FIELDS}
        changes |= {"updated_at": fresh.created_at, "pack_requested": existing.pack_requested + int(repack)}
        updated = self.leads[existing.id] = existing.model_copy(update=changes)
        self.events.append((existing.id, "lead_resoumis"))
        return Stored(updated, "updated", repack)

    def get(self, lead_id: str) -> Lead:
        if lead_id not in self.leads:
            raise LeadNotFound(lead_id)
        return self.leads[lead_id]

    def get_or_none(self, lead_id: str) -> Lead | None:
        return self.leads.get(lead_id)

    def record_pack(self, lead_id: str, pack: PackInfo, *, now: datetime) -> Lead:
        lead = self.get(lead_id)
        if lead.pack is not None and lead.pack.version >= pack.version:
            raise PackAlreadyBuilt(f"{lead_id} v{pack.version}")
        status = LeadStatus.dossier_pret if lead.status == LeadStatus.recu else lead.status
        updated = self.leads[lead_id] = lead.model_copy(update={"pack": pack, "status": status, "updated_at": now})
        return updated


@dataclass
class InMemoryJobQueue:
    """The dossier jobs queue; `failure` makes every send raise it (a lost SQS send)."""

    sent: list[DossierJob] = field(default_factory=list)
    failure: Exception | None = None

    def send(self, job: DossierJob) -> None:
        if self.failure is not None:
            raise self.failure
        self.sent.append(job)


def submitted_lead(submission: dict, now: datetime, **changes: object) -> Lead:
    """The Lead the intake builds from a submission (without storing it)."""
    from chalicelib.intake.form import ContactForm
    from chalicelib.leads.model import Provenance
    from chalicelib.opco import resolve_opco

    form = ContactForm.parse(submission, today=now.date())
    lead = Lead.from_form(
        form,
        opco=resolve_opco(idcc=form.idcc).model_dump(mode="json"),
        now=now,
        consent_version="v1",
        provenance=Provenance(),
        spam=False,
        retention_days=30,
    )
    return lead.model_copy(update=changes)
