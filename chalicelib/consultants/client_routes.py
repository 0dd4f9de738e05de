"""The consultant's buttons for the client space, on the lead page (/consultants/..., behind the gate)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.client.service import Evidence
from chalicelib.consultants import client_link, client_panel, service
from chalicelib.consultants.auth import current_consultant
from chalicelib.consultants.pages import consultant_page, form_errors, form_fields
from chalicelib.consultants.requests import LeadNotice, parse_countersignature, parse_rev
from chalicelib.intake.http import FORM, redirect

bp = Blueprint(__name__)
BASE = "/consultants/leads/{lead_id}/client"


def _back(lead_id: str, ok: LeadNotice) -> Response:
    """To the lead page's client space; a refusal (client.requests.Invalid) is shown there by form_errors."""
    return redirect(f"/consultants/leads/{lead_id}?ok={ok}#client-space")


def _who() -> Any:
    return current_consultant(bp.current_request)


@bp.route(BASE + "/lien", methods=["POST"], content_types=[FORM])
@form_errors
def send_link(lead_id: str) -> Response:
    service.send_client_link(lead_id, _who())
    return _back(lead_id, "lien")


@bp.route(BASE + "/revoquer", methods=["POST"], content_types=[FORM])
@form_errors
def revoke_link(lead_id: str) -> Response:
    client_link.revoke_link(lead_id, _who())
    return _back(lead_id, "revoque")


@bp.route(BASE + "/contresigner", methods=["POST"], content_types=[FORM])
@form_errors
def countersign(lead_id: str) -> Response:
    countersignature = parse_countersignature(form_fields())
    client_panel.countersign(lead_id, countersignature, _who(), Evidence.of(bp.current_request))
    return _back(lead_id, "contresigne")


@bp.route(BASE + "/confirmer/{what}", methods=["POST"], content_types=[FORM])
@form_errors
def confirm(lead_id: str, what: str) -> Response:
    client_panel.confirm(lead_id, what, parse_rev(form_fields().get("rev")), _who())
    return _back(lead_id, "statut")


@bp.route(BASE + "/signes/{document}/{party}", methods=["GET"])
def signed_document(lead_id: str, document: str, party: str) -> Response:
    url = client_panel.signed_url(lead_id, document, party, _who())
    return redirect(url) if url else consultant_page("missing.html", 404)


@bp.route(BASE + "/decision", methods=["GET"])
def decision_letter(lead_id: str) -> Response:
    url = client_panel.decision_url(lead_id, _who())
    return redirect(url) if url else consultant_page("missing.html", 404)
