"""Spam: honeypot, form token, Turnstile (against a local fake server) and the per-IP rate limit."""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from typing import ClassVar
from urllib.parse import parse_qs, urlencode

import pytest

from tests.conftest import ROOT
from tests.functional.conftest import post_json


def _leads(table_items) -> list[dict]:
    return [i for i in table_items() if i["sk"]["S"] == "LEAD"]


def _queued() -> list[dict]:
    from chalicelib import aws
    from chalicelib.config import settings

    return aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url, MaxNumberOfMessages=10).get("Messages", [])


def _token(age_s: float, secret: str | None = None) -> str:
    from chalicelib.intake.antispam import issue_token
    from chalicelib.secret_store import form_token_secret

    return issue_token(secret or form_token_secret(), time.time() - age_s)


def _only_lead(table_items) -> dict:
    [lead] = _leads(table_items)
    return lead


def test_a_person_with_a_token_of_a_few_seconds_is_received(client, table_items, valid_submission):
    resp = post_json(client, {**valid_submission, "form_token": _token(10)})
    assert resp.status_code == 201
    lead = _only_lead(table_items)
    assert lead["status"]["S"] == "recu"
    assert lead["provenance"]["M"]["form_token"]["S"] == "valid"
    assert len(_queued()) == 1


def test_honeypot_filled_gets_the_success_answer_is_stored_as_spam_and_gets_no_pack(
    client, table_items, valid_submission
):
    human = post_json(client, {**valid_submission, "form_token": _token(10), "email": "a@atelier-dupont.fr"})
    bot = post_json(client, {**valid_submission, "form_token": _token(10), "website": "http://casino.example"})
    assert bot.status_code == human.status_code == 201
    assert json.loads(bot.body).keys() == json.loads(human.body).keys()
    assert json.loads(bot.body)["status"] == "recu"
    spam = next(i for i in _leads(table_items) if i["id"]["S"] == json.loads(bot.body)["lead_id"])
    assert spam["status"]["S"] == "spam"
    assert [r["S"] for r in spam["provenance"]["M"]["spam_reasons"]["L"]] == ["honeypot"]
    assert [json.loads(m["Body"])["lead_id"] for m in _queued()] == [json.loads(human.body)["lead_id"]]


def test_form_sent_right_after_the_page_was_served_is_spam_with_the_default_minimum(
    client, table_items, valid_submission
):
    from chalicelib.config import settings

    assert settings().form_min_fill_seconds == 3.0
    page = client.http.get("/").body.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)[1]
    form = {**valid_submission, "consent": "on", "form_token": token, "website": ""}
    resp = client.http.post(
        "/leads", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=urlencode(form, doseq=True)
    )
    assert resp.status_code == 303 and "/merci?opco=" in resp.headers["Location"]
    lead = _only_lead(table_items)
    assert lead["status"]["S"] == "spam"
    assert lead["provenance"]["M"]["form_token"]["S"] == "too_fast"
    assert _queued() == []


@pytest.mark.parametrize(
    "token,state",
    [
        ("forged", "invalid"),
        ("expired", "expired"),
        ("garbage", "invalid"),
    ],
)
def test_forged_or_stale_token_marks_spam(client, table_items, valid_submission, token, state):
    value = {
        "forged": lambda: _token(10, secret="not-our-secret"),
        "expired": lambda: _token(25 * 3600),
        "garbage": lambda: "v1.123.abc.def",
    }[token]()
    resp = post_json(client, {**valid_submission, "form_token": value})
    assert resp.status_code == 201
    lead = _only_lead(table_items)
    assert (lead["status"]["S"], lead["provenance"]["M"]["form_token"]["S"]) == ("spam", state)
    assert _queued() == []


def test_missing_token_is_not_spam_but_recorded_as_absent(client, table_items, valid_submission):
    assert post_json(client, valid_submission).status_code == 201
    lead = _only_lead(table_items)
    assert lead["status"]["S"] == "recu"
    assert lead["provenance"]["M"]["form_token"]["S"] == "absent"


