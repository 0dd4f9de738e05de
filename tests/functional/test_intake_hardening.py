"""Inputs that once gave 500s now get French 4xx; security headers on every public page; the
form's token is expected; JSON is strict about types."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.functional.conftest import post_json

BROKEN_REFERER = {"Referer": "http://[x"}


def _leads(table_items: Any) -> list[dict[str, Any]]:
    return [i for i in table_items() if i["sk"]["S"] == "LEAD"]


def test_a_broken_referer_on_the_form_page_is_a_french_400(client: Any) -> None:
    resp = client.http.get("/", headers=BROKEN_REFERER)
    assert resp.status_code == 400 and "Referer invalide" in resp.body.decode()


def test_a_broken_referer_on_a_submission_is_a_french_400_and_nothing_is_stored(
    client: Any, table_items: Any, valid_submission: dict[str, Any]
) -> None:
    resp = post_json(client, valid_submission, headers=BROKEN_REFERER)
    assert resp.status_code == 400
    assert json.loads(resp.body)["errors"][0]["message"].startswith("En-tête Referer invalide")
    assert _leads(table_items) == []


def test_a_broken_page_url_field_is_ignored(client: Any, table_items: Any, valid_submission: dict[str, Any]) -> None:
    resp = post_json(client, {**valid_submission, "page_url": "http://[x", "utm_source": "linkedin"})
    assert resp.status_code == 201
    provenance = _leads(table_items)[0]["provenance"]["M"]
    assert "referrer" not in provenance or provenance["referrer"].get("NULL")
    assert provenance["utm"]["M"] == {"utm_source": {"S": "linkedin"}}


@pytest.mark.parametrize("depth", [17, 200, 15_000])  # 15,000: just under the 32 KiB cap
def test_a_deeply_nested_json_body_is_a_french_400(client: Any, depth: int) -> None:
    body = '{"message": ' + "[" * depth + "]" * depth + "}"
    resp = client.http.post("/leads", headers={"Content-Type": "application/json"}, body=body)
    assert resp.status_code == 400
    assert json.loads(resp.body)["errors"][0]["field"] == "_requete"


def test_a_list_where_a_string_is_expected_is_a_422_naming_the_field(
    client: Any, table_items: Any, valid_submission: dict[str, Any]
) -> None:
    resp = post_json(client, {**valid_submission, "siret": [valid_submission["siret"]]})
    assert resp.status_code == 422
    assert [e["field"] for e in json.loads(resp.body)["errors"]] == ["siret"]
    assert _leads(table_items) == []


def _form(submission: dict[str, Any], **extra: str) -> bytes:
    form = {**submission, "consent": "on", "training": ["ia-generative-essentiels", "analyse-donnees-ia"], **extra}
    return urlencode(form, doseq=True).encode()


def test_a_form_without_its_token_is_stored_as_spam(
    client: Any, table_items: Any, valid_submission: dict[str, Any]
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    resp = client.http.post("/leads", headers=headers, body=_form(valid_submission))
    assert resp.status_code == 201  # the same answer a person gets
    lead = _leads(table_items)[0]
    assert lead["status"]["S"] == "spam"
    assert [r["S"] for r in lead["provenance"]["M"]["spam_reasons"]["L"]] == ["form_token_absent"]


def test_a_form_with_its_token_keeps_its_repeated_trainings(
    client: Any, table_items: Any, valid_submission: dict[str, Any]
) -> None:
    from chalicelib.intake.antispam import issue_token
    from chalicelib.secret_store import form_token_secret

    token = issue_token(form_token_secret(), time.time() - 10)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    resp = client.http.post("/leads", headers=headers, body=_form(valid_submission, form_token=token))
    assert resp.status_code == 201
    lead = _leads(table_items)[0]
    assert lead["status"]["S"] == "recu"
    assert [t["S"] for t in lead["trainings"]["L"]] == ["ia-generative-essentiels", "analyse-donnees-ia"]


@pytest.mark.parametrize("path", ["/", "/merci"])
def test_public_pages_say_their_security_policy_and_may_be_framed_by_the_website_only(
    aws_env: Any, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    from chalice.test import Client

    from app import app
    from chalicelib import config

    monkeypatch.setenv("CORS_ORIGINS", "https://www.example.fr, https://evil.example;script-src *")
    config.reset()
    with Client(app, stage_name="local") as c:
        headers = c.http.get(path).headers
    config.reset()
    csp = {d.split()[0]: d.split()[1:] for d in headers["Content-Security-Policy"].split("; ")}
    assert csp["frame-ancestors"] == ["'self'", "https://www.example.fr"]  # a malformed origin never reaches it
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
