"""In-memory adapters for the ports of chalicelib/ports.py: services tested without moto.

tests/functional/test_lead_store_contract.py runs the same cases against InMemoryLeadStore and
the DynamoDB store under moto, test_pack_storage_contract.py against InMemoryPackStorage and the S3
DossierStorage, test_registry_records_contract.py against InMemoryRegistryRecords and RegistryStore,
so what these fakes do is what the real adapters do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.company.registry import CompanyNotFound
from chalicelib.dossier.jobs import DossierJob
from chalicelib.dossier.storage import pack_prefix
from chalicelib.leads.company_record import CompanyRecord
from chalicelib.leads.model import DossierFields, EditStamp, Lead, LeadStatus, PackInfo, Tracking
from chalicelib.leads.resubmission import RESUBMISSION_EVENT, differences
from chalicelib.leads.store import DUPLICATE_WINDOW_S, EditConflict, LeadNotFound, PackAlreadyBuilt, Stored
from chalicelib.ports import WrittenPack


@dataclass
class InMemoryLeadStore:
    """LeadStore's submission and pack bookkeeping, in dicts."""

    leads: dict[str, Lead] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)  # lead id -> pack version asked for by an edit
    _events: list[dict[str, Any]] = field(default_factory=list)
    # key -> (lead id, reply id, expires at): what an Idempotency-Key or a fingerprint points at
    _pointers: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    def submit(
        self,
        lead: Lead,
        *,
        idempotency_key: str | None = None,
        fingerprint: str | None = None,
        window_s: int = DUPLICATE_WINDOW_S,
    ) -> Stored:
        now_s = int(lead.created_at.timestamp())
        reply_id = lead.id
        if idempotency_key:
            owner, reply_id = self._claim(f"IDEM#{idempotency_key}", lead.id, now_s, window_s)
            if owner != lead.id:
                if owner in self.leads:
                    return Stored(self.leads[owner], "replayed", reply_id)
                lead = lead.model_copy(update={"id": owner})
        if fingerprint:
            owner, _ = self._claim(f"DEDUP#{fingerprint}", lead.id, now_s, window_s)
            if owner != lead.id:
                if owner not in self.leads:  # the first submission's lead is not written yet: finish it
                    lead, reply_id = lead.model_copy(update={"id": owner}), owner
                if idempotency_key:  # the key now stands for this answer
                    self._pointers[f"IDEM#{idempotency_key}"] = (owner, reply_id, now_s + window_s)
                if owner in self.leads:
                    return self._resubmit(self.leads[owner], lead, reply_id)
        self.leads[lead.id] = lead
        return Stored(lead, "created", reply_id)

    def _claim(self, key: str, lead_id: str, now_s: int, window_s: int) -> tuple[str, str]:
        owner, reply_id, expires = self._pointers.get(key, (lead_id, lead_id, 0))
        if expires >= now_s:  # a live pointer; DynamoDB's TTL deletes lazily, so expiry is checked
            return owner, reply_id
        self._pointers[key] = (lead_id, lead_id, now_s + window_s)
        return lead_id, lead_id

    def _resubmit(self, existing: Lead, fresh: Lead, reply_id: str) -> Stored:
        details = {"reference": reply_id, "differences": differences(existing, fresh)}
        self._event(existing.id, RESUBMISSION_EVENT, details)  # the lead itself stays as it is
        return Stored(existing, "resubmitted", reply_id)

    def _event(self, lead_id: str, kind: str, details: dict[str, Any]) -> None:
        self._events.append({"lead_id": lead_id, "kind": kind, "details": details})

    def events(self, lead_id: str) -> list[dict[str, Any]]:
        return [e for e in self._events if e["lead_id"] == lead_id]

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
        self._event(lead_id, "dossier_genere", {"version": pack.version, "status": status.value})
        return updated

    def update_dossier(self, lead_id: str, dossier: DossierFields, stamp: EditStamp, *, changed: list[str]) -> Lead:
        lead = self._check_rev(lead_id, stamp)
        version = self.pending[lead_id] = lead.pack_requested + 1
        self._event(lead_id, "dossier_modifie", {"champs": changed, "version": version, "actor": stamp.actor})
        return self._save(stamp.applied(lead, dossier=dossier, pack_requested=version))

    def change_status(
        self, lead_id: str, status: LeadStatus, tracking: Tracking, stamp: EditStamp, *, details: dict[str, Any]
    ) -> Lead:
        lead = self._check_rev(lead_id, stamp)
        self._event(lead_id, "statut_modifie", {"de": lead.status.value, "vers": status.value, **details})
        return self._save(stamp.applied(lead, status=status, tracking=tracking))

    def _check_rev(self, lead_id: str, stamp: EditStamp) -> Lead:
        lead = self.get(lead_id)
        if lead.rev != stamp.expected_rev:  # the real store's condition on `rev` (optimistic locking)
            raise EditConflict(lead_id)
        return lead

    def _save(self, updated: Lead) -> Lead:
        self.leads[updated.id] = updated
        return updated

    def clear_pending(self, lead_id: str, *, built_version: int) -> None:
        if self.pending.get(lead_id, 0) <= built_version:  # a newer version asked for meanwhile stays
            self.pending.pop(lead_id, None)


