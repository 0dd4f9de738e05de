"""The website's door: the form page, POST /leads, GET /opco, the form token, the scripts."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from chalice import Blueprint, Response

from chalicelib.catalogue import catalogue
from chalicelib.config import settings
from chalicelib.intake.antispam import TOKEN_FIELD, issue_token, keyed_hash, submission_fingerprint
from chalicelib.intake.consent import CONSENT_TEXT
from chalicelib.intake.cors import preflight_headers, with_cors
from chalicelib.intake.errors import InvalidSubmission, TransportError
from chalicelib.intake.form import ContactForm
from chalicelib.intake.http import (
    ANY_CONTENT,
    FORM,
    content_type,
    html_response,
    idempotency_key,
    json_response,
    parse_body,
    redirect,
    static_response,
    wants_html,
)
from chalicelib.intake.screening import ip_hash, screen, source_ip
from chalicelib.intake.service import accept_submission
from chalicelib.intake.thanks import thanks_deadline, thanks_query
from chalicelib.intake.tracking import PAGE_FIELD, UTM_FIELDS, malformed_url, referring_page
from chalicelib.leads.model import Lead
from chalicelib.leads.store_limits import RateLimited, rate_limiter
from chalicelib.opco import normalize_idcc, resolve_opco
from chalicelib.pages import STRICT_CSP, public_csp, render_page, static_asset
from chalicelib.pricing import PreviewError, preview_estimate
from chalicelib.secret_store import form_token_secret
from chalicelib.web import error_body

bp = Blueprint(__name__)
cors = with_cors(lambda: bp.current_request)
RATE_LIMITED = "Trop de demandes envoyées depuis votre connexion : réessayez dans {minutes} minute{s}."
BAD_REFERER = "En-tête Referer invalide : ce n'est pas une adresse web."


def _form_page(
    values: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    values = values or {}
    s = settings()
    # A re-rendered form keeps its first token: the fill time counts from the first display.
    token = values.get(TOKEN_FIELD)
    return html_response(
        render_page(
            "form.html",
            trainings=catalogue().trainings,
            values=values,
            errors=errors or {},
            consent_text=CONSENT_TEXT,
            form_token=token if isinstance(token, str) and token else issue_token(form_token_secret(), time.time()),
            utm={k: values[k] for k in UTM_FIELDS if isinstance(values.get(k), str)},
            script_version=static_asset("form.js")[1],
            turnstile_site_key=s.turnstile_site_key,
        ),
        status,
        csp=public_csp(s.cors_origin_list),
    )


@bp.route("/", methods=["GET"])
def form_page() -> Any:
    # UTM parameters of the landing URL travel with the form as hidden fields.
    request = bp.current_request
    if malformed_url(request.headers.get("referer")):
        page = f'<!doctype html><html lang="fr"><title>Requête invalide</title><p>{BAD_REFERER}</p></html>'
        return html_response(page, 400, csp=STRICT_CSP)
    values = {k: v for k, v in (request.query_params or {}).items() if k in UTM_FIELDS}
    referer = referring_page({}, request.headers.get("referer"))
    return _form_page({**values, PAGE_FIELD: referer} if referer else values)


@bp.route("/merci", methods=["GET"])
def thank_you() -> Any:
    params: Mapping[str, str] = bp.current_request.query_params or {}
    return html_response(
        render_page("thanks.html", deadline=thanks_deadline(params, datetime.now(UTC).date())),
        csp=public_csp(settings().cors_origin_list),
    )


@bp.route("/form-token", methods=["GET"])
@cors
def form_token() -> Any:
    s = settings()
    return json_response(
        {TOKEN_FIELD: issue_token(form_token_secret(), time.time()), "min_fill_seconds": s.form_min_fill_seconds}
    )


@bp.route("/static/form.js", methods=["GET"])
def form_script() -> Any:
    return static_response(static_asset("form.js")[0], "text/javascript; charset=utf-8", 31536000)


@bp.route("/embed.js", methods=["GET"])
def embed_script() -> Any:
    # Same script as the form page's; its URL is not versioned, so a short cache.
    return static_response(static_asset("form.js")[0], "text/javascript; charset=utf-8", 300)


@bp.route("/leads", methods=["OPTIONS"])
def leads_preflight() -> Any:
    return _preflight("POST, OPTIONS")


@bp.route("/opco", methods=["OPTIONS"])
def opco_preflight() -> Any:
    return _preflight("GET, OPTIONS")


def _preflight(methods: str) -> Response:
    s = settings()
    headers = preflight_headers(bp.current_request.headers.get("origin"), methods, s.cors_origin_list, stage=s.stage)
    if headers is None:
        return json_response(error_body("_requete", "Origine non autorisée."), 403, headers={"Vary": "Origin"})
    return Response(body="", status_code=204, headers={**headers})


@bp.route("/leads", methods=["POST"], content_types=ANY_CONTENT)
@cors
def create_lead() -> Any:
    request = bp.current_request
    html = wants_html(request)
    now = datetime.now(UTC)
    ip = source_ip(request)
    from_form = content_type(request) == FORM
    data: dict[str, Any] = {}
    try:
        rate_limiter().hit(ip_hash(ip), now_s=int(now.timestamp()))
        data = parse_body(request)
        if malformed_url(request.headers.get("referer")):
            raise TransportError(400, BAD_REFERER)
        key = idempotency_key(request)
        form = ContactForm.parse(data, today=now.date(), from_form=from_form)
    except RateLimited as exc:
        return _refused(
            html,
            data,
            429,
            RATE_LIMITED.format(minutes=-(-exc.retry_after_s // 60), s="s" if exc.retry_after_s > 60 else ""),
            {"Retry-After": str(exc.retry_after_s)},
        )
    except TransportError as exc:
        return _refused(html, data, exc.status, exc.message, field=exc.field)
    except InvalidSubmission as exc:
        return _form_page(_echo(data), exc.by_field(), 422) if html else json_response(exc.as_json(), 422)
    provenance = screen(data, referer=request.headers.get("referer"), ip=ip, now_s=now.timestamp(), from_form=from_form)
    lead, replayed = accept_submission(
        form,
        provenance,
        now=now,
        idempotency_key=key and keyed_hash(form_token_secret(), "idem", key),
        fingerprint=None if provenance.spam_reasons else _fingerprint(form),
    )
    if html:
        return redirect(f"{settings().public_base_url}/merci{thanks_query(lead.opco_code, lead.start_date)}")
    return json_response(
        _acknowledgement(lead, replayed),
        200 if replayed else 201,
        headers={"Idempotent-Replayed": "true"} if key and replayed else None,
    )


def _refused(
    html: bool,
    data: dict[str, Any],
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    field: str | None = None,
) -> Response:
    if html:
        return _form_page(_echo(data), {field or "_requete": message}, status)
    return json_response(error_body(field or "_requete", message), status, headers)


def _fingerprint(form: ContactForm) -> str:
    return submission_fingerprint(form_token_secret(), siret=form.siret, email=form.email, trainings=form.training)


def _echo(data: dict[str, Any]) -> dict[str, Any]:
    """What the visitor typed, to re-fill the form (escaped by the template)."""
    return {k: (v if k == "training" else (v[0] if isinstance(v, list) and v else v)) for k, v in data.items()}


def _acknowledgement(lead: Lead, duplicate: bool) -> dict[str, Any]:
    # Spam gets the same answer as a person: status says "reçu" either way.
    return {
        "lead_id": lead.id,
        "status": "recu",
        "duplicate": duplicate,
        "opco": {
            "code": lead.opco_code,
            "name": lead.opco_name,
            "confidence": lead.opco.confidence if lead.opco else None,
            "source": lead.opco.source if lead.opco else None,
        },
    }


@bp.route("/opco", methods=["GET"])
@cors
def opco_lookup() -> Any:
    params: Mapping[str, str] = bp.current_request.query_params or {}
    try:
        idcc = normalize_idcc(params.get("idcc"))
    except ValueError:
        return json_response(
            error_body("idcc", "L'IDCC est un code de 4 chiffres (ex. 1486), indiqué sur le bulletin de paie."), 422
        )
    match = resolve_opco(idcc=idcc, naf=(params.get("naf") or None))
    body = match.model_dump(mode="json")
    answer = {
        "opco": body["opco"],
        "candidates": body["candidates"],
        "confidence": body["confidence"],
        "source": body["source"],
        "explanation": body["explanation"],
        "data_date": body.get("data_date"),
    }
    if params.get("headcount"):
        try:
            answer["estimate"] = preview_estimate(
                params,
                opco_code=match.opco.code if match.opco else None,
                idcc=idcc,
                today=datetime.now(UTC).date(),
            )
        except PreviewError as exc:
            return json_response(exc.as_json(), 422)
    return json_response(answer, headers={"Cache-Control": "public, max-age=3600"})
