"""The refresh cookie lives as long as the app client's refresh token; `next` stays in the workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.consultants.renewal import REFRESH_MAX_AGE_S, REFRESH_PATH, renewal_url, safe_next

UNIT_S = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def test_the_refresh_cookie_lives_exactly_as_long_as_the_app_clients_refresh_token() -> None:
    template = json.loads((Path(__file__).parents[3] / "infra" / "platform.json").read_text())
    client = template["Resources"]["ConsultantAppClient"]["Properties"]
    validity_s = client["RefreshTokenValidity"] * UNIT_S[client["TokenValidityUnits"]["RefreshToken"]]
    assert validity_s == REFRESH_MAX_AGE_S == 12 * 3600  # a working day, then the password and TOTP again
    assert client["EnableTokenRevocation"] is True  # sign-out's /oauth2/revoke needs it
    assert "ALLOW_REFRESH_TOKEN_AUTH" in client["ExplicitAuthFlows"]


@pytest.mark.parametrize(
    "path", ["/consultants", "/consultants/leads/abc", "/consultants/leads/abc?ok=statut", "/consultants?q=a%20b"]
)
def test_a_workspace_page_is_a_safe_return_path(path: str) -> None:
    assert safe_next(path) == path


@pytest.mark.parametrize(
    "value",
    [None, "", "//evil.example", "/\\evil", "https://evil.example/consultants", "/consultants/../x", "/consultants//x"],
)
def test_anything_else_returns_to_the_workspace_home(value: str | None) -> None:
    assert safe_next(value) == "/consultants"


def test_the_renewal_url_carries_the_page_and_its_query_as_next() -> None:
    assert renewal_url("/consultants", None) == f"{REFRESH_PATH}?next=%2Fconsultants"
    assert renewal_url("/consultants", {"q": "a b"}) == f"{REFRESH_PATH}?next=%2Fconsultants%3Fq%3Da%2Bb"
    assert safe_next("/consultants?q=a+b") == "/consultants?q=a+b"


def test_the_sign_in_flow_carries_a_safe_return_path_through_its_cookie() -> None:
    from chalicelib.consultants.hosted_ui import Flow

    flow = Flow.new("/consultants/leads/abc?ok=statut")
    assert Flow.from_cookie(flow.cookie_value()) == flow
    assert Flow.new("//evil.example").next == "/consultants"
    state, nonce, verifier, _ = flow.cookie_value().split(".")
    assert Flow.from_cookie(f"{state}.{nonce}.{verifier}.%%%").next == "/consultants"  # not base64: home
