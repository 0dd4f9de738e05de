"""A consultant's day through the JSON API: edit → v2, downloads, OPCO decision, CSV, erasure."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from tests.functional.conftest import post_json

API = "/consultants/api/leads"


def _new_lead(c, submission) -> str:
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack

    lead_id = json.loads(post_json(c.client, submission).body)["lead_id"]
    assert build_pack(DossierJob(lead_id, 1)) is True
    return lead_id


def _send(c, method: str, path: str, body: dict):
    return c.client.http.request(
        method, path, headers={**c.bearer(), "Content-Type": "application/json"}, body=json.dumps(body).encode()
    )


def _queued_versions() -> list[int]:
    from chalicelib import aws
    from chalicelib.config import settings

    msgs = aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url, MaxNumberOfMessages=10).get("Messages", [])
    return sorted(json.loads(m["Body"])["pack_version"] for m in msgs)


def _sent_emails() -> list:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"].sent_messages


def test_new_lead_emails_the_consultants_once_without_contact_details(local_consultants, valid_submission):
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack

    lead_id = _new_lead(local_consultants, valid_submission)
    assert build_pack(DossierJob(lead_id, 1)) is False  # a redelivery sends nothing
    emails = _sent_emails()
    assert len(emails) == 1
    mail = emails[0]
    assert mail.destinations["ToAddresses"] == ["consultants@formation-ia.example"]
    assert "Atlas" in mail.subject and lead_id in mail.body
    for personal in (valid_submission["email"], valid_submission["last_name"], "06 12 34 56 78"):
        assert personal not in mail.body and personal not in mail.subject


def test_editing_trainees_queues_version_2_and_the_sweeper_covers_a_lost_send(local_consultants, valid_submission):
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack, sweep
    from chalicelib.leads.store import leads_store

    c = local_consultants
    lead_id = _new_lead(c, valid_submission)
    _queued_versions()  # drain v1's job
    resp = _send(c, "PATCH", f"{API}/{lead_id}", {"trainees": 5, "rev": 0})
    assert resp.status_code == 200, resp.body
    assert json.loads(resp.body)["pack_requested"] == 2
    assert _queued_versions() == [2]

    stale = _send(c, "PATCH", f"{API}/{lead_id}", {"trainees": 6, "rev": 0})
    assert stale.status_code == 409
    bad = _send(c, "PATCH", f"{API}/{lead_id}", {"trainees": 0, "rev": 1})
    assert bad.status_code == 422
    assert json.loads(bad.body)["errors"][0] == {"field": "trainees", "message": "Entre 1 et 200 stagiaires."}

    # The job for v2 was lost: the sweeper finds the edited lead through its pending marker.
    later = datetime.now(UTC) + timedelta(minutes=10)
    assert sweep(now=later)["resent"] == 1
    assert _queued_versions() == [2]
    assert build_pack(DossierJob(lead_id, 2)) is True
    assert leads_store().get(lead_id).pack.version == 2
    assert leads_store().pending_packs() == []
    assert sweep(now=later)["resent"] == 0
    assert len(_sent_emails()) == 1  # v2 is not a new lead


def test_downloads_are_short_lived_and_recorded_with_the_consultant(local_consultants, valid_submission):
    c = local_consultants
    lead_id = _new_lead(c, valid_submission)
    listing = json.loads(c.client.http.get(f"{API}/{lead_id}/dossier", headers=c.bearer()).body)
    assert "dossier.zip" in [d["name"] for d in listing["documents"]]
    resp = c.client.http.get(f"{API}/{lead_id}/dossier/dossier.zip", headers=c.bearer())
    body = json.loads(resp.body)
    query = parse_qs(urlsplit(body["url"]).query)
    assert int(query["X-Amz-Expires"][0]) <= 600 and body["expires_in"] <= 600
    assert f"dossiers/{lead_id}/v1/dossier.zip" in body["url"]
    assert c.client.http.get(f"{API}/{lead_id}/dossier/nope.pdf", headers=c.bearer()).status_code == 404
    history = json.loads(c.client.http.get(f"{API}/{lead_id}", headers=c.bearer()).body)["history"]
    download = [h for h in history if h["kind"] == "telechargement"]
    assert download == [{**download[0], "actor": "claire@formation-ia.example"}]
    assert "dossier.zip" in download[0]["text"]


def test_the_opco_decision_follows_the_workflow_and_refuses_with_a_reason(local_consultants, valid_submission):
    c = local_consultants
    lead_id = _new_lead(c, valid_submission)
    early = _send(c, "POST", f"{API}/{lead_id}/status", {"status": "accord", "amount_granted": "1200", "rev": 0})
    assert early.status_code == 422
    assert "suppose une demande déposée" in json.loads(early.body)["errors"][0]["message"]
    rev = 0
    for step in (
        {"status": "envoye_client"},
        {"status": "demande_deposee", "opco_file_number": "AT-2027-0042"},
        {"status": "accord", "amount_granted": "1 250,50"},
    ):
        resp = _send(c, "POST", f"{API}/{lead_id}/status", {**step, "rev": rev})
        assert resp.status_code == 200, resp.body
        rev = json.loads(resp.body)["rev"]
    detail = json.loads(c.client.http.get(f"{API}/{lead_id}", headers=c.bearer()).body)
    assert detail["status"] == "accord"
    assert detail["lead"]["tracking"]["amount_granted"] == "1250.50"
    assert detail["lead"]["tracking"]["opco_file_number"] == "AT-2027-0042"
    changes = [h for h in detail["history"] if h["kind"] == "statut_modifie"]
    assert [h["actor"] for h in changes] == ["claire@formation-ia.example"] * 3
    assert "1\u202f250,50\u202f€" in changes[-1]["text"]
    listed = json.loads(c.client.http.get(f"{API}?status=accord", headers=c.bearer()).body)["leads"]
    assert [row["id"] for row in listed] == [lead_id]


def test_csv_export_neutralises_formulas_for_french_excel(local_consultants, valid_submission):
    c = local_consultants
    _new_lead(c, {**valid_submission, "company_name": '=HYPERLINK("http://evil";"x")'})
    resp = c.client.http.get(f"{API}.csv", headers=c.bearer())
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    text = resp.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][0] == "Référence" and len(rows) == 2
    assert rows[1][4].startswith("'=HYPERLINK")
    assert rows[1][rows[0].index("Téléphone")] == "06 12 34 56 78"  # as dialled, not a quoted '+33…


def test_erasure_removes_the_lead_its_history_and_every_s3_version(local_consultants, valid_submission):
    from chalicelib import aws
    from chalicelib.config import settings

    c = local_consultants
    lead_id = _new_lead(c, valid_submission)
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack

    _send(c, "PATCH", f"{API}/{lead_id}", {"notes": "Rappeler lundi", "rev": 0})
    assert build_pack(DossierJob(lead_id, 2)) is True
    s3 = aws.s3()
    key = f"dossiers/{lead_id}/v1/dossier.zip"
    s3.delete_object(Bucket=settings().bucket_name, Key=key)  # a delete marker over the old versions
    before = s3.list_object_versions(Bucket=settings().bucket_name, Prefix=f"dossiers/{lead_id}/")
    stored = len(before["Versions"]) + len(before["DeleteMarkers"])
    resp = c.client.http.request("DELETE", f"{API}/{lead_id}", headers=c.bearer())
    assert resp.status_code == 200, resp.body
    assert json.loads(resp.body)["s3_versions_deleted"] == stored >= 3
    items = aws.dynamodb().scan(TableName=settings().table_name)["Items"]
    assert [i for i in items if lead_id in json.dumps(i)] == [i for i in items if i["pk"]["S"] == "ERASURE"]
    audit = next(i for i in items if i["pk"]["S"] == "ERASURE")
    dumped = json.dumps(audit)
    for personal in (
        valid_submission["company_name"],
        valid_submission["email"],
        valid_submission["siret"],
        "claire@formation-ia.example",
    ):
        assert personal not in dumped
    versions = aws.s3().list_object_versions(Bucket=settings().bucket_name, Prefix=f"dossiers/{lead_id}/")
    assert not versions.get("Versions") and not versions.get("DeleteMarkers")
    assert c.client.http.get(f"{API}/{lead_id}", headers=c.bearer()).status_code == 404


def test_history_opens_with_the_arrival_derived_from_the_lead(local_consultants, valid_submission):
    from chalicelib.consultants.presenter import history
    from chalicelib.leads.model import LeadStatus
    from chalicelib.leads.store import leads_store

    c = local_consultants
    lead_id = _new_lead(c, valid_submission)
    rows = json.loads(c.client.http.get(f"{API}/{lead_id}", headers=c.bearer()).body)["history"]
    lead = leads_store().get(lead_id)
    assert rows[0]["kind"] == "lead_recu" and [r["kind"] for r in rows].count("lead_recu") == 1
    assert rows[0]["label"] == "Demande reçue" and rows[0]["text"] == "Reçu"
    assert datetime.fromisoformat(rows[0]["at"]) == lead.created_at
    # A spam lead a consultant rescued still shows it arrived as spam.
    rescued = lead.model_copy(update={"status": LeadStatus.recu})
    change = {
        "sk": "EVENT#2099",
        "kind": "statut_modifie",
        "at": "2099-01-01T00:00:00+00:00",
        "details": {"de": "spam", "vers": "recu"},
    }
    assert history(rescued, [change])[0]["text"] == "Indésirable"
