"""Signed PDFs: the block lands in the signer's cell, the pages are kept, the certificate is appended."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from chalicelib.client.signing import certificate, locate, sha256, signed_pdf
from chalicelib.leads.client_space import CONSENT_TEXT, Signer
from tests.unit.dossier.conftest import pdf_text, rendered


def _signer(party: str, source: bytes) -> Signer:
    return Signer(
        party=party,  # type: ignore[arg-type]
        name="Camille Martin" if party == "client" else "Dominique Exemple",
        role="Gérante" if party == "client" else "Président",
        consent=CONSENT_TEXT,
        signed_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        ip_hash="a1b2c3",
        user_agent="Mozilla/5.0 (Android)",
        pdf_sha256=sha256(source),
    )


def test_the_block_goes_in_each_partys_column_of_the_signature_table():
    _, files = rendered()
    convention = files["convention.pdf"]
    last = len(PdfReader(io.BytesIO(convention)).pages) - 1
    client, organisme = locate(convention, "client"), locate(convention, "organisme")
    assert client.page == organisme.page == last
    assert client.x > 250 > organisme.x  # right column for the client, left for the organisme
    assert abs(client.top - organisme.top) < 1


def test_a_document_without_the_table_is_stamped_at_the_foot_of_its_last_page():
    _, files = rendered()
    programme = files["programme.pdf"]
    spot = locate(programme, "client")
    assert spot.page == len(PdfReader(io.BytesIO(programme)).pages) - 1 and spot.top == 140.0


def test_the_signed_file_keeps_every_page_and_appends_the_certificate():
    _, files = rendered()
    source = files["devis.pdf"]
    signer = _signer("client", source)
    cert = certificate(title="Devis", reference="réf. 1", company="Atelier", signers=[signer], letterhead=("O", "A"))
    signed = signed_pdf(source, signer, cert)
    before, after = PdfReader(io.BytesIO(source)), PdfReader(io.BytesIO(signed))
    assert len(after.pages) == len(before.pages) + len(PdfReader(io.BytesIO(cert)).pages)
    assert after.pages[0].extract_text() == before.pages[0].extract_text()  # untouched pages
    text = pdf_text(signed)
    assert "Signé électroniquement par Camille Martin" in text and "Certificat de signature" in text
    assert signer.pdf_sha256 in text and "Mozilla/5.0 (Android)" in text and "a1b2c3" in text
