"""Server-rendered consultant pages under /consultants (Jinja2, French).

The browser holds the ID token in an HttpOnly, SameSite=Strict cookie (Secure outside the local
stage). CSRF: SameSite=Strict keeps the cookie off cross-site requests, and the gate
(auth.consultant_gate) also refuses any cookie-authenticated POST whose Origin/Referer is not
this site, so no form token is needed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from chalice import Blueprint, Response

from chalicelib.catalogue import MODALITY_LABELS, catalogue
from chalicelib.config import settings
from chalicelib.consultants import presenter, service
from chalicelib.consultants.api import csv_response
from chalicelib.consultants.auth import current_consultant
from chalicelib.consultants.client_panel import panel
from chalicelib.consultants.edits import InvalidEdit
from chalicelib.consultants.requests import (
    BadRequest,
    parse_dossier_form,
    parse_erasure,
    parse_filter,
    parse_lead_notice,
    parse_listing,
    parse_status_update,
)
from chalicelib.intake import http
from chalicelib.intake.http import FORM, html_response, redirect
from chalicelib.leads.model import STATUS_LABELS
from chalicelib.leads.store import EditConflict, LeadNotFound
from chalicelib.pages import STRICT_CSP, consultant_csp, render_page
from chalicelib.web import UserError

bp = Blueprint(__name__)
BASE = "/consultants"


def _opcos() -> dict[str, str]:
    from chalicelib.opco._data import opco_names

    return dict(sorted(opco_names().items(), key=lambda kv: kv[1].lower()))


def consultant_page(name: str, status: int = 200, headers: dict[str, Any] | None = None, **context: Any) -> Response:
    context.setdefault("who", _who_or_none())
    return html_response(
        render_page(f"consultants/{name}", status_labels=STATUS_LABELS, **context),
        status,
        headers,
        csp=consultant_csp(settings().cognito_domain or None),
    )


def _who_or_none() -> Any:
    try:
        return current_consultant(bp.current_request)
    except Exception:
        return None


def form_fields() -> dict[str, list[str]]:
    return http.form_fields(bp.current_request.raw_body, max_fields=100)


# --- leads --------------------------------------------------------------------------------


@bp.route(BASE, methods=["GET"])
def lead_list() -> Response:
    try:
        f, cursor = parse_listing(bp.current_request.query_params)
        page = service.list_page(f, cursor)
    except BadRequest as exc:
        return consultant_page(
            "list.html",
            400,
            rows=[],
            filter=parse_filter({}),
            params={},
            error=exc.message,
            opcos=_opcos(),
            next_url=None,
        )
    today = service.now().date()
    next_url = f"{BASE}?{urlencode({**f.as_params(), 'cursor': page.cursor})}" if page.cursor else None
    return consultant_page(
        "list.html",
        rows=[presenter.summary(lead, today) for lead in page.leads],
        filter=f,
        params=f.as_params(),
        opcos=_opcos(),
        next_url=next_url,
        error=None,
        export_url=f"{BASE}/leads.csv?{urlencode(f.as_params())}",
        first_page=not cursor,
    )


@bp.route(f"{BASE}/leads.csv", methods=["GET"])
def export_csv() -> Response:
    try:
        return csv_response(parse_filter(bp.current_request.query_params))
    except BadRequest as exc:
        return html_response(exc.message, 400, csp=STRICT_CSP)


def _detail(lead_id: str, status: int = 200, **extra: Any) -> Response:
    try:
        lead, history = service.lead_record(lead_id)
    except LeadNotFound:
        return consultant_page("missing.html", 404)
    view = presenter.detail(lead, history, service.now().date())
    ok = parse_lead_notice(bp.current_request.query_params)
    extra.setdefault("client", panel(lead))
    return consultant_page(
        "detail.html",
        status,
        lead=lead,
        view=view,
        eff=presenter.effective(lead),
        ok=ok,
        trainings=catalogue().trainings,
        modalities=MODALITY_LABELS,
        errors=extra.pop("errors", {}),
        **extra,
    )


def form_errors(view: Callable[..., Response]) -> Callable[..., Response]:
    """Re-render the detail page with French messages instead of a bare error."""

    @functools.wraps(view)
    def wrapper(lead_id: str, **params: Any) -> Response:
        try:
            return view(lead_id, **params)
        except LeadNotFound:
            return consultant_page("missing.html", 404)
        except InvalidEdit as exc:
            return _detail(lead_id, 422, errors=exc.by_field())
        except UserError as exc:  # any room's refusal (workflow, client space...): by its field and on top
            return _detail(lead_id, 422, errors={exc.field: exc.message}, status_error=exc.message)
        except EditConflict:
            return _detail(
                lead_id, 409, errors={"rev": "La fiche a été modifiée entre-temps : vérifiez-la puis recommencez."}
            )

    return wrapper


@bp.route(f"{BASE}/leads/{{lead_id}}", methods=["GET"])
def lead_detail(lead_id: str) -> Response:
    return _detail(lead_id)


@bp.route(f"{BASE}/leads/{{lead_id}}/dossier", methods=["POST"], content_types=[FORM])
@form_errors
def edit_dossier(lead_id: str) -> Response:
    service.edit_dossier(lead_id, parse_dossier_form(form_fields()), current_consultant(bp.current_request))
    return redirect(f"{BASE}/leads/{lead_id}?ok=dossier")


@bp.route(f"{BASE}/leads/{{lead_id}}/statut", methods=["POST"], content_types=[FORM])
@form_errors
def change_status(lead_id: str) -> Response:
    service.change_status(lead_id, parse_status_update(form_fields()), current_consultant(bp.current_request))
    return redirect(f"{BASE}/leads/{lead_id}?ok=statut")


@bp.route(f"{BASE}/leads/{{lead_id}}/effacer", methods=["POST"], content_types=[FORM])
@form_errors
def erase(lead_id: str) -> Response:
    parse_erasure(form_fields())
    service.erase_lead(lead_id, current_consultant(bp.current_request))
    return redirect(f"{BASE}?efface=1")


@bp.route(f"{BASE}/leads/{{lead_id}}/documents/{{name}}", methods=["GET"])
def download(lead_id: str, name: str) -> Response:
    try:
        url, _ = service.download_url(lead_id, name, current_consultant(bp.current_request))
    except (LeadNotFound, service.DocumentNotFound):
        return consultant_page("missing.html", 404)
    return redirect(url)
