"""Retention that holds: packs expire with their lead, and an erasure racing the worker leaves no
pack behind (whichever of the two finishes last deletes what the other missed)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import ROOT
from tests.faults import inject
from tests.functional.conftest import post_json

# S3 runs lifecycle actions asynchronously, up to a day or two after they are due.
LIFECYCLE_LAG_DAYS = 2


def _pack_rules() -> dict[str, Any]:
    bucket = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]["DossierBucket"]
    return {r["Id"]: r for r in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}


def test_pack_objects_and_their_old_versions_expire_before_the_lead_does() -> None:
    from chalicelib.config import Settings

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    retention = {int(config["stages"][s]["environment_variables"]["LEAD_RETENTION_DAYS"]) for s in ("dev", "prod")}
    assert retention == {Settings.model_fields["lead_retention_days"].default}
    rules = _pack_rules()
    packs = rules["expire-packs-with-their-lead"]
    assert (packs["Status"], packs["Prefix"]) == ("Enabled", "dossiers/")
    # The current version expires, becomes noncurrent, and is deleted NoncurrentDays later.
    lifetime = packs["ExpirationInDays"] + packs["NoncurrentVersionExpiration"]["NoncurrentDays"] + LIFECYCLE_LAG_DAYS
    assert lifetime == retention.pop()
    markers = rules["remove-expired-delete-markers"]
    assert (markers["Status"], markers["Prefix"], markers["ExpiredObjectDeleteMarker"]) == (
        "Enabled",
        "dossiers/",
        True,
    )


def test_signed_contracts_expire_once_their_lock_ends_and_not_before() -> None:
    from chalicelib.config import Settings

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    staged = {config["stages"][s]["environment_variables"].get("SIGNED_RETENTION_DAYS") for s in ("dev", "prod")}
    retention = Settings.model_fields["signed_retention_days"].default
    assert staged <= {None, str(retention)}  # a stage overriding the lock must move the lifecycle too
    bucket = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]["ClientBucket"]
    rules = {r["Id"]: r for r in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}
    signed = rules["expire-signed-after-their-lock"]
    assert (signed["Status"], signed["Prefix"]) == ("Enabled", "signed/")
    # The delete marker comes when the lock (signing + retention) ends, never earlier: a marker would
    # hide a contract the client and the consultants must still download.
    assert signed["ExpirationInDays"] == retention
    # The locked version, then noncurrent, goes a day later (its lock has ended by then); S3's lag on top.
    lifetime = signed["ExpirationInDays"] + signed["NoncurrentVersionExpiration"]["NoncurrentDays"] + LIFECYCLE_LAG_DAYS
    assert retention < lifetime <= retention + 3
    markers = rules["remove-expired-signed-delete-markers"]
    assert (markers["Status"], markers["Prefix"], markers["ExpiredObjectDeleteMarker"]) == ("Enabled", "signed/", True)


def _versions_under(prefix: str) -> list[str]:
    from chalicelib import aws
    from chalicelib.config import settings

    listed = aws.s3().list_object_versions(Bucket=settings().bucket_name, Prefix=prefix)
    return [v["Key"] for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]


def _erase(lead_id: str) -> dict[str, int]:
    from chalicelib.consultants.auth import Consultant
    from chalicelib.consultants.service import erase_lead

    return erase_lead(lead_id, Consultant(sub="sub-dpo", email="dpo@formation-ia.example"))


def test_an_erasure_while_the_worker_writes_leaves_no_pack_object(
    client: Any, valid_submission: dict[str, Any]
) -> None:
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack
    from chalicelib.leads.store import leads_store

    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    erased: list[dict[str, int]] = []
    # The erasure lands just before the worker's first write: it finds nothing to delete in S3.
    with inject("s3", "PutObject", before=lambda _: erased.append(_erase(lead_id)), times=1) as fault:
        assert build_pack(DossierJob(lead_id, 1)) is False
    assert fault.fired == 1 and erased[0]["s3_versions_deleted"] == 0
    assert leads_store().get_or_none(lead_id) is None
    assert _versions_under(f"dossiers/{lead_id}/") == []


def test_a_pack_recorded_while_the_erasure_runs_is_erased_too(client: Any, valid_submission: dict[str, Any]) -> None:
    from chalicelib.dossier.jobs import DossierJob
    from chalicelib.dossier.worker import build_pack
    from chalicelib.leads.store import leads_store

    lead_id = json.loads(post_json(client, valid_submission).body)["lead_id"]
    built: list[bool] = []
    # The whole build happens after the erasure listed S3 and before it deletes the records.
    with inject(
        "dynamodb", "BatchWriteItem", before=lambda _: built.append(build_pack(DossierJob(lead_id, 1))), times=1
    ):
        erased = _erase(lead_id)
    assert built == [True] and erased["s3_versions_deleted"] >= 6
    assert leads_store().get_or_none(lead_id) is None
    assert _versions_under(f"dossiers/{lead_id}/") == []
