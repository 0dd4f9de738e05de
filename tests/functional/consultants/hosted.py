"""The Cognito hosted UI seen from the app's side: a fake Cognito on loopback and the steps a browser takes."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fake_cognito import PASSWORD, TOTP, FakeCognito
from tests.functional.consultants.conftest import ORIGIN

EMAIL = "claire@formation-ia.example"


@dataclass
class Started:
    authorize_url: str
    flow_cookie: str  # "consultant_signin=<value>"

    @property
    def params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.authorize_url).query).items()}


@dataclass
class Hosted:
    client: Any
    idp: FakeCognito

    def start(self) -> Started:
        resp = self.client.http.get("/consultants/connexion/cognito")
        assert resp.status_code == 303
        cookie = resp.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/consultants/callback" in cookie
        return Started(resp.headers["Location"], cookie.split(";")[0])

    def sign_in_at_idp(self, started: Started) -> dict[str, str]:
        """The consultant types e-mail, password and TOTP on the (fake) hosted UI; returns the callback's query."""
        split = urlsplit(self.idp.base_url)
        conn = http.client.HTTPConnection(split.hostname or "127.0.0.1", split.port, timeout=5)
        form = {**started.params, "username": EMAIL, "password": PASSWORD, "totp": TOTP}
        conn.request("POST", "/login", urlencode(form), {"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        assert resp.status == 302, resp.read()
        location = resp.getheader("Location") or ""
        assert location.startswith(f"{ORIGIN}/consultants/callback?")
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    def callback(self, query: dict[str, str], cookie: str | None) -> Any:
        headers = {"Cookie": cookie} if cookie else {}
        return self.client.http.get(f"/consultants/callback?{urlencode(query)}", headers=headers)

    def signed_in(self) -> dict[str, str]:
        """A completed sign-in: the cookies the callback set, by name (session, refresh token)."""
        started = self.start()
        resp = self.callback(self.sign_in_at_idp(started), started.flow_cookie)
        assert resp.status_code == 200, resp.body
        return cookie_values(resp)


def set_cookies(resp: Any) -> list[str]:
    value = resp.headers.get("Set-Cookie") or []
    return value if isinstance(value, list) else [value]


def cookie_values(resp: Any) -> dict[str, str]:
    """name -> value of each cookie the answer sets ("" when it clears it)."""
    return {c.split("=", 1)[0]: c.split(";")[0].split("=", 1)[1] for c in set_cookies(resp)}


def signs_in(resp: Any) -> bool:
    return any(
        c.startswith("consultant_session=") and not c.startswith("consultant_session=;") for c in set_cookies(resp)
    )
