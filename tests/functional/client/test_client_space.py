"""The client's own page behind its personal link, through the real routes on moto."""

from __future__ import annotations

import json

from chalicelib.formats import fr_money
from tests.functional.client.conftest import form, run_jobs, sent_emails


def _lead(lead_id: str):
    from chalicelib.leads.store import leads_store

    return leads_store().get(lead_id)


def _space(lead_id: str):
    from chalicelib.leads.store_client import client_store

    return client_store().space(lead_id)


def test_sending_to_the_client_emails_a_personal_link_with_the_consultant_and_deadline(local_consultants, sent):
    mail = [m for m in sent_emails() if m.destinations["ToAddresses"] == [sent.email]][-1]
    assert "claire@formation-ia.example" in mail.body and "Date limite de dépôt" in mail.body
    assert sent.id not in mail.body  # no lead id in clear
    space = _space(sent.id)
    assert (
        space.link
        and space.link.token_hash != sent.token
        and sent.token not in json.dumps(space.model_dump(mode="json"))
    )
    assert space.link.sent_to_hint.startswith(sent.email[0] + "***@")
    assert (space.link.expires_at - space.link.issued_at).days == 60


def test_the_page_shows_opco_estimate_deadline_steps_and_documents_and_records_the_opening(local_consultants, sent):
    c = local_consultants.client
    resp = c.http.get(f"/client/{sent.token}")
    assert resp.status_code == 200
    page = resp.body.decode()
    lead = _lead(sent.id)
    assert lead.company_name.replace("'", "&#39;") in page
    assert "Atlas" in page and "Date limite de dépôt" in page and "jours restants" in page
    assert "Reste à la charge de votre entreprise" in page and "Règle appliquée" in page
    assert lead.estimate is not None and f"{fr_money(lead.estimate.amount_max)} HT" in page  # the stored estimate
    assert page.count('data-copy="field-') >= 10 and "73282932000074" in page
    for doc in ("devis.pdf", "convention.pdf", "programme.pdf", "fiche-opco.pdf"):
        assert f"/documents/{doc}" in page
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    opened = _space(sent.id).link.opened_at
    assert opened is not None
    c.http.get(f"/client/{sent.token}")
    assert _space(sent.id).link.opened_at == opened  # the first opening is what the consultant sees
    history = json.loads(c.http.get(f"/consultants/api/leads/{sent.id}", headers=local_consultants.bearer()).body)
    assert any(h["kind"] == "lien_ouvert" and h["actor"] == "client" for h in history["history"])


def test_a_download_is_a_short_lived_presigned_url_and_is_recorded(local_consultants, sent):
    resp = local_consultants.client.http.get(f"/client/{sent.token}/documents/devis.pdf")
    assert resp.status_code == 303
    location = resp.headers["Location"]
    assert "X-Amz-Expires=600" in location and f"dossiers/{sent.id}/v1/devis.pdf" in location
    assert local_consultants.client.http.get(f"/client/{sent.token}/documents/prefill.json").status_code == 404
    events = _events(sent.id)
    assert any(e["kind"] == "telechargement" and e["actor"] == "client" for e in events)


def _events(lead_id: str) -> list[dict]:
    from chalicelib.leads.store import leads_store

    return leads_store().events(lead_id)


def _sign(c, sent, document: str, **overrides: str):
    lead = _lead(sent.id)
    data = {
        "document": document,
        "sha256": lead.pack.sha256[document],
        "name": "Camille Martin",
        "role": "Gérante",
        "consent": "oui",
        **overrides,
    }
    return form(c, f"/client/{sent.token}/signature", data, {"User-Agent": "Mozilla/5.0 (test)"})


def test_signing_needs_name_role_consent_and_the_hash_of_the_current_file(local_consultants, sent):
    c = local_consultants.client
    missing = _sign(c, sent, "devis.pdf", consent="")
    assert missing.status_code == 422 and "consentir" in missing.body.decode()
    stale = _sign(c, sent, "devis.pdf", sha256="0" * 64)
    assert stale.status_code == 422 and "a changé" in stale.body.decode()
    assert _sign(c, sent, "devis.pdf", name="").status_code == 422
    assert _space(sent.id).signatures == {}
    assert _sign(c, sent, "devis.pdf").status_code == 303
    assert _sign(c, sent, "devis.pdf").status_code == 422  # once per version


