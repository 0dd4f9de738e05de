"""Where a submission came from: UTM parameters and the referring page. Pure.

Values come from the body (our form and the embed snippet copy them from the page URL) or,
failing that, from the query of the Referer header. Bounded, single-line, never trusted as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
PAGE_FIELD = "page_url"
_MAX_UTM = 200
_MAX_URL = 500
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def _scalar(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else None
    if not isinstance(value, str):
        return None
    value = _UNSAFE.sub("", value).strip()
    return value or None


def malformed_url(value: str | None) -> bool:
    """True for what no browser sends as a URL (`http://[x`: urlsplit raises, so does a bad port)."""
    if not value:
        return False
    try:
        urlsplit(value).port  # noqa: B018 (parsing the port is the check)
    except ValueError:
        return True
    return False


def referring_page(data: Mapping[str, Any], referer_header: str | None) -> str | None:
    for candidate in (_scalar(data.get(PAGE_FIELD)), _scalar(referer_header)):
        if candidate and not malformed_url(candidate) and urlsplit(candidate).scheme in ("http", "https"):
            return candidate[:_MAX_URL]
    return None


def utm_parameters(data: Mapping[str, Any], page: str | None) -> dict[str, str]:
    try:
        query = parse_qs(urlsplit(page).query, max_num_fields=50) if page else {}
    except ValueError:  # more than 50 query fields: not a page of ours
        query = {}
    utm: dict[str, str] = {}
    for name in UTM_FIELDS:
        value = _scalar(data.get(name)) or _scalar(query.get(name))
        if value:
            utm[name] = value[:_MAX_UTM]
    return utm
