"""scripts/redrive.py against moto: dead letters go back to the jobs queue, once each."""

from __future__ import annotations

import json


def _bodies(sqs, url: str) -> list[str]:
    bodies = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for m in batch:
            bodies.append(m["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies


def test_redrive_moves_every_dead_letter_back_to_its_source_queue(aws_env):
    from chalicelib import aws
    from chalicelib.config import settings
    from scripts.redrive import redrive

    sqs = aws.sqs()
    dlq = sqs.get_queue_url(QueueName="opco-dossier-jobs-dlq")["QueueUrl"]
    jobs = [json.dumps({"lead_id": f"lead-{i}", "pack_version": 1}) for i in range(13)]
    for body in jobs:
        sqs.send_message(QueueUrl=dlq, MessageBody=body)

    assert redrive(sqs, dlq, dry_run=True) == 13
    assert redrive(sqs, dlq) == 13
    assert sorted(_bodies(sqs, settings().jobs_queue_url)) == sorted(jobs)
    assert _bodies(sqs, dlq) == []


def test_redrive_stops_at_the_limit(aws_env):
    from chalicelib import aws
    from scripts.redrive import redrive

    sqs = aws.sqs()
    dlq = sqs.get_queue_url(QueueName="opco-dossier-jobs-dlq")["QueueUrl"]
    for i in range(3):
        sqs.send_message(QueueUrl=dlq, MessageBody=f"job-{i}")
    assert redrive(sqs, dlq, limit=2) == 2
    assert len(_bodies(sqs, dlq)) == 1
