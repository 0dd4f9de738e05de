"""Faults at the adapter boundary (tests/faults.py): a lost send, a worker dying mid-way,
duplicates and races, throttling, poison messages. Each ends with one lead and one pack."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from tests.faults import inject, lose_answers, sqs_event
from tests.functional.conftest import post_json


def _queued_bodies() -> list[str]:
    from chalicelib import aws
    from chalicelib.config import settings

    sqs, url = aws.sqs(), settings().jobs_queue_url
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for m in msgs:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return [m["Body"] for m in msgs]


def _submit(client, submission, n: int = 1) -> list[str]:
    ids = []
    for i in range(n):
        resp = post_json(
            client, {**submission, "company_name": f"Entreprise {i}", "email": f"contact{i}.{submission['email']}"}
        )  # distinct visitors
        assert resp.status_code == 201, resp.body
        ids.append(json.loads(resp.body)["lead_id"])
    return ids


def _invoke(client, bodies: list[str]) -> tuple[dict, list[str]]:
    """The real handler on a real SQS event; returns the answer and the records' messageIds."""
    event = sqs_event(client, bodies)
    result = client.lambda_.invoke("build_dossier", event).payload
    return result, [r["messageId"] for r in event["Records"]]


def _failed(result: dict) -> set[str]:
    return {f["itemIdentifier"] for f in result["batchItemFailures"]}


def _lead(lead_id: str):
    from chalicelib.leads.store import leads_store

    return leads_store().get(lead_id)


def _packs_built(lead_id: str) -> int:
    from chalicelib.leads.store import leads_store

    return [e["kind"] for e in leads_store().events(lead_id)].count("dossier_genere")


def _pack_prefixes(lead_id: str) -> set[str]:
    from chalicelib import aws
    from chalicelib.config import settings

    listed = aws.s3().list_objects_v2(Bucket=settings().bucket_name, Prefix=f"dossiers/{lead_id}/")
    return {o["Key"].split("/")[2] for o in listed.get("Contents", [])}


def _emails_sent() -> int:
    from chalicelib import aws

    return int(aws.ses().get_send_quota()["SentLast24Hours"])


# --- the queue send fails after the lead is stored -------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        {"code": "InternalError", "status": 500},
        {"code": "AWS.SimpleQueueService.NonExistentQueue", "status": 400},
        {"raises": EndpointConnectionError(endpoint_url="https://sqs.eu-west-3.amazonaws.com")},
    ],
    ids=["sqs-500", "queue-missing", "network-down"],
)
def test_lost_queue_send_still_answers_201_and_the_sweeper_builds_the_pack(client, valid_submission, fault):
    from chalicelib.dossier.worker import sweep

    with inject("sqs", "SendMessage", **fault) as send:
        resp = post_json(client, valid_submission)
    assert send.fired == 1
    assert resp.status_code == 201
    lead_id = json.loads(resp.body)["lead_id"]
    assert _lead(lead_id).status == "recu"
    assert _queued_bodies() == []  # the job is lost...

    now = datetime.now(UTC)
    assert sweep(now=now + timedelta(minutes=1))["resent"] == 0  # ...a fresh lead is left alone
    assert sweep(now=now + timedelta(minutes=4))["resent"] == 1  # ...a stuck one is re-sent
    result, _ = _invoke(client, _queued_bodies())
    assert result == {"batchItemFailures": []}
    assert _lead(lead_id).status == "dossier_pret" and _lead(lead_id).pack.version == 1
    assert sweep(now=now + timedelta(minutes=10))["resent"] == 0


# --- the worker dies between S3 and DynamoDB; duplicates; racing deliveries ------------------


def test_worker_dying_after_s3_retries_into_one_pack_version_and_one_notification(client, valid_submission):
    [lead_id] = _submit(client, valid_submission)
    [body] = _queued_bodies()

    # The pack is recorded by a conditional UpdateItem carrying the pack: it fails once.
    with inject(
        "dynamodb",
        "UpdateItem",
        "InternalServerError",
        times=1,
        when=lambda params: ":pack" in json.dumps(params, default=str),
    ) as crash:
        result, [message_id] = _invoke(client, [body])
    assert crash.fired == 1
    assert _failed(result) == {message_id}  # reported, so SQS delivers it again
    assert _lead(lead_id).pack is None and _pack_prefixes(lead_id) == {"v1"}  # files written, lead not
    sent_before = _emails_sent()

    retry, _ = _invoke(client, [body])
    assert retry == {"batchItemFailures": []}
    lead = _lead(lead_id)
    assert (lead.status, lead.pack.version) == ("dossier_pret", 1)
    sent_after_build = _emails_sent()

    duplicate, _ = _invoke(client, [body, body])  # at-least-once: the same job again, twice in a batch
    assert duplicate == {"batchItemFailures": []}
    assert _packs_built(lead_id) == 1
    assert _pack_prefixes(lead_id) == {"v1"}
    # Notifying consultants must ride on the recorded pack: nothing for the crash or the duplicates.
    assert sent_before == 0
    assert _emails_sent() == sent_after_build <= 1


