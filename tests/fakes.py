"""In-memory adapters for the ports of chalicelib/ports.py: services tested without moto.

This file holds the lead store and the jobs queue; tests/fakes_storage.py the buckets, the company
registry and the consultants' mailer; tests/fakes_client.py the client room's. tests/functional/
test_lead_store_contract.py runs the same cases against InMemoryLeadStore and the DynamoDB store under
moto (test_*_contract.py do so for the others), so what these fakes do is what the real adapters do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.dossier.jobs import DossierJob
from chalicelib.leads.client_space import ClientSpace
from chalicelib.leads.ddb import ALL_LEADS, _index_attrs
from chalicelib.leads.listing import INDEXES, LeadFilter, decode_cursor, encode_cursor, key_of, query_plan
from chalicelib.leads.model import DossierFields, EditStamp, Lead, LeadStatus, PackInfo, Tracking
from chalicelib.leads.resubmission import RESUBMISSION_EVENT, differences
from chalicelib.leads.store import (
    DUPLICATE_WINDOW_S,
    EditConflict,
    LeadNotFound,
    LeadPage,
    PackAlreadyBuilt,
    Stored,
)


@dataclass
class InMemoryLeadStore:
    """LeadStore in dicts: submissions, pack bookkeeping, consultant edits, lists, erasure."""

    leads: dict[str, Lead] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)  # lead id -> pack version asked for by an edit
    spaces: dict[str, ClientSpace] = field(default_factory=dict)  # the client space items (InMemoryClientStore)
    erasures: list[dict[str, Any]] = field(default_factory=list)  # the audit lines, without personal data
    _asked_at: dict[str, str] = field(default_factory=dict)  # lead id -> when the pending version was asked
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

    def _event(self, lead_id: str, kind: str, details: dict[str, Any], actor: str = "systeme") -> None:
        self._events.append({"lead_id": lead_id, "kind": kind, "details": details, "actor": actor})

    def add_event(self, lead_id: str, kind: str, *, at: datetime, details: dict | None = None, **line: Any) -> None:
        """Unconditional, like the real put; `line` may name the `actor` and the `expires_at` TTL."""
        self._event(lead_id, kind, details or {}, line.get("actor", "systeme"))

    def record_event(
        self, lead_id: str, kind: str, *, actor: str, now: datetime, details: dict[str, Any] | None = None
    ) -> None:
        self._event(self.get(lead_id).id, kind, details or {}, actor)

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
        self._asked_at[lead_id] = stamp.now.isoformat()
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

    def pending_packs(self) -> list[tuple[str, int, str]]:
        return [(lead_id, version, self._asked_at[lead_id]) for lead_id, version in sorted(self.pending.items())]

    def waiting_for_pack(self, *, created_before: datetime) -> Iterator[Lead]:
        waiting = [lead for lead in self.leads.values() if lead.status == LeadStatus.recu]
        yield from sorted((lead for lead in waiting if lead.created_at < created_before), key=_order)

    def list_leads(self, f: LeadFilter, *, limit: int = 25, cursor: str | None = None) -> LeadPage:
        """The real store's page: the same index choice, filters and cursor (listing.py), on dicts."""
        plan = query_plan(f, ALL_LEADS)
        rows = [_row(lead) for lead in sorted(self.leads.values(), key=_order, reverse=True)]
        rows = [row for row in rows if _matches(row, plan)]
        if cursor:
            sk_attr = INDEXES[plan["IndexName"]][1]
            after = decode_cursor(cursor, plan)[sk_attr]["S"]
            rows = [row for row in rows if row[sk_attr]["S"] < after]
        page = rows[:limit]
        next_key = key_of(page[-1], plan["IndexName"]) if len(rows) > limit else None
        leads = [self.leads[row["pk"]["S"].removeprefix("LEAD#")] for row in page]
        return LeadPage(leads, encode_cursor(next_key, plan["IndexName"]), len(page), len(page))

    def erase(
        self, lead_id: str, *, actor_sub: str, now: datetime, s3_versions_deleted: int, fingerprint: str | None = None
    ) -> int:
        """The lead, its history and client space, its markers and duplicate pointer; the count of the
        lead's own items (the real store's items under LEAD#<id>)."""
        self.get(lead_id)
        self.leads.pop(lead_id)
        events = [e for e in self._events if e["lead_id"] == lead_id]
        self._events = [e for e in self._events if e["lead_id"] != lead_id]
        items = 1 + len(events) + (self.spaces.pop(lead_id, None) is not None)
        self.pending.pop(lead_id, None)
        if fingerprint:
            self._pointers.pop(f"DEDUP#{fingerprint}", None)
        audit = {"lead_id": lead_id, "at": now.isoformat(), "actor_sub": actor_sub, "items_deleted": items}
        self.erasures.append({**audit, "s3_versions_deleted": s3_versions_deleted})
        return items


def _order(lead: Lead) -> str:
    return f"{lead.created_at.isoformat()}#{lead.id}"


def _row(lead: Lead) -> dict[str, Any]:
    """The lead's keys and index attributes, as DynamoDB holds them."""
    attrs = {"pk": f"LEAD#{lead.id}", "sk": "LEAD", **_index_attrs(lead)}
    return {name: {"S": value} for name, value in attrs.items()}


def _matches(row: dict[str, Any], plan: dict[str, Any]) -> bool:
    """The plan's key condition and filter, evaluated on one row (what DynamoDB does with them)."""
    values = {name: v["S"] for name, v in plan["ExpressionAttributeValues"].items()}
    pk_attr, sk_attr = INDEXES[plan["IndexName"]]
    attr = {name: v["S"] for name, v in row.items()}
    checks = [
        attr[pk_attr] == values[":p"],
        ":a" not in values or values[":a"] <= attr[sk_attr] <= values[":b"],
        ":o" not in values or attr["gsi2pk"] == values[":o"],
        ":spam" not in values or attr["gsi1pk"] != values[":spam"],
        ":q" not in values or values[":q"] in attr["search"],
    ]
    return all(checks)


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
