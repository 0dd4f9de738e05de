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

    from chalicelib.formats import fr_date, fr_money

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR / "pages")),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fr_date"] = fr_date
    env.filters["fr_money"] = fr_money
    return env


def render_page(name: str, **context: Any) -> str:
    return _env().get_template(name).render(**context)


@functools.cache
def static_asset(name: str) -> tuple[str, str]:
    """A file of templates/pages/static/ and a short hash of it (cache-busting `?v=`)."""
    import hashlib

    text = (TEMPLATES_DIR / "pages" / "static" / name).read_text(encoding="utf-8")
    return text, hashlib.sha256(text.encode()).hexdigest()[:12]
