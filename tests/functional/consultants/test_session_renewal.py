"""An expired consultant session renews itself with Cognito's refresh token (fake Cognito on loopback).

The gate sends a page asked for with an expired or soon-expiring session to /consultants/auth/refresh,
which exchanges the refresh token (grant_type=refresh_token), verifies the new ID token as the
callback does and comes back; any failure clears both cookies and ends at the sign-in page.
"""

from __future__ import annotations

import base64
import socket
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

from tests.functional.consultants.conftest import AUDIENCE, ISSUER, ORIGIN, _configure
from tests.functional.consultants.hosted import EMAIL, Hosted, Started, cookie_values, set_cookies

SITE = {"Host": "consultants.example", "Origin": ORIGIN}
LEAD_PAGE = "/consultants/leads/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"


def _id_token(hosted: Hosted, expires_in: int) -> str:
    now = int(time.time())
    claims = {"sub": "s", "email": EMAIL, "iss": ISSUER, "aud": AUDIENCE, "token_use": "id"}
    claims |= {"iat": now - 3600, "exp": now + expires_in}
    return jwt.encode(claims, hosted.idp.key, algorithm="RS256", headers={"kid": hosted.idp.kid})


def _get(hosted: Hosted, url: str, **cookies: str) -> Any:
    jar = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return hosted.client.http.get(url, headers={**SITE, **({"Cookie": jar} if jar else {})})


def _renew(hosted: Hosted, next_path: str, **cookies: str) -> Any:
    return _get(hosted, f"/consultants/auth/refresh?{urlencode({'next': next_path})}", **cookies)


def _ends_at_sign_in(resp: Any, *, expired: bool = True, then: str | None = None) -> None:
    assert resp.status_code == 303
    location = urlsplit(resp.headers["Location"])
    assert location.path == "/consultants/connexion"
    expected = {"session": ["expiree"]} if expired else {}
    assert parse_qs(location.query) == expected | ({"next": [then]} if then else {})
    assert cookie_values(resp) == {"consultant_session": "", "consultant_refresh": ""}  # both cleared
    assert all("Max-Age=0" in c for c in set_cookies(resp))


def test_the_callback_keeps_the_refresh_token_in_a_strict_cookie_only_the_auth_routes_receive(hosted: Hosted) -> None:
    started = hosted.start()
    resp = hosted.callback(hosted.sign_in_at_idp(started), started.flow_cookie)
    refresh = next(c for c in set_cookies(resp) if c.startswith("consultant_refresh="))
    assert refresh.split(";")[0] == f"consultant_refresh={next(iter(hosted.idp.refresh_tokens))}"
    attributes = [a.strip() for a in refresh.split(";")[1:]]
    assert attributes == ["Path=/consultants/auth", "Max-Age=43200", "HttpOnly", "SameSite=Strict", "Secure"]


