"""GET /openapi.json: the OpenAPI 3.1 document of the website door and the consultant API.

Built once per warm Lambda from the pydantic models (chalicelib/api_models.py and the rooms'
own models) with `models_json_schema`; the routes table below is the only hand-written part.
docs/api.md links it; tests/e2e/test_openapi_conformance.py runs schemathesis against it.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from chalice import Blueprint, Response

from chalicelib.leads.model import LeadStatus

bp = Blueprint(__name__)
REF = "#/components/schemas/{model}"
JSON = "application/json"
LEAD_ID = {"name": "lead_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
DOC_NAME = {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


LIST_FILTER = [
    {**_query("status", "Statut."), "schema": {"enum": [s.value for s in LeadStatus]}},
    _query("opco", "Code OPCO (atlas, akto, …).", pattern="^[a-z0-9_-]{1,40}$"),
    _query("from", "Reçue à partir du (AAAA-MM-JJ).", format="date"),
    _query("to", "Reçue jusqu'au (AAAA-MM-JJ).", format="date"),
    _query("q", "Raison sociale ou SIRET.", maxLength=100),
]


# Links: where a consultant's next call takes its identifiers (schemathesis' stateful phase follows them).
FIRST_LEAD = {
    op: {"operationId": op, "parameters": {"lead_id": "$response.body#/leads/0/id"}}
    for op in ("getLead", "editLead", "changeStatus", "listDocuments", "eraseLead")
}
FIRST_DOCUMENT = {
    "downloadDocument": {
        "operationId": "downloadDocument",
        "parameters": {"lead_id": "$request.path.lead_id", "name": "$response.body#/documents/0/name"},
    }
}


def _answer(ref: dict[str, Any] | None, description: str, kind: str = JSON) -> dict[str, Any]:
    body: dict[str, Any] = {"description": description}
    if ref is not None:
        body["content"] = {kind: {"schema": ref}}
    return body


def _operations(refs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    errors = refs["Errors"]

    def err(*codes: int) -> dict[str, Any]:
        return {str(c): _answer(errors, "Erreur : un message français par champ.") for c in codes}

    auth = {
        "security": [{"consultant": []}],
        "tags": ["consultants"],
    }
    denied = {
        "401": _answer(refs["Unauthorized"], "Jeton absent, expiré ou refusé."),
        "403": _answer(refs["Unauthorized"], "Jeton refusé par l'autorisateur."),
    }

    def body(name: str) -> dict[str, Any]:
        return {"required": True, "content": {JSON: {"schema": refs[name]}}}

    return {
        "/leads": {
            "post": {
                "operationId": "createLead",
                "summary": "Envoyer le formulaire de contact",
                "tags": ["site"],
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,200}$"},
                    }
                ],
                "requestBody": body("LeadSubmission"),
                "responses": {
                    "201": _answer(refs["LeadAck"], "Demande enregistrée."),
                    "200": _answer(refs["LeadAck"], "Même demande déjà reçue (Idempotency-Key ou doublon)."),
                    **err(400, 413, 415, 422, 429),
                },
            }
        },
        "/opco": {
            "get": {
                "operationId": "resolveOpco",
                "summary": "Trouver l'OPCO d'une entreprise",
                "tags": ["site"],
                "parameters": [
                    _query("idcc", "IDCC de la convention collective (ex. 1486).", maxLength=20),
                    _query("naf", "Code NAF (ex. 62.01Z).", maxLength=10),
                    _query("headcount", "Effectif : ajoute une estimation de prise en charge.", maxLength=10),
                    _query("trainees", "Nombre de stagiaires (avec headcount).", maxLength=10),
                    _query("training", "Formation du catalogue (avec headcount).", maxLength=60),
                ],
                "responses": {"200": _answer(refs["OpcoAnswer"], "L'OPCO et son explication."), **err(422)},
            }
        },
        "/form-token": {
            "get": {
                "operationId": "formToken",
                "summary": "Jeton anti-spam du formulaire",
                "tags": ["site"],
                "responses": {"200": _answer(refs["FormToken"], "Jeton signé et délai minimal de saisie.")},
            }
        },
        "/consultants/api/leads": {
            "get": {
                **auth,
                "operationId": "listLeads",
                "summary": "Lister les demandes",
                "parameters": [*LIST_FILTER, _query("cursor", "Page suivante (next_cursor).", maxLength=2000)],
                "responses": {
                    "200": {**_answer(refs["LeadList"], "Une page de demandes."), "links": FIRST_LEAD},
                    **err(400),
                    **denied,
                },
            }
        },
        "/consultants/api/leads.csv": {
            "get": {
                **auth,
                "operationId": "exportLeads",
                "summary": "Exporter les demandes (CSV, ; et BOM)",
                "parameters": LIST_FILTER,
                "responses": {
                    "200": _answer({"type": "string"}, "Le fichier CSV.", "text/csv"),
                    **err(400),
                    **denied,
                },
            }
        },
        "/consultants/api/leads/{lead_id}": {
            "parameters": [LEAD_ID],
            "get": {
                **auth,
                "operationId": "getLead",
                "summary": "Détail d'une demande",
                "responses": {
                    "200": _answer(refs["LeadDetail"], "La demande et son historique."),
                    **err(404),
                    **denied,
                },
            },
            "patch": {
                **auth,
                "operationId": "editLead",
                "summary": "Modifier le dossier (nouvelle version du pack)",
                "requestBody": body("DossierEdit"),
                "responses": {
                    "200": _answer(refs["EditAnswer"], "Dossier enregistré."),
                    **err(400, 404, 409, 422),
                    **denied,
                },
            },
            "delete": {
                **auth,
                "operationId": "eraseLead",
                "summary": "Effacer la demande (RGPD)",
                "responses": {"200": _answer(refs["Erasure"], "Tout est effacé."), **err(404), **denied},
            },
        },
        "/consultants/api/leads/{lead_id}/status": {
            "parameters": [LEAD_ID],
            "post": {
                **auth,
                "operationId": "changeStatus",
                "summary": "Changer le statut (décision de l'OPCO…)",
                "requestBody": body("StatusChangeIn"),
                "responses": {
                    "200": _answer(refs["StatusAnswer"], "Statut enregistré."),
                    **err(400, 404, 409, 422),
                    **denied,
                },
            },
        },
        "/consultants/api/leads/{lead_id}/dossier": {
            "parameters": [LEAD_ID],
            "get": {
                **auth,
                "operationId": "listDocuments",
                "summary": "Documents du dernier pack",
                "responses": {
                    "200": {**_answer(refs["PackDocuments"], "Les documents."), "links": FIRST_DOCUMENT},
                    **err(404),
                    **denied,
                },
            },
        },
        "/consultants/api/leads/{lead_id}/dossier/{name}": {
            "parameters": [LEAD_ID, DOC_NAME],
            "get": {
                **auth,
                "operationId": "downloadDocument",
                "summary": "Lien de téléchargement (URL présignée, 15 minutes au plus)",
                "responses": {"200": _answer(refs["DownloadLink"], "Le lien."), **err(404), **denied},
            },
        },
    }


@functools.cache
def document() -> dict[str, Any]:
    from pydantic import BaseModel
    from pydantic.json_schema import JsonSchemaMode, models_json_schema

    from chalicelib import api_models as m

    requests: list[type[BaseModel]] = [m.LeadSubmission, m.DossierEdit, m.StatusChangeIn]
    answers: list[type[BaseModel]] = [
        m.Errors, m.Unauthorized, m.LeadAck, m.FormToken, m.OpcoAnswer, m.LeadList, m.LeadDetail,
        m.EditAnswer, m.StatusAnswer, m.PackDocuments, m.DownloadLink, m.Erasure,
    ]  # fmt: skip
    keyed: list[tuple[type[BaseModel], JsonSchemaMode]] = [(model, "validation") for model in requests]
    keyed += [(model, "serialization") for model in answers]
    schemas, definitions = models_json_schema(keyed, ref_template=REF)
    refs = {model.__name__: schemas[(model, mode)] for model, mode in keyed}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "opco-dossier",
            "version": "1",
            "description": "Formulaire de contact (public) et API des consultants (jeton Cognito). Voir docs/api.md.",
        },
        "paths": _operations(refs),
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "consultant": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (jeton d'identité Cognito)"}
            },
        },
    }


@bp.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    return Response(
        body=json.dumps(document(), ensure_ascii=False),
        status_code=200,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300"},
    )
