"""`make redrive` on the real local stack: a dead letter goes back and the worker consumes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


def _depth(sqs, url: str) -> int:
    attrs = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return sum(int(v) for v in attrs.values())


def test_redrive_returns_dead_letters_to_the_worker_on_the_local_stack(stack, valid_submission):
    # Its own person: the stack is shared, and the same submission twice is a duplicate.
    submission = {**valid_submission, "email": "redrive.e2e@example.fr"}
    req = urllib.request.Request(
        stack.api + "/leads",
        data=json.dumps(submission).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        lead_id = json.loads(resp.read())["lead_id"]
    sqs = stack.client("sqs")
    dlq = sqs.get_queue_url(QueueName="opco-dossier-jobs-dlq")["QueueUrl"]
    jobs = sqs.get_queue_url(QueueName="opco-dossier-jobs")["QueueUrl"]
    sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps({"lead_id": lead_id, "pack_version": 1}))

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "scripts/redrive.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env, "AWS_ENDPOINT_URL": stack.aws},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 dead-lettered job(s) moved back")
    assert _depth(sqs, dlq) == 0

    deadline = time.monotonic() + 20
    while _depth(sqs, jobs) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _depth(sqs, jobs) == 0  # the pump handed it to the worker, which built or skipped it
    ddb = stack.client("dynamodb")
    item = ddb.get_item(TableName="opco-dossier-local", Key={"pk": {"S": f"LEAD#{lead_id}"}, "sk": {"S": "LEAD"}})
    assert item["Item"]["status"]["S"] == "dossier_pret"
