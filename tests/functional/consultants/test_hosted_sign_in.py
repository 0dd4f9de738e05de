"""Sign-in through the Cognito hosted UI: the callback against a fake Cognito on loopback.

The app runs as deployed (stage dev, chalice.test.Client); the fake checks PKCE, state's
round trip, the redirect URI and one-use codes like Cognito does.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.functional.consultants.conftest import AUDIENCE, ISSUER, ORIGIN, _configure
from tests.functional.consultants.hosted import EMAIL, Hosted, set_cookies, signs_in


def test_the_sign_in_page_sends_the_consultant_to_the_hosted_ui(hosted: Hosted) -> None:
    page = hosted.client.http.get("/consultants/connexion")
    assert page.status_code == 200 and 'href="/consultants/connexion/cognito"' in page.body.decode()
    started = hosted.start()
    params = started.params
    assert started.authorize_url.startswith(f"{hosted.idp.base_url}/oauth2/authorize?")
    assert params["response_type"] == "code" and params["client_id"] == AUDIENCE
    assert params["redirect_uri"] == f"{ORIGIN}/consultants/callback"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["state"] and params["nonce"] and params["scope"] == "openid email"
    assert params["state"] in started.flow_cookie and params["nonce"] in started.flow_cookie
    assert params["code_challenge"] not in started.flow_cookie  # the cookie holds the verifier, not the challenge


def test_a_completed_sign_in_sets_a_strict_session_cookie_that_opens_the_workspace(hosted: Hosted) -> None:
    started = hosted.start()
    resp = hosted.callback(hosted.sign_in_at_idp(started), started.flow_cookie)
    assert resp.status_code == 200, resp.body
    cookies = set_cookies(resp)
    session = next(c for c in cookies if c.startswith("consultant_session="))
    assert all(flag in session for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/consultants;"))
    assert 3500 <= int(session.split("Max-Age=")[1].split(";")[0]) <= 3600  # the ID token's lifetime
    assert any(c.startswith("consultant_signin=;") and "Max-Age=0" in c for c in cookies)  # the flow is spent
    assert f'url={ORIGIN}/consultants"' in resp.body.decode()
    token = session.split(";")[0].split("=", 1)[1]
    assert hosted.idp.token_calls[-1]["code_verifier"] in started.flow_cookie
    workspace = hosted.client.http.get("/consultants", headers={"Cookie": f"consultant_session={token}"})
    assert workspace.status_code == 200 and EMAIL in workspace.body.decode()


@pytest.mark.parametrize(
    ("case", "status"),
    [("bad state", 400), ("no flow cookie", 400), ("bad code", 400), ("cancelled", 400), ("malformed code", 400)],
)
def test_a_callback_that_does_not_match_its_flow_signs_nobody_in(hosted: Hosted, case: str, status: int) -> None:
    started = hosted.start()
    query = hosted.sign_in_at_idp(started)
    cookie: str | None = started.flow_cookie
    if case == "bad state":
        query["state"] = hosted.start().params["state"]  # a state of another flow (login CSRF)
    elif case == "no flow cookie":  # no verifier: the code cannot be redeemed
        cookie = None
    elif case == "bad code":
        query["code"] = "not-a-code-cognito-issued"
    elif case == "cancelled":
        query = {"error": "access_denied", "state": query["state"]}
    else:
        query["code"] = "<script>"
    calls = len(hosted.idp.token_calls)
    resp = hosted.callback(query, cookie)
    assert resp.status_code == status
    assert not signs_in(resp)
    assert "connexion" in resp.body.decode().lower()
    expected_calls = calls + 1 if case == "bad code" else calls  # refused before Cognito is asked
    assert len(hosted.idp.token_calls) == expected_calls


def test_a_replayed_callback_is_refused(hosted: Hosted) -> None:
    started = hosted.start()
    query = hosted.sign_in_at_idp(started)
    assert hosted.callback(query, started.flow_cookie).status_code == 200
    replay = hosted.callback(query, started.flow_cookie)  # same URL and cookie, e.g. from a history or a log
    assert replay.status_code == 400
    assert not signs_in(replay)


@pytest.mark.parametrize("mismatch", ["audience", "nonce"])
def test_an_id_token_for_another_app_client_or_sign_in_is_refused(hosted: Hosted, mismatch: str) -> None:
    setattr(hosted.idp, mismatch, "another-app-client" if mismatch == "audience" else "nonce-of-another-sign-in")
    started = hosted.start()
    resp = hosted.callback(hosted.sign_in_at_idp(started), started.flow_cookie)
    assert resp.status_code == 401
    assert not signs_in(resp)


def test_the_sign_in_page_says_when_a_session_expired_and_skips_itself_when_signed_in(hosted: Hosted) -> None:
    import time as clock

    import jwt

    past = int(clock.time()) - 7200
    claims = {"sub": "s", "iss": ISSUER, "aud": AUDIENCE, "token_use": "id", "iat": past, "exp": past + 3600}
    expired = jwt.encode(claims, hosted.idp.key, algorithm="RS256", headers={"kid": hosted.idp.kid})
    page = hosted.client.http.get("/consultants/connexion", headers={"Cookie": f"consultant_session={expired}"})
    assert page.status_code == 200 and "Votre session a expiré" in page.body.decode()
    assert "Max-Age=0" in page.headers["Set-Cookie"]
    started = hosted.start()
    answer = hosted.callback(hosted.sign_in_at_idp(started), started.flow_cookie)
    session = next(c for c in set_cookies(answer) if c.startswith("consultant_session="))
    token = session.split(";")[0].split("=", 1)[1]
    again = hosted.client.http.get("/consultants/connexion", headers={"Cookie": f"consultant_session={token}"})
    assert again.status_code == 303 and again.headers["Location"] == "/consultants"


def test_cognito_unreachable_is_a_french_502(hosted: Hosted, monkeypatch: pytest.MonkeyPatch) -> None:
    started = hosted.start()
    query = hosted.sign_in_at_idp(started)
    import socket

    with socket.socket() as closed:  # a port nobody listens on once the socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    _configure(monkeypatch, COGNITO_DOMAIN=f"http://127.0.0.1:{port}", COGNITO_TIMEOUT_S="1")
    resp = hosted.callback(query, started.flow_cookie)
    assert resp.status_code == 502 and "ne répond pas" in resp.body.decode()


def test_sign_out_clears_the_session_and_ends_the_cognito_session(hosted: Hosted) -> None:
    resp = hosted.client.http.post(
        "/consultants/auth/deconnexion",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Host": "consultants.example", "Origin": ORIGIN},
        body=b"",
    )
    assert resp.status_code == 303
    location = urlsplit(resp.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{hosted.idp.base_url}/logout"
    assert parse_qs(location.query) == {"client_id": [AUDIENCE], "logout_uri": [f"{ORIGIN}/consultants/connexion"]}
    cleared = set_cookies(resp)
    assert any(c.startswith("consultant_session=;") and "Max-Age=0" in c for c in cleared)
    assert any(c.startswith("consultant_refresh=;") and "Max-Age=0" in c for c in cleared)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": ORIGIN, "Sec-Fetch-Site": "cross-site"},
        {"Referer": "http://[x"},
        {},
    ],
    ids=["other origin", "cross-site fetch", "broken referer", "no origin"],
)
def test_sign_out_from_another_site_is_refused(hosted: Hosted, headers: dict[str, str]) -> None:
    resp = hosted.client.http.post(
        "/consultants/auth/deconnexion",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Host": "consultants.example", **headers},
        body=b"",
    )
    assert resp.status_code == 403
    assert "Set-Cookie" not in resp.headers and "refusée" in resp.body.decode()
