"""The worker asks the company registry (a local fake) before building the pack: moto + the fake."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

from tests.fake_registry import SIRET_ATLAS, SIRET_HCR, SIRET_SLOW, SIRET_UNKNOWN
from tests.functional.conftest import post_json

NOW = datetime(2026, 9, 14, 8, 30, tzinfo=UTC)


def _lead(client, submission, **changes) -> str:
    body = {k: v for k, v in (submission | changes).items() if v is not None}
    resp = post_json(client, body)
    assert resp.status_code == 201, resp.body
    return json.loads(resp.body)["lead_id"]


def _build(lead_id: str, now: datetime = NOW):
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack
    from chalicelib.leads.store import leads_store

    assert build_pack(DossierJob(lead_id, 1), now=now) is True
    return leads_store().get(lead_id)


def test_registry_fills_the_lead_and_resolves_a_missing_idcc(client, registry_on, valid_submission):
    lead = _build(_lead(client, valid_submission, idcc=None, naf=None))
    assert lead.registry.status == "ok"
    assert lead.registry.note == "Informations vérifiées dans l'annuaire des entreprises le 14/09/2026."
    record = lead.registry.record
    assert record.siret == SIRET_ATLAS and record.naf == "62.01Z" and record.liste_idcc == ("1486",)
    assert record.headcount_label == "6 à 9 salariés"
    assert lead.opco.source == "registry" and lead.opco_code == "atlas"
    assert lead.opco.explanation.startswith("D'après le registre des entreprises")
    assert lead.opco_check is None and lead.pack.version == 1
    assert registry_on.hits(SIRET_ATLAS) == 1


def test_matching_declared_idcc_is_confirmed(client, registry_on, valid_submission):
    lead = _build(_lead(client, valid_submission))
    assert lead.opco.source == "idcc"
    assert lead.opco_check.agrees is True
    assert lead.opco_check.message == "L'IDCC déclaré (1486) figure dans l'annuaire des entreprises (1486)."


def test_idcc_disagreement_keeps_the_declared_opco_and_shows_both(client, registry_on, valid_submission):
    lead = _build(_lead(client, valid_submission, siret=SIRET_HCR))
    assert lead.opco_code == "atlas" and lead.opco.source == "idcc"
    check = lead.opco_check
    assert check is not None and check.agrees is False
    assert check.declared.model_dump() == {"idcc": "1486", "opco": "atlas"}
    assert check.registry.model_dump() == {"idcc": ["1979"], "opco": "akto"}
    assert "diffère de celui de l'annuaire des entreprises (1979)" in check.message
    assert check.message.endswith("D'après l'annuaire, l'OPCO serait AKTO.")


def test_registry_down_still_builds_the_pack_and_the_lead_says_so(client, registry_on, valid_submission):
    from chalicelib.observability import metrics

    metrics.clear_metrics()
    lead = _build(_lead(client, valid_submission, siret=SIRET_SLOW))
    assert lead.status == "dossier_pret" and lead.pack.version == 1
    assert lead.registry.status == "unavailable" and lead.registry.record is None
    assert lead.registry.note.startswith("Annuaire des entreprises indisponible le 14/09/2026")
    assert lead.opco_code == "atlas" and lead.opco_check is None
    assert metrics.metric_set["RegistryLookupFailed"]["Value"] == [1.0]
    metrics.clear_metrics()


def test_unknown_siret_is_recorded_as_not_found(client, registry_on, valid_submission):
    lead = _build(_lead(client, valid_submission, siret=SIRET_UNKNOWN))
    assert lead.registry.status == "not_found" and lead.pack.version == 1
    assert "SIRET introuvable dans l'annuaire des entreprises" in lead.registry.note


def test_disabled_registry_is_never_called(client, aws_env, fake_registry, monkeypatch, valid_submission):
    from chalicelib import config

    monkeypatch.setenv("REGISTRY_URL", fake_registry.url)
    config.reset()
    lead = _build(_lead(client, valid_submission))
    assert fake_registry.requests == []
    assert lead.registry.status == "disabled" and lead.pack.version == 1


def test_lookup_is_cached_per_siren_for_30_days(client, registry_on, valid_submission):
    from chalicelib.company.enrich import enrich_from_registry
    from chalicelib.leads.store import leads_store

    # Three distinct visitors of the same company (the same visitor twice would be one lead).
    first, second, late = (_lead(client, valid_submission, email=f"contact{i}@atelier-dupont.fr") for i in range(3))
    _build(first)
    assert _build(second, NOW + timedelta(days=29)).registry.status == "ok"
    assert registry_on.hits(SIRET_ATLAS) == 1
    enrich_from_registry(leads_store().get(late), NOW + timedelta(days=31))
    assert registry_on.hits(SIRET_ATLAS) == 2


def test_cache_item_is_keyed_by_siren_with_a_ttl(client, registry_on, valid_submission, table_items):
    _build(_lead(client, valid_submission))
    items = [i for i in table_items() if i["pk"]["S"].startswith("COMPANY#")]
    assert [(i["pk"]["S"], i["sk"]["S"]) for i in items] == [("COMPANY#732829320", "REGISTRY")]
    assert int(items[0]["expires_at"]["N"]) == int(NOW.timestamp()) + 30 * 86400


def test_answered_lookup_is_not_repeated_for_a_new_pack_version(client, registry_on, valid_submission):
    from chalicelib.company.enrich import enrich_from_registry

    lead = _build(_lead(client, valid_submission, siret=SIRET_HCR))
    again = enrich_from_registry(lead, NOW + timedelta(days=60))
    assert again == lead and registry_on.hits(SIRET_HCR) == 1


def test_sqs_handler_runs_the_lookup(client, registry_on, valid_submission):
    from chalicelib import aws
    from chalicelib.config import settings
    from chalicelib.leads.store import leads_store

    lead_id = _lead(client, valid_submission, siret=SIRET_HCR)
    msgs = aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url, MaxNumberOfMessages=10)["Messages"]
    event = client.events.generate_sqs_event(message_bodies=[m["Body"] for m in msgs], queue_name="opco-dossier-jobs")
    assert client.lambda_.invoke("build_dossier", event).payload == {"batchItemFailures": []}
    lead = leads_store().get(lead_id)
    assert lead.opco_check.agrees is False and lead.status == "dossier_pret"
    assert registry_on.requests[0]["user_agent"].startswith("opco-dossier/")


def test_ceased_company_is_flagged_in_the_note(client, registry_on, valid_submission):
    registry_on.companies[SIRET_ATLAS] = registry_on.companies[SIRET_ATLAS] | {"etat_administratif": "C"}
    lead = _build(_lead(client, valid_submission))
    assert lead.registry.record.etat_administratif == "C"
    assert lead.registry.note.endswith("l'annuaire indique une entreprise cessée, vérifiez le SIRET avec le client.")


def test_the_pack_prints_the_registry_head_office_address(client, registry_on, valid_submission):
    from chalicelib import aws
    from chalicelib.config import settings

    lead = _build(_lead(client, valid_submission, address="ce que le client a tapé"))
    body = aws.s3().get_object(Bucket=settings().bucket_name, Key=lead.pack.keys["prefill.json"])["Body"].read()
    assert json.loads(body)["entreprise"]["adresse"] == "12 RUE DES LILAS 69003 LYON"
    assert lead.address == "ce que le client a tapé"  # kept on the lead, the registry's wins on documents


def test_the_typed_findings_are_stored_as_the_plain_maps_they_always_were(client, registry_on, valid_submission):
    from chalicelib import aws
    from chalicelib.leads.ddb import _from_ddb, _lead_key

    lead = _build(_lead(client, valid_submission, siret=SIRET_HCR))
    raw = aws.dynamodb().get_item(TableName=os.environ["TABLE_NAME"], Key=_lead_key(lead.id))["Item"]
    item = _from_ddb(raw)
    assert set(item["registry"]) == {"status", "checked_at", "note", "record"}
    assert item["registry"]["record"]["liste_idcc"] == ["1979"]
    assert item["opco_check"]["declared"] == {"idcc": "1486", "opco": "atlas"}
    assert item["opco_check"]["registry"] == {"idcc": ["1979"], "opco": "akto"}
