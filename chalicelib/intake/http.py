"""Request parsing and responses of the website door; every failure is a clear 4xx."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from chalice import Response

from chalicelib.intake.errors import TransportError

MAX_BODY = 32 * 1024
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
FORM_AND_JSON = [JSON, FORM]


def content_type(request: Any) -> str:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def parse_body(request: Any) -> dict[str, Any]:
    """JSON object or urlencoded form → dict (form values are lists)."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY:
        raise TransportError(413, "Le formulaire envoyé est trop volumineux (32 Kio au plus).")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TransportError(400, "Le contenu envoyé n'est pas encodé en UTF-8.") from None
    if content_type(request) == FORM:
        return parse_qs(text, keep_blank_values=True, max_num_fields=200)
    try:
        data = json.loads(text)
    except ValueError:
        raise TransportError(400, "Le contenu envoyé n'est pas un JSON valide.") from None
    if not isinstance(data, dict):
        raise TransportError(400, "Le JSON envoyé doit être un objet (des champs et leurs valeurs).")
    return data


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False, default=str), status_code=status,
                    headers={"Content-Type": "application/json; charset=utf-8",
                             "Cache-Control": "no-store", **(headers or {})})


def html_response(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=body, status_code=status,
                    headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                             "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin",
                             **(headers or {})})


def redirect(location: str) -> Response:
    return Response(body="", status_code=303, headers={"Location": location, "Cache-Control": "no-store"})
