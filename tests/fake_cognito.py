"""A fake Cognito hosted UI on loopback: /oauth2/authorize, /oauth2/token, /oauth2/revoke, /logout, JWKS.

It checks what Cognito checks (client id, registered redirect and logout URIs, S256 PKCE, one-use
codes bound to their redirect URI) and signs ID tokens with a real RSA key, carrying the `nonce`
of the authorize request. Signing in takes an e-mail, the password and a TOTP code (MFA required).
A code also yields a refresh token (grant_type=refresh_token gives a new ID token, without a nonce,
as Cognito's does) until /oauth2/revoke revokes it or `refresh_expired` says its validity ended.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

PASSWORD = "Motdepasse-de-test-42"
TOTP = "123456"
SESSION = "cognito"


@dataclass
class Grant:
    redirect_uri: str
    challenge: str
    nonce: str | None
    email: str


@dataclass
class FakeCognito:
    client_id: str
    callback_url: str
    logout_url: str
    issuer: str
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    kid: str = "fake-pool-key"
    audience: str | None = None  # another `aud` in the ID tokens (a token for another app client)
    nonce: str | None = None  # another `nonce` (a token minted for another sign-in)
    base_url: str = ""
    grants: dict[str, Grant] = field(default_factory=dict)
    token_calls: list[dict[str, str]] = field(default_factory=list)
    logouts: int = 0
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> e-mail
    revoked: list[str] = field(default_factory=list)
    refresh_expired: bool = False  # every refresh token past its RefreshTokenValidity

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/.well-known/jwks.json"

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "sub": f"sub-{hashlib.sha256(grant.email.encode()).hexdigest()[:12]}",
            "email": grant.email,
            "iss": self.issuer,
            "aud": self.audience or self.client_id,
            "token_use": "id",
            "auth_time": now,
            "iat": now,
            "exp": now + 3600,
            **({"nonce": self.nonce or grant.nonce} if grant.nonce else {}),
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def issue_code(self, params: dict[str, str], email: str) -> str:
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(params["redirect_uri"], params["code_challenge"], params.get("nonce"), email)
        return code

    def authorize_error(self, params: dict[str, str]) -> str | None:
        if params.get("response_type") != "code" or params.get("client_id") != self.client_id:
            return "unauthorized_client"
        if params.get("redirect_uri") != self.callback_url:
            return "redirect_mismatch"
        if "openid" not in params.get("scope", "").split() or not params.get("state"):
            return "invalid_request"
        if params.get("code_challenge_method") != "S256" or len(params.get("code_challenge", "")) != 43:
            return "invalid_request"  # Cognito enforces nothing here; a real PKCE client always sends S256
        return None

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_calls.append(form)
        if form.get("grant_type") == "refresh_token":
            return self.refresh(form)
        grant = self.grants.pop(form.get("code", ""), None)  # one use, even when the rest is wrong
        if form.get("grant_type") != "authorization_code" or form.get("client_id") != self.client_id:
            return 400, {"error": "unauthorized_client"}
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or digest != grant.challenge:
            return 400, {"error": "invalid_grant"}
        refresh_token = secrets.token_urlsafe(48)
        self.refresh_tokens[refresh_token] = grant.email
        return 200, {**self._answer(grant), "refresh_token": refresh_token}

    def refresh(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != self.client_id or "client_secret" in form:
            return 400, {"error": "invalid_client"}
        email = self.refresh_tokens.get(form.get("refresh_token", ""))
        if email is None or self.refresh_expired:  # unknown, revoked or expired: Cognito says the same
            return 400, {"error": "invalid_grant"}
        return 200, self._answer(Grant("", "", None, email))  # no new refresh token: Cognito does not rotate

    def revoke(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != self.client_id:
            return 400, {"error": "invalid_client"}
        token = form.get("token", "")
        if self.refresh_tokens.pop(token, None) is not None:
            self.revoked.append(token)
        return 200, {}  # Cognito answers 200 for an unknown token too (RFC 7009)

    def _answer(self, grant: Grant) -> dict[str, Any]:
        return {"id_token": self.id_token(grant), "access_token": "opaque", "token_type": "Bearer", "expires_in": 3600}


def _page(body: str) -> bytes:
    head = "<!doctype html><html lang='fr'><meta charset='utf-8'><title>Cognito</title>"
    return f"{head}<body>{body}</body></html>".encode()


def _handler(idp: FakeCognito) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, location: str, cookie: str | None = None) -> None:
            self._send(302, b"", "text/plain", {"Location": location, **({"Set-Cookie": cookie} if cookie else {})})

        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

        def _signed_in_as(self) -> str | None:
            for part in (self.headers.get("Cookie") or "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == SESSION and value:
                    return value.replace("%40", "@")
            return None

        def do_GET(self) -> None:
            path, params = urlsplit(self.path).path, self._query()
            if path == "/.well-known/jwks.json":
                self._send(200, json.dumps(idp.jwks()).encode(), "application/json")
            elif path == "/oauth2/authorize":
                error = idp.authorize_error(params)
                if error:
                    self._send(400, _page(f"<p id='error'>{error}</p>"), "text/html")
                elif email := self._signed_in_as():  # Cognito's own session: no password again
                    query = urlencode({"code": idp.issue_code(params, email), "state": params["state"]})
                    self._redirect(f"{params['redirect_uri']}?{query}")
                else:
                    hidden = "".join(f"<input type='hidden' name='{k}' value='{v}'>" for k, v in params.items())
                    form = (
                        f"<form method='post' action='/login'>{hidden}"
                        "<input name='username' id='username'><input name='password' id='password' type='password'>"
                        "<input name='totp' id='totp'><button type='submit'>Sign in</button></form>"
                    )
                    self._send(200, _page(form), "text/html")
            elif path == "/logout":
                if params.get("client_id") != idp.client_id or params.get("logout_uri") != idp.logout_url:
                    self._send(400, _page("<p id='error'>logout_uri mismatch</p>"), "text/html")
                    return
                idp.logouts += 1
                self._redirect(params["logout_uri"], f"{SESSION}=; Path=/; Max-Age=0")
            else:
                self._send(404, b"not found", "text/plain")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            path = urlsplit(self.path).path
            if path in ("/oauth2/token", "/oauth2/revoke"):
                status, answer = (idp.token if path == "/oauth2/token" else idp.revoke)(form)
                self._send(status, json.dumps(answer).encode(), "application/json")
            elif path == "/login":
                if form.get("password") != PASSWORD or form.get("totp") != TOTP or idp.authorize_error(form):
                    self._send(401, _page("<p id='error'>Incorrect username, password or code.</p>"), "text/html")
                    return
                email = form["username"]
                query = urlencode({"code": idp.issue_code(form, email), "state": form["state"]})
                self._redirect(
                    f"{form['redirect_uri']}?{query}", f"{SESSION}={email.replace('@', '%40')}; Path=/; HttpOnly"
                )
            else:
                self._send(404, b"not found", "text/plain")

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def serve_cognito(idp: FakeCognito, host_name: str = "127.0.0.1") -> Iterator[FakeCognito]:
    """Run the fake on a free loopback port; idp.base_url is its hosted-UI domain. `localhost`
    makes it another site than an app on 127.0.0.1, as Cognito's domain is in AWS."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(idp))
    idp.base_url = f"http://{host_name}:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield idp
    finally:
        server.shutdown()
        server.server_close()
