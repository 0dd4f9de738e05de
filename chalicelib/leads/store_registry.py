"""Company registry cache (per SIREN) and the registry's findings on a lead, in the leads table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from chalicelib.leads.ddb import TableAccess, _from_ddb, _index_attrs, _lead_key, _to_ddb, event_item
from chalicelib.leads.model import Lead

COMPANY_CACHE_DAYS = 30


class RegistryStore(TableAccess):
    """Registry cache items and the lead's registry fields. A SIREN identifies a company, not a
    person; the cached legal name may be a sole trader's own name: it is stored, never logged."""

    def cached_company(self, siren: str, *, now: datetime) -> dict[str, Any] | None:
        """The cached record if younger than 30 days (TTL deletion lags: the age is checked here)."""
        resp = self._ddb.get_item(TableName=self._table, Key={"pk": {"S": f"COMPANY#{siren}"}, "sk": {"S": "REGISTRY"}})
        item = _from_ddb(resp["Item"]) if "Item" in resp else None
        if not item or item.get("expires_at", 0) <= now.timestamp():
            return None
        record: dict[str, Any] = item["record"]
        return record

    def cache_company(self, siren: str, record: dict[str, Any], *, now: datetime) -> None:
        expires = int(now.timestamp()) + COMPANY_CACHE_DAYS * 86400
        self._put(
            {
                "pk": f"COMPANY#{siren}",
                "sk": "REGISTRY",
                "record": record,
                "cached_at": now.isoformat(),
                "expires_at": expires,
            }
        )

    def record_on_lead(self, lead: Lead, *, now: datetime) -> Lead:
        """Persist the lead's registry fields and its OPCO (re-resolved from the registry or not)."""
        updated = lead.model_copy(update={"updated_at": now})
        values = _to_ddb(
            {
                ":r": _dumped(lead.registry),
                ":o": lead.model_dump(mode="json", include={"opco"})["opco"],
                ":now": now.isoformat(),
                ":g2": _index_attrs(updated)["gsi2pk"],
            }
        )
        values[":c"] = _to_ddb({"c": _dumped(lead.opco_check)})["c"] if lead.opco_check else {"NULL": True}
        self._ddb.update_item(
            TableName=self._table,
            Key=_lead_key(lead.id),
            ConditionExpression="attribute_exists(pk)",
            UpdateExpression="SET registry = :r, opco_check = :c, opco = :o, updated_at = :now, gsi2pk = :g2",
            ExpressionAttributeValues=values,
        )
        self._ddb.put_item(
            TableName=self._table,
            Item=event_item(
                lead.id,
                "registre_consulte",
                at=now,
                details={"status": lead.registry.status if lead.registry else None},
                expires_at=lead.expires_at,
            ),
        )
        return updated


def _dumped(model: BaseModel | None) -> dict[str, Any] | None:
    """The stored shape: the same keys the sub-document always had."""
    return model.model_dump(mode="json") if model else None


def registry_store() -> RegistryStore:
    from chalicelib import aws
    from chalicelib.config import settings

    return RegistryStore(aws.dynamodb(), settings().table_name)
