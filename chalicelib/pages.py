"""Server-rendered pages (Jinja2, autoescape on): the form, thank-you, consultant views."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from chalicelib.catalogue import TEMPLATES_DIR

if TYPE_CHECKING:
    from jinja2 import Environment


@functools.cache
def _env() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from chalicelib.formats import FILTERS

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR / "pages")),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def render_page(name: str, **context: Any) -> str:
    return _env().get_template(name).render(**context)


def lead_url(base_url: str, lead_id: str) -> str:
    """The consultant's page of a lead: the e-mails to consultants link to it (base_url: the site's
    public address, which each service's wiring hands over)."""
    return f"{base_url}/consultants/leads/{lead_id}"


@functools.cache
def static_asset(name: str) -> tuple[str, str]:
    """A file of templates/pages/static/ and a short hash of it (cache-busting `?v=`)."""
    import hashlib

    text = (TEMPLATES_DIR / "pages" / "static" / name).read_text(encoding="utf-8")
    return text, hashlib.sha256(text.encode()).hexdigest()[:12]


# Content-Security-Policy per kind of page. Inline <style> blocks stay (the templates carry their
# CSS); no inline script anywhere, so script-src never needs 'unsafe-inline'.
_COMMON = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; object-src 'none'"
)
TURNSTILE = "https://challenges.cloudflare.com"
STRICT_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def _origins(values: list[str]) -> list[str]:
    """Only plain scheme://host[:port] origins reach the header (a stray `;` would rewrite it)."""
    import re

    return [v for v in values if re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", v)]


def public_csp(website_origins: list[str]) -> str:
    """The form and thank-you pages. They may be framed by the website (the origins allowed to
    post the form, CORS_ORIGINS) and by ourselves; Turnstile's script and frame come from Cloudflare."""
    ancestors = " ".join(["'self'", *_origins(website_origins)])
    return (
        f"{_COMMON}; script-src 'self' {TURNSTILE}; frame-src {TURNSTILE}; connect-src 'self'; "
        f"form-action 'self'; frame-ancestors {ancestors}"
    )


def consultant_csp(sign_out_origin: str | None) -> str:
    """The consultant pages: never framed (clickjacking of status changes and erasure). The
    sign-out form ends on Cognito's /logout, and form-action also governs a form's redirects."""
    targets = " ".join(["'self'", *_origins([sign_out_origin] if sign_out_origin else [])])
    return f"{_COMMON}; script-src 'self'; form-action {targets}; frame-ancestors 'none'"