def test_an_expired_session_is_renewed_and_the_page_it_asked_for_opens(hosted: Hosted) -> None:
    refresh = hosted.signed_in()["consultant_refresh"]
    asked = "/consultants?statut=nouveau&q=Dupont"
    gate = _get(hosted, asked, consultant_session=_id_token(hosted, -60))
    assert gate.status_code == 303
    location = urlsplit(gate.headers["Location"])
    assert location.path == "/consultants/auth/refresh" and parse_qs(location.query) == {"next": [asked]}

    renewed = _get(hosted, gate.headers["Location"], consultant_refresh=refresh)
    assert renewed.status_code == 303 and renewed.headers["Location"] == asked
    assert hosted.idp.token_calls[-1] == {
        "grant_type": "refresh_token",
        "client_id": AUDIENCE,
        "refresh_token": refresh,
    }
    session = next(c for c in set_cookies(renewed) if c.startswith("consultant_session="))
    assert all(flag in session for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/consultants;"))
    assert 3500 <= int(session.split("Max-Age=")[1].split(";")[0]) <= 3600
    assert "consultant_refresh" not in cookie_values(renewed)  # Cognito does not rotate it: the cookie stays
    page = _get(hosted, asked, consultant_session=cookie_values(renewed)["consultant_session"])
    assert page.status_code == 200 and EMAIL in page.body.decode()


def test_a_session_about_to_expire_renews_before_the_page_but_a_fresh_one_does_not(hosted: Hosted) -> None:
    soon = _get(hosted, LEAD_PAGE, consultant_session=_id_token(hosted, 120))
    assert soon.status_code == 303 and soon.headers["Location"].startswith("/consultants/auth/refresh?next=")
    fresh = _get(hosted, "/consultants", consultant_session=_id_token(hosted, 1800))
    assert fresh.status_code == 200


def test_a_post_or_an_api_call_with_an_expired_session_is_refused_as_before_not_renewed(hosted: Hosted) -> None:
    expired = _id_token(hosted, -60)
    post = hosted.client.http.post(
        f"{LEAD_PAGE}/statut",
        headers={
            **SITE,
            "Cookie": f"consultant_session={expired}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=b"status=demande_deposee&rev=1",
    )
    assert post.status_code == 401
    api = hosted.client.http.get("/consultants/api/leads", headers={"Authorization": f"Bearer {expired}"})
    assert api.status_code in (401, 403)  # the authorizer refuses it, as before
    assert not any(call.get("grant_type") == "refresh_token" for call in hosted.idp.token_calls)


def test_without_a_refresh_cookie_the_consultant_goes_to_sign_in(hosted: Hosted) -> None:
    _ends_at_sign_in(_renew(hosted, "/consultants"), expired=False)  # never signed in: nothing to say
    after_expiry = _renew(hosted, "/consultants", consultant_session=_id_token(hosted, -60))
    _ends_at_sign_in(after_expiry)
    page = _get(hosted, after_expiry.headers["Location"])
    assert page.status_code == 200 and "Votre session a expiré" in page.body.decode()
    assert hosted.idp.token_calls == []


def test_sign_out_revokes_the_refresh_token_so_it_renews_nothing_afterwards(hosted: Hosted, capfd: Any) -> None:
    refresh = hosted.signed_in()["consultant_refresh"]
    out = hosted.client.http.post(
        "/consultants/auth/deconnexion",
        headers={
            **SITE,
            "Cookie": f"consultant_refresh={refresh}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=b"",
    )
    assert out.status_code == 303 and out.headers["Location"].startswith(f"{hosted.idp.base_url}/logout?")
    assert hosted.idp.revoked == [refresh]
    assert cookie_values(out) == {"consultant_session": "", "consultant_refresh": ""}
    _ends_at_sign_in(_renew(hosted, "/consultants", consultant_refresh=refresh))
    logs = capfd.readouterr()
    assert (
        "refresh token revocation" in logs.out and '"revoked":true' in logs.out and refresh not in logs.out + logs.err
    )


def test_an_expired_refresh_token_ends_at_sign_in(hosted: Hosted) -> None:
    refresh = hosted.signed_in()["consultant_refresh"]
    hosted.idp.refresh_expired = True  # past the app client's RefreshTokenValidity
    _ends_at_sign_in(_renew(hosted, LEAD_PAGE, consultant_refresh=refresh), then=LEAD_PAGE)


def test_a_renewed_token_for_another_app_client_is_refused(hosted: Hosted) -> None:
    refresh = hosted.signed_in()["consultant_refresh"]
    hosted.idp.audience = "another-app-client"
    _ends_at_sign_in(_renew(hosted, LEAD_PAGE, consultant_refresh=refresh), then=LEAD_PAGE)


def test_cognito_down_during_renewal_ends_at_sign_in_not_a_500(hosted: Hosted, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh = hosted.signed_in()["consultant_refresh"]
    with socket.socket() as closed:  # a port nobody listens on once the socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    _configure(monkeypatch, COGNITO_DOMAIN=f"http://127.0.0.1:{port}", COGNITO_TIMEOUT_S="1")
    _ends_at_sign_in(_renew(hosted, LEAD_PAGE, consultant_refresh=refresh), then=LEAD_PAGE)


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example/consultants",
        "//evil.example/consultants",
        "/\\evil.example",
        "/consultants\\..\\..\\evil",
        "https:/consultants",
        "javascript:alert(1)",
        "/consultants/../ailleurs",
        "/consultantsX",
        "/ailleurs",
        "/consultants/%0d%0aSet-Cookie:x=1\r\nX: y",
        "/consultants/auth/refresh?next=/consultants",
        "/consultants#//evil.example",
        "",
    ],
)
def test_renewal_returns_only_to_a_workspace_page_of_this_site(hosted: Hosted, next_path: str) -> None:
    refresh = hosted.signed_in()["consultant_refresh"]
    resp = _renew(hosted, next_path, consultant_refresh=refresh)
    assert resp.status_code == 303 and resp.headers["Location"] == "/consultants"
    assert cookie_values(resp)["consultant_session"]  # renewed all the same


def test_renewal_returns_to_a_lead_page_with_its_query(hosted: Hosted) -> None:
    refresh = hosted.signed_in()["consultant_refresh"]
    resp = _renew(hosted, f"{LEAD_PAGE}?ok=statut", consultant_refresh=refresh)
    assert resp.status_code == 303 and resp.headers["Location"] == f"{LEAD_PAGE}?ok=statut"


def test_a_link_from_another_site_moves_on_to_the_page_without_touching_the_cookies(hosted: Hosted) -> None:
    # Cross-site, the browser sends no Strict cookie: renewal cannot tell, so it moves on same-site.
    resp = hosted.client.http.get(
        f"/consultants/auth/refresh?{urlencode({'next': LEAD_PAGE})}", headers={**SITE, "Sec-Fetch-Site": "cross-site"}
    )
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
    assert f'content="0;url={LEAD_PAGE}"' in resp.body.decode() and resp.headers["Cache-Control"] == "no-store"
    assert hosted.idp.token_calls == []


def test_a_failed_renewal_signs_in_again_and_comes_back_to_the_page_asked_for(hosted: Hosted) -> None:
    failed = _renew(hosted, f"{LEAD_PAGE}?ok=statut", consultant_session=_id_token(hosted, -60))
    _ends_at_sign_in(failed, then=f"{LEAD_PAGE}?ok=statut")
    page = _get(hosted, failed.headers["Location"]).body.decode()
    start = f"/consultants/connexion/cognito?{urlencode({'next': f'{LEAD_PAGE}?ok=statut'})}"
    assert f'href="{start.replace("&", "&amp;")}"' in page
    resp = hosted.client.http.get(start)
    flow_cookie = resp.headers["Set-Cookie"].split(";")[0]
    authorize = {k: v[0] for k, v in parse_qs(urlsplit(resp.headers["Location"]).query).items()}
    started = Started(resp.headers["Location"], flow_cookie)
    assert authorize["redirect_uri"] == f"{ORIGIN}/consultants/callback"  # the registered one, whatever next is
    answer = hosted.callback(hosted.sign_in_at_idp(started), started.flow_cookie)
    assert answer.status_code == 200 and f'url={ORIGIN}{LEAD_PAGE}?ok=statut"' in answer.body.decode()


@pytest.mark.parametrize("next_path", ["//evil.example", "https://evil.example/consultants", "/\\evil.example"])
def test_sign_in_returns_only_to_a_workspace_page_of_this_site(hosted: Hosted, next_path: str) -> None:
    resp = hosted.client.http.get(f"/consultants/connexion/cognito?{urlencode({'next': next_path})}")
    started = Started(resp.headers["Location"], resp.headers["Set-Cookie"].split(";")[0])
    answer = hosted.callback(hosted.sign_in_at_idp(started), started.flow_cookie)
    assert answer.status_code == 200 and f'url={ORIGIN}/consultants"' in answer.body.decode()
    # A flow cookie rewritten in the browser to point elsewhere is checked again at the callback.
    fresh = hosted.start()
    state, nonce, verifier, _ = fresh.flow_cookie.split("=", 1)[1].split(".")
    forged_next = base64.urlsafe_b64encode(next_path.encode()).decode()
    forged = Started(fresh.authorize_url, f"consultant_signin={state}.{nonce}.{verifier}.{forged_next}")
    answer = hosted.callback(hosted.sign_in_at_idp(forged), forged.flow_cookie)
    assert answer.status_code == 200 and f'url={ORIGIN}/consultants"' in answer.body.decode()
