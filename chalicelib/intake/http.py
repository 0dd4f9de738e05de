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
# Chalice would answer other types itself with an English 415; we take all and answer in French.
ANY_CONTENT = ["*/*"]
IDEMPOTENCY_HEADER = "idempotency-key"
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:")


def content_type(request: Any) -> str:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def wants_html(request: Any) -> bool:
    """A browser posting our form without JavaScript: answer with pages, not JSON."""
    return content_type(request) == FORM and JSON not in (request.headers.get("accept") or "")


def parse_body(request: Any) -> dict[str, Any]:
    """JSON object or urlencoded form → dict (form values are lists)."""
    kind = content_type(request)
    if kind not in ("", JSON, FORM):
        raise TransportError(
            415,
            "Type de contenu non pris en charge : envoyez du JSON (application/json) "
            "ou un formulaire (application/x-www-form-urlencoded).",
        )
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY:
        raise TransportError(413, "Le formulaire envoyé est trop volumineux (32 Kio au plus).")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TransportError(400, "Le contenu envoyé n'est pas encodé en UTF-8.") from None
    if kind == FORM:
        try:
            return parse_qs(text, keep_blank_values=True, max_num_fields=200)
        except ValueError:
            raise TransportError(400, "Le formulaire envoyé contient trop de champs.") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise TransportError(400, "Le contenu envoyé n'est pas un JSON valide.") from None
    if not isinstance(data, dict):
        raise TransportError(400, "Le JSON envoyé doit être un objet (des champs et leurs valeurs).")
    return data


def idempotency_key(request: Any) -> str | None:
    """The Idempotency-Key header: 1 to 200 characters among letters, digits and - _ . :"""
    key: str | None = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= 200 or not set(key) <= _KEY_CHARS:
        raise TransportError(
            400,
            "En-tête Idempotency-Key invalide : 1 à 200 caractères parmi lettres, "
            "chiffres et - _ . : (un UUID convient).",
        )
    return key


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", **(headers or {})},
    )


def html_response(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=body,
        status_code=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            **(headers or {}),
        },
    )


def static_response(body: str, content_type: str, max_age: int) -> Response:
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": content_type,
            "Cache-Control": f"public, max-age={max_age}",
            "X-Content-Type-Options": "nosniff",
        },
    )


def redirect(location: str) -> Response:
    return Response(body="", status_code=303, headers={"Location": location, "Cache-Control": "no-store"})
