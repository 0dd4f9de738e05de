"""CORS allow-list with our own preflight; UTM, referring page and consent kept with the lead."""

from __future__ import annotations

import json
import re

import pytest

from tests.functional.conftest import post_json

SITE = "https://www.formation-ia.example"


@pytest.fixture
def allow_list(monkeypatch):
    from chalicelib import config

    monkeypatch.setenv("CORS_ORIGINS", f"{SITE}, https://landing.formation-ia.example")
    config.reset()


@pytest.mark.parametrize("path,method", [("/leads", "POST"), ("/opco", "GET")])
def test_preflight_from_a_listed_origin_echoes_it(client, allow_list, path, method):
    resp = client.http.request(
        "OPTIONS",
        path,
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert resp.status_code == 204
    assert resp.headers["Access-Control-Allow-Origin"] == SITE
    assert resp.headers["Vary"] == "Origin"
    assert method in resp.headers["Access-Control-Allow-Methods"]
    assert "Idempotency-Key" in resp.headers["Access-Control-Allow-Headers"]


def test_preflight_from_an_unlisted_origin_is_refused(client, allow_list):
    resp = client.http.request(
        "OPTIONS", "/leads", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert resp.status_code == 403
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_answers_carry_the_matching_origin_only(client, allow_list, valid_submission):
    ok = post_json(client, valid_submission, {"Origin": "https://landing.formation-ia.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://landing.formation-ia.example"
    assert "Retry-After" in ok.headers["Access-Control-Expose-Headers"]
    bad = client.http.get("/opco?idcc=1486", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in bad.headers and bad.headers["Vary"] == "Origin"
    refused = post_json(client, {**valid_submission, "siret": "1"}, {"Origin": SITE})
    assert refused.status_code == 422 and refused.headers["Access-Control-Allow-Origin"] == SITE


def test_local_stage_without_a_list_echoes_any_origin_never_a_wildcard(client, monkeypatch):
    # The chalice test client runs every request with the `local` stage's environment.
    from chalicelib import config

    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    config.reset()
    assert client.http.get("/opco?idcc=1486", headers={"Origin": SITE}).headers["Access-Control-Allow-Origin"] == SITE


def test_utm_referrer_and_consent_are_kept(client, table_items, valid_submission):
    resp = post_json(
        client,
        {
            **valid_submission,
            "utm_source": "linkedin",
            "utm_campaign": "ia-pme-2027",
            "page_url": f"{SITE}/formations/ia?utm_medium=social&utm_source=ignored",
        },
        {"Referer": "https://other.example/"},
    )
    assert resp.status_code == 201
    from chalicelib.leads.store import leads_store

    lead = leads_store().get(json.loads(resp.body)["lead_id"])
    assert lead.provenance.utm == {"utm_source": "linkedin", "utm_medium": "social", "utm_campaign": "ia-pme-2027"}
    assert lead.provenance.referrer.startswith(f"{SITE}/formations/ia")
    assert lead.provenance.ip_hash and "127.0.0.1" not in lead.provenance.ip_hash
    from chalicelib.intake.consent import CONSENT_VERSION

    assert lead.consent.text_version == CONSENT_VERSION and lead.consent.given_at == lead.created_at
    assert lead.expires_at == int(lead.created_at.timestamp()) + 1095 * 86400


def test_utm_from_the_referer_query_when_the_body_has_none(client, valid_submission):
    resp = post_json(client, valid_submission, {"Referer": f"{SITE}/?utm_source=newsletter&utm_term=opco"})
    from chalicelib.leads.store import leads_store

    lead = leads_store().get(json.loads(resp.body)["lead_id"])
    assert lead.provenance.utm == {"utm_source": "newsletter", "utm_term": "opco"}


def test_form_page_carries_the_token_the_landing_utm_and_the_script(client):
    page = client.http.get(
        "/?utm_source=google&utm_medium=cpc&evil=1", headers={"Referer": f"{SITE}/blog"}
    ).body.decode()
    assert re.search(r'name="form_token" value="v1\.\d+\.[0-9a-f]+\.[0-9a-f]+"', page)
    assert '<input type="hidden" name="utm_source" value="google">' in page
    assert 'name="evil"' not in page
    assert f'name="page_url" value="{SITE}/blog"' in page
    src = re.search(r'<script src="(/static/form\.js\?v=[0-9a-f]+)"', page)[1]
    script = client.http.get(src.split("?")[0])
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "max-age=31536000" in script.headers["Cache-Control"]
    embed = client.http.get("/embed.js")
    assert embed.body == script.body and "max-age=300" in embed.headers["Cache-Control"]


def test_unsupported_method_on_the_door_is_not_a_500(client):
    assert client.http.request("PUT", "/leads", body=b"{}").status_code == 405


def test_opco_lookup_with_odd_parameters_is_never_a_500(client):
    for query in ("idcc=abc", "naf=%3Cscript%3E", "idcc=1486&naf=99999", "naf=" + "Z" * 500, "idcc=" + "9" * 100):
        assert client.http.get(f"/opco?{query}").status_code in (200, 422), query
