"""Filing and decision by the client, proposed to the consultant, who confirms them into the workflow."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import requests

from tests.functional.client.conftest import form, run_jobs

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _lead(lead_id: str):
    from chalicelib.leads.store import leads_store

    return leads_store().get(lead_id)


def _space(lead_id: str):
    from chalicelib.leads.store_client import client_store

    return client_store().space(lead_id)


def _yesterday() -> str:
    return (datetime.now(UTC).date() - timedelta(days=1)).isoformat()


def _file(c, sent, number: str = "ATL-2026-000123"):
    return form(c, f"/client/{sent.token}/depot", {"filed_on": _yesterday(), "opco_file_number": number})


def _decide(c, sent, outcome: str = "accord_partiel", amount: str = "1 200,50"):
    data = {"outcome": outcome, "decided_on": _yesterday(), "amount": amount}
    return form(c, f"/client/{sent.token}/decision", data)


def _upload_form(c, sent, kind: str = "pdf") -> dict:
    page = form(c, f"/client/{sent.token}/decision/fichier", {"type": kind})
    assert page.status_code == 200, page.body
    html = page.body.decode()
    action = unescape(re.search(r'<form method="post" action="([^"]+)" enctype', html).group(1))
    fields = {
        unescape(n): unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    }
    assert action.split("//")[1].split("/")[0] in page.headers["Content-Security-Policy"]  # form-action allows S3
    return {"url": action, "fields": fields}


def _post_to_s3(post: dict, body: bytes, content_type: str = "application/pdf") -> requests.Response:
    return requests.post(
        post["url"],
        data=post["fields"],
        files={"file": ("decision.pdf", body, content_type)},
        allow_redirects=False,
        timeout=10,
    )


def test_the_client_files_then_reports_the_decision_and_only_the_consultant_changes_the_status(local_consultants, sent):
    c = local_consultants.client
    assert _decide(c, sent).status_code == 422  # not before the filing
    bad = form(c, f"/client/{sent.token}/depot", {"filed_on": "2999-01-01", "opco_file_number": "X"})
    assert bad.status_code == 422 and "futur" in bad.body.decode()
    assert _file(c, sent).status_code == 303
    assert _lead(sent.id).status.value == "envoye_client"  # a proposal, not a status
    assert _decide(c, sent, amount="").status_code == 422
    assert _decide(c, sent).status_code == 303
    decision = _space(sent.id).decision
    assert str(decision.amount) == "1200.50" and decision.outcome == "accord_partiel"
    assert _lead(sent.id).status.value == "envoye_client"

    post = _upload_form(c, sent)
    resp = _post_to_s3(post, PDF)
    assert resp.status_code == 303 and resp.headers["Location"].startswith(post["fields"]["success_action_redirect"])
    back = c.http.get(f"/client/{sent.token}/decision/recue")
    assert back.status_code == 303
    run_jobs(c)
    assert _space(sent.id).decision.upload_state == "accepte"

    page = c.http.get(f"/consultants/leads/{sent.id}", headers=local_consultants.cookie()).body.decode()
    assert "ATL-2026-000123" in page and "Confirmer : « Demande déposée à l'OPCO »" in page
    rev = str(_lead(sent.id).rev)
    path = f"/consultants/leads/{sent.id}/client/confirmer"
    assert form(c, f"{path}/depot", {"rev": rev}, local_consultants.cookie()).status_code == 303
    lead = _lead(sent.id)
    assert lead.status.value == "demande_deposee" and lead.tracking.opco_file_number == "ATL-2026-000123"
    assert form(c, f"{path}/decision", {"rev": str(lead.rev)}, local_consultants.cookie()).status_code == 303
    lead = _lead(sent.id)
    assert lead.status.value == "accord_partiel" and str(lead.tracking.amount_granted) == "1200.50"
    again = form(c, f"{path}/decision", {"rev": str(lead.rev)}, local_consultants.cookie())
    assert again.status_code == 422  # already confirmed
    letter = c.http.get(f"/consultants/leads/{sent.id}/client/decision", headers=local_consultants.cookie())
    assert letter.status_code == 303 and "uploads/" in letter.headers["Location"]
    detail = json.loads(c.http.get(f"/consultants/api/leads/{sent.id}", headers=local_consultants.bearer()).body)
    kinds = {(h["kind"], h["actor"]) for h in detail["history"]}
    assert {("depot_declare", "client"), ("decision_declaree", "client"), ("decision_televersee", "client")} <= kinds


def test_the_upload_policy_fixes_key_type_and_size(local_consultants, sent):
    c = local_consultants.client
    _file(c, sent)
    _decide(c, sent, outcome="refus", amount="")
    post = _upload_form(c, sent, "png")
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 10 * 1024 * 1024] in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert {"key": post["fields"]["key"]} in conditions
    assert post["fields"]["key"].startswith(f"uploads/{sent.id}/")
    bad_type = form(c, f"/client/{sent.token}/decision/fichier", {"type": "exe"})
    assert bad_type.status_code == 422


def test_the_worker_refuses_a_file_whose_real_type_or_size_is_wrong_and_deletes_it(local_consultants, sent):
    from chalicelib import aws
    from chalicelib.config import settings

    c = local_consultants.client
    _file(c, sent)
    _decide(c, sent)
    post = _upload_form(c, sent)
    _post_to_s3(post, b"MZ\x90\x00 this is a program, not a PDF")
    c.http.get(f"/client/{sent.token}/decision/recue")
    run_jobs(c)
    decision = _space(sent.id).decision
    assert decision.upload_state == "refuse" and "ni un PDF" in decision.upload_note
    listed = aws.s3().list_object_versions(Bucket=settings().client_bucket_name, Prefix=post["fields"]["key"])
    assert not listed.get("Versions")
    page = c.http.get(f"/client/{sent.token}").body.decode()
    assert "Fichier refusé" in page

    # Bigger than 10 MB (S3 enforces the policy in AWS; the worker checks again whatever arrived).
    post = _upload_form(c, sent)
    aws.s3().put_object(
        Bucket=settings().client_bucket_name, Key=post["fields"]["key"], Body=PDF + b"0" * (10 * 1024 * 1024)
    )
    c.http.get(f"/client/{sent.token}/decision/recue")
    run_jobs(c)
    assert "trop volumineux" in _space(sent.id).decision.upload_note


def test_the_worker_refuses_a_file_whose_content_is_not_the_type_the_client_chose(local_consultants, sent):
    from chalicelib import aws
    from chalicelib.config import settings

    c = local_consultants.client
    _file(c, sent)
    _decide(c, sent)
    post = _upload_form(c, sent, "png")  # the client chose PNG: the policy fixes Content-Type image/png
    assert _post_to_s3(post, PDF, "image/png").status_code == 303  # S3 only checks the declared type
    c.http.get(f"/client/{sent.token}/decision/recue")
    run_jobs(c)
    decision = _space(sent.id).decision
    expected = "Ce fichier est un PDF alors que vous aviez choisi une image PNG : recommencez avec le bon type."
    assert (decision.upload_state, decision.upload_note, decision.upload_type) == ("refuse", expected, None)
    listed = aws.s3().list_object_versions(Bucket=settings().client_bucket_name, Prefix=post["fields"]["key"])
    assert not listed.get("Versions")  # the refused file is gone
    assert f"Fichier refusé : {expected}" in unescape(c.http.get(f"/client/{sent.token}").body.decode())
    panel = c.http.get(f"/consultants/leads/{sent.id}", headers=local_consultants.cookie()).body.decode()
    assert f"refusé ({expected})" in unescape(panel)

    post = _upload_form(c, sent, "pdf")  # the same file, declared as what it is, is accepted
    _post_to_s3(post, PDF)
    c.http.get(f"/client/{sent.token}/decision/recue")
    run_jobs(c)
    decision = _space(sent.id).decision
    assert (decision.upload_state, decision.upload_note, decision.upload_type) == ("accepte", None, "application/pdf")


def test_a_filing_the_consultant_already_recorded_is_confirmed_without_a_second_status_change(local_consultants, sent):
    c = local_consultants.client
    _file(c, sent, "ATL-55")
    rev = _lead(sent.id).rev
    resp = c.http.post(
        f"/consultants/api/leads/{sent.id}/status",
        headers={**local_consultants.bearer(), "Content-Type": "application/json"},
        body=json.dumps({"status": "demande_deposee", "rev": rev, "opco_file_number": "ATL-55"}),
    )
    assert resp.status_code == 200
    rev = str(_lead(sent.id).rev)
    done = form(c, f"/consultants/leads/{sent.id}/client/confirmer/depot", {"rev": rev}, local_consultants.cookie())
    assert done.status_code == 303
    assert _space(sent.id).filing.confirmed_at is not None and _lead(sent.id).rev == int(rev)
    _decide(c, sent)
    page = c.http.get(f"/consultants/leads/{sent.id}", headers=local_consultants.cookie()).body.decode()
    assert "Confirmer la décision" in page


def test_erasure_removes_the_decision_letter_but_not_the_locked_signed_documents(local_consultants, sent):
    from chalicelib import aws
    from chalicelib.config import settings

    c = local_consultants.client
    lead = _lead(sent.id)
    data = {"document": "devis.pdf", "sha256": lead.pack.sha256["devis.pdf"], "name": "Camille Martin"}
    form(c, f"/client/{sent.token}/signature", {**data, "role": "Gérante", "consent": "oui"})
    _file(c, sent)
    _decide(c, sent)
    _post_to_s3(_upload_form(c, sent), PDF)
    c.http.get(f"/client/{sent.token}/decision/recue")
    run_jobs(c)
    bucket = settings().client_bucket_name
    resp = c.http.delete(f"/consultants/api/leads/{sent.id}", headers=local_consultants.bearer())
    assert resp.status_code == 200, resp.body
    s3 = aws.s3()
    assert not s3.list_object_versions(Bucket=bucket, Prefix=f"uploads/{sent.id}/").get("Versions")
    assert s3.list_object_versions(Bucket=bucket, Prefix=f"signed/{sent.id}/")["Versions"]  # locked: kept
    assert c.http.get(f"/client/{sent.token}").status_code == 410  # the link opens nothing any more
