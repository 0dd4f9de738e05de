"""One contract, two stores: the in-memory fake (tests/fakes.py) and the DynamoDB store under moto
answer every case the same way, so unit tests on the fake say what the product does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.leads.listing import InvalidCursor, LeadFilter
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


def test_a_new_lead_waits_for_its_pack_until_one_is_recorded(store, valid_submission):
    lead = store.submit(submitted_lead(valid_submission, NOW)).lead
    later = store.submit(submitted_lead(valid_submission, NOW + timedelta(minutes=10))).lead
    waiting = [w.id for w in store.waiting_for_pack(created_before=NOW + timedelta(minutes=5))]
    assert waiting == [lead.id]  # the later one is not old enough yet
    store.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    assert [w.id for w in store.waiting_for_pack(created_before=NOW + timedelta(hours=1))] == [later.id]


def test_an_edit_leaves_a_pending_marker_until_its_version_is_built(store, valid_submission):
    lead = store.submit(submitted_lead(valid_submission, NOW)).lead
    dossier = lead.dossier.model_copy(update={"trainees": 5})
    store.update_dossier(lead.id, dossier, EditStamp(expected_rev=0, actor="c", now=NOW), changed=["trainees"])
    assert store.pending_packs() == [(lead.id, 2, NOW.isoformat())]
    store.clear_pending(lead.id, built_version=1)  # an older build does not answer the edit
    assert [p[:2] for p in store.pending_packs()] == [(lead.id, 2)]
    store.clear_pending(lead.id, built_version=2)
    assert store.pending_packs() == []


def _listed(page) -> list[str]:
    return [lead.id for lead in page.leads]


def test_leads_are_listed_newest_first_page_by_page(store, valid_submission):
    ids = [store.submit(submitted_lead(valid_submission, NOW + timedelta(minutes=m))).lead.id for m in range(3)]
    first = store.list_leads(LeadFilter(), limit=2, cursor=None)
    assert _listed(first) == [ids[2], ids[1]] and first.cursor
    second = store.list_leads(LeadFilter(), limit=2, cursor=first.cursor)
    assert (_listed(second), second.cursor) == ([ids[0]], None)
    with pytest.raises(InvalidCursor):
        store.list_leads(LeadFilter(status="recu"), limit=2, cursor=first.cursor)  # another list's cursor
    with pytest.raises(InvalidCursor):
        store.list_leads(LeadFilter(), limit=2, cursor="not-a-cursor")


def test_a_list_filters_by_status_date_and_search_and_hides_spam(store, valid_submission):
    kept = store.submit(submitted_lead(valid_submission, NOW)).lead
    spam = store.submit(submitted_lead(valid_submission, NOW, status=LeadStatus.spam)).lead
    other = {**valid_submission, "company_name": "Boulangerie Lemoine"}
    baker = store.submit(submitted_lead(other, NOW + timedelta(days=3))).lead
    assert _listed(store.list_leads(LeadFilter(), limit=10, cursor=None)) == [baker.id, kept.id]
    assert _listed(store.list_leads(LeadFilter(status="spam"), limit=10, cursor=None)) == [spam.id]
    assert _listed(store.list_leads(LeadFilter(query="lemoine"), limit=10, cursor=None)) == [baker.id]
    day = LeadFilter(date_from=NOW.date(), date_to=NOW.date())
    assert _listed(store.list_leads(day, limit=10, cursor=None)) == [kept.id]
    assert _listed(store.list_leads(LeadFilter(opco="atlas"), limit=10, cursor=None)) == [baker.id, kept.id]
    assert _listed(store.list_leads(LeadFilter(status="recu", opco="akto"), limit=10, cursor=None)) == []


def test_a_history_line_is_added_to_a_lead_and_refused_for_an_unknown_one(store, valid_submission):
    lead = store.submit(submitted_lead(valid_submission, NOW)).lead
    store.add_event(lead.id, "rappel_envoye", at=NOW, details={"echeance": "2026-12-01"}, expires_at=lead.expires_at)
    later = NOW + timedelta(seconds=1)  # two lines of the same instant have no defined order
    store.record_event(lead.id, "telechargement", actor="c@example.fr", now=later, details={"fichier": "devis.pdf"})
    assert [(e["kind"], e["actor"], e["details"]) for e in store.events(lead.id)] == [
        ("rappel_envoye", "systeme", {"echeance": "2026-12-01"}),
        ("telechargement", "c@example.fr", {"fichier": "devis.pdf"}),
    ]
    with pytest.raises(LeadNotFound):
        store.record_event("01kunknown00000000000000000", "telechargement", actor="c@example.fr", now=NOW)


def test_an_erased_lead_leaves_nothing_and_its_submission_makes_a_new_lead(store, valid_submission):
    lead = store.submit(submitted_lead(valid_submission, NOW), fingerprint="f1").lead
    store.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    dossier = lead.dossier.model_copy(update={"trainees": 5})
    store.update_dossier(lead.id, dossier, EditStamp(expected_rev=0, actor="c", now=NOW), changed=["trainees"])
    items = store.erase(lead.id, actor_sub="consultant-1", now=NOW, s3_versions_deleted=4, fingerprint="f1")
    assert items == 3  # the lead and its two history lines
    assert store.get_or_none(lead.id) is None and store.events(lead.id) == [] and store.pending_packs() == []
    again = store.submit(submitted_lead(valid_submission, NOW + timedelta(minutes=1)), fingerprint="f1")
    assert again.outcome == "created" and again.lead.id != lead.id  # no pointer to the erased lead
    with pytest.raises(LeadNotFound):
        store.erase(lead.id, actor_sub="consultant-1", now=NOW, s3_versions_deleted=0)
