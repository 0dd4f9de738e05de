"""Signed versions of a PDF: a signature block stamped in the signer's cell, and an appended
"Certificat de signature" page with the audit trail. Worker only (fpdf2, pypdf).

The source PDF's own pages are kept as they are (pypdf copies them), the stamp is merged over the
empty part of the signature table (found by its printed heading), so the signed file shows the very
document whose SHA-256 the signer approved.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from typing import Any, NamedTuple

from chalicelib.formats import fr_date
from chalicelib.leads.client_space import Signer

# What the pack prints in each party's column of the signature table (templates/documents/_macros.html).
CELL_TEXT = {"client": "Mention « Bon pour accord »", "organisme": "Date, signature et cachet"}
BOX_W, BOX_H = 236.0, 52.0
CONSENT_LABEL = "« Bon pour accord »"  # points: fits the 50 % column and its five empty lines


class Spot(NamedTuple):
    page: int
    x: float
    top: float  # PDF points from the bottom


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def locate(pdf: bytes, party: str) -> Spot:
    """Where to stamp: under the party's line of the last signature table, else the last page's foot."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found: Spot | None = None
    for index, page in enumerate(reader.pages):
        hits: list[tuple[float, float]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, hits: list[tuple[float, float]] = hits) -> None:
            if CELL_TEXT[party] in text:
                hits.append((float(tm[4]), float(tm[5])))

        page.extract_text(visitor_text=visit)
        if hits:
            x, y = min(hits, key=lambda h: h[1])
            found = Spot(index, x - 2, y - 6)
    if found is None:
        last = len(reader.pages) - 1
        found = Spot(last, 300.0 if party == "client" else 54.0, 140.0)
    return found


def _pdf(*, width: float, height: float) -> Any:
    from fpdf import FPDF

    from chalicelib.dossier.fonts import FAMILY, font_files

    doc = FPDF(unit="pt", format=(width, height))
    for style, path in font_files().items():
        doc.add_font(FAMILY, style, str(path))
    doc.set_auto_page_break(False)
    doc.add_page()
    return doc


def stamp_page(signer: Signer, spot: Spot, width: float, height: float) -> bytes:
    """One transparent page holding the signature block at `spot`."""
    from chalicelib.dossier.fonts import FAMILY, sanitise

    doc = _pdf(width=width, height=height)
    x, y = spot.x, height - spot.top  # fpdf2 measures from the top
    doc.set_draw_color(0, 84, 147)
    doc.set_fill_color(238, 244, 253)
    doc.rect(x, y, BOX_W, BOX_H, style="DF")
    lines = [
        (f"Signé électroniquement par {signer.name}", True),
        (signer.role, False),
        (f"le {fr_date(signer.signed_at)} à {signer.signed_at:%H:%M} UTC — {CONSENT_LABEL}", False),
        (f"SHA-256 : {signer.pdf_sha256[:32]}", False),
        (f"{signer.pdf_sha256[32:]}", False),
    ]
    doc.set_text_color(20, 30, 45)
    for i, (text, bold) in enumerate(lines):
        doc.set_font(FAMILY, "B" if bold else "", 8 if bold else 7)
        doc.text(x + 5, y + 10 + i * 9.5, sanitise(text))
    return bytes(doc.output())


def certificate(
    *, title: str, reference: str, company: str, signers: Sequence[Signer], letterhead: tuple[str, str]
) -> bytes:
    from chalicelib.dossier.pdf import html_to_pdf
    from chalicelib.dossier.render import render_template

    markup = render_template("certificat.html", title=title, reference=reference, company=company, signers=signers)
    return html_to_pdf(
        markup,
        title=f"Certificat de signature — {title} {reference}",
        letterhead=letterhead,
        footer=f"Certificat de signature · {title} · {reference}",
    )


def signed_pdf(source: bytes, signer: Signer, certificate_pdf: bytes) -> bytes:
    """The source's pages with `signer`'s block merged in, then the certificate's pages."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(source))
    writer = PdfWriter(clone_from=reader)
    spot = locate(source, signer.party)
    page = writer.pages[spot.page]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    stamp = PdfReader(io.BytesIO(stamp_page(signer, spot, width, height))).pages[0]
    page.merge_page(stamp)
    for cert_page in PdfReader(io.BytesIO(certificate_pdf)).pages:
        writer.add_page(cert_page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
