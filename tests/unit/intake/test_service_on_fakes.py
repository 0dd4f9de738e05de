"""The intake service on in-memory adapters (tests/fakes.py): stored first, one job per new lead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.dossier.jobs import DossierJob
from chalicelib.intake.form import ContactForm
from chalicelib.intake.service import IntakePorts, accept_submission
from chalicelib.leads.model import LeadStatus, Provenance
from chalicelib.leads.resubmission import RESUBMISSION_EVENT
from tests.fakes import InMemoryJobQueue, InMemoryLeadStore

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def local_stage(monkeypatch):
    """The settings the service's metrics read (the stage has no default: it fails closed)."""
    from chalicelib.config import settings

    monkeypatch.setenv("STAGE", "local")
    settings.cache_clear()
    yield
    settings.cache_clear()


def _accept(submission, store, jobs, *, now=NOW, provenance=Provenance(), key=None, fingerprint=None):
    form = ContactForm.parse(submission, today=now.date())
    return accept_submission(
        form,
        provenance,
        now=now,
        idempotency_key=key,
        fingerprint=fingerprint,
        ports=IntakePorts(store, jobs, retention_days=30),
    )


def test_a_new_submission_is_stored_with_its_opco_and_estimate_and_queued_once(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue()
    lead, replayed = _accept(valid_submission, store, jobs)
    assert store.get(lead.id) == lead and lead.opco_code == "atlas" and lead.estimate is not None
    assert jobs.sent == [DossierJob(lead.id, 1)] and not replayed


def test_a_replay_with_the_same_key_answers_the_first_lead_and_queues_nothing(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue()
    first, _ = _accept(valid_submission, store, jobs, key="k1")
    again, replayed = _accept(valid_submission, store, jobs, now=NOW + timedelta(seconds=3), key="k1")
    assert again.id == first.id and replayed
    assert len(jobs.sent) == 1 and len(store.leads) == 1


def test_a_repeated_submission_gets_an_id_of_its_own_and_no_second_pack(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue()
    first, _ = _accept(valid_submission, store, jobs, fingerprint="f1")
    again, replayed = _accept(
        {**valid_submission, "trainees": 4}, store, jobs, now=NOW + timedelta(hours=1), fingerprint="f1"
    )
    assert again.id != first.id and not replayed  # answered like a new lead: nothing leaks
    assert list(store.leads) == [first.id] and store.get(first.id).trainees == 3
    assert [e["kind"] for e in store.events(first.id)] == [RESUBMISSION_EVENT]
    assert jobs.sent == [DossierJob(first.id, 1)]


def test_a_lost_queue_send_still_answers_with_the_stored_lead(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue(failure=ConnectionError("SQS unreachable"))
    lead, _ = _accept(valid_submission, store, jobs)
    assert store.get(lead.id).needs_pack  # the sweeper's view: stored, no pack yet
    assert jobs.sent == []


def test_spam_is_stored_as_spam_and_gets_no_pack(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue()
    lead, _ = _accept(valid_submission, store, jobs, provenance=Provenance(spam_reasons=("honeypot",)))
    assert store.get(lead.id).status == LeadStatus.spam
    assert jobs.sent == []
