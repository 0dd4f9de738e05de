"""What the services need from their adapters, as Protocols.

The AWS and HTTP adapters (leads/store*.py, dossier/jobs.py, dossier/storage.py, dossier/client_files.py,
company/registry.py, mailer.py) implement them; tests/fakes.py, fakes_storage.py and fakes_client.py hold
in-memory ones, so a service's unit tests need no moto. tests/functional/test_*_contract.py run the same cases
against a fake and its moto-backed adapter, so the fake cannot drift from the real thing. The services
take their ports as one argument defaulting to the real adapters, wired in one function per room.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from datetime import date, datetime
    from typing import Any

    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

    from chalicelib.leads.client_space import ClientSpace
    from chalicelib.leads.company_record import CompanyRecord
    from chalicelib.leads.listing import LeadFilter
    from chalicelib.leads.model import DossierFields, EditStamp, Lead, LeadStatus, PackInfo, Tracking
    from chalicelib.leads.store import LeadPage, Stored
    from chalicelib.leads.store_client import LinkRecord


class LeadSubmissions(Protocol):
    """Where the intake stores a submitted lead (deduplicated by Idempotency-Key and fingerprint)."""

    def submit(self, lead: Lead, *, idempotency_key: str | None = None, fingerprint: str | None = None) -> Stored: ...


class Job(Protocol):
    """A message of the jobs queue: a pack build (dossier/jobs.py) or a client space job (client/jobs.py)."""

    def to_body(self) -> str: ...


class JobQueue(Protocol):
    """Where a pack build is asked for (the worker takes the jobs)."""

    def send(self, job: Job) -> None: ...


class PackRecords(Protocol):
    """The lead's side of a pack build: read the lead, record a built version once."""

    def get(self, lead_id: str) -> Lead: ...

    def get_or_none(self, lead_id: str) -> Lead | None: ...

    def record_pack(self, lead_id: str, pack: PackInfo, *, now: datetime) -> Lead: ...

    def clear_pending(self, lead_id: str, *, built_version: int) -> None: ...


class ConsultantEdits(Protocol):
    """A consultant's changes to a lead, refused on a stale revision (EditConflict)."""

    def get(self, lead_id: str) -> Lead: ...

    def update_dossier(self, lead_id: str, dossier: DossierFields, stamp: EditStamp, *, changed: list[str]) -> Lead: ...

    def change_status(
        self, lead_id: str, status: LeadStatus, tracking: Tracking, stamp: EditStamp, *, details: dict[str, Any]
    ) -> Lead: ...


@dataclass
class WrittenPack:
    """What one put_pack wrote: the services keep it to take the write back."""

    keys: dict[str, str] = field(default_factory=dict)  # file name -> key
    versions: list[ObjectIdentifierTypeDef] = field(default_factory=list)  # {"Key", "VersionId"} of each write


class PackStorage(Protocol):
    """Where a pack's files go (dossiers/<lead-id>/v<N>/<file>), and how a write is taken back."""

    def put_pack(self, lead_id: str, version: int, files: Mapping[str, bytes]) -> WrittenPack: ...

    def delete_written(self, written: WrittenPack) -> None: ...

    def read(self, key: str) -> bytes: ...

    def erase_lead(self, lead_id: str) -> int: ...


class CompanyRegistry(Protocol):
    """The public company registry: raises CompanyNotFound or RegistryUnavailable (company/registry.py)."""

    def lookup(self, identifier: str) -> CompanyRecord: ...


class RegistryRecords(Protocol):
    """The registry answers cached per SIREN, and the lead's registry fields (leads/store_registry.py)."""

    def cached_company(self, siren: str, *, now: datetime) -> dict[str, Any] | None: ...

    def cache_company(self, siren: str, record: dict[str, Any], *, now: datetime) -> None: ...

    def record_on_lead(self, lead: Lead, *, now: datetime) -> Lead: ...


class Mailer(Protocol):
    """One plain-text message to the consultants' address; the message id, or None when not sent."""

    def send(self, subject: str, body: str) -> str | None: ...


class PackSweep(Protocol):
    """What the sweeper reads: new leads still without a pack, edits whose version was never built."""

    def waiting_for_pack(self, *, created_before: datetime) -> Iterable[Lead]: ...

    def pending_packs(self) -> list[tuple[str, int, str]]: ...

    def get(self, lead_id: str) -> Lead: ...

    def clear_pending(self, lead_id: str, *, built_version: int) -> None: ...


