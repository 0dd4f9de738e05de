"""The only code that speaks to the DynamoDB table (single-table design, DESIGN.md section 3).

Items:
  pk=LEAD#<id>  sk=LEAD                 the lead (GSI1 by status, GSI2 by OPCO, GSI3 all leads)
  pk=LEAD#<id>  sk=EVENT#<ts>#<rand>    its audit trail
"""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterator

from chalicelib.leads.model import Lead, LeadStatus, PackInfo

ALL_LEADS = "LEADS"


class LeadNotFound(Exception):
    pass


class LeadAlreadyExists(Exception):
    pass


class PackAlreadyBuilt(Exception):
    """The lead already holds this pack version (or a newer one)."""


def _to_ddb(data: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    plain = json.loads(json.dumps(data, default=str), parse_float=Decimal)
    ser = TypeSerializer()
    return {k: ser.serialize(v) for k, v in plain.items() if v is not None}


def _from_ddb(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    de = TypeDeserializer()
    return {k: _plain(de.deserialize(v)) for k, v in item.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, set)):
        return [_plain(v) for v in value]
    return value


def _lead_key(lead_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"LEAD#{lead_id}"}, "sk": {"S": "LEAD"}}


def _index_attrs(lead: Lead) -> dict[str, str]:
    order = f"{lead.created_at.isoformat()}#{lead.id}"
    return {
        "gsi1pk": f"STATUS#{lead.status.value}", "gsi1sk": order,
        "gsi2pk": f"OPCO#{lead.opco_code or 'inconnu'}", "gsi2sk": order,
        "gsi3pk": ALL_LEADS, "gsi3sk": order,
    }


def event_item(lead_id: str, kind: str, *, at: datetime, actor: str = "systeme",
               details: dict[str, Any] | None = None, expires_at: int | None = None) -> dict[str, Any]:
    stamp = at.astimezone(timezone.utc).isoformat()
    item = {
        "pk": f"LEAD#{lead_id}", "sk": f"EVENT#{stamp}#{secrets.token_hex(3)}",
        "kind": kind, "at": stamp, "actor": actor, "details": details or {}, "expires_at": expires_at,
    }
    return _to_ddb(item)


class LeadStore:
    def __init__(self, client: Any, table_name: str):
        self._ddb = client
        self._table = table_name

    def create(self, lead: Lead) -> Lead:
        """Store the lead and its first event atomically; never overwrite."""
        item = _to_ddb({"pk": f"LEAD#{lead.id}", "sk": "LEAD", **_index_attrs(lead), **lead.model_dump(mode="json")})
        event = event_item(lead.id, "lead_recu", at=lead.created_at, details={"status": lead.status.value},
                           expires_at=lead.expires_at)
        try:
            self._ddb.transact_write_items(TransactItems=[
                {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self._table, "Item": event}},
            ])
        except self._ddb.exceptions.TransactionCanceledException as exc:
            # The SDK retries a write whose answer was lost (a timeout after the commit): finding
            # our own lead is success, not a conflict, or the visitor would get a 500 for a stored lead.
            if self._holds(lead):
                return lead
            raise LeadAlreadyExists(lead.id) from exc
        return lead

    def _holds(self, lead: Lead) -> bool:
        try:
            return self.get(lead.id) == lead
        except LeadNotFound:
            return False

    def get(self, lead_id: str) -> Lead:
        resp = self._ddb.get_item(TableName=self._table, Key=_lead_key(lead_id), ConsistentRead=True)
        if "Item" not in resp:
            raise LeadNotFound(lead_id)
        return _lead_from_item(resp["Item"])

    def record_pack(self, lead_id: str, pack: PackInfo, *, now: datetime) -> Lead:
        """Record a built pack; refuse if this version (or a newer) is already recorded."""
        lead = self.get(lead_id)
        status = LeadStatus.dossier_pret if lead.status == LeadStatus.recu else lead.status
        updated = lead.model_copy(update={"pack": pack, "status": status, "updated_at": now})
        idx = _index_attrs(updated)
        values = _to_ddb({":pack": pack.model_dump(mode="json"), ":status": status.value,
                          ":v": pack.version, ":now": now.isoformat(), ":g1": idx["gsi1pk"]})
        try:
            self._ddb.transact_write_items(TransactItems=[
                {"Update": {
                    "TableName": self._table, "Key": _lead_key(lead_id),
                    "UpdateExpression": "SET pack = :pack, #s = :status, updated_at = :now, gsi1pk = :g1",
                    "ConditionExpression": "attribute_exists(pk) AND (attribute_not_exists(pack) OR pack.version < :v)",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": values,
                }},
                {"Put": {"TableName": self._table, "Item": event_item(
                    lead_id, "dossier_genere", at=now, details={"version": pack.version, "status": status.value},
                    expires_at=lead.expires_at)}},
            ])
        except self._ddb.exceptions.TransactionCanceledException as exc:
            raise PackAlreadyBuilt(f"{lead_id} v{pack.version}") from exc
        return updated

    def events(self, lead_id: str) -> list[dict[str, Any]]:
        resp = self._ddb.query(
            TableName=self._table, KeyConditionExpression="pk = :pk AND begins_with(sk, :ev)",
            ExpressionAttributeValues={":pk": {"S": f"LEAD#{lead_id}"}, ":ev": {"S": "EVENT#"}},
        )
        return [_from_ddb(i) for i in resp["Items"]]

    def waiting_for_pack(self, *, created_before: datetime, limit: int = 100) -> Iterator[Lead]:
        """Leads still `recu` created before a moment (the sweeper's view): a GSI Query, never a Scan."""
        kwargs: dict[str, Any] = dict(
            TableName=self._table, IndexName="by_status",
            KeyConditionExpression="gsi1pk = :s AND gsi1sk < :t",
            ExpressionAttributeValues={":s": {"S": f"STATUS#{LeadStatus.recu.value}"},
                                       ":t": {"S": created_before.astimezone(timezone.utc).isoformat()}},
            Limit=limit,
        )
        while True:
            resp = self._ddb.query(**kwargs)
            for item in resp["Items"]:
                yield self.get(_from_ddb(item)["id"])
            if "LastEvaluatedKey" not in resp:
                return
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


_INTERNAL = {"pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk"}


def _lead_from_item(item: dict[str, Any]) -> Lead:
    data = {k: v for k, v in _from_ddb(item).items() if k not in _INTERNAL}
    return Lead.model_validate(data)


def leads_store() -> LeadStore:
    from chalicelib import aws
    from chalicelib.config import settings

    return LeadStore(aws.dynamodb(), settings().table_name)
