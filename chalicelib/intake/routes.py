"""The website's door: the form page, POST /leads, GET /opco, the thank-you page."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from chalice import Blueprint

from chalicelib.catalogue import catalogue
from chalicelib.config import settings
from chalicelib.dossier.quote import PreviewError, preview_estimate
from chalicelib.intake.consent import CONSENT_TEXT
from chalicelib.intake.errors import InvalidSubmission, TransportError
from chalicelib.intake.form import ContactForm
from chalicelib.intake.http import FORM, FORM_AND_JSON, content_type, html_response, json_response, parse_body, redirect
from chalicelib.intake.service import accept_submission
from chalicelib.leads.model import Lead, Provenance
from chalicelib.opco import normalize_idcc, resolve_opco
from chalicelib.pages import render_page

bp = Blueprint(__name__)

HONEYPOT = "website"


def _form_page(values: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    return html_response(render_page("form.html", trainings=catalogue().trainings, values=values or {},
                                     errors=errors or {}, consent_text=CONSENT_TEXT), status)


@bp.route("/", methods=["GET"])
def form_page() -> Any:
    return _form_page()


@bp.route("/merci", methods=["GET"])
def thank_you() -> Any:
    return html_response(render_page("thanks.html"))


@bp.route("/leads", methods=["POST"], content_types=FORM_AND_JSON)
def create_lead() -> Any:
    request = bp.current_request
    is_form = content_type(request) == FORM
    now = datetime.now(timezone.utc)
    try:
        data = parse_body(request)
        form = ContactForm.parse(data, today=now.date())
    except TransportError as exc:
        body = {"errors": [{"field": exc.field or "_requete", "message": exc.message}]}
        return json_response(body, exc.status)
    except InvalidSubmission as exc:
        if is_form:
            return _form_page(_echo(data), exc.by_field(), 422)
        return json_response(exc.as_json(), 422)
    lead = accept_submission(form, _provenance(data), now=now, retention_days=settings().lead_retention_days)
    if is_form:
        return redirect(f"{settings().public_base_url}/merci")
    return json_response(_acknowledgement(lead), 201)


def _echo(data: dict[str, Any]) -> dict[str, Any]:
    """What the visitor typed, to re-fill the form (escaped by the template)."""
    return {k: (v if k == "training" else (v[0] if isinstance(v, list) and v else v)) for k, v in data.items()}


def _provenance(data: dict[str, Any]) -> Provenance:
    honeypot = data.get(HONEYPOT)
    if isinstance(honeypot, list):
        honeypot = "".join(str(v) for v in honeypot)
    reasons = ("honeypot",) if honeypot else ()
    referrer = bp.current_request.headers.get("referer")
    return Provenance(referrer=referrer[:500] if referrer else None, spam_reasons=reasons)


def _acknowledgement(lead: Lead) -> dict[str, Any]:
    # Spam gets the same answer as a person: status says "reçu" either way.
    ref = lead.opco.get("opco") or {}
    return {"lead_id": lead.id, "status": "recu",
            "opco": {"code": ref.get("code"), "name": ref.get("name"),
                     "confidence": lead.opco.get("confidence"), "source": lead.opco.get("source")}}


@bp.route("/opco", methods=["GET"], cors=True)
def opco_lookup() -> Any:
    params = bp.current_request.query_params or {}
    try:
        idcc = normalize_idcc(params.get("idcc"))
    except ValueError:
        return json_response({"errors": [{"field": "idcc", "message":
                              "L'IDCC est un code de 4 chiffres (ex. 1486), indiqué sur le bulletin de paie."}]}, 422)
    match = resolve_opco(idcc=idcc, naf=(params.get("naf") or None))
    body = match.model_dump(mode="json")
    answer = {"opco": body["opco"], "candidates": body["candidates"], "confidence": body["confidence"],
              "source": body["source"], "explanation": body["explanation"], "data_date": body.get("data_date")}
    if params.get("headcount"):
        try:
            answer["estimate"] = preview_estimate(params, opco_code=match.opco.code if match.opco else None,
                                                 idcc=idcc, today=datetime.now(timezone.utc).date())
        except PreviewError as exc:
            return json_response({"errors": [{"field": exc.field, "message": str(exc)}]}, 422)
    return json_response(answer, headers={"Cache-Control": "public, max-age=3600"})