def test_form_token_endpoint_issues_a_token_the_door_accepts_after_the_minimum(
    client, monkeypatch, table_items, valid_submission
):
    from chalicelib import config

    monkeypatch.setenv("FORM_MIN_FILL_SECONDS", "0")
    config.reset()
    body = json.loads(client.http.get("/form-token").body)
    assert body["min_fill_seconds"] == 0
    assert post_json(client, {**valid_submission, "form_token": body["form_token"]}).status_code == 201
    assert _only_lead(table_items)["provenance"]["M"]["form_token"]["S"] == "valid"


class _FakeTurnstile(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self):
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        _FakeTurnstile.received.append(form)
        response, _, solved_on = form.get("response", [""])[0].partition("@")
        ok = form.get("secret") == ["turnstile-test-secret"] and response == "ok-token"
        answer = {"success": ok, "error-codes": [] if ok else ["invalid-input-response"]}
        body = json.dumps({**answer, "hostname": solved_on or "www.example.fr"} if ok else answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def turnstile(aws_env, monkeypatch):
    server = http.server.HTTPServer(("127.0.0.1", 0), _FakeTurnstile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _FakeTurnstile.received = []
    from chalicelib import aws, config

    # The environment holds the secret's id; its value is in (moto's) Secrets Manager.
    aws.client("secretsmanager").create_secret(Name="turnstile-test", SecretString="turnstile-test-secret")
    monkeypatch.setenv("TURNSTILE_SECRET", "turnstile-test")
    monkeypatch.setenv("TURNSTILE_URL", f"http://127.0.0.1:{server.server_port}/siteverify")
    monkeypatch.setenv("CORS_ORIGINS", "https://www.example.fr")
    config.reset()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "response,status",
    [("ok-token", "recu"), ("bot-token", "spam"), (None, "spam"), ("ok-token@solved-elsewhere.example", "spam")],
)
def test_turnstile_verdict_decides_spam(client, table_items, valid_submission, turnstile, response, status):
    body = {**valid_submission, "form_token": _token(10)}
    if response:
        body["cf-turnstile-response"] = response
    assert post_json(client, body).status_code == 201
    assert _only_lead(table_items)["status"]["S"] == status
    if response:
        assert _FakeTurnstile.received[0]["remoteip"] == ["127.0.0.1"]


def test_turnstile_outage_keeps_the_lead_as_a_person(client, table_items, valid_submission, turnstile):
    turnstile.shutdown()
    turnstile.server_close()
    assert post_json(client, {**valid_submission, "cf-turnstile-response": "ok-token"}).status_code == 201
    assert _only_lead(table_items)["status"]["S"] == "recu"


def test_rate_limit_answers_429_in_french_with_retry_after(client, monkeypatch, table_items, valid_submission):
    from chalicelib import config

    monkeypatch.setenv("RATE_LIMIT_PER_HOUR", "2")
    config.reset()
    for email in ("a@dupont.fr", "b@dupont.fr"):
        assert post_json(client, {**valid_submission, "email": email}).status_code == 201
    resp = post_json(client, {**valid_submission, "email": "c@dupont.fr"})
    assert resp.status_code == 429
    assert 0 < int(resp.headers["Retry-After"]) <= 3600
    [error] = json.loads(resp.body)["errors"]
    assert error["field"] == "_requete" and "réessayez dans" in error["message"]
    assert len(_leads(table_items)) == 2
    counters = [i for i in table_items() if i["pk"]["S"].startswith("RATE#")]
    assert len(counters) == 1 and "127.0.0.1" not in json.dumps(counters)
    assert int(counters[0]["expires_at"]["N"]) > time.time()


def test_rate_limit_is_off_in_the_local_stage_unless_set(monkeypatch):
    from chalicelib import config

    monkeypatch.delenv("RATE_LIMIT_PER_HOUR", raising=False)
    monkeypatch.setenv("STAGE", "local")
    config.reset()
    assert (config.settings().stage, config.settings().rate_limit_per_hour) == ("local", 0)
    stages = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]
    assert int(stages["prod"]["environment_variables"]["RATE_LIMIT_PER_HOUR"]) > 0
    assert "RATE_LIMIT_PER_HOUR" not in stages["local"]["environment_variables"]
    config.reset()
