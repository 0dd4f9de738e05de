"""One contract, two stores: the in-memory fake (tests/fakes.py) and the DynamoDB store under moto
answer every case the same way, so unit tests on the fake say what the product does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.leads.model import LeadStatus, PackInfo
from chalicelib.leads.store import LeadNotFound, PackAlreadyBuilt
from tests.fakes import InMemoryLeadStore, submitted_lead

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["in-memory", "dynamodb"])
def store(request):
    if request.param == "in-memory":
        return InMemoryLeadStore()
    request.getfixturevalue("aws_env")
    from chalicelib.leads.store import leads_store

    return leads_store()


def test_a_new_lead_is_created_and_read_back(store, valid_submission):
    lead = submitted_lead(valid_submission, NOW)
    stored = store.submit(lead, idempotency_key="k1", fingerprint="f1")
    assert (stored.outcome, stored.repack, stored.lead.id) == ("created", False, lead.id)
    assert store.get(lead.id).company_name == valid_submission["company_name"]
    assert store.get_or_none("01kunknown00000000000000000") is None
    with pytest.raises(LeadNotFound):
        store.get("01kunknown00000000000000000")


def test_the_same_idempotency_key_replays_the_first_lead(store, valid_submission):
    first = store.submit(submitted_lead(valid_submission, NOW), idempotency_key="k1").lead
    again = store.submit(submitted_lead(valid_submission, NOW + timedelta(seconds=5)), idempotency_key="k1")
    assert (again.outcome, again.lead.id) == ("replayed", first.id)


def test_the_same_submission_updates_the_lead_it_repeats(store, valid_submission):
    first = store.submit(submitted_lead(valid_submission, NOW), fingerprint="f1").lead
    later = submitted_lead({**valid_submission, "trainees": 5}, NOW + timedelta(minutes=5))
    again = store.submit(later, fingerprint="f1")
    assert (again.outcome, again.repack, again.lead.id) == ("updated", False, first.id)
    assert store.get(first.id).trainees == 5
    assert store.get(first.id).pack_requested == 1  # no pack yet: the pending one will carry the change


def test_a_repeat_after_the_pack_asks_for_a_new_version(store, valid_submission):
    first = store.submit(submitted_lead(valid_submission, NOW), fingerprint="f1").lead
    built = store.record_pack(first.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    assert built.status == LeadStatus.dossier_pret
    again = store.submit(submitted_lead(valid_submission, NOW + timedelta(hours=1)), fingerprint="f1")
    assert (again.outcome, again.repack) == ("updated", True)
    assert store.get(first.id).pack_requested == 2 and store.get(first.id).needs_pack


def test_a_repeat_after_the_window_is_a_new_lead(store, valid_submission):
    store.submit(submitted_lead(valid_submission, NOW), idempotency_key="k1", fingerprint="f1")
    later = submitted_lead(valid_submission, NOW + timedelta(days=2))
    stored = store.submit(later, idempotency_key="k1", fingerprint="f1")
    assert (stored.outcome, stored.lead.id) == ("created", later.id)


def test_a_pack_version_is_recorded_once(store, valid_submission):
    lead = store.submit(submitted_lead(valid_submission, NOW)).lead
    store.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    with pytest.raises(PackAlreadyBuilt):
        store.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
