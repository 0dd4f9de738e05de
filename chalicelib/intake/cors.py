"""CORS for the website door: an allow-list of origins per stage, preflight answered by us.

Chalice's CORSConfig takes a single origin; the website may live on several (www, preview,
landing pages), so we echo the request's Origin when it is listed, with `Vary: Origin`.
The local stage with no CORS_ORIGINS set allows any origin (still echoed, never `*`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalicelib.config import settings

ALLOWED_HEADERS = "Content-Type, Accept, Idempotency-Key"
EXPOSED_HEADERS = "Retry-After, Idempotent-Replayed"
PREFLIGHT_MAX_AGE = "600"


def origin_allowed(origin: str | None, allow_list: list[str], *, stage: str) -> bool:
    if not origin:
        return False
    if not allow_list:
        return stage == "local"
    return origin.rstrip("/") in {o.rstrip("/") for o in allow_list}


def cors_headers(origin: str | None, allow_list: list[str], *, stage: str) -> dict[str, str]:
    """Headers for an actual (non-preflight) answer; always `Vary: Origin`."""
    headers = {"Vary": "Origin"}
    if origin_allowed(origin, allow_list, stage=stage):
        headers["Access-Control-Allow-Origin"] = origin or ""
        headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return headers


def preflight_headers(origin: str | None, methods: str, allow_list: list[str], *, stage: str) -> dict[str, str] | None:
    """Headers answering OPTIONS, or None when the origin is not on the list."""
    if not origin_allowed(origin, allow_list, stage=stage):
        return None
    return {
        "Vary": "Origin",
        "Access-Control-Allow-Origin": origin or "",
        "Access-Control-Allow-Methods": methods,
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    }


def with_cors(current_request: Callable[[], Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view so its Response carries the CORS headers matching the request's Origin."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            response = view(*args, **kwargs)
            origin = current_request().headers.get("origin")
            s = settings()
            response.headers.update(cors_headers(origin, s.cors_origin_list, stage=s.stage))
            return response

        return wrapper

    return decorate
