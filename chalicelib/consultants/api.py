"""The consultants' JSON API under /consultants/api (Authorization: Bearer <Cognito ID token>)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response

from chalicelib.consultants import presenter, service
from chalicelib.consultants.auth import current_consultant
from chalicelib.consultants.edits import InvalidEdit
from chalicelib.consultants.requests import (
    BadRequest,
    parse_dossier_edit,
    parse_filter,
    parse_listing,
    parse_status_update,
)
from chalicelib.intake.errors import TransportError
from chalicelib.intake.http import json_object, json_response
from chalicelib.leads.listing import LeadFilter
from chalicelib.leads.store import EditConflict, LeadNotFound
from chalicelib.leads.workflow import TransitionRefused
from chalicelib.web import error_body

bp = Blueprint(__name__)
API = "/consultants/api"


def _error(field: str, message: str, status: int) -> Response:
    return json_response(error_body(field, message), status)


def answers(view: Callable[..., Response]) -> Callable[..., Response]:
    """Map domain errors to HTTP, in one place."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except LeadNotFound:
            return _error("lead", "Demande introuvable (peut-être effacée).", 404)
        except service.DocumentNotFound:
            return _error("document", "Document introuvable dans la dernière version du dossier.", 404)
        except InvalidEdit as exc:
            return json_response(exc.as_json(), 422)
        except TransitionRefused as exc:
            return json_response(exc.as_json(), 422)
        except BadRequest as exc:
            return json_response(exc.as_json(), 400)
        except EditConflict:
            return _error("rev", "La fiche a été modifiée entre-temps : rechargez-la puis recommencez.", 409)

    return wrapper


def _body() -> dict[str, Any]:
    try:
        return json_object(bp.current_request.raw_body or b"{}")
    except TransportError as exc:
        raise BadRequest("_requete", exc.message) from None


def _who() -> Any:
    return current_consultant(bp.current_request)


@bp.route(f"{API}/leads", methods=["GET"])
@answers
def list_leads() -> Response:
    f, cursor = parse_listing(bp.current_request.query_params)
    page = service.list_page(f, cursor)
    today = service.now().date()
    return json_response(
        {
            "leads": [presenter.summary(lead, today) for lead in page.leads],
            "next_cursor": page.cursor,
            "filter": f.as_params(),
        }
    )


@bp.route(f"{API}/leads.csv", methods=["GET"])
@answers
def export_csv() -> Response:
    return csv_response(parse_filter(bp.current_request.query_params))


def csv_response(f: LeadFilter) -> Response:
    body = presenter.to_csv(service.export_leads(f), service.now().date())
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Disposition": 'attachment; filename="demandes-formation.csv"',
        },
    )


@bp.route(f"{API}/leads/{{lead_id}}", methods=["GET"])
@answers
def lead_detail(lead_id: str) -> Response:
    lead, history = service.lead_record(lead_id)
    return json_response(presenter.detail(lead, history, service.now().date()))


@bp.route(f"{API}/leads/{{lead_id}}", methods=["PATCH"])
@answers
def edit_lead(lead_id: str) -> Response:
    lead = service.edit_dossier(lead_id, parse_dossier_edit(_body()), _who())
    return json_response(
        {
            "id": lead.id,
            "rev": lead.rev,
            "pack_requested": lead.pack_requested,
            "dossier": lead.dossier.model_dump(mode="json"),
        }
    )


@bp.route(f"{API}/leads/{{lead_id}}", methods=["DELETE"])
@answers
def erase_lead(lead_id: str) -> Response:
    return json_response(service.erase_lead(lead_id, _who()))


@bp.route(f"{API}/leads/{{lead_id}}/status", methods=["POST"])
@answers
def change_status(lead_id: str) -> Response:
    lead = service.change_status(lead_id, parse_status_update(_body()), _who())
    return json_response(
        {"id": lead.id, "rev": lead.rev, "status": lead.status.value, "tracking": lead.tracking.model_dump(mode="json")}
    )


@bp.route(f"{API}/leads/{{lead_id}}/dossier", methods=["GET"])
@answers
def dossier(lead_id: str) -> Response:
    """The last pack's documents; each download link is a recorded, short-lived presigned URL."""
    lead = service.get_lead(lead_id)
    docs = sorted(lead.pack.keys) if lead.pack else []
    return json_response(
        {
            "version": lead.pack.version if lead.pack else None,
            "pack_requested": lead.pack_requested,
            "documents": [{"name": n, "href": f"{API}/leads/{lead_id}/dossier/{n}"} for n in docs],
        }
    )


@bp.route(f"{API}/leads/{{lead_id}}/dossier/{{name}}", methods=["GET"])
@answers
def download(lead_id: str, name: str) -> Response:
    url, expires = service.download_url(lead_id, name, _who())
    return json_response({"url": url, "expires_in": expires})