@dataclass
class InMemoryRegistryRecords:
    """RegistryStore: the registry cache per SIREN and the lead's registry fields, on a lead store."""

    leads: InMemoryLeadStore
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)

    def cached_company(self, siren: str, *, now: datetime) -> dict[str, Any] | None:
        return self.companies.get(siren)  # the 30-day expiry is the real store's (tested under moto)

    def cache_company(self, siren: str, record: dict[str, Any], *, now: datetime) -> None:
        self.companies[siren] = record

    def record_on_lead(self, lead: Lead, *, now: datetime) -> Lead:
        self.leads.get(lead.id)  # the real update is conditional on the lead still existing
        changes = {"registry": lead.registry, "opco_check": lead.opco_check, "opco": lead.opco, "updated_at": now}
        self.leads.leads[lead.id] = self.leads.leads[lead.id].model_copy(update=changes)
        status = lead.registry.status if lead.registry else None
        self.leads._event(lead.id, "registre_consulte", {"status": status})
        return lead.model_copy(update={"updated_at": now})


@dataclass
class InMemoryRegistry:
    """The company registry: known companies by SIRET; `failure` (RegistryUnavailable) makes it down."""

    companies: dict[str, CompanyRecord] = field(default_factory=dict)
    failure: Exception | None = None
    lookups: int = 0

    def lookup(self, identifier: str) -> CompanyRecord:
        self.lookups += 1
        if self.failure is not None:
            raise self.failure
        if identifier not in self.companies:
            raise CompanyNotFound(identifier)
        return self.companies[identifier]


@dataclass
class InMemoryPackStorage:
    """The versioned dossier bucket: key -> object versions (oldest first).

    `after_put` runs once a put_pack has written its files: what happens meanwhile (an erasure)."""

    objects: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    after_put: Callable[[], None] | None = None
    _serial: int = 0

    def put_pack(self, lead_id: str, version: int, files: Mapping[str, bytes]) -> WrittenPack:
        written = WrittenPack()
        for name, body in files.items():
            key = pack_prefix(lead_id, version) + name
            self._serial += 1
            version_id = f"fake-{self._serial}"
            self.objects.setdefault(key, []).append((version_id, body))
            written.keys[name] = key
            written.versions.append({"Key": key, "VersionId": version_id})
        if self.after_put is not None:
            self.after_put()
        return written

    def delete_written(self, written: WrittenPack) -> None:
        for ident in written.versions:
            key = ident["Key"]
            kept = [v for v in self.objects.get(key, []) if v[0] != ident.get("VersionId")]
            if kept:
                self.objects[key] = kept
            else:
                self.objects.pop(key, None)

    def read(self, key: str) -> bytes:
        if key not in self.objects:  # what boto3 raises for a missing key
            raise ClientError({"Error": {"Code": "NoSuchKey", "Message": "no such key"}}, "GetObject")
        return self.objects[key][-1][1]

    def erase_lead(self, lead_id: str) -> int:
        keys = [k for k in self.objects if k.startswith(f"dossiers/{lead_id}/")]
        return sum(len(self.objects.pop(k)) for k in keys)


@dataclass
class InMemoryMailer:
    """The consultants' mailbox: every (subject, body) sent."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, subject: str, body: str) -> str | None:
        self.sent.append((subject, body))
        return f"message-{len(self.sent)}"


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
