"""Render the sample pack and the first page of each document as PNG into docs/samples/.

    make samples      (or: .venv/bin/python scripts/samples.py)

The lead, the organisme (local sample profile) and "today" are fixed so the images only change
when the templates or the layout do.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 26)


def sample_lead():  # type: ignore[no-untyped-def]
    from chalicelib.leads.model import Consent, Lead
    from chalicelib.opco import resolve_opco

    now = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    return Lead(
        id="01jsample0000000000000abcd",
        created_at=now,
        updated_at=now,
        status="recu",
        company_name="Atelier Numérique Dupont & Fils",
        siret="73282932000074",
        idcc="1486",
        naf="62.01Z",
        headcount=8,
        address="5 rue des Artisans, 69003 Lyon",
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@atelier-dupont.example",
        phone="06 12 34 56 78",
        trainings=("ia-generative-essentiels",),
        trainees=3,
        start_date=date(2027, 1, 18),
        consent=Consent(given_at=now, text_version="v1"),
        opco=resolve_opco(idcc="1486", naf="62.01Z").model_dump(mode="json"),
    )


def sample_content():  # type: ignore[no-untyped-def]
    from chalicelib.dossier.content import build_content
    from chalicelib.dossier.organisme import organisme_profile

    return build_content(sample_lead(), version=1, today=TODAY, organisme=organisme_profile("local"))


def main() -> None:
    from chalicelib.dossier.render import render_pack

    out = ROOT / "docs" / "samples"
    out.mkdir(parents=True, exist_ok=True)
    files = render_pack(sample_content())
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in files.items():
            if not name.endswith(".pdf"):
                continue
            pdf = Path(tmp) / name
            pdf.write_bytes(body)
            stem = out / name.removesuffix(".pdf")
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True
            )
            print(f"{stem}.png")


if __name__ == "__main__":
    main()
