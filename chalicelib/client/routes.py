"""The client's pages under /client/<token> (French, no sign-in beyond the personal link).

Every request is rate-limited per IP before the token is looked up; a token that opens nothing gets
a French 4xx page saying how to get a new link. Pages send a CSP and no Referer (the token is in the
path), and are never indexed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from chalice import Blueprint, Response

from chalicelib.client import requests, service
from chalicelib.client.requests import Invalid
from chalicelib.client.service import Evidence, LinkRefused, Opened
from chalicelib.intake.http import FORM, form_fields, html_response, redirect, static_response
from chalicelib.leads.store_client import SpaceConflict
from chalicelib.pages import render_page, static_asset
from chalicelib.web import UserError

bp = Blueprint(__name__)
BASE = "/client/{token}"


def _csp(form_origin: str = "") -> str:
    forms = f"'self' {form_origin}".strip()
    return (
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
        f"connect-src 'self'; form-action {forms}; frame-ancestors 'none'; base-uri 'none'"
    )


def _page(name: str, status: int = 200, form_origin: str = "", **context: Any) -> Response:
    return html_response(
        render_page(f"client/{name}", script_version=static_asset("client.js")[1], **context),
        status,
        headers={
            "Content-Security-Policy": _csp(form_origin),
            "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex, nofollow",
            "X-Frame-Options": "DENY",
        },
    )


def _ip_hash() -> str:
    from chalicelib.intake.screening import ip_hash, source_ip

    return ip_hash(source_ip(bp.current_request))


def _form() -> dict[str, Any]:
    return form_fields((bp.current_request.raw_body or b"")[:16384], max_fields=30)


def _same_origin() -> bool:
    """A form post must come from our own page (the token alone should not let another site post)."""
    origin = bp.current_request.headers.get("origin")
    if not origin or origin == "null":
        return True  # some browsers omit it on same-origin posts; the token still gates everything
    host = bp.current_request.headers.get("host", "")
    return bool(urlsplit(origin).netloc == host)


def client_route(view: Callable[..., Response]) -> Callable[..., Response]:
    """Rate limit, open the token, map refusals to French pages (a form's mistakes to the page itself)."""

    @functools.wraps(view)
    def wrapper(token: str, **params: Any) -> Response:
        import time

        from chalicelib.leads.store_limits import RateLimited, client_rate_limiter

        try:
            client_rate_limiter().hit(_ip_hash(), now_s=int(time.time()))
        except RateLimited as exc:
            page = _page("refused.html", 429, kind="trop")
            page.headers["Retry-After"] = str(exc.retry_after_s)
            return page
        if bp.current_request.method == "POST" and not _same_origin():
            return _page("refused.html", 403, kind="origine")
        try:
            opened = service.open_link(token)
            return view(opened, **params)
        except LinkRefused as exc:
            return _page("refused.html", exc.status, kind=exc.kind)
        except UserError as exc:  # a form's mistake (Invalid, too many fields): the page again, by its field
            return _show(opened, 422, errors=exc.by_field())
        except SpaceConflict:
            return _show(service.open_link(token), 409, errors={"_": "La page a changé entre-temps : recommencez."})

    return wrapper


def _show(o: Opened, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    view = service.page_view(o, today=service.now().date())
    ok = requests.parse_notice(bp.current_request.query_params)
    return _page("dossier.html", status, token=o.token, v=view, ok=ok, errors=errors or {})


@bp.route("/client-static/client.js", methods=["GET"])
def client_script() -> Response:
    return static_response(static_asset("client.js")[0], "text/javascript; charset=utf-8", 31536000)


@bp.route(BASE, methods=["GET"])
@client_route
def dossier(o: Opened) -> Response:
    return _show(o)


@bp.route(BASE + "/documents/{name}", methods=["GET"])
@client_route
def document(o: Opened, name: str) -> Response:
    try:
        return redirect(service.document_url(o, name))
    except Invalid:
        return _page("refused.html", 404, kind="document")


def _back(o: Opened, ok: str) -> Response:
    """To the page's part that was acted on; a refusal (Invalid) is shown there by client_route."""
    return redirect(f"/client/{o.token}?ok={ok}#{ok}")


@bp.route(BASE + "/signature", methods=["POST"], content_types=[FORM])
@client_route
def sign(o: Opened) -> Response:
    service.sign(o, requests.parse_signature(_form()), Evidence.of(bp.current_request))
    return _back(o, "signature")


@bp.route(BASE + "/depot", methods=["POST"], content_types=[FORM])
@client_route
def filing(o: Opened) -> Response:
    service.declare_filing(o, requests.parse_filing(_form(), service.now().date()))
    return _back(o, "depot")


@bp.route(BASE + "/decision", methods=["POST"], content_types=[FORM])
@client_route
def decision(o: Opened) -> Response:
    service.declare_decision(o, requests.parse_decision(_form(), service.now().date()))
    return _back(o, "decision")


@bp.route(BASE + "/decision/fichier", methods=["POST"], content_types=[FORM])
@client_route
def upload_form(o: Opened) -> Response:
    """Second step: the form that posts the file straight to S3 (presigned POST)."""
    choice = requests.parse_upload_choice(_form())
    post = service.upload_form(o, choice.content_type)
    s3 = urlsplit(post["url"])
    return _page(
        "upload.html",
        token=o.token,
        post=post,
        kind=choice.kind,
        accept=choice.content_type,
        form_origin=f"{s3.scheme}://{s3.netloc}",
    )


@bp.route(BASE + "/decision/recue", methods=["GET"])
@client_route
def upload_received(o: Opened) -> Response:
    service.upload_received(o)
    return redirect(f"/client/{o.token}?ok=fichier#decision")


@bp.route(BASE + "/rappels/arret", methods=["GET"])
@client_route
def reminders_off_confirm(o: Opened) -> Response:
    # The reminder's link only asks: mail scanners follow links, and a GET that stopped reminders
    # would stop them for a client who never clicked.
    return _page("reminders.html", token=o.token, stopped=o.space.reminders_off)


@bp.route(BASE + "/rappels/arret", methods=["POST"], content_types=[FORM, "multipart/form-data"])
@client_route
def reminders_off(o: Opened) -> Response:
    # The page's button, or the mailbox's one-click unsubscribe (RFC 8058: a POST with the body
    # "List-Unsubscribe=One-Click", urlencoded or multipart, from the mail provider: no Origin).
    service.set_reminders(o, on=False)
    return _page("reminders.html", token=o.token, stopped=True)


@bp.route(BASE + "/rappels", methods=["POST"], content_types=[FORM])
@client_route
def reminders_on(o: Opened) -> Response:
    service.set_reminders(o, on=True)
    return redirect(f"/client/{o.token}?ok=rappels")
