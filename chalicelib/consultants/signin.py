"""Consultant sign-in and sign-out: the Cognito hosted UI in AWS, the dev sign-in in the local stage.

GET  /consultants/connexion          the sign-in page (a button to Cognito, or the dev sign-in link)
GET  /consultants/connexion/cognito  starts the code flow: flow cookie + 303 to /oauth2/authorize
GET  /consultants/callback           checks state, exchanges the code (PKCE), verifies the ID token
                                     (signature, issuer, audience, expiry, nonce), sets the session
                                     and keeps the refresh token in its own cookie
GET  /consultants/auth/refresh       renews the session with the refresh token, back to `next`
POST /consultants/auth/deconnexion   same-origin only; revokes the refresh token, clears both
                                     cookies, then Cognito's /logout

The callback answers a small page that moves on to /consultants rather than a 303: the session
cookie is SameSite=Strict, and a redirect chain that started on Cognito's domain is cross-site,
so Chromium would not send the fresh cookie with the redirected request.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import urlencode

from chalice import Blueprint, NotFoundError, Response

from chalicelib.config import settings
from chalicelib.consultants.auth import (
    COOKIE,
    Consultant,
    cleared_cookie,
    cookie,
    cookie_path,
    issue_local_token,
    local_signing_enabled,
    request_cookie,
    same_origin,
    session_cookie,
    verify_token,
)
from chalicelib.consultants.hosted_ui import (
    CALLBACK_PATH,
    FLOW_COOKIE,
    FLOW_MAX_AGE_S,
    Flow,
    HostedUi,
    SignInFailed,
    Tokens,
    safe_code,
)
from chalicelib.consultants.jwks import NotAuthenticated
from chalicelib.consultants.pages import consultant_page, form_fields
from chalicelib.consultants.renewal import (
    AUTH_PATH,
    HOME,
    REFRESH_COOKIE,
    REFRESH_MAX_AGE_S,
    REFRESH_PATH,
    SIGN_OUT_PATH,
    safe_next,
)
from chalicelib.consultants.requests import field_text
from chalicelib.intake.http import FORM
from chalicelib.observability import logger

bp = Blueprint(__name__)
BASE = "/consultants"
NO_STORE = {"Cache-Control": "no-store"}


def hosted_ui() -> HostedUi | None:
    """The hosted UI when configured (domain, app client id and the site's public URL), else None."""
    s = settings()
    if not (s.cognito_domain and s.jwt_audience and s.public_base_url):
        return None
    return HostedUi(
        domain=s.cognito_domain.rstrip("/"),
        client_id=s.jwt_audience,
        base_url=s.public_base_url.rstrip("/"),
        timeout_s=s.cognito_timeout_s,
    )


def _flow_cookie(value: str, max_age: int) -> str:
    # Lax, not Strict: the callback is a top-level navigation coming from Cognito's domain.
    return cookie(FLOW_COOKIE, value, max_age=max_age, path=CALLBACK_PATH, same_site="Lax")


def _query() -> Mapping[str, str]:
    params: Mapping[str, str] = bp.current_request.query_params or {}
    return params


def _refresh_cookie(value: str, max_age: int) -> str:
    # Only the renewal and sign-out routes ever receive it (Path), never a page or the API.
    return cookie(REFRESH_COOKIE, value, max_age=max_age, path=AUTH_PATH)


def _session_max_age(who: Consultant) -> int:
    return max(0, min(who.expires_at - int(time.time()), settings().session_max_age_s))


@bp.route(f"{BASE}/connexion", methods=["GET"])
def sign_in() -> Response:
    session = request_cookie(bp.current_request.headers, COOKIE)
    target = safe_next(_query().get("next"))
    if session:
        try:
            verify_token(session)
            location = cookie_path(target)  # signed in already
            return Response(body="", status_code=303, headers={"Location": location, **NO_STORE})
        except NotAuthenticated:
            pass
    # A failed renewal clears the cookies before coming here, so it says so in the query.
    expired = session is not None or _query().get("session") == "expiree"
    return consultant_page(
        "signin.html",
        who=None,
        dev=local_signing_enabled(),
        hosted=hosted_ui() is not None,
        start=f"{BASE}/connexion/cognito" + (f"?{urlencode({'next': target})}" if target != HOME else ""),
        expired=expired,
        headers={"Set-Cookie": cleared_cookie()} if expired else None,
    )


@bp.route(f"{BASE}/connexion/cognito", methods=["GET"])
def start_sign_in() -> Response:
    ui = hosted_ui()
    if ui is None:
        raise NotFoundError("Page introuvable")
    flow = Flow.new(_query().get("next"))
    headers = {"Location": ui.authorize_url(flow), "Set-Cookie": _flow_cookie(flow.cookie_value(), FLOW_MAX_AGE_S)}
    return Response(body="", status_code=303, headers={**headers, **NO_STORE})


@bp.route(CALLBACK_PATH, methods=["GET"])
def callback() -> Response:
    ui = hosted_ui()
    if ui is None:
        raise NotFoundError("Page introuvable")
    params = _query()
    clear_flow = _flow_cookie("", 0)  # one use, whatever happens next
    try:
        who, tokens, flow_next = _complete(ui, params)
    except SignInFailed as exc:
        logger.info("consultant sign-in refused", extra={"reason": exc.reason})
        return consultant_page(
            "signin_failed.html", exc.status, who=None, message=exc.message, headers={"Set-Cookie": clear_flow}
        )
    logger.info("consultant signed in", extra={"sub": who.sub})
    cookies = [session_cookie(tokens.id_token, max_age=_session_max_age(who)), clear_flow]
    if tokens.refresh_token:
        cookies.append(_refresh_cookie(tokens.refresh_token, REFRESH_MAX_AGE_S))
    target = f"{ui.base_url}{flow_next}"
    return consultant_page("signed_in.html", who=None, target=target, headers={"Set-Cookie": cookies})


def _complete(ui: HostedUi, params: Mapping[str, str]) -> tuple[Consultant, Tokens, str]:
    if params.get("error"):  # the consultant cancelled, or Cognito refused
        raise SignInFailed(400, "La connexion a été annulée ou refusée : recommencez.", "authorize error")
    flow = Flow.from_cookie(request_cookie(bp.current_request.headers, FLOW_COOKIE))
    flow.check_state(params.get("state"))
    tokens = ui.exchange_code(safe_code(params.get("code")), flow)
    return _verified(tokens, nonce=flow.nonce), tokens, flow.next


def _verified(tokens: Tokens, *, nonce: str | None = None) -> Consultant:
    """The new ID token, verified exactly as every request's (signature, issuer, audience, expiry, use)."""
    try:
        return verify_token(tokens.id_token, nonce=nonce)
    except NotAuthenticated as exc:
        raise SignInFailed(401, "Jeton de connexion refusé : reconnectez-vous.", f"id token: {exc}") from None


@bp.route(REFRESH_PATH, methods=["GET"])
def refresh_session() -> Response:
    """Renew the session with the refresh token, then back to `next`; on any failure both cookies
    are cleared and the consultant goes to the sign-in page (never a 500: Cognito down included)."""
    request = bp.current_request
    target = safe_next(_query().get("next"))
    if request.headers.get("sec-fetch-site") == "cross-site":
        # A link from another site (the e-mail digest): the browser withheld the Strict cookies on
        # the whole redirect chain. A page of ours moving on makes the next request same-site, with
        # its cookies; answering "signed out" here would clear a session that is still fine.
        return consultant_page("continue.html", who=None, target=cookie_path(target), headers=NO_STORE)
    refresh_token = request_cookie(request.headers, REFRESH_COOKIE)
    ui = hosted_ui()
    try:
        if ui is None or not refresh_token:
            raise SignInFailed(401, "", "no refresh cookie" if ui else "no hosted UI")
        tokens = ui.refresh(refresh_token)
        who = _verified(tokens)
    except SignInFailed as exc:
        logger.info("consultant session not renewed", extra={"reason": exc.reason})
        had_session = bool(refresh_token or request_cookie(request.headers, COOKIE))
        query = {"session": "expiree"} if had_session else {}
        query |= {"next": target} if target != HOME else {}  # sign-in comes back to the page asked for
        location = cookie_path(f"{BASE}/connexion") + (f"?{urlencode(query)}" if query else "")
        cleared = [cleared_cookie(), _refresh_cookie("", 0)]
        return Response(body="", status_code=303, headers={"Location": location, "Set-Cookie": cleared, **NO_STORE})
    logger.info("consultant session renewed", extra={"sub": who.sub})
    cookies = [session_cookie(tokens.id_token, max_age=_session_max_age(who))]
    if tokens.refresh_token:  # Cognito rotates refresh tokens only when the client asks for it
        cookies.append(_refresh_cookie(tokens.refresh_token, REFRESH_MAX_AGE_S))
    return Response(
        body="", status_code=303, headers={"Location": cookie_path(target), "Set-Cookie": cookies, **NO_STORE}
    )


@bp.route(SIGN_OUT_PATH, methods=["POST"], content_types=[FORM])
def sign_out() -> Response:
    if not same_origin(bp.current_request.headers):
        refused = "Déconnexion refusée : origine de la requête inconnue."
        return consultant_page("signin_failed.html", 403, who=None, message=refused)
    ui = hosted_ui()
    refresh_token = request_cookie(bp.current_request.headers, REFRESH_COOKIE)
    if ui and refresh_token:  # best effort: an unrevoked token still dies at its validity's end
        logger.info("consultant refresh token revocation", extra={"revoked": ui.revoke(refresh_token)})
    location = ui.logout_url() if ui else f"{BASE}/connexion"
    cleared = [cleared_cookie(), _refresh_cookie("", 0)]
    headers: dict[str, str | list[str]] = {"Location": location, "Set-Cookie": cleared, **NO_STORE}
    return Response(body="", status_code=303, headers=headers)


# --- local stage only ------------------------------------------------------------------------


def _dev_only() -> None:
    # The dev sign-in exists only in the local stage with its generated key: 404 anywhere else.
    if not local_signing_enabled():
        raise NotFoundError("Page introuvable")


@bp.route(f"{BASE}/dev/connexion", methods=["GET"])
def dev_sign_in_page() -> Response:
    _dev_only()
    return consultant_page("dev_signin.html", who=None, error=None, email="")


@bp.route(f"{BASE}/dev/connexion", methods=["POST"], content_types=[FORM])
def dev_sign_in() -> Response:
    _dev_only()
    email = field_text(form_fields(), "email").lower()
    if "@" not in email or len(email) > 120:
        return consultant_page("dev_signin.html", 422, who=None, error="Indiquez une adresse e-mail.", email=email)
    max_age = settings().session_max_age_s
    token = issue_local_token(email, lifetime_s=max_age)
    return Response(
        body="",
        status_code=303,
        headers={"Location": BASE, "Set-Cookie": session_cookie(token, max_age=max_age), **NO_STORE},
    )
