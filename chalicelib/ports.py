"""What the services need from their adapters, as Protocols.

The AWS and HTTP adapters (leads/store.py, dossier/jobs.py, dossier/storage.py, company/registry.py,
mailer.py) implement them; tests/fakes.py holds in-memory ones, so a service's unit tests
need no moto. tests/functional/test_*_contract.py run the same cases against a fake and its moto-backed
adapter, so the fake cannot drift from the real thing. The services default to the real adapters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from typing import Any

    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

    from chalicelib.leads.company_record import CompanyRecord
    from chalicelib.leads.model import DossierFields, EditStamp, Lead, LeadStatus, PackInfo, Tracking
    from chalicelib.leads.store import Stored


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
