"""Pure anti-spam pieces: form token, spam reasons, keyed hashes, CORS decisions, UTM."""

from __future__ import annotations

import pytest

from chalicelib.intake.antispam import (
    TokenPolicy,
    check_token,
    issue_token,
    keyed_hash,
    spam_reasons,
    submission_fingerprint,
)
from chalicelib.intake.cors import cors_headers, origin_allowed, preflight_headers
from chalicelib.intake.tracking import referring_page, utm_parameters

POLICY = TokenPolicy(secret="s3cret", min_fill_s=3, max_age_s=24 * 3600)
NOW = 1_800_000_000


@pytest.mark.parametrize(
    "age,state",
    [
        (2.9, "too_fast"),
        (3, "valid"),
        (3600, "valid"),
        (24 * 3600 + 1, "expired"),
        (-30, "too_fast"),
        (-120, "invalid"),
    ],
)
def test_token_state_follows_its_age(age, state):
    assert check_token(issue_token("s3cret", NOW - age), POLICY, NOW) == state


@pytest.mark.parametrize(
    "token", ["x", "v1.1.2", "v2.1800000000.ab.cd", "v1.abc.ab.cd", "v1.²³.ab.cd", 42, ["v1"], "v1." + "9" * 300]
)
def test_malformed_tokens_are_invalid(token):
    assert check_token(token, POLICY, NOW) == "invalid"


def test_a_token_cannot_be_re_dated_or_forged():
    good = issue_token("s3cret", NOW - 60)
    _, ts, nonce, sig = good.split(".")
    assert check_token(f"v1.{int(ts) - 10}.{nonce}.{sig}", POLICY, NOW) == "invalid"
    assert check_token(issue_token("other", NOW - 60), POLICY, NOW) == "invalid"
    assert check_token(None, POLICY, NOW) == check_token("", POLICY, NOW) == "absent"


def test_spam_reasons_name_each_signal_and_absent_token_is_not_one():
    assert spam_reasons(honeypot="", token_state="absent") == ()
    assert spam_reasons(honeypot=["http://x"], token_state="too_fast", turnstile="failed") == (
        "honeypot",
        "form_token_too_fast",
        "turnstile",
    )
    assert spam_reasons(honeypot=None, token_state="valid", turnstile="unavailable") == ()


def test_fingerprint_ignores_email_case_and_training_order_and_hides_the_data():
    a = submission_fingerprint("k", siret="73282932000074", email="A@B.fr", trainings=["x", "y"])
    b = submission_fingerprint("k", siret="73282932000074", email="a@b.fr ", trainings=["y", "x", "x"])
    assert a == b and "73282932000074" not in a
    assert a != submission_fingerprint("k", siret="73282932000074", email="a@b.fr", trainings=["x"])
    assert keyed_hash("k", "ip", "1.2.3.4") != keyed_hash("k", "dedup", "1.2.3.4")


def test_cors_allow_list_per_stage():
    sites = ["https://www.site.example", "https://landing.site.example/"]
    assert origin_allowed("https://landing.site.example", sites, stage="prod")
    assert not origin_allowed("https://evil.example", sites, stage="prod")
    assert not origin_allowed("https://www.site.example", [], stage="prod")
    assert origin_allowed("http://localhost:3000", [], stage="local")
    assert not origin_allowed(None, [], stage="local")
    assert cors_headers("https://evil.example", sites, stage="dev") == {"Vary": "Origin"}
    headers = preflight_headers("https://www.site.example", "POST, OPTIONS", sites, stage="prod")
    assert headers["Access-Control-Allow-Origin"] == "https://www.site.example"
    assert preflight_headers("https://evil.example", "POST", sites, stage="prod") is None
    assert all(v != "*" for v in headers.values())


def test_utm_from_body_first_then_the_page_query():
    page = referring_page({"page_url": "https://site.example/p?utm_source=a&utm_medium=b"}, "https://ref.example/")
    assert page == "https://site.example/p?utm_source=a&utm_medium=b"
    assert utm_parameters({"utm_source": ["x"], "utm_term": {"no": 1}}, page) == {"utm_source": "x", "utm_medium": "b"}
    assert referring_page({"page_url": "javascript:alert(1)"}, None) is None
    assert referring_page({}, "https://ref.example/" + "a" * 900).__len__() == 500
    assert utm_parameters({"utm_campaign": "c\x00\u202e" + "z" * 300}, None) == {"utm_campaign": "c" + "z" * 199}