def test_the_worker_writes_a_locked_signed_pdf_with_its_certificate(local_consultants, sent, tmp_path):
    import subprocess

    from chalicelib import aws
    from chalicelib.config import settings

    c = local_consultants.client
    assert _sign(c, sent, "convention.pdf").status_code == 303
    run_jobs(c)
    sig = _space(sent.id).signature(1, "convention.pdf")
    assert sig.client_signed_key == f"signed/{sent.id}/v1/convention-client.pdf"
    s3 = aws.s3()
    bucket = settings().client_bucket_name
    head = s3.head_object(Bucket=bucket, Key=sig.client_signed_key)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    body = s3.get_object(Bucket=bucket, Key=sig.client_signed_key)["Body"].read()
    (tmp_path / "signed.pdf").write_bytes(body)
    text = subprocess.run(["pdftotext", str(tmp_path / "signed.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Certificat de signature" in text and "Camille Martin" in text and "Gérante" in text
    assert sig.source_sha256 in text and "Mozilla/5.0 (test)" in text
    assert "Signé électroniquement par Camille Martin" in text
    # Write-once: the locked version cannot be deleted.
    import pytest
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError):
        s3.delete_object(Bucket=bucket, Key=sig.client_signed_key, VersionId=head["VersionId"])
    # A redelivered job does not write it again.
    from chalicelib.client.jobs import ClientJob
    from chalicelib.client.work import handle

    assert handle(ClientJob("signature", sent.id, version=1, document="convention.pdf", party="client")) is False


def test_countersignature_from_the_consultant_page_writes_the_final_pdf(local_consultants, sent, tmp_path):
    import subprocess

    from chalicelib import aws
    from chalicelib.config import settings

    c = local_consultants.client
    _sign(c, sent, "devis.pdf")
    run_jobs(c)
    path = f"/consultants/leads/{sent.id}/client/contresigner"
    early = form(
        c,
        path,
        {"document": "convention.pdf", "name": "Jeanne Dupré", "role": "Directrice", "consent": "oui"},
        local_consultants.cookie(),
    )
    assert early.status_code == 422 and "pas encore signé" in early.body.decode()
    resp = form(
        c,
        path,
        {"document": "devis.pdf", "name": "Jeanne Dupré", "role": "Directrice", "consent": "oui"},
        local_consultants.cookie(),
    )
    assert resp.status_code == 303, resp.body
    run_jobs(c)
    sig = _space(sent.id).signature(1, "devis.pdf")
    assert sig.final_key == f"signed/{sent.id}/v1/devis-organisme.pdf"
    body = aws.s3().get_object(Bucket=settings().client_bucket_name, Key=sig.final_key)["Body"].read()
    (tmp_path / "final.pdf").write_bytes(body)
    text = subprocess.run(["pdftotext", str(tmp_path / "final.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Signé électroniquement par Jeanne Dupré" in text and "Signé électroniquement par Camille Martin" in text
    assert sig.client_signed_sha256 in text  # the countersignature refers to the client-signed file
    page = c.http.get(f"/consultants/leads/{sent.id}", headers=local_consultants.cookie()).body.decode()
    assert "PDF contresigné" in page


def test_a_later_edit_makes_a_new_version_that_must_be_signed_again(local_consultants, sent):
    c = local_consultants.client
    _sign(c, sent, "devis.pdf")
    run_jobs(c)
    rev = _lead(sent.id).rev
    resp = c.http.request(
        "PATCH",
        f"/consultants/api/leads/{sent.id}",
        headers={**local_consultants.bearer(), "Content-Type": "application/json"},
        body=json.dumps({"trainees": 4, "rev": rev}).encode(),
    )
    assert resp.status_code == 200, resp.body
    pending = c.http.get(f"/client/{sent.token}").body.decode()
    assert "nouvelle version du dossier" in pending
    run_jobs(c)
    page = c.http.get(f"/client/{sent.token}").body.decode()
    assert "doit être signée à nouveau" in page
    assert _space(sent.id).signature(1, "devis.pdf").client_signed_key  # v1's signed copy stays
    assert _space(sent.id).signature(2, "devis.pdf") is None
