"""The worker: a real SQS event into the handler, the pack in S3, the lead updated."""

from __future__ import annotations

import json

from tests.functional.conftest import post_json


def _drain_into_worker(client) -> dict:
    from chalicelib import aws
    from chalicelib.config import settings

    msgs = aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url, MaxNumberOfMessages=10)["Messages"]
    event = client.events.generate_sqs_event(message_bodies=[m["Body"] for m in msgs], queue_name="opco-dossier-jobs")
    return client.lambda_.invoke("build_dossier", event).payload


def test_worker_builds_the_pack_and_marks_the_lead_ready(client, valid_submission):
    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    result = _drain_into_worker(client)
    assert result == {"batchItemFailures": []}

    from chalicelib import aws
    from chalicelib.config import settings
    from chalicelib.leads.store import leads_store

    lead = leads_store().get(lead_id)
    assert lead.status == "dossier_pret"
    assert lead.pack.version == 1
    listed = aws.s3().list_objects_v2(Bucket=settings().bucket_name, Prefix=f"dossiers/{lead_id}/v1/")
    names = sorted(o["Key"].rsplit("/", 1)[1] for o in listed["Contents"])
    assert "prefill.json" in names and "dossier.zip" in names
    assert set(lead.pack.keys.values()) == {o["Key"] for o in listed["Contents"]}
    prefill = json.loads(
        aws.s3().get_object(Bucket=settings().bucket_name, Key=lead.pack.keys["prefill.json"])["Body"].read()
    )
    assert prefill["entreprise"]["siret"] == valid_submission["siret"]
    assert prefill["opco"]["code"] == "atlas"


def test_same_job_delivered_twice_builds_one_pack_version(client, valid_submission):
    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack
    from chalicelib.leads.store import leads_store

    assert build_pack(DossierJob(lead_id, 1)) is True
    assert build_pack(DossierJob(lead_id, 1)) is False
    kinds = [e["kind"] for e in leads_store().events(lead_id)]
    assert kinds.count("dossier_genere") == 1
