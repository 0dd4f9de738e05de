"""A consultant in headless Chromium against the real local stack: sign in, filter, edit, download, decide."""

from __future__ import annotations

import io
import json
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CONSULTANT = "consultante@formation-ia.example"
# Outside the project: `chalice local` reloads (and drops connections) when a project file changes.
SCREENSHOTS = Path(tempfile.gettempdir()) / "opco-dossier-screens"


def _submit(stack, submission: dict) -> str:
    req = urllib.request.Request(
        stack.api + "/leads",
        data=json.dumps(submission).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["lead_id"]


def _sent_emails(stack) -> list[dict]:
    with urllib.request.urlopen(stack.aws + "/moto-api/data.json", timeout=10) as resp:
        return json.loads(resp.read()).get("ses", {}).get("Message", [])


def _wait_for(predicate, timeout_s: float = 20, every_s: float = 0.3):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError("condition not met in time")


def _reload_until(page, check) -> None:
    def reloaded() -> bool:
        page.reload()
        return check()

    _wait_for(reloaded, every_s=0.5)


def test_consultant_reviews_edits_downloads_and_records_the_opco_decision(stack, browser, valid_submission):
    company = f"Atelier Navigateur {time.time_ns() % 100000}"
    atlas_id = _submit(stack, {**valid_submission, "company_name": company})
    other = f"Transports Voisins {time.time_ns() % 100000}"
    _submit(
        stack,
        {
            **valid_submission,
            "company_name": other,
            "idcc": "0016",
            "naf": "49.41A",
            "email": "direction@transports-voisins.fr",
        },
    )  # another visitor: not a duplicate

    # The pack is built by the pump, then the consultants get one email without contact details.
    mail = _wait_for(lambda: [m for m in _sent_emails(stack) if atlas_id in m.get("body", "")])[0]
    assert mail["destinations"]["ToAddresses"] == ["consultants@formation-ia.example"]
    assert "Atlas" in mail["subject"] and valid_submission["email"] not in mail["body"]

    page = browser.new_page(accept_downloads=True, locale="fr-FR")
    page.goto(stack.api + "/consultants")
    assert page.url.endswith("/consultants/connexion")
    page.click("text=connexion de développement")
    page.fill("#email", CONSULTANT)
    page.click("button[type=submit]")
    page.wait_for_url(stack.api + "/consultants")

    page.select_option("#opco", "atlas")
    page.click("text=Filtrer")
    page.wait_for_url("**opco=atlas**")
    assert page.locator(f"text={company}").count() == 1
    assert page.locator(f"text={other}").count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "consultants-list.png"), full_page=True)

    page.click(f"text={company}")
    page.wait_for_url(f"**/consultants/leads/{atlas_id}")
    _reload_until(page, lambda: page.inner_text("#pack-version").startswith("Version 1 "))
    page.fill("#trainees", "5")
    page.click("text=Enregistrer et régénérer le dossier")
    page.wait_for_url("**ok=dossier")
    _reload_until(page, lambda: page.inner_text("#pack-version").startswith("Version 2 "))
    assert page.input_value("#trainees") == "5"

    with page.expect_download() as download_info:
        page.click("a:has-text('dossier.zip')")
    archive = Path(download_info.value.path()).read_bytes()
    assert zipfile.ZipFile(io.BytesIO(archive)).namelist()

    page.reload()
    for status, extra in (
        ("envoye_client", {}),
        ("demande_deposee", {"#opco_file_number": "AT-2027-0042"}),
        ("accord", {"#amount_granted": "1 500"}),
    ):
        page.select_option("#status", status)
        for selector, value in extra.items():
            page.fill(selector, value)
        page.click("text=Enregistrer le statut")
        page.wait_for_url("**ok=statut")
    assert page.inner_text("#status-badge") == "Accord de l'OPCO"
    assert page.inner_text("#amount-granted") == "1\u202f500,00\u202f€"

    history = page.inner_text("#history")
    lines = history.splitlines()
    assert "Champs : trainees — version 2 demandée" in history
    assert "dossier.zip (version 2)" in history
    for step in ("Dossier modifié", "Document téléchargé", "Envoyé au client", "Demande déposée", "Accord de l'OPCO"):
        line = next(text for text in lines if step in text)
        assert f"par {CONSULTANT}" in line, line
    assert "Dossier généré : Version 2" in history and "montant accordé 1\u202f500,00\u202f€" in history
    page.screenshot(path=str(SCREENSHOTS / "consultants-detail.png"), full_page=True)
    page.close()