def test_two_deliveries_racing_on_one_job_record_one_pack_version(client, valid_submission):
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack

    [lead_id] = _submit(client, valid_submission)
    [body] = _queued_bodies()
    rival: list[bool] = []

    # Just before the first worker records its pack, a second worker runs the same job to the end.
    with inject(
        "dynamodb",
        "UpdateItem",
        times=1,
        when=lambda params: ":pack" in json.dumps(params, default=str),
        before=lambda ctx: rival.append(build_pack(DossierJob.from_body(body))),
    ):
        result, _ = _invoke(client, [body])
    assert rival == [True]
    assert result == {"batchItemFailures": []}  # the loser acknowledges: PackAlreadyBuilt
    assert _packs_built(lead_id) == 1
    assert _lead(lead_id).pack.version == 1


# --- S3 / DynamoDB errors and throttling: only the record concerned fails ---------------------


@pytest.mark.parametrize(
    "service,operation,fault",
    [
        ("s3", "PutObject", {"code": "SlowDown", "status": 503}),
        ("s3", "PutObject", {"code": "InternalError", "status": 500}),
        ("dynamodb", "GetItem", {"code": "ProvisionedThroughputExceededException", "status": 400}),
        ("dynamodb", "UpdateItem", {"code": "ThrottlingException", "status": 400}),
        ("dynamodb", "GetItem", {"raises": ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-3.amazonaws.com")}),
    ],
    ids=["s3-slowdown", "s3-500", "ddb-throughput", "ddb-throttling", "ddb-timeout"],
)
def test_aws_error_in_the_worker_fails_only_its_record(client, valid_submission, service, operation, fault):
    lead_a, lead_b, lead_c = _submit(client, valid_submission, 3)
    bodies = _queued_bodies()
    by_lead = {json.loads(b)["lead_id"]: b for b in bodies}

    with inject(service, operation, when=lambda params: lead_b in json.dumps(params, default=str), **fault) as f:
        result, ids = _invoke(client, [by_lead[lead_a], by_lead[lead_b], by_lead[lead_c]])
    assert f.fired >= 1
    assert _failed(result) == {ids[1]}
    assert _lead(lead_a).pack.version == 1 and _lead(lead_c).pack.version == 1
    assert _lead(lead_b).pack is None

    retry, _ = _invoke(client, [by_lead[lead_b]])  # the fault is over: SQS's next delivery succeeds
    assert retry == {"batchItemFailures": []}
    assert _lead(lead_b).pack.version == 1 and _packs_built(lead_b) == 1


# --- poison messages -------------------------------------------------------------------------

POISON = [
    "not json at all",
    "",
    "[1, 2]",
    json.dumps({"lead_id": 42, "pack_version": 1}),
    json.dumps({"lead_id": "x", "pack_version": "1"}),
    json.dumps({"lead_id": "x", "pack_version": True}),
    json.dumps({"lead_id": "", "pack_version": 1}),
    json.dumps({"pack_version": 1}),
    json.dumps({"lead_id": "01jzzzzzzzzzzzzzzzzzzzzzzz", "pack_version": 1}),  # well-formed, no such lead
]


def test_poison_messages_fail_alone_and_the_rest_of_the_batch_is_built(client, valid_submission):
    lead_a, lead_b = _submit(client, valid_submission, 2)
    good = _queued_bodies()
    for i in range(0, len(POISON), 3):  # SQS batches hold up to 5 records here
        bodies = [good[0], *POISON[i : i + 3], good[1]]
        result, ids = _invoke(client, bodies)
        assert _failed(result) == set(ids[1:-1]), bodies
    assert _lead(lead_a).pack.version == 1 and _lead(lead_b).pack.version == 1
    assert _packs_built(lead_a) == _packs_built(lead_b) == 1


def test_a_batch_of_only_poison_is_answered_not_raised(client):
    result, ids = _invoke(client, POISON[:2])
    assert _failed(result) == set(ids)


# --- the table refuses the lead at intake ----------------------------------------------------


def test_a_lead_the_table_cannot_store_is_never_acknowledged_nor_queued(client, table_items, valid_submission):
    # The first write of a submission is its duplicate-pointer claim (PutItem), then the lead.
    with inject("dynamodb", "PutItem", "ProvisionedThroughputExceededException", status=400) as fault:
        resp = post_json(client, valid_submission)
    assert fault.fired == 1
    assert resp.status_code >= 500  # an error the visitor can retry, never a false "reçu"
    assert "lead_id" not in resp.body.decode()
    assert table_items() == []
    assert _queued_bodies() == []


def test_a_lead_write_whose_answer_is_lost_is_retried_into_one_lead_and_a_201(client, table_items, valid_submission):
    with lose_answers("dynamodb", "PutItem", when=lambda body: b'"LEAD#' in body) as lost:
        resp = post_json(client, valid_submission)
    assert lost.fired == 1  # the SDK sent it again; the first attempt had already stored the lead
    assert resp.status_code == 201
    lead_id = json.loads(resp.body)["lead_id"]
    assert [i["id"]["S"] for i in table_items() if i["sk"]["S"] == "LEAD"] == [lead_id]
    assert [json.loads(b)["lead_id"] for b in _queued_bodies()] == [lead_id]
