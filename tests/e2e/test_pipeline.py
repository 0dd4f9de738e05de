"""One lead the whole way, over HTTP: form → DynamoDB → SQS → worker → PDF in S3 → pdftotext."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def _post_json(url: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _wait_for_pack(stack, lead_id: str, timeout_s: float = 20) -> dict:
    s3 = stack.client("s3")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        listed = s3.list_objects_v2(Bucket="opco-dossier-local", Prefix=f"dossiers/{lead_id}/v1/")
        keys = {o["Key"].rsplit("/", 1)[1]: o["Key"] for o in listed.get("Contents", [])}
        if "dossier.zip" in keys:
            return keys
        time.sleep(0.3)
    raise AssertionError(f"no pack for {lead_id} within {timeout_s} s")


def test_a_submitted_lead_gets_its_pack_in_s3_within_seconds(stack, valid_submission, tmp_path):
    started = time.monotonic()
    status, body = _post_json(stack.api + "/leads", valid_submission)
    assert status == 201, body
    keys = _wait_for_pack(stack, body["lead_id"])
    elapsed = time.monotonic() - started
    assert elapsed < 10

    s3 = stack.client("s3")
    pdf_name = next(n for n in keys if n.endswith(".pdf"))
    pdf = tmp_path / pdf_name
    pdf.write_bytes(s3.get_object(Bucket="opco-dossier-local", Key=keys[pdf_name])["Body"].read())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert valid_submission["company_name"] in text
    assert "Atlas" in text
    assert "73282932000074" in text

    prefill = json.loads(s3.get_object(Bucket="opco-dossier-local", Key=keys["prefill.json"])["Body"].read())
    assert prefill["entreprise"]["siret"] == "73282932000074"

    ddb = stack.client("dynamodb")
    item = ddb.get_item(
        TableName="opco-dossier-local", Key={"pk": {"S": f"LEAD#{body['lead_id']}"}, "sk": {"S": "LEAD"}}
    )["Item"]
    assert item["status"]["S"] == "dossier_pret"


def test_invalid_submission_over_http_is_refused_in_french(stack, valid_submission):
    status, body = _post_json(stack.api + "/leads", {**valid_submission, "siret": "73282932000079"})
    assert status == 422
    assert body["errors"][0]["field"] == "siret"
