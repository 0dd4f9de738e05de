"""The client space's AWS calls are allowed by each function's policy file, and no more S3 than needed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

from tests.functional.client.conftest import form, run_jobs, send_to_client
from tests.functional.test_policies import SERVICES, CallRecorder, _allowed_actions

# S3 operations authorised by an IAM action of another name.
IAM_ACTION = {
    "s3:HeadObject": "s3:GetObject",
    "s3:ListObjectVersions": "s3:ListBucketVersions",
    "s3:DeleteObject": "s3:DeleteObjectVersion",  # always with a VersionId here
    "s3:DeleteObjects": "s3:DeleteObjectVersion",  # the erasure deletes versions, by batches
    # botocore's generate_presigned_post builds its request from the CreateBucket model: no call is
    # made, and what the signature authorises is the browser's POST upload, i.e. s3:PutObject.
    "s3:CreateBucket": "s3:PutObject",
}


def _iam(calls: set[str]) -> set[str]:
    return {IAM_ACTION.get(c, c) for c in calls}


def test_the_client_flow_stays_within_each_functions_policy(local_consultants, valid_submission, monkeypatch):
    from chalicelib import aws
    from chalicelib.client.reminders import send_reminders
    from chalicelib.consultants.notify import send_digest

    rec = CallRecorder()
    for service in SERVICES:
        aws.client(service).meta.events.register("before-parameter-build", rec)
    c = local_consultants.client
    rec.function = "api_handler"
    sent = send_to_client(local_consultants, valid_submission)  # the worker's part is recorded as the API's:
    rec.calls["api_handler"].clear()  # start again from the client's first request
    c.http.get(f"/client/{sent.token}")
    c.http.get(f"/client/{sent.token}/documents/devis.pdf")
    from chalicelib.leads.store import leads_store

    sha = leads_store().get(sent.id).pack.sha256["devis.pdf"]
    form(
        c,
        f"/client/{sent.token}/signature",
        {"document": "devis.pdf", "sha256": sha, "name": "Camille Martin", "role": "Gérante", "consent": "oui"},
    )
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    form(c, f"/client/{sent.token}/depot", {"filed_on": yesterday, "opco_file_number": "ATL-9"})
    form(c, f"/client/{sent.token}/decision", {"outcome": "refus", "decided_on": yesterday})
    page = form(c, f"/client/{sent.token}/decision/fichier", {"type": "pdf"}).body.decode()
    import re
    from html import unescape

    url = unescape(re.search(r'action="(http[^"]+)"', page).group(1))
    fields = {unescape(n): unescape(v) for n, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)}
    rec.function = "browser"
    requests.post(
        url,
        data=fields,
        files={"file": ("d.pdf", b"MZ not a pdf", "application/pdf")},
        allow_redirects=False,
        timeout=10,
    )
    rec.function = "api_handler"
    c.http.get(f"/client/{sent.token}/decision/recue")
    rec.function = "build_dossier"
    run_jobs(c)  # signs the devis, refuses and deletes the upload
    rec.function = "api_handler"
    form(
        c,
        f"/consultants/leads/{sent.id}/client/contresigner",
        {"document": "devis.pdf", "name": "Jeanne Dupré", "role": "Directrice", "consent": "oui"},
        local_consultants.cookie(),
    )
    c.http.get(f"/consultants/leads/{sent.id}/client/signes/devis.pdf/client", headers=local_consultants.cookie())
    rec.function = "build_dossier"
    run_jobs(c)
    rec.function = "setup"  # a second client, who has not filed: it gets a reminder
    send_to_client(local_consultants, {**valid_submission, "email": "autre.client@transports-voisins.fr"})
    rec.function = "api_handler"  # GDPR erasure of the first lead: its uploads go too
    erase = c.http.delete(f"/consultants/api/leads/{sent.id}", headers=local_consultants.bearer())
    assert erase.status_code == 200, erase.body
    rec.function = "client_reminders"
    monkeypatch.setattr("chalicelib.client.reminders.REMINDER_DAYS", (400,))  # the deadline is ~2 months away
    send_reminders(now=datetime.now(UTC))
    rec.function = "deadline_digest"
    send_digest(today=datetime.now(UTC).date(), now=datetime.now(UTC) + timedelta(minutes=1))

    for function in ("api_handler", "build_dossier", "client_reminders", "deadline_digest"):
        made = _iam(rec.calls[function])
        assert made, f"{function} made no call: the recording is broken"
        missing = made - _allowed_actions(function)
        assert not missing, f"{function} calls {sorted(missing)} that its policy file does not allow"
    assert "s3:DeleteObjectVersion" in _iam(rec.calls["build_dossier"])  # the refused upload went
    assert "ses:SendEmail" in rec.calls["client_reminders"]
