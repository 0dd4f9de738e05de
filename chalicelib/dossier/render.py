"""Render a DossierContent into the pack's files: four PDFs, prefill.json and dossier.zip.

Jinja2 templates in templates/documents (autoescape on: a visitor's text is data, never markup)
produce a small HTML subset that fpdf2 lays out. Imported only by the worker, inside its
handler: the API Lambda never loads fpdf.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

from chalicelib.catalogue import TEMPLATES_DIR
from chalicelib.dossier.content import DossierContent
from chalicelib.dossier.pdf import html_to_pdf

if TYPE_CHECKING:
    from jinja2 import Environment
from chalicelib.formats import FILTERS, fr_date
from chalicelib.opco.wording import de

# file name -> (template, title printed in the PDF's metadata and footer)
DOCUMENTS = {
    "devis.pdf": ("devis.html", "Devis"),
    "programme.pdf": ("programme.html", "Programme de formation"),
    "convention.pdf": ("convention.html", "Convention de formation"),
    "fiche-opco.pdf": ("fiche-opco.html", "Fiche OPCO"),
}
DOCUMENT_PARTS = ("organisme", "client", "action", "quote", "estimate", "deadline")
CONFIDENCE_FR = {"high": "élevée", "medium": "moyenne", "low": "faible", "none": "aucune"}


def _or_dash(value: Any, empty: str = "non communiqué") -> Any:
    return empty if value in (None, "") else value


@functools.cache
def _env() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR / "documents")),
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters.update(or_dash=_or_dash, confidence=lambda c: CONFIDENCE_FR.get(c, c), de=de)
    env.globals["copies_fr"] = {2: "deux", 3: "trois", 4: "quatre"}
    return env


def render_html(template: str, content: DossierContent) -> str:
    """The templates name the content's parts by their fields' names and reach its other values
    (reference, dates, OPCO...) through `content`."""
    parts = {name: getattr(content, name) for name in DOCUMENT_PARTS}
    return _env().get_template(template).render(parts, content=content, prefill=content.prefill())


def render_template(template: str, **context: Any) -> str:
    """Another document of templates/documents (e.g. the signature certificate)."""
    return str(_env().get_template(template).render(**context))


def render_document(name: str, content: DossierContent) -> bytes:
    template, title = DOCUMENTS[name]
    o = content.organisme
    letterhead = (
        o.name,
        f"{' – '.join(o.address)} · SIRET {o.siret} · NDA {o.nda} · "
        f"Qualiopi n° {o.qualiopi.certificate} · {o.contact.email} · {o.contact.phone}",
    )
    # The programme describes the catalogue's training, not the lead: no lead reference on it.
    ref = (
        f"catalogue du {fr_date(content.catalogue_version)}" if name == "programme.pdf" else f"réf. {content.reference}"
    )
    return html_to_pdf(
        render_html(template, content), title=f"{title} {ref}", letterhead=letterhead, footer=f"{title} · {ref}"
    )


def render_pack(content: DossierContent) -> dict[str, bytes]:
    """Every file of one pack version, the zip last."""
    files = {name: render_document(name, content) for name in DOCUMENTS}
    files["prefill.json"] = json.dumps(content.prefill(), ensure_ascii=False, indent=2).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            # The PDFs' streams are already deflated: deflating them again costs more CPU than
            # the few kilobytes it saves.
            stored = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
            z.writestr(f"dossier-{content.reference}/{name}", body, compress_type=stored)
    files["dossier.zip"] = buf.getvalue()
    return files
