"""What operations see: JSON logs without personal data, and EMF metrics, from real handler runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.functional.conftest import post_json


def _json_lines(text: str) -> list[dict]:
    docs = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            docs.append(json.loads(line))
    return docs


def _emf_metrics(docs: list[dict]) -> dict[str, list[dict]]:
    """{metric name: [EMF document, ...]} for every valid CloudWatch embedded-metric document."""
    found: dict[str, list[dict]] = {}
    for doc in docs:
        aws = doc.get("_aws")
        if not aws:
            continue
        assert isinstance(aws["Timestamp"], int)
        for directive in aws["CloudWatchMetrics"]:
            assert directive["Namespace"] == "OpcoDossier"
            for dims in directive["Dimensions"]:
                assert all(isinstance(doc[d], str) for d in dims)  # each dimension is a member of the doc
            for metric in directive["Metrics"]:
                assert metric["Name"] in doc, metric  # each metric's value is a member of the doc
                found.setdefault(metric["Name"], []).append(doc)
    return found


def _total(value) -> float:
    """An EMF value is a number or, when a metric was added several times, a list of numbers."""
    return sum(value) if isinstance(value, list) else value


def _drain_into_worker(client, extra_bodies: list[str] = ()) -> dict:
    from chalicelib import aws
    from chalicelib.config import settings

    msgs = aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url, MaxNumberOfMessages=10)["Messages"]
    event = client.events.generate_sqs_event(
        message_bodies=[m["Body"] for m in msgs] + list(extra_bodies), queue_name="opco-dossier-jobs"
    )
    for i, record in enumerate(event["Records"]):  # chalice gives every record the same messageId
        record["messageId"] = f"msg-{i}"
    return client.lambda_.invoke("build_dossier", event).payload


@pytest.fixture
def pipeline_output(client, capfd, monkeypatch, valid_submission):
    """One genuine lead, one spam, one without OPCO; the worker (one job fails, the company
    registry is unreachable); the sweeper."""
    from chalicelib import config

    monkeypatch.setenv("REGISTRY_ENABLED", "true")
    monkeypatch.setenv("REGISTRY_URL", "http://127.0.0.1:9")  # nothing listens: connection refused
    monkeypatch.setenv("REGISTRY_TIMEOUT_S", "0.3")
    config.reset()
    capfd.readouterr()
    post_json(client, valid_submission)
    # Distinct people: the same one again would be a duplicate, not a new lead.
    post_json(client, {**valid_submission, "email": "a.b@example.fr", "website": "http://cheap-pills.example"})
    unresolved = {k: v for k, v in valid_submission.items() if k not in ("idcc", "naf")}
    post_json(client, {**unresolved, "email": "c.d@example.fr"})
    missing_lead = json.dumps({"lead_id": "01jzzzzzzzzzzzzzzzzzzzzzzz", "pack_version": 1})
    result = _drain_into_worker(client, [missing_lead])
    assert result["batchItemFailures"] == [{"itemIdentifier": "msg-2"}]
    client.lambda_.invoke(
        "sweep_stuck_leads",
        client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]),
    )
    out = capfd.readouterr()
    return out.out + out.err


def test_a_pipeline_run_publishes_every_business_metric_as_emf(pipeline_output):
    metrics = _emf_metrics(_json_lines(pipeline_output))
    for name in (
        "LeadReceived",
        "LeadSpam",
        "OpcoUnresolved",
        "PackBuilt",
        "PackFailed",
        "PackBuildMs",
        "RegistryLookupFailed",
        "LeadsWaitingForPack",
    ):
        assert name in metrics, f"{name} missing from {sorted(metrics)}"

    def total(name: str, where=lambda d: True) -> float:
        return sum(_total(d[name]) for d in metrics[name] if where(d))

    by_opco = {d["Opco"]: _total(d["LeadReceived"]) for d in metrics["LeadReceived"] if "Opco" in d}
    assert by_opco == {"atlas": 1, "aucun": 1}
    assert total("LeadReceived", lambda d: "Opco" not in d) == 2  # spam is counted apart
    assert total("LeadSpam") == 1
    assert total("OpcoUnresolved") == 1
    assert total("PackBuilt") == 2
    assert total("PackFailed") == 1
    assert total("RegistryLookupFailed") == 2  # one per pack built
    build_ms = metrics["PackBuildMs"][0]["PackBuildMs"]
    assert len(build_ms) == 2 and all(ms > 0 for ms in build_ms)
    assert all(d["environment"] == "local" and d["service"] == "opco-dossier" for ds in metrics.values() for d in ds)
    assert total("LeadsWaitingForPack") == 0


def test_log_lines_are_json_correlated_by_lead_and_free_of_personal_data(pipeline_output, valid_submission):
    docs = _json_lines(pipeline_output)
    logs = [d for d in docs if "_aws" not in d]
    assert any(d.get("message") == "dossier built" and d.get("lead_id") for d in logs)
    failed = [d for d in logs if d.get("message") == "pack build failed"]
    assert [(d["error"], d["lead_id"]) for d in failed] == [("LeadNotFound", "01jzzzzzzzzzzzzzzzzzzzzzzz")]
    assert all("function_request_id" in d and "level" in d for d in logs)
    text = pipeline_output.lower()
    phone = valid_submission["phone"]
    for secret in (
        valid_submission["email"],
        valid_submission["first_name"],
        valid_submission["last_name"],
        valid_submission["company_name"],
        "dupont",
        "camille.martin",
        phone,
        phone.replace(" ", ""),
        "+33" + phone.replace(" ", "")[1:],
    ):
        assert secret.lower() not in text, secret


def test_sweeper_counts_leads_still_without_pack_after_15_minutes(client, valid_submission):
    from chalicelib.dossier.worker import sweep

    post_json(client, valid_submission)
    now = datetime.now(UTC)
    assert sweep(now=now + timedelta(minutes=5)) == {"resent": 1, "late": 0}
    assert sweep(now=now + timedelta(minutes=16)) == {"resent": 1, "late": 1}
