"""Screenshots of what people see, for the docs: `make screenshots` → docs/screenshots/*.png.

Starts the local stack on free ports (or uses `--api` of a running one), sends a few
leads, and has headless Chromium (Debian's, driven by Playwright) render:

  form.png              the website's form, empty (desktop width)
  form-errors.png       the same after a submission with mistakes: French messages per field
  form-phone.png        the form at a phone's width (390 px)
  thanks.png            the page a visitor lands on after sending the form
  consultants-list.png  the consultants' list of leads
  consultants-detail.png  one lead with its pack, funding estimate and deadline

    .venv/bin/python scripts/screenshots.py --out docs/screenshots
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import local_stack

# Debian's Chromium (`playwright install` cannot download here); the background-networking flags
# keep it from calling Google's hosts on a closed network. tests/e2e/conftest.py launches it so too.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CONSULTANT = "consultante@formation-ia.example"
START = (datetime.now(ZoneInfo("Europe/Paris")).date() + timedelta(days=60)).isoformat()  # a training date to come

# Fictitious companies and people (valid SIRET checksums, example.* addresses).
LEADS = [
    ("Atelier Numérique Dupont", "73282932000074", "1486", "62.01Z", "camille.martin@atelier-dupont.example"),
    ("Transports Voisins", "55208131766522", "0016", "49.41A", "direction@transports-voisins.example"),
    ("Boulangerie des Halles", "44306184100047", "0843", "10.71C", "gerance@boulangerie-halles.example"),
]


def launch_chromium(playwright: Any, *, language: str | None = None) -> Any:
    # Chromium takes its own language (date inputs as 30/01/2027) from LANGUAGE, with the
    # chromium-l10n package's locale files; Playwright's `locale` only sets what pages read.
    env = {**os.environ, "LANGUAGE": language} if language else None
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env, headless=True)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _submission(company: str, siret: str, idcc: str, naf: str, email: str) -> dict[str, Any]:
    return {
        "company_name": company,
        "siret": siret,
        "idcc": idcc,
        "naf": naf,
        "headcount": 8,
        "first_name": "Camille",
        "last_name": "Martin",
        "email": email,
        "phone": "06 12 34 56 78",
        "training": ["ia-generative-essentiels"],
        "trainees": 3,
        "start_date": START,
        "consent": True,
    }


def _post_lead(api: str, body: dict[str, Any]) -> str:
    request = urllib.request.Request(
        api + "/leads", data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=15) as resp:
        lead_id: str = json.loads(resp.read())["lead_id"]
        return lead_id


def _until(check: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise RuntimeError("the page did not show what was expected in time")


def _fill_form(page: Any, siret: str) -> None:
    page.locator("#company_name").fill("Atelier Numérique Dupont")
    page.locator("#siret").fill(siret)
    page.locator("#idcc").fill("1486")
    page.locator("#headcount").fill("8")
    page.locator("#naf").fill("62.01Z")
    page.locator("#training").select_option(index=0)
    page.locator("#trainees").fill("3")
    page.locator("#start_date").fill(START)
    page.locator("#first_name").fill("Camille")
    page.locator("#last_name").fill("Martin")
    page.locator("#phone").fill("06 12 34 56 78")
    page.locator("#consent").check()
    page.locator("#opco-live").wait_for(state="visible")


def shoot_form(browser: Any, api: str, out: Path) -> None:
    page = browser.new_page(viewport=DESKTOP, locale="fr-FR")
    page.goto(api + "/")
    page.screenshot(path=str(out / "form.png"), full_page=True)
    progress("screenshots: form.png")

    _fill_form(page, "73282932000079")  # a SIRET whose check digit is wrong, and no e-mail
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.locator("#siret-error").wait_for()
    page.screenshot(path=str(out / "form-errors.png"), full_page=True)
    progress("screenshots: form-errors.png")

    page.locator("#siret").fill("73282932000074")
    page.locator("#email").fill("formation@atelier-dupont.example")  # not a duplicate of LEADS[0]
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(api + "/merci**")  # the OPCO and start date ride along for its deadline
    page.screenshot(path=str(out / "thanks.png"), full_page=True)
    progress("screenshots: thanks.png")
    page.close()

    phone = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="fr-FR")
    phone.goto(api + "/")
    phone.screenshot(path=str(out / "form-phone.png"), full_page=True)
    progress("screenshots: form-phone.png")
    phone.close()


def shoot_consultants(browser: Any, api: str, out: Path, lead_id: str) -> None:
    page = browser.new_page(viewport=DESKTOP, locale="fr-FR")
    page.goto(api + "/consultants")
    page.click("text=connexion de développement")
    page.fill("#email", CONSULTANT)
    page.click("button[type=submit]")
    page.wait_for_url(api + "/consultants")
    page.screenshot(path=str(out / "consultants-list.png"), full_page=True)
    progress("screenshots: consultants-list.png")

    page.goto(f"{api}/consultants/leads/{lead_id}")

    def pack_shown() -> bool:
        page.reload()
        return bool(page.inner_text("#pack-version").startswith("Version 1 "))

    _until(pack_shown)
    page.screenshot(path=str(out / "consultants-detail.png"), full_page=True)
    progress("screenshots: consultants-detail.png")
    page.close()


def take(api: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    progress(f"screenshots: {len(LEADS)} leads sent to {api}")
    first, *_ = [_post_lead(api, _submission(*lead)) for lead in LEADS]
    with sync_playwright() as p:
        browser = launch_chromium(p, language="fr")  # what a French visitor's browser shows
        try:
            shoot_form(browser, api, out)
            shoot_consultants(browser, api, out, first)
        finally:
            browser.close()
    return sorted(out.glob("*.png"))


@contextlib.contextmanager
def _stack(api: str | None) -> Iterator[str]:
    if api:
        yield api
        return
    progress("screenshots: starting a local stack on free ports")
    os.environ["FORM_MIN_FILL_SECONDS"] = "0"  # the browser fills the form faster than a person
    with local_stack() as (started_api, _):
        yield started_api


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--api", help="base URL of a running local stack (default: start one)")
    args = parser.parse_args()
    with _stack(args.api) as api:
        for path in take(api, args.out):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
