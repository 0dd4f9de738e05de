"""Render a DossierContent into the pack's files (PDF, JSON, zip).

Imported only by the worker, inside its handler: the API Lambda never loads fpdf.
"""
from __future__ import annotations

import functools
import io
import json
import zipfile
from pathlib import Path

from fpdf import FPDF

from chalicelib.dossier.content import DossierContent
from chalicelib.formats import fr_date, fr_hours

FONT = "SourceSans"


@functools.cache
def _font_dir() -> Path:
    # The font ships as a PyPI package (font-source-sans-pro), never committed.
    import font_source_sans_pro

    return Path(font_source_sans_pro.font_directory)


class _Document(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.set_auto_page_break(True, margin=18)
        self.add_font(FONT, "", _font_dir() / "SourceSansPro-Regular.ttf")
        self.add_font(FONT, "B", _font_dir() / "SourceSansPro-Bold.ttf")
        self.set_title(title)
        self.set_creator("opco-dossier")
        self.add_page()

    def heading(self, text: str, size: int = 16) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def para(self, text: str, size: int = 10.5, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    def field(self, label: str, value: str) -> None:
        self.set_font(FONT, "B", 10.5)
        self.cell(55, 6, label)
        self.set_font(FONT, "", 10.5)
        self.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")


def render_synthese(content: DossierContent) -> bytes:
    pdf = _Document("Fiche de synthèse")
    pdf.heading("Fiche de synthèse — demande de prise en charge")
    pdf.para(f"Dossier {content.lead_id} · version {content.version} · établie le {fr_date(content.issued_on)}")
    pdf.ln(3)
    pdf.heading("Entreprise cliente", 12)
    pdf.field("Raison sociale", content.company_name)
    pdf.field("SIRET", content.siret)
    pdf.field("IDCC", content.idcc or "non communiqué")
    pdf.field("Effectif", str(content.headcount))
    pdf.field("Contact", content.contact_name)
    pdf.ln(3)
    pdf.heading("OPCO", 12)
    ref = content.opco.get("opco") or {}
    pdf.field("OPCO", ref.get("name") or "à déterminer")
    pdf.field("Portail", ref.get("portal_url") or "à préciser")
    pdf.para(content.opco.get("explanation") or "")
    pdf.ln(3)
    pdf.heading("Formation demandée", 12)
    for t in content.trainings:
        pdf.field("Intitulé", t.title)
        pdf.field("Durée", f"{fr_hours(t.hours)} par stagiaire")
    pdf.field("Stagiaires", str(content.trainees))
    pdf.field("Date de début", fr_date(content.start_date))
    pdf.ln(3)
    pdf.heading("Échéance de dépôt", 12)
    pdf.field("À déposer avant le", fr_date(content.deadline.get("deposit_before")))
    pdf.para(content.deadline.get("explanation") or "")
    pdf.ln(3)
    pdf.heading("Ce que fait le client", 12)
    steps = [
        "1. Relire et signer le devis et la convention joints.",
        f"2. Se connecter au portail de l'OPCO ({ref.get('name') or 'à déterminer'}) avec son SIRET.",
        "3. Créer une demande de prise en charge et y joindre le devis, le programme et la convention.",
        "4. Déposer la demande avant la date indiquée ci-dessus, puis nous transmettre le numéro de dossier.",
    ]
    for s in steps:
        pdf.para(s)
    return bytes(pdf.output())


def render_pack(content: DossierContent) -> dict[str, bytes]:
    """Every file of one pack version, the zip last."""
    files = {
        "fiche-synthese.pdf": render_synthese(content),
        "prefill.json": json.dumps(content.prefill(), ensure_ascii=False, indent=2).encode("utf-8"),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            z.writestr(name, body)
    files["dossier.zip"] = buf.getvalue()
    return files
