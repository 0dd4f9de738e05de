"""What the services need from their adapters, as Protocols.

The DynamoDB and SQS adapters (leads/store.py, dossier/jobs.py) implement them; tests/fakes.py
holds in-memory ones, so a service's unit tests need no moto. tests/functional/
test_lead_store_contract.py runs the same cases against the fake and the moto-backed store, so
the fake cannot drift from the real thing. The services default to the real adapters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.leads.model import Lead
    from chalicelib.leads.store import Stored


class LeadSubmissions(Protocol):
    """Where the intake stores a submitted lead (deduplicated by Idempotency-Key and fingerprint)."""

    def submit(self, lead: Lead, *, idempotency_key: str | None = None, fingerprint: str | None = None) -> Stored: ...


class JobQueue(Protocol):
    """Where a pack build is asked for (the worker takes the jobs)."""

    def send(self, job: DossierJob) -> None: ...
