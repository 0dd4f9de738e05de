"""Request parsing and responses of the website door; every failure is a clear 4xx."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from chalice import Response

from chalicelib.intake.errors import TransportError
from chalicelib.pages import STRICT_CSP

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
        return form_fields(text, max_fields=200)
    return json_object(text)


def form_fields(raw: bytes | str | None, *, max_fields: int) -> dict[str, list[str]]:
    """An urlencoded body as {name: [values]}; more fields than `max_fields` is a French 400, never a 500
    (parse_qs raises ValueError). Undecodable bytes become U+FFFD: a form's own checks then refuse them."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else (raw or "")
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=max_fields)
    except ValueError:
        raise TransportError(400, "Le formulaire envoyé contient trop de champs.") from None


MAX_JSON_DEPTH = 16  # our bodies are two levels deep; deeper is a probe, not a form


def json_object(text: str | bytes) -> dict[str, Any]:
    """A JSON object, at most MAX_JSON_DEPTH levels deep: anything else is a French 400."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise TransportError(400, "Le contenu envoyé n'est pas un JSON valide.") from None
    if not isinstance(data, dict):
        raise TransportError(400, "Le JSON envoyé doit être un objet (des champs et leurs valeurs).")
    if _depth(data) > MAX_JSON_DEPTH:
        raise TransportError(400, f"Le JSON envoyé est trop imbriqué ({MAX_JSON_DEPTH} niveaux au plus).")
    return data


def _depth(value: Any) -> int:
    """Nesting depth without recursion (a recursive walk would itself overflow)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_JSON_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


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


def html_response(
    body: str, status: int = 200, headers: dict[str, Any] | None = None, *, csp: str = STRICT_CSP
) -> Response:
    """Every HTML answer says its Content-Security-Policy (chalicelib/pages.py: public, consultant,
    or by default the strict one: nothing loads, nothing frames it)."""
    return Response(
        body=body,
        status_code=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Security-Policy": csp,
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
