"""Cognito hosted UI, the OAuth 2.0 authorization-code flow with PKCE (RFC 7636), `state` and `nonce`.

The app client is public (no client secret): PKCE binds the code to the browser that started the
flow, so a client secret would add a Secrets Manager read to every sign-in and a secret to rotate,
without protecting anything PKCE does not already (docs/consultants.md, "Sign-in").

The flow's three values travel in one short-lived HttpOnly cookie set when the consultant leaves
for Cognito: `state` (compared with the callback's, against login CSRF), `nonce` (compared with the
ID token's claim, against token injection) and the PKCE verifier (sent to the token endpoint only).
The token endpoint is called with urllib: no HTTP library in the API Lambda's zip.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from chalicelib.consultants.renewal import HOME, safe_next

FLOW_COOKIE = "consultant_signin"
FLOW_MAX_AGE_S = 600  # time to type a password and a TOTP code
SCOPES = "openid email"
CALLBACK_PATH = "/consultants/callback"
SIGNED_OUT_PATH = "/consultants/connexion"


class SignInFailed(Exception):
    """The callback cannot sign the consultant in; `message` is French and shown on the page."""

    def __init__(self, status: int, message: str, reason: str):
        super().__init__(reason)
        self.status, self.message, self.reason = status, message, reason


@dataclass(frozen=True)
class Flow:
    state: str
    nonce: str
    verifier: str
    next: str = HOME  # the workspace page to open once signed in (safe_next: never another site)

    @classmethod
    def new(cls, next_path: str | None = None) -> Flow:
        # 32 random bytes each: 43 URL-safe characters, the verifier's minimum length in RFC 7636.
        state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
        return cls(state, nonce, verifier, safe_next(next_path))

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def cookie_value(self) -> str:
        return f"{self.state}.{self.nonce}.{self.verifier}.{base64.urlsafe_b64encode(self.next.encode()).decode()}"

    @classmethod
    def from_cookie(cls, value: str | None) -> Flow:
        parts = (value or "").split(".")
        if len(parts) != 4 or not all(parts[:3]) or not all(len(p) <= 128 for p in parts[:3]):
            raise SignInFailed(400, "Votre demande de connexion a expiré : recommencez.", "no flow cookie")
        try:
            next_path = base64.urlsafe_b64decode(parts[3].encode()).decode()
        except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
            next_path = HOME
        return cls(parts[0], parts[1], parts[2], safe_next(next_path))  # checked again: it came from a browser

    def check_state(self, state: str | None) -> None:
        if not state or not hmac.compare_digest(state.encode(), self.state.encode()):
            message = "Demande de connexion inattendue : recommencez depuis la page de connexion."
            raise SignInFailed(400, message, "state")


@dataclass(frozen=True)
class Tokens:
    id_token: str
    refresh_token: str | None  # absent from a refresh answer unless Cognito rotates refresh tokens


@dataclass(frozen=True)
class HostedUi:
    domain: str  # https://<prefix>.auth.<region>.amazoncognito.com
    client_id: str
    base_url: str  # the site's public base URL: the callback and sign-out return live under it
    timeout_s: float = 5.0

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}{CALLBACK_PATH}"

    @property
    def logout_uri(self) -> str:
        return f"{self.base_url}{SIGNED_OUT_PATH}"

    def authorize_url(self, flow: Flow) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": SCOPES,
            "state": flow.state,
            "nonce": flow.nonce,
            "code_challenge": flow.challenge,
            "code_challenge_method": "S256",
        }
        return f"{self.domain}/oauth2/authorize?{urllib.parse.urlencode(query)}"

    def logout_url(self) -> str:
        """Cognito's /logout ends its own session (the next sign-in asks for the password and TOTP again)."""
        query = {"client_id": self.client_id, "logout_uri": self.logout_uri}
        return f"{self.domain}/logout?{urllib.parse.urlencode(query)}"

    def exchange_code(self, code: str, flow: Flow) -> Tokens:
        """The tokens for an authorization code (one use, bound to the flow's PKCE verifier)."""
        form = {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": flow.verifier,
        }
        return self._tokens(form, "Ce lien de connexion n'est plus valable : reconnectez-vous.")

    def refresh(self, refresh_token: str) -> Tokens:
        """Fresh tokens for a refresh token (public client: no secret). Cognito refuses a revoked or
        expired one with a 400, which is a SignInFailed like an outage: the caller signs in again."""
        form = {"grant_type": "refresh_token", "client_id": self.client_id, "refresh_token": refresh_token}
        return self._tokens(form, "Votre session a expiré : reconnectez-vous.")

    def revoke(self, refresh_token: str) -> bool:
        """Revoke a refresh token (and the tokens it issued) at /oauth2/revoke; False when Cognito
        could not be told (sign-out goes on: the token still dies at its validity's end)."""
        try:
            self._post("/oauth2/revoke", {"token": refresh_token, "client_id": self.client_id})
        except (OSError, ValueError):  # HTTPError is an OSError
            return False
        return True

    def _post(self, path: str, form: dict[str, str]) -> bytes:
        request = urllib.request.Request(  # noqa: S310 (the configured https Cognito domain)
            f"{self.domain}{path}",
            data=urllib.parse.urlencode(form).encode(),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310 (configured https URL)
            body: bytes = response.read()
            return body

    def _tokens(self, form: dict[str, str], refused: str) -> Tokens:
        try:
            answer = json.loads(self._post("/oauth2/token", form))
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500:  # invalid_grant: unknown, expired, used or revoked grant, wrong verifier
                raise SignInFailed(400, refused, f"token endpoint {exc.code}") from None
            raise _unavailable(f"token endpoint {exc.code}") from None
        except (OSError, ValueError):
            raise _unavailable("token endpoint unreachable") from None
        token = answer.get("id_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise _unavailable("no id_token in the answer")
        refresh = answer.get("refresh_token")
        return Tokens(token, refresh if isinstance(refresh, str) and refresh else None)


def _unavailable(reason: str) -> SignInFailed:
    return SignInFailed(502, "Le service de connexion ne répond pas : réessayez dans un instant.", reason)


def safe_code(value: str | None) -> str:
    """An authorization code as Cognito issues it (a UUID-like token), else refused before any call."""
    if not value or len(value) > 512 or not all(c.isalnum() or c in "-_.~" for c in value):
        raise SignInFailed(400, "Ce lien de connexion n'est plus valable : reconnectez-vous.", "malformed code")
    return value
