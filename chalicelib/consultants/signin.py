"""Consultant sign-in and sign-out: the Cognito hosted UI in AWS, the dev sign-in in the local stage.

GET  /consultants/connexion          the sign-in page (a button to Cognito, or the dev sign-in link)
GET  /consultants/connexion/cognito  starts the code flow: flow cookie + 303 to /oauth2/authorize
GET  /consultants/callback           checks state, exchanges the code (PKCE), verifies the ID token
                                     (signature, issuer, audience, expiry, nonce), sets the session
POST /consultants/deconnexion        same-origin only; clears the session, then Cognito's /logout

The callback answers a small page that moves on to /consultants rather than a 303: the session
cookie is SameSite=Strict, and a redirect chain that started on Cognito's domain is cross-site,
so Chromium would not send the fresh cookie with the redirected request.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from chalice import Blueprint, NotFoundError, Response

from chalicelib.config import settings
from chalicelib.consultants.auth import (
    COOKIE,
    Consultant,
    cleared_cookie,
    cookie,
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
    safe_code,
)
from chalicelib.consultants.jwks import NotAuthenticated
from chalicelib.consultants.pages import consultant_page, form_fields
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


@bp.route(f"{BASE}/connexion", methods=["GET"])
def sign_in() -> Response:
    session = request_cookie(bp.current_request.headers, COOKIE)
    if session:
        try:
            verify_token(session)
            return Response(body="", status_code=303, headers={"Location": BASE, **NO_STORE})  # signed in already
        except NotAuthenticated:
            pass
    expired = session is not None
    return consultant_page(
        "signin.html",
        who=None,
        dev=local_signing_enabled(),
        hosted=hosted_ui() is not None,
        expired=expired,
        headers={"Set-Cookie": cleared_cookie()} if expired else None,
    )


@bp.route(f"{BASE}/connexion/cognito", methods=["GET"])
def start_sign_in() -> Response:
    ui = hosted_ui()
    if ui is None:
        raise NotFoundError("Page introuvable")
    flow = Flow.new()
    headers = {"Location": ui.authorize_url(flow), "Set-Cookie": _flow_cookie(flow.cookie_value(), FLOW_MAX_AGE_S)}
    return Response(body="", status_code=303, headers={**headers, **NO_STORE})


@bp.route(CALLBACK_PATH, methods=["GET"])
def callback() -> Response:
    ui = hosted_ui()
    if ui is None:
        raise NotFoundError("Page introuvable")
    params: Mapping[str, str] = bp.current_request.query_params or {}
    clear_flow = _flow_cookie("", 0)  # one use, whatever happens next
    try:
        who, token = _complete(ui, params)
    except SignInFailed as exc:
        logger.info("consultant sign-in refused", extra={"reason": exc.reason})
        return consultant_page(
            "signin_failed.html", exc.status, who=None, message=exc.message, headers={"Set-Cookie": clear_flow}
        )
    max_age = max(0, min(who.expires_at - int(time.time()), settings().session_max_age_s))
    logger.info("consultant signed in", extra={"sub": who.sub})
    return consultant_page(
        "signed_in.html",
        who=None,
        target=f"{ui.base_url}{BASE}",
        headers={"Set-Cookie": [session_cookie(token, max_age=max_age), clear_flow]},
    )


def _complete(ui: HostedUi, params: Mapping[str, str]) -> tuple[Consultant, str]:
    if params.get("error"):  # the consultant cancelled, or Cognito refused
        raise SignInFailed(400, "La connexion a été annulée ou refusée : recommencez.", "authorize error")
    flow = Flow.from_cookie(request_cookie(bp.current_request.headers, FLOW_COOKIE))
    flow.check_state(params.get("state"))
    token = ui.exchange_code(safe_code(params.get("code")), flow)
    try:
        return verify_token(token, nonce=flow.nonce), token
    except NotAuthenticated as exc:
        raise SignInFailed(401, "Jeton de connexion refusé : reconnectez-vous.", f"id token: {exc}") from None


@bp.route(f"{BASE}/deconnexion", methods=["POST"], content_types=[FORM])
def sign_out() -> Response:
    if not same_origin(bp.current_request.headers):
        refused = "Déconnexion refusée : origine de la requête inconnue."
        return consultant_page("signin_failed.html", 403, who=None, message=refused)
    ui = hosted_ui()
    location = ui.logout_url() if ui else f"{BASE}/connexion"
    headers: dict[str, str | list[str]] = {"Location": location, "Set-Cookie": cleared_cookie(), **NO_STORE}
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
