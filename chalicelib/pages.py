"""Server-rendered pages (Jinja2, autoescape on): the form, thank-you, consultant views."""
from __future__ import annotations

import functools
from typing import Any

from chalicelib.catalogue import TEMPLATES_DIR


@functools.cache
def _env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from chalicelib.formats import fr_date, fr_money

    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "pages")),
                      autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
    env.filters["fr_date"] = fr_date
    env.filters["fr_money"] = fr_money
    return env


def render_page(name: str, **context: Any) -> str:
    return _env().get_template(name).render(**context)
