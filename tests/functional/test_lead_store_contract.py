"""One contract, two stores: the in-memory fake (tests/fakes.py) and the DynamoDB store under moto
answer every case the same way, so unit tests on the fake say what the product does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.leads.model import EditStamp, LeadStatus, PackInfo
from chalicelib.leads.resubmission import RESUBMISSION_EVENT
from chalicelib.leads.store import EditConflict, LeadNotFound, PackAlreadyBuilt
from tests.fakes import InMemoryLeadStore, submitted_lead

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["in-memory", "dynamodb"])
def store(request):
    if request.param == "in-memory":
        return InMemoryLeadStore()
    request.getfixturevalue("aws_env")
    from chalicelib.leads.store import leads_store

    return leads_store()


def _kinds(store, lead_id: str) -> list[str]:
    return [e["kind"] for e in store.events(lead_id)]


def test_a_new_lead_is_created_and_read_back(store, valid_submission):
    lead = submitted_lead(valid_submission, NOW)
    stored = store.submit(lead, idempotency_key="k1", fingerprint="f1")
    assert (stored.outcome, stored.lead.id, stored.reply_id) == ("created", lead.id, lead.id)
    assert store.get(lead.id).company_name == valid_submission["company_name"]
    assert store.get_or_none("01kunknown00000000000000000") is None
    with pytest.raises(LeadNotFound):
        store.get("01kunknown00000000000000000")


def test_the_same_idempotency_key_replays_the_first_answer(store, valid_submission):
    first = store.submit(submitted_lead(valid_submission, NOW), idempotency_key="k1")
    again = store.submit(submitted_lead(valid_submission, NOW + timedelta(seconds=5)), idempotency_key="k1")
    assert (again.outcome, again.lead.id, again.reply_id) == ("replayed", first.lead.id, first.reply_id)


def test_the_same_submission_is_recorded_on_the_lead_it_repeats_which_stays_as_it_is(store, valid_submission):
    first = store.submit(submitted_lead(valid_submission, NOW), fingerprint="f1").lead
    later = submitted_lead({**valid_submission, "trainees": 5}, NOW + timedelta(minutes=5))
    again = store.submit(later, fingerprint="f1")
    assert (again.outcome, again.lead.id) == ("resubmitted", first.id)
    assert again.reply_id == later.id != first.id  # the visitor never learns the first lead's id
    assert store.get(first.id).trainees == 3 and store.get_or_none(later.id) is None
    assert _kinds(store, first.id) == [RESUBMISSION_EVENT]
    assert store.events(first.id)[0]["details"]["reference"] == later.id


def test_a_key_sent_again_after_a_repeat_replays_that_repeat_s_answer(store, valid_submission):
    store.submit(submitted_lead(valid_submission, NOW), fingerprint="f1")
    repeat = store.submit(
        submitted_lead(valid_submission, NOW + timedelta(minutes=1)), idempotency_key="k2", fingerprint="f1"
    )
    again = store.submit(
        submitted_lead(valid_submission, NOW + timedelta(minutes=2)), idempotency_key="k2", fingerprint="f1"
    )
    assert (again.outcome, again.reply_id) == ("replayed", repeat.reply_id)


def test_a_repeat_after_the_window_is_a_new_lead(store, valid_submission):
    store.submit(submitted_lead(valid_submission, NOW), idempotency_key="k1", fingerprint="f1")
    later = submitted_lead(valid_submission, NOW + timedelta(days=2))
    stored = store.submit(later, idempotency_key="k1", fingerprint="f1")
    assert (stored.outcome, stored.lead.id) == ("created", later.id)


def test_a_pack_version_is_recorded_once(store, valid_submission):
    lead = store.submit(submitted_lead(valid_submission, NOW)).lead
    built = store.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    assert built.status == LeadStatus.dossier_pret and not store.get(lead.id).needs_pack
    assert _kinds(store, lead.id) == ["dossier_genere"]
    with pytest.raises(PackAlreadyBuilt):
        store.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)


def test_an_edit_asks_for_the_next_version_once_and_a_stale_revision_is_refused(store, valid_submission):
    lead = store.submit(submitted_lead(valid_submission, NOW)).lead
    dossier = lead.dossier.model_copy(update={"trainees": 5})
    stamp = EditStamp(expected_rev=0, actor="c@example.fr", now=NOW)
    edited = store.update_dossier(lead.id, dossier, stamp, changed=["trainees"])
    assert (edited.pack_requested, edited.rev, store.get(lead.id).dossier.trainees) == (2, 1, 5)
    with pytest.raises(EditConflict):
        store.update_dossier(lead.id, dossier, stamp, changed=["trainees"])
    assert _kinds(store, lead.id) == ["dossier_modifie"]
