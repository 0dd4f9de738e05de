"""Retries and the dead-letter queue, at the queue level: moto's SQS honours the deployed
RedrivePolicy (maxReceiveCount 5), and the local stack's own delivery step (receive →
real handler → delete successes, release failures) plays Lambda's event source mapping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.faults import inject
from tests.functional.conftest import post_json

MAX_RECEIVES = 5


@pytest.fixture
def queues(aws_env):
    from app import app  # noqa: F401  (registers the worker's handler)
    from chalicelib import aws
    from chalicelib.config import settings

    sqs = aws.sqs()
    url = settings().jobs_queue_url
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn, settings().dead_letter_queue_url


def _deliver_until_drained(queues, rounds: int = 3 * MAX_RECEIVES) -> list[dict[str, int]]:
    from scripts.local_stack import deliver_once

    sqs, url, arn, _ = queues
    log = []
    for _ in range(rounds):
        step = deliver_once(sqs, url, arn, wait_s=0, retry_after_s=0)
        if not step["received"]:
            break
        log.append(step)
    return log


def _dead_letters(queues) -> list[str]:
    sqs, _, _, dlq = queues
    msgs = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
    return [m["Body"] for m in msgs]


def _lead(lead_id: str):
    from chalicelib.leads.store import leads_store

    return leads_store().get(lead_id)


def test_the_deployed_queue_sends_to_the_dlq_after_five_receives(queues):
    sqs, url, _, _ = queues
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"]
    )
    assert int(policy["maxReceiveCount"]) == MAX_RECEIVES
    assert policy["deadLetterTargetArn"].endswith(":opco-dossier-jobs-dlq")


def test_poison_lands_in_the_dlq_after_its_retries_and_the_good_job_is_built(client, queues, valid_submission):
    sqs, url, _, _ = queues
    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    poison = json.dumps({"lead_id": "01jzzzzzzzzzzzzzzzzzzzzzzz", "pack_version": 1})
    sqs.send_message(QueueUrl=url, MessageBody="{not json")
    sqs.send_message(QueueUrl=url, MessageBody=poison)

    log = _deliver_until_drained(queues)
    assert sorted(_dead_letters(queues)) == sorted(["{not json", poison])
    assert sum(step["failed"] for step in log) == 2 * MAX_RECEIVES  # retried, then dead-lettered
    assert _lead(lead_id).pack.version == 1


def test_a_job_outlasting_an_s3_outage_is_dead_lettered_then_rebuilt_by_the_sweeper(client, queues, valid_submission):
    from chalicelib.dossier.worker import sweep

    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    with inject("s3", "PutObject", "ServiceUnavailable", status=503) as outage:
        _deliver_until_drained(queues)
    assert outage.fired == MAX_RECEIVES
    assert [json.loads(b)["lead_id"] for b in _dead_letters(queues)] == [lead_id]
    assert _lead(lead_id).status == "recu"

    # S3 is back; the lead is still waiting, so the next sweep queues its job again.
    assert sweep(now=datetime.now(UTC) + timedelta(minutes=4))["resent"] == 1
    assert [s["failed"] for s in _deliver_until_drained(queues)] == [0]
    assert _lead(lead_id).pack.version == 1
