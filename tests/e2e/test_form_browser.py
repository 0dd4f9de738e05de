"""The form in headless Chromium (Debian's, driven by Playwright): with and without JavaScript."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.e2e

BAD_SIRET = "73282932000079"
GOOD_SIRET = "73282932000074"


def _fill(page, email: str, siret: str) -> None:
    page.get_by_label("Raison sociale").fill("Atelier Numérique Dupont")
    page.locator("#siret").fill(siret)
    page.locator("#headcount").fill("8")
    page.locator("#naf").fill("62.01Z")
    page.locator("#training").select_option(index=0)
    page.locator("#trainees").fill("3")
    page.locator("#start_date").fill((date.today() + timedelta(days=60)).isoformat())
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("E-mail professionnel").fill(email)
    page.locator("#phone").fill("06 12 34 56 78")
    page.locator("#consent").check()


def _stored_lead(stack, email: str) -> dict:
    ddb = stack.client("dynamodb")
    items = ddb.query(
        TableName="opco-dossier-local",
        IndexName="by_date",
        KeyConditionExpression="gsi3pk = :p",
        ExpressionAttributeValues={":p": {"S": "LEADS"}},
    )["Items"]
    return next(i for i in items if i["email"]["S"] == email)


def test_with_javascript_errors_show_inline_the_opco_appears_and_the_visitor_lands_on_thanks(stack, browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(stack.api + "/?utm_source=e2e")
    _fill(page, "js.visitor@atelier-dupont.fr", BAD_SIRET)
    page.locator("#idcc").fill("1486")
    opco = page.locator("#opco-live")
    opco.wait_for(state="visible")
    assert "Atlas" in opco.inner_text()

    page.get_by_role("button", name="Envoyer ma demande").click()
    error = page.locator("#siret-error")
    error.wait_for()
    assert "clé de contrôle" in error.inner_text()
    assert page.url.startswith(stack.api + "/?")  # no page load: the error came inline
    assert page.locator("#siret").get_attribute("aria-invalid") == "true"
    assert "siret-error" in page.locator("#siret").get_attribute("aria-describedby")
    assert page.evaluate("document.activeElement.id") == "error-summary"

    page.locator("#siret").fill(GOOD_SIRET)
    page.get_by_role("button", name="Envoyer ma demande").click()
    start = (date.today() + timedelta(days=60)).isoformat()
    page.wait_for_url(f"{stack.api}/merci?opco=atlas&debut={start}")  # no personal data in the URL
    assert "votre demande est bien reçue" in page.content()
    assert "à déposer au plus tard le" in page.locator("#deadline").inner_text()
    lead = _stored_lead(stack, "js.visitor@atelier-dupont.fr")
    assert lead["status"]["S"] in ("recu", "dossier_pret")
    assert lead["provenance"]["M"]["utm"]["M"]["utm_source"]["S"] == "e2e"
    context.close()


def test_without_javascript_the_server_renders_errors_and_the_thanks_page(stack, browser):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(stack.api + "/")
    _fill(page, "nojs.visitor@atelier-dupont.fr", BAD_SIRET)
    page.locator("#idcc").fill("1486")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state()
    assert "clé de contrôle" in page.locator("#siret-error").inner_text()
    assert page.locator("#error-summary a[href='#siret']").count() == 1
    assert page.locator("#company_name").input_value() == "Atelier Numérique Dupont"  # kept
    assert page.locator("#consent").is_checked()

    page.locator("#siret").fill(GOOD_SIRET)
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(re.compile(r".*/merci\?opco=atlas&debut=\d{4}-\d{2}-\d{2}$"))
    assert "à déposer au plus tard le" in page.locator("#deadline").inner_text()
    lead = _stored_lead(stack, "nojs.visitor@atelier-dupont.fr")
    assert lead["status"]["S"] in ("recu", "dossier_pret")
    assert lead["provenance"]["M"]["form_token"]["S"] == "valid"
    context.close()


def test_keyboard_alone_reaches_every_field_and_the_button(stack, browser):
    page = browser.new_page()
    page.goto(stack.api + "/")
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    for field in ("company_name", "siret", "idcc", "training", "email", "consent", "BUTTON"):
        assert field in seen
    assert "website" not in seen  # the honeypot is out of the tab order
    page.close()


EMBED_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Site</title></head><body>
<form data-opco-dossier action="{api}/leads" method="post" data-thanks="{api}/merci">
<label for="company_name">Raison sociale</label><input id="company_name" name="company_name" value="Embed SARL">
<label for="siret">SIRET</label><input id="siret" name="siret" value="{siret}">
<label for="idcc">IDCC</label><input id="idcc" name="idcc"><div data-opco-live hidden></div>
<input name="headcount" value="5"><input name="first_name" value="Lou"><input name="last_name" value="Bernard">
<input name="email" value="lou.bernard@embed.example"><input name="training" value="ia-marketing-commercial">
<input name="trainees" value="2"><input type="checkbox" id="consent" name="consent" checked>
<input name="website" tabindex="-1"><button type="submit">Envoyer</button></form>
<script src="{api}/embed.js" defer></script></body></html>"""


@pytest.fixture
def website(stack):
    """The company's website on another origin, serving a page with the embed snippet."""
    import http.server
    import threading

    page = EMBED_PAGE.format(api=stack.api, siret=BAD_SIRET).encode()

    class Site(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_embed_snippet_on_another_origin_shows_errors_and_posts_with_a_fresh_token(stack, browser, website):
    page = browser.new_page()
    page.goto(website + "/formations?utm_campaign=embed")
    page.locator("#idcc").fill("3248")
    page.locator("[data-opco-live]").wait_for(state="visible")  # GET /opco across origins
    page.get_by_role("button", name="Envoyer").click()  # preflighted: Idempotency-Key
    page.locator("#siret-error").wait_for()
    page.locator("#siret").fill(GOOD_SIRET)
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url(re.compile(re.escape(stack.api) + r"/merci\?opco=opco2i.*"))
    lead = _stored_lead(stack, "lou.bernard@embed.example")
    provenance = lead["provenance"]["M"]
    assert provenance["form_token"]["S"] == "valid"
    assert provenance["referrer"]["S"] == website + "/formations?utm_campaign=embed"
    assert provenance["utm"]["M"]["utm_campaign"]["S"] == "embed"
    page.close()
