"""Duplicates: the same Idempotency-Key, a double click, the same submission within 24 h."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

from tests.functional.conftest import post_json


def _leads(table_items) -> list[dict]:
    return [i for i in table_items() if i["sk"]["S"] == "LEAD"]


def _queued() -> list[dict]:
    from chalicelib import aws
    from chalicelib.config import settings

    return aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url, MaxNumberOfMessages=10).get("Messages", [])


def test_same_idempotency_key_twice_gives_one_lead_and_the_same_answer(client, table_items, valid_submission):
    key = {"Idempotency-Key": "2f1c7f0e-0d7b-4c43-9d55-3c2a1d1e9b10"}
    first = post_json(client, valid_submission, key)
    second = post_json(client, valid_submission, key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert json.loads(second.body)["lead_id"] == json.loads(first.body)["lead_id"]
    assert json.loads(second.body)["duplicate"] is True
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(_leads(table_items)) == 1
    assert len(_queued()) == 1
    pointers = [i for i in table_items() if i["pk"]["S"].startswith("IDEM#")]
    assert len(pointers) == 1 and "2f1c7f0e" not in pointers[0]["pk"]["S"]  # the key is stored hashed


def test_double_click_without_a_key_gives_one_lead(client, table_items, valid_submission):
    first = post_json(client, valid_submission)
    second = post_json(client, valid_submission)
    assert (first.status_code, second.status_code) == (201, 201)
    assert len(_leads(table_items)) == 1
    assert len(_queued()) == 1  # the repeat asks for no pack


def _answer_shape(body: dict) -> dict:
    return {k: (type(v).__name__ if k == "lead_id" else v) for k, v in body.items()}


def test_a_repeat_within_a_day_is_recorded_not_applied_and_answered_like_a_new_lead(
    client, table_items, valid_submission
):
    first = post_json(client, valid_submission)
    stored_before = _leads(table_items)
    again = {
        **valid_submission,
        "email": valid_submission["email"].upper(),
        "phone": "07 98 76 54 32",
        "message": None,
        "training": list(reversed(valid_submission["training"])),
    }
    second = post_json(client, again)
    # The answer cannot tell a repeat from a new lead, nor give away the first lead's id.
    assert (first.status_code, second.status_code) == (201, 201)
    assert _answer_shape(json.loads(second.body)) == _answer_shape(json.loads(first.body))
    first_id, reply_id = json.loads(first.body)["lead_id"], json.loads(second.body)["lead_id"]
    assert reply_id != first_id and len(reply_id) == len(first_id)
    assert second.headers.keys() == first.headers.keys()
    # The stored contact data is unchanged; no new pack.
    assert _leads(table_items) == stored_before
    assert len(_queued()) == 1
    [event] = [i for i in table_items() if i["sk"]["S"].startswith("EVENT#")]
    assert event["kind"]["S"] == "nouvelle_demande"
    details = event["details"]["M"]
    assert details["reference"]["S"] == reply_id
    diff = details["differences"]["M"]
    assert sorted(diff) == ["email", "message", "phone"]  # the trainings, in another order, are the same
    assert diff["phone"]["M"]["apres"]["S"] == "+33798765432"
    dedup = [i for i in table_items() if i["pk"]["S"].startswith("DEDUP#")]
    assert len(dedup) == 1 and valid_submission["siret"] not in json.dumps(dedup)


def test_a_repeat_with_its_own_key_replays_its_own_answer(client, table_items, valid_submission):
    first = json.loads(post_json(client, valid_submission).body)
    key = {"Idempotency-Key": "7d9e0c55-0a51-4f5e-9d4e-4b7f3b0f0a11"}
    repeat = post_json(client, {**valid_submission, "trainees": 5}, key)
    replay = post_json(client, {**valid_submission, "trainees": 5}, key)
    assert (repeat.status_code, replay.status_code) == (201, 200)
    assert json.loads(replay.body)["lead_id"] == json.loads(repeat.body)["lead_id"] != first["lead_id"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    kinds = [i["kind"]["S"] for i in table_items() if i["sk"]["S"].startswith("EVENT#")]
    assert kinds == ["nouvelle_demande"]  # the replay records nothing more


def test_another_training_is_another_lead(client, table_items, valid_submission):
    from chalicelib.catalogue import catalogue

    other = next(t.id for t in catalogue().trainings if t.id not in valid_submission["training"])
    assert post_json(client, valid_submission).status_code == 201
    assert post_json(client, {**valid_submission, "training": [other]}).status_code == 201
    assert len(_leads(table_items)) == 2


def test_a_repeat_after_the_pack_was_built_asks_for_no_new_version(client, table_items, valid_submission):
    from chalicelib.leads.model import PackInfo
    from chalicelib.leads.store import leads_store

    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    _queued()  # the first job, taken by the worker
    leads_store().record_pack(lead_id, PackInfo(version=1, built_at=datetime.now(UTC), keys={}), now=datetime.now(UTC))
    assert post_json(client, {**valid_submission, "trainees": 4}).status_code == 201
    lead = leads_store().get(lead_id)
    assert (lead.trainees, lead.pack_requested) == (valid_submission["trainees"], 1)
    assert _queued() == []


def test_spam_never_merges_into_a_real_lead(client, table_items, valid_submission):
    assert post_json(client, valid_submission).status_code == 201
    assert post_json(client, {**valid_submission, "website": "x"}).status_code == 201
    assert sorted(i["status"]["S"] for i in _leads(table_items)) == ["recu", "spam"]


class _SerializedTransactions:
    """DynamoDB serializes transactions; moto does not (it snapshots and restores the whole table
    on a failed one), so calls into moto take a lock. Our code above it still races freely."""

    def __init__(self, client):
        self._client = client
        self._lock = threading.Lock()
        self.exceptions = client.exceptions

    def __getattr__(self, name):
        call = getattr(self._client, name)

        def locked(*args, **kwargs):
            with self._lock:
                return call(*args, **kwargs)

        return locked


def test_concurrent_identical_submissions_store_one_lead(aws_env, table_items, valid_submission):
    from chalicelib import aws
    from chalicelib.config import settings
    from chalicelib.intake.form import ContactForm
    from chalicelib.leads.model import Lead, Provenance
    from chalicelib.leads.store import LeadStore

    store = LeadStore(_SerializedTransactions(aws.dynamodb()), settings().table_name)
    form = ContactForm.parse(valid_submission, today=datetime.now(UTC).date())
    now = datetime.now(UTC)
    barrier = threading.Barrier(8)
    outcomes: list[tuple[str, str]] = []

    def submit(i: int) -> None:
        lead = Lead.from_form(
            form,
            opco={},
            now=now + timedelta(microseconds=i),
            consent_version="v",
            provenance=Provenance(),
            spam=False,
            retention_days=1,
        )
        barrier.wait()
        stored = store.submit(lead, fingerprint="same-fingerprint", idempotency_key="same-key" if i % 2 else None)
        outcomes.append((stored.lead.id, stored.outcome))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(_leads(table_items)) == 1
    assert len({lead_id for lead_id, _ in outcomes}) == 1
    assert sorted(o for _, o in outcomes).count("created") == 1
    repeats = [i for i in table_items() if i["sk"]["S"].startswith("EVENT#")]
    assert len(repeats) == sorted(o for _, o in outcomes).count("resubmitted")
