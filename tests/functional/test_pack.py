"""The pack through the real handlers: estimate at intake, GET /opco preview, versioned pack in S3."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from tests.functional.conftest import post_json

PACK_FILES = {"devis.pdf", "programme.pdf", "convention.pdf", "fiche-opco.pdf", "prefill.json", "dossier.zip"}


def _listed(lead_id: str, version: int) -> dict[str, dict]:
    from chalicelib import aws
    from chalicelib.config import settings

    s3 = aws.s3()
    listed = s3.list_objects_v2(Bucket=settings().bucket_name, Prefix=f"dossiers/{lead_id}/v{version}/")
    return {
        o["Key"].rsplit("/", 1)[1]: s3.head_object(Bucket=settings().bucket_name, Key=o["Key"])
        for o in listed.get("Contents", [])
    }


def test_intake_stores_the_estimate_of_the_quoted_price(client, valid_submission):
    from chalicelib.leads.store import leads_store
    from chalicelib.pricing import price_lead

    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    lead = leads_store().get(lead_id)
    expected = price_lead(lead, datetime.now(UTC).date()).estimate
    assert lead.estimate == expected
    assert lead.estimate.price_ht == Decimal("2070.00") and lead.estimate.opco_code == "atlas"


def test_intake_stores_the_opco_match_and_estimate_as_plain_maps(client, valid_submission):
    from chalicelib import aws
    from chalicelib.config import settings
    from chalicelib.leads.ddb import _lead_key, _to_ddb
    from chalicelib.leads.store import leads_store
    from chalicelib.opco import resolve_opco

    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    raw = aws.dynamodb().get_item(TableName=settings().table_name, Key=_lead_key(lead_id))["Item"]
    match = resolve_opco(idcc=valid_submission["idcc"], naf=valid_submission.get("naf"))
    assert raw["opco"] == _to_ddb({"o": match.model_dump(mode="json")})["o"]  # the resolver's dump, key for key
    assert raw["estimate"]["M"]["price_ht"] == {"S": "2070.00"} and raw["estimate"]["M"]["budget_year"]["N"]
    lead = leads_store().get(lead_id)
    assert _to_ddb({"o": lead.model_dump(mode="json")["opco"]})["o"] == raw["opco"]
    assert _to_ddb({"e": lead.model_dump(mode="json")["estimate"]})["e"] == raw["estimate"]


def test_opco_lookup_previews_the_estimate_when_given_a_headcount(client):
    plain = json.loads(client.http.get("/opco?idcc=1486").body)
    assert "estimate" not in plain
    body = json.loads(client.http.get("/opco?idcc=1486&headcount=8&trainees=3&training=ia-generative-essentiels").body)
    assert body["opco"]["code"] == "atlas"
    assert body["estimate"]["price_ht"] == "2070.00" and body["estimate"]["amount_max"] == "2070.00"
    assert body["estimate"]["rule_applied"] and body["estimate"]["confidence"] in ("medium", "low")


def test_opco_lookup_refuses_a_bad_preview_in_french(client):
    resp = client.http.get("/opco?idcc=1486&headcount=8&training=inconnue")
    assert resp.status_code == 422
    assert json.loads(resp.body)["errors"] == [{"field": "training", "message": "Formation inconnue."}]


def test_the_worker_writes_every_pack_file_under_its_version(client, valid_submission):
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack

    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    assert build_pack(DossierJob(lead_id, 1)) is True
    files = _listed(lead_id, 1)
    assert set(files) == PACK_FILES
    assert files["devis.pdf"]["ContentType"] == "application/pdf"
    assert all(f["ServerSideEncryption"] == "AES256" for f in files.values())


def test_regenerating_writes_the_next_version_and_keeps_the_old_one(client, valid_submission):
    from boto3.dynamodb.types import TypeSerializer

    from chalicelib import aws
    from chalicelib.config import settings
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack
    from chalicelib.leads.store import leads_store
    from tests.unit.dossier.conftest import pdf_text

    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    assert build_pack(DossierJob(lead_id, 1))
    # What the consultants' edit will do: new dossier fields, next pack version requested.
    aws.dynamodb().update_item(
        TableName=settings().table_name,
        Key={"pk": {"S": f"LEAD#{lead_id}"}, "sk": {"S": "LEAD"}},
        UpdateExpression="SET pack_requested = :v, dossier = :d",
        ExpressionAttributeValues={
            ":v": {"N": "2"},
            ":d": TypeSerializer().serialize({"trainees": 7, "subrogation": True}),
        },
    )
    assert build_pack(DossierJob(lead_id, 2)) is True
    assert set(_listed(lead_id, 1)) == set(_listed(lead_id, 2)) == PACK_FILES
    lead = leads_store().get(lead_id)
    assert lead.pack.version == 2 and all("/v2/" in key for key in lead.pack.keys.values())
    s3 = aws.s3()
    v1 = json.loads(
        s3.get_object(Bucket=settings().bucket_name, Key=f"dossiers/{lead_id}/v1/prefill.json")["Body"].read()
    )
    v2 = json.loads(s3.get_object(Bucket=settings().bucket_name, Key=lead.pack.keys["prefill.json"])["Body"].read())
    assert (v1["action"]["nombre_stagiaires"], v2["action"]["nombre_stagiaires"]) == (3, 7)
    devis = pdf_text(s3.get_object(Bucket=settings().bucket_name, Key=lead.pack.keys["devis.pdf"])["Body"].read())
    assert "☑ Oui" in devis and "-V2" in devis
