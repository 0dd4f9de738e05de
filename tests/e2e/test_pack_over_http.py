"""The whole pack over the real local stack: four signed-ready PDFs, prefill.json and the zip."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.e2e.test_pipeline import _post_json, _wait_for_pack
from tests.unit.dossier.conftest import has, pdf_text

pytestmark = pytest.mark.e2e

FIRST_MENTION = {
    "devis.pdf": "valent convention de formation professionnelle (C. trav. art. D6353-1 II)",
    "programme.pdf": "Objectifs opérationnels et évaluables",
    "convention.pdf": "Convention de formation professionnelle",
    "fiche-opco.pdf": "Champs du portail pré-remplis",
}


def test_a_lead_with_a_hostile_name_gets_a_complete_pack(stack, valid_submission):
    name = "Œuvres <script>alert(1)</script> « Dupont » 😀"
    status, body = _post_json(stack.api + "/leads", {**valid_submission, "company_name": name})
    assert status == 201, body
    keys = _wait_for_pack(stack, body["lead_id"], timeout_s=60)
    assert set(keys) == {*FIRST_MENTION, "prefill.json", "dossier.zip"}
    s3 = stack.client("s3")

    def read(name: str) -> bytes:
        return s3.get_object(Bucket="opco-dossier-local", Key=keys[name])["Body"].read()

    for doc, mention in FIRST_MENTION.items():
        text = pdf_text(read(doc))
        assert has(text, mention), doc
        if doc != "programme.pdf":
            assert has(text, "Œuvres <script>alert(1)</script> « Dupont » ?"), doc
    prefill = json.loads(read("prefill.json"))
    assert prefill["entreprise"]["raison_sociale"] == name  # machines get the exact text
    with zipfile.ZipFile(io.BytesIO(read("dossier.zip"))) as z:
        assert len(z.namelist()) == 5
