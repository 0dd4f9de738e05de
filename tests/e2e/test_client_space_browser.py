"""The issue's "done when", in Chromium against the real local stack: lead → pack → the consultant
sends → the client's e-mail (moto's SES) → the page → both documents signed → signed PDFs with their
certificate in S3 → filing and decision upload → the consultant sees and confirms them."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.test_consultant_workspace import CONSULTANT, _reload_until, _sent_emails, _wait_for
from tests.e2e.test_consultant_workspace import _submit as _submit_lead

pytestmark = pytest.mark.e2e

# docs/client.md's screenshots: OPCO_SCREENSHOTS_DIR=docs/client (outside the project by default).
SHOTS = Path(os.environ.get("OPCO_SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "opco-dossier-screens")
LINK = re.compile(r"(http://[^\s]+/client/[A-Za-z0-9_-]{43})")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}
DECISION_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf_text(body: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(body)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _consultant(browser, stack):
    page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page.goto(stack.api + "/consultants/dev/connexion")
    page.fill("#email", CONSULTANT)
    page.click("button[type=submit]")
    page.wait_for_url(stack.api + "/consultants")
    return page


def _sign(page, label: str) -> None:
    form = page.locator("form", has=page.locator(f"button:has-text('Signer « {label} »')"))
    form.locator("input[name=name]").fill("Camille Martin")
    form.locator("input[name=role]").fill("Gérante")
    form.locator("input[name=consent]").check()
    _submit(page, lambda: form.locator("button[type=submit]").click(), "ok=signature")


def _submit(page, click, expected: str) -> None:
    """Click and wait for the page the server redirects to (our redirects end with a #fragment)."""
    with page.expect_navigation():
        click()
    assert expected in page.url, (page.url, page.inner_text("body")[:3000])


def sent_to_client(browser, stack, submission: dict):
    """lead → pack → a consultant signs in and moves it to "envoyé au client": (lead id, their page)."""
    lead_id = _submit_lead(stack, submission)
    _wait_for(lambda: [m for m in _sent_emails(stack) if lead_id in m.get("body", "")])  # pack built
    consultant = _consultant(browser, stack)
    consultant.goto(f"{stack.api}/consultants/leads/{lead_id}")
    _reload_until(consultant, lambda: consultant.inner_text("#pack-version").startswith("Version 1 "))
    consultant.select_option("#status", "envoye_client")
    consultant.click("text=Enregistrer le statut")
    consultant.wait_for_url("**ok=statut")
    return lead_id, consultant


def test_client_signs_files_and_reports_the_decision_the_consultant_confirms(
    stack, browser, valid_submission, tmp_path
):
    company = f"Atelier Signature {time.time_ns() % 100000}"
    lead_id, consultant = sent_to_client(browser, stack, {**valid_submission, "company_name": company})
    assert "pas encore" in consultant.inner_text("#link-opened")

    mail = _wait_for(
        lambda: [m for m in _sent_emails(stack) if m["destinations"]["ToAddresses"] == [valid_submission["email"]]]
    )[-1]
    assert CONSULTANT in mail["body"] and "Date limite de dépôt" in mail["body"] and lead_id not in mail["body"]
    link = LINK.search(mail["body"]).group(1)

    phone_context = browser.new_context(locale="fr-FR", **PHONE)
    client = phone_context.new_page()
    client.goto(link)
    assert client.locator("h1").inner_text() == company
    assert client.locator("text=Date limite de dépôt à l'OPCO").count() == 1
    assert client.locator("button[data-copy]").count() >= 10
    SHOTS.mkdir(parents=True, exist_ok=True)
    client.screenshot(path=str(SHOTS / "client-phone.jpg"), full_page=True, type="jpeg", quality=72)
    client.locator("button[data-copy]").first.click()
    from playwright.sync_api import expect

    expect(client.locator("button[data-copy]").first).to_have_text("Copié ✓")

    _sign(client, "Devis")
    _sign(client, "Convention de formation")
    _reload_until(client, lambda: client.locator("text=Télécharger le document signé").count() == 2)

    s3 = stack.client("s3")
    for document in ("devis", "convention"):
        key = f"signed/{lead_id}/v1/{document}-client.pdf"
        head = s3.head_object(Bucket="opco-dossier-local-client", Key=key)
        assert head["ObjectLockMode"] == "COMPLIANCE"
        text = _pdf_text(
            s3.get_object(Bucket="opco-dossier-local-client", Key=key)["Body"].read(), tmp_path, f"{document}.pdf"
        )
        assert "Certificat de signature" in text and "Signé électroniquement par Camille Martin" in text
        assert "Gérante" in text and "HeadlessChrome" in text  # the signer's user agent, in the audit trail

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    client.fill("#filed_on", yesterday)
    client.fill("#opco_file_number", "ATL-2027-000451")
    _submit(client, lambda: client.click("text=J'ai déposé la demande"), "ok=depot")
    client.check("input[name=outcome][value=accord_partiel]")
    client.fill("#decided_on", yesterday)
    client.fill("#amount", "1 250,00")
    _submit(client, lambda: client.click("text=Transmettre la décision"), "ok=decision")
    client.select_option("#type", "pdf")
    client.click("text=Choisir le fichier (10 Mo au plus)")
    decision_file = tmp_path / "decision-opco.pdf"
    decision_file.write_bytes(DECISION_PDF)
    client.set_input_files("#file", str(decision_file))
    # Straight to S3 (presigned POST), which sends the browser back to the page.
    client.click("text=Envoyer le fichier")
    client.wait_for_url(re.compile(r".*ok=fichier.*"))
    _reload_until(client, lambda: client.locator("text=Courrier de l'OPCO reçu").count() == 1)

    desktop = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
    desktop.goto(link)
    desktop.screenshot(path=str(SHOTS / "client-desktop.jpg"), full_page=True, type="jpeg", quality=72)
    desktop.close()
    phone_context.close()

    consultant.reload()
    assert "Déclarations du client" in consultant.content()
    assert "ATL-2027-000451" in consultant.inner_text("#client-filing")
    assert consultant.inner_text("#status-badge") == "Envoyé au client"  # nothing moved without the consultant
    _submit(consultant, lambda: consultant.click("text=Confirmer : « Demande déposée à l'OPCO »"), "ok=statut")
    assert consultant.inner_text("#status-badge") == "Demande déposée à l'OPCO"
    _submit(consultant, lambda: consultant.click("text=Confirmer la décision"), "ok=statut")
    assert consultant.inner_text("#status-badge") == "Accord partiel"
    assert consultant.inner_text("#amount-granted") == "1\u202f250,00\u202f€"
    history = consultant.inner_text("#history")
    for step in ("Document signé", "Demande déposée à l'OPCO (à confirmer)", "Courrier de décision joint"):
        line = next(line for line in history.splitlines() if step in line)
        assert "par le client" in line, line
    consultant.screenshot(path=str(SHOTS / "consultant-client-space.jpg"), full_page=True, type="jpeg", quality=72)
    consultant.close()
