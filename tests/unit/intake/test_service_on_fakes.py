"""The intake service on in-memory adapters (tests/fakes.py): stored first, one job per pack version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.dossier.jobs import DossierJob
from chalicelib.intake.form import ContactForm
from chalicelib.intake.service import accept_submission, is_repeat
from chalicelib.leads.model import LeadStatus, PackInfo, Provenance
from tests.fakes import InMemoryJobQueue, InMemoryLeadStore

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def _accept(submission, store, jobs, *, now=NOW, provenance=Provenance(), key=None, fingerprint=None):
    form = ContactForm.parse(submission, today=now.date())
    return accept_submission(
        form,
        provenance,
        now=now,
        retention_days=30,
        idempotency_key=key,
        fingerprint=fingerprint,
        store=store,
        jobs=jobs,
    )


def test_a_new_submission_is_stored_with_its_opco_and_estimate_and_queued_once(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue()
    lead = _accept(valid_submission, store, jobs)
    assert store.get(lead.id) == lead and lead.opco_code == "atlas" and lead.estimate is not None
    assert jobs.sent == [DossierJob(lead.id, 1)]
    assert not is_repeat(lead, NOW)


def test_a_replay_with_the_same_key_answers_the_first_lead_and_queues_nothing(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue()
    first = _accept(valid_submission, store, jobs, key="k1")
    later = NOW + timedelta(seconds=3)
    again = _accept(valid_submission, store, jobs, now=later, key="k1")
    assert again.id == first.id and is_repeat(again, later)
    assert len(jobs.sent) == 1 and len(store.leads) == 1


def test_a_lost_queue_send_still_answers_with_the_stored_lead(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue(failure=ConnectionError("SQS unreachable"))
    lead = _accept(valid_submission, store, jobs)
    assert store.get(lead.id).needs_pack  # the sweeper's view: stored, no pack yet
    assert jobs.sent == []


def test_spam_is_stored_as_spam_and_gets_no_pack(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue()
    lead = _accept(valid_submission, store, jobs, provenance=Provenance(spam_reasons=("honeypot",)))
    assert store.get(lead.id).status == LeadStatus.spam
    assert jobs.sent == []


def test_the_same_submission_after_its_pack_asks_for_version_two(valid_submission):
    store, jobs = InMemoryLeadStore(), InMemoryJobQueue()
    first = _accept(valid_submission, store, jobs, fingerprint="f1")
    store.record_pack(first.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    later = NOW + timedelta(hours=1)
    again = _accept({**valid_submission, "trainees": 4}, store, jobs, now=later, fingerprint="f1")
    assert again.id == first.id and again.trainees == 4
    assert jobs.sent == [DossierJob(first.id, 1), DossierJob(first.id, 2)]