class LeadListing(Protocol):
    """One page of a filtered lead list, newest first; InvalidCursor for a cursor that is not ours."""

    def list_leads(self, f: LeadFilter, *, limit: int, cursor: str | None) -> LeadPage: ...


class LeadHistory(Protocol):
    """A lead read, and a line the system adds to its history (a reminder, a signed document);
    `expires_at` is the lead's retention TTL, so the line goes when the lead does."""

    def get(self, lead_id: str) -> Lead: ...

    def add_event(
        self, lead_id: str, kind: str, *, at: datetime, details: dict[str, Any], expires_at: int | None
    ) -> None: ...


class LeadErasure(Protocol):
    """GDPR erasure of a lead's records (with its duplicate pointer); the count of items deleted."""

    def get(self, lead_id: str) -> Lead: ...

    def erase(
        self, lead_id: str, *, actor_sub: str, now: datetime, s3_versions_deleted: int, fingerprint: str
    ) -> int: ...


class LeadEvents(Protocol):
    """A line a consultant's action adds to a lead's history (LeadNotFound for a lead that is gone)."""

    def record_event(self, lead_id: str, kind: str, *, actor: str, now: datetime, details: dict[str, Any]) -> None: ...


class ConsultantLeads(ConsultantEdits, LeadListing, LeadErasure, LeadEvents, Protocol):
    """The lead store as the consultant service uses it: the lead page, edits, list, download, erasure."""

    def events(self, lead_id: str) -> list[dict[str, Any]]: ...


class Presigner(Protocol):
    """A short-lived GET URL for one object, saved by the browser as `filename`."""

    def presigned_url(self, key: str, *, expires_s: int, filename: str) -> str: ...


class PackFiles(Presigner, Protocol):
    """The dossier bucket as the consultants use it: download a document, erase a lead's packs."""

    def erase_lead(self, lead_id: str) -> int: ...


class ClientUploads(Protocol):
    """The OPCO letters a client sent (client bucket), erased with the lead; the count of versions."""

    def erase_uploads(self, lead_id: str) -> int: ...


class ClientBucket(ClientUploads, Presigner, Protocol):
    """The client bucket as the consultants use it: signed copies and letters to download, erasure."""


class ClientSpaces(Protocol):
    """The client space items (leads/store_client.py): `update` re-applies `change` on a fresh read
    when someone wrote in between (SpaceConflict when it keeps changing)."""

    def space(self, lead_id: str) -> ClientSpace: ...

    def update(
        self, lead_id: str, change: Callable[[ClientSpace], ClientSpace | None], *, read: ClientSpace | None = None
    ) -> ClientSpace: ...

    def put_link(self, token_hash: str, lead_id: str, *, expires_at: datetime) -> None: ...

    def find_link(self, token_hash: str) -> LinkRecord | None: ...

    def record_action(
        self, lead_id: str, kind: str, *, at: datetime, details: dict[str, Any], expires_at: int | None
    ) -> None: ...

    def actions_of(self, day: date) -> list[dict[str, Any]]: ...


class ClientDocuments(Presigner, Protocol):
    """The client bucket as the client's page uses it: signed copies to download, a letter to upload."""

    def upload_form(self, key: str, *, content_type: str, expires_s: int, redirect: str) -> dict[str, Any]: ...


class SignedFiles(Protocol):
    """The client bucket as the worker uses it: signed copies written once, uploads checked."""

    def head(self, key: str) -> dict[str, Any] | None: ...

    def read(self, key: str, *, first_bytes: int | None = None) -> bytes: ...

    def put_signed(self, key: str, body: bytes, *, now: datetime) -> None: ...

    def delete_upload(self, key: str) -> int: ...


class PackReader(Protocol):
    """A pack's file, read back (the worker signs the exact PDF the client saw)."""

    def read(self, key: str) -> bytes: ...


class PackDocuments(Presigner, PackReader, Protocol):
    """The dossier bucket as the client's page uses it: a document to download, the prefill to show."""


class ClientMail(Protocol):
    """One plain-text message to one client address (with extra headers: the reminders' one-click
    unsubscribe); the message id, or None when not sent."""

    def send(self, to: str, subject: str, body: str, *, headers: dict[str, str] | None = None) -> str | None: ...


class ReminderLeads(LeadListing, LeadHistory, Protocol):
    """The leads the reminders go through (by status), and the line each reminder adds."""
