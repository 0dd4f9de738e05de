"""Leads and rendered packs for the dossier tests (pure: no AWS), and pdftotext."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from datetime import UTC, date, datetime
from typing import Any

from chalicelib.leads.model import Consent, DossierFields, Lead
from chalicelib.opco import resolve_opco

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def make_lead(**overrides: Any) -> Lead:
    idcc = overrides.pop("idcc", "1486")
    values: dict[str, Any] = {
        "id": "01jdossiertest0000000abcde",
        "created_at": NOW,
        "updated_at": NOW,
        "status": "recu",
        "company_name": "Atelier Numérique Dupont",
        "siret": "73282932000074",
        "idcc": idcc,
        "naf": "62.01Z",
        "headcount": 8,
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@atelier-dupont.fr",
        "phone": "+33612345678",  # stored E.164, as the form parses it
        "trainings": ("ia-generative-essentiels",),
        "trainees": 3,
        "start_date": date(2027, 1, 18),
        "consent": Consent(given_at=NOW, text_version="v1"),
        "opco": resolve_opco(idcc=idcc, naf="62.01Z"),
    }
    values.update(overrides)
    return Lead(**values)


def fields(**values: Any) -> DossierFields:
    return DossierFields(**values)


def pdf_text(pdf: bytes) -> str:
    """pdftotext's reading of a PDF, whitespace collapsed (lines wrap anywhere in table cells)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True, check=True).stdout
    return " ".join(out.decode("utf-8").split())


def flat(text: str) -> str:
    """Text without any whitespace: pdftotext reads U+202F as a space or as nothing depending on
    the glyphs around it, and table cells wrap anywhere."""
    return "".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def has(text: str, mention: str) -> bool:
    return flat(mention) in flat(text)


@functools.cache
def rendered(stage: str = "local", **lead_overrides: Any) -> tuple[Any, dict[str, bytes]]:
    """(content, files) of one pack, rendered once per test session and arguments."""
    from chalicelib.dossier.content import build_content
    from chalicelib.dossier.organisme import organisme_profile
    from chalicelib.dossier.render import render_pack

    content = build_content(make_lead(**lead_overrides), version=1, today=TODAY, organisme=organisme_profile(stage))
    return content, render_pack(content)


@functools.cache
def texts(stage: str = "local", **lead_overrides: Any) -> dict[str, str]:
    _, files = rendered(stage, **lead_overrides)
    return {name: pdf_text(body) for name, body in files.items() if name.endswith(".pdf")}
