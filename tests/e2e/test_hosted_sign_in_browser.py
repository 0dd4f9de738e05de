"""Consultant sign-in in Chromium through a fake Cognito hosted UI on loopback (code flow + PKCE).

The real local stack runs with COGNITO_DOMAIN pointing at the fake: no dev sign-in, tokens are
verified against the fake's JWKS over HTTP, exactly as in AWS.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from tests.e2e.conftest import LocalStack, free_port, start_stack
from tests.fake_cognito import PASSWORD, TOTP, FakeCognito, serve_cognito

ISSUER = "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_LOCALFAKE"
CLIENT_ID = "opco-dossier-local-client"
EMAIL = "claire@formation-ia.example"


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, FakeCognito]]:
    api_port = free_port()
    base = f"http://127.0.0.1:{api_port}"
    idp = FakeCognito(
        client_id=CLIENT_ID,
        callback_url=f"{base}/consultants/callback",
        logout_url=f"{base}/consultants/connexion",
        issuer=ISSUER,
    )
    with serve_cognito(idp, host_name="localhost"):  # another site than the app, as in AWS
        env = {
            "COGNITO_DOMAIN": idp.base_url,
            "JWT_ISSUER": ISSUER,
            "JWT_AUDIENCE": CLIENT_ID,
            "JWKS_URL": idp.jwks_url,
        }
        with start_stack(tmp_path_factory.mktemp("hosted"), env, api_port=api_port) as stack:
            yield stack, idp


def _sign_in_at_idp(page: Any) -> None:
    page.fill("#username", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#totp", TOTP)
    page.click("button[type=submit]")


def _expired_session(idp: FakeCognito) -> str:
    past = int(time.time()) - 3600
    claims = {"sub": "s", "email": EMAIL, "iss": ISSUER, "aud": CLIENT_ID, "token_use": "id", "iat": past, "exp": past}
    return jwt.encode(claims, idp.key, algorithm="RS256", headers={"kid": idp.kid})


def test_a_consultant_signs_in_with_mfa_is_renewed_after_expiry_and_signs_out(
    hosted: tuple[LocalStack, FakeCognito], browser: Any
) -> None:
    stack, idp = hosted
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    # Not signed in: the workspace sends the consultant to the sign-in page, then to Cognito.
    page.goto(f"{stack.api}/consultants")
    assert page.url == f"{stack.api}/consultants/connexion"
    page.click("text=Se connecter")
    assert page.url.startswith(f"{idp.base_url}/oauth2/authorize?")
    _sign_in_at_idp(page)
    page.wait_for_url(f"{stack.api}/consultants", timeout=10_000)
    assert page.locator("header .who").inner_text().startswith(EMAIL)
    cookies = {c["name"]: c for c in context.cookies()}
    session, refresh = cookies["consultant_session"], cookies["consultant_refresh"]
    assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/consultants"
    assert refresh["httpOnly"] and refresh["sameSite"] == "Strict" and refresh["path"] == "/consultants/auth"
    assert 43_000 < refresh["expires"] - time.time() <= 43_200  # the app client's 12 hours
    assert "consultant_signin" not in cookies  # the flow cookie is spent
    assert len(idp.token_calls) == 1 and idp.token_calls[0]["code_verifier"]

    # Expired session: renewed with the refresh token on the way, the page asked for opens, no sign-in.
    context.add_cookies([{**session, "value": _expired_session(idp)}])
    page.goto(f"{stack.api}/consultants?statut=nouveau")
    assert page.url == f"{stack.api}/consultants?statut=nouveau"
    assert page.locator("header .who").inner_text().startswith(EMAIL)
    assert len(idp.token_calls) == 2 and idp.token_calls[1]["grant_type"] == "refresh_token"

    # A link from another site (the e-mail digest) carries no Strict cookie: the page still opens
    # signed in, through one same-site hop, and the session survives.
    page.goto(f"{idp.base_url}/.well-known/jwks.json")
    page.evaluate("url => { window.location.href = url }", f"{stack.api}/consultants?statut=nouveau")
    page.wait_for_url(f"{stack.api}/consultants?statut=nouveau", timeout=10_000)
    assert page.locator("header .who").inner_text().startswith(EMAIL)
    assert {"consultant_session", "consultant_refresh"} <= {c["name"] for c in context.cookies()}

    # No refresh token any more (e.g. past its 12 hours): back through sign-in; Cognito's own
    # session still holds, so no password.
    context.clear_cookies(name="consultant_refresh")
    context.add_cookies([{**session, "value": _expired_session(idp)}])
    page.goto(f"{stack.api}/consultants?statut=nouveau")
    assert page.url == f"{stack.api}/consultants/connexion?session=expiree&next=%2Fconsultants%3Fstatut%3Dnouveau"
    assert "Votre session a expiré" in page.content()
    assert not any(c["name"] == "consultant_session" for c in context.cookies())
    page.click("text=Se connecter")
    page.wait_for_url(f"{stack.api}/consultants?statut=nouveau", timeout=10_000)  # back to the page asked for
    assert len(idp.token_calls) == 3

    # Sign-out ends everything: the refresh token (revoked), our cookies, Cognito's session (/logout).
    refresh_token = next(c["value"] for c in context.cookies() if c["name"] == "consultant_refresh")
    page.click("text=Se déconnecter")
    page.wait_for_url(f"{stack.api}/consultants/connexion", timeout=10_000)
    assert idp.logouts == 1 and idp.revoked == [refresh_token]
    assert not any(c["name"] in ("consultant_session", "consultant_refresh") for c in context.cookies())
    page.goto(f"{stack.api}/consultants")
    assert page.url == f"{stack.api}/consultants/connexion"
    page.click("text=Se connecter")
    assert page.locator("#password").is_visible()  # Cognito asks for the password and TOTP again
    assert violations == []
    context.close()


def test_the_dev_sign_in_does_not_exist_when_a_hosted_ui_is_configured(hosted: tuple[LocalStack, FakeCognito]) -> None:
    stack, _ = hosted
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{stack.api}/consultants/dev/connexion", timeout=5)
    assert refused.value.code == 404
