"""The only code that speaks to the DynamoDB table (single-table design, DESIGN.md section 3).

Items:
  pk=LEAD#<id>  sk=LEAD                 the lead (GSI1 by status, GSI2 by OPCO, GSI3 all leads)
  pk=LEAD#<id>  sk=EVENT#<ts>#<rand>    its audit trail
  pk=IDEM#<hash>  sk=IDEM               Idempotency-Key → lead id (TTL 24 h)
  pk=DEDUP#<hash> sk=DEDUP              SIRET+email+trainings fingerprint → lead id (TTL 24 h)
  pk=RATE#<hash>#<hour> sk=RATE         per-IP submission counter (TTL)
Hashes are keyed HMACs computed by the caller: no personal data in any key.
"""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterator, NamedTuple

from chalicelib.leads.model import Lead, LeadStatus, PackInfo

ALL_LEADS = "LEADS"


class LeadNotFound(Exception):
    pass


class LeadAlreadyExists(Exception):
    pass


class PackAlreadyBuilt(Exception):
    """The lead already holds this pack version (or a newer one)."""


class Stored(NamedTuple):
    """What LeadStore.create did: `created`, `replayed` (same Idempotency-Key) or `updated`
    (same submission within the window); `repack` when the update asks for a new pack version."""
    lead: Lead
    outcome: str
    repack: bool = False


# What a visitor's repeated submission may change on the lead it duplicates.
RESUBMITTED_FIELDS = ("company_name", "idcc", "naf", "headcount", "first_name", "last_name", "phone",
                      "trainees", "start_date", "message", "consent", "provenance", "opco", "estimate")
DUPLICATE_WINDOW_S = 24 * 3600


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
        return self.submit(lead).lead

    def submit(self, lead: Lead, *, idempotency_key: str | None = None, fingerprint: str | None = None,
               window_s: int = DUPLICATE_WINDOW_S) -> Stored:
        """Store a submitted lead, unless it repeats one: the create transaction, guarded.

        The idempotency and fingerprint pointers are conditional puts in the same transaction, so
        two concurrent posts make one lead: the loser reads the winner's pointer (no read-then-write).
        """
        now_s = int(lead.created_at.timestamp())
        guards = {}
        if idempotency_key:
            guards["idem"] = _pointer_put(self._table, f"IDEM#{idempotency_key}", lead.id, now_s, window_s)
        if fingerprint:
            guards["dedup"] = _pointer_put(self._table, f"DEDUP#{fingerprint}", lead.id, now_s, window_s)
        item = _to_ddb({"pk": f"LEAD#{lead.id}", "sk": "LEAD", **_index_attrs(lead), **lead.model_dump(mode="json")})
        event = event_item(lead.id, "lead_recu", at=lead.created_at, details={"status": lead.status.value},
                           expires_at=lead.expires_at)
        for _ in range(3):
            try:
                self._ddb.transact_write_items(TransactItems=[*guards.values(),
                    {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
                    {"Put": {"TableName": self._table, "Item": event}},
                ])
                return Stored(lead, "created")
            except self._ddb.exceptions.TransactionCanceledException as exc:
                failed = _failed_guards(exc, list(guards))
                if "idem" in failed and (existing := self._pointer(f"IDEM#{idempotency_key}", now_s)):
                    return Stored(self.get(existing), "replayed")
                if "dedup" in failed and (existing := self._pointer(f"DEDUP#{fingerprint}", now_s)):
                    stored = self._resubmit(existing, lead, guards.get("idem"), idempotency_key, now_s)
                    if stored:
                        return stored
                    del guards["dedup"]  # the first lead was erased meanwhile: this one stands alone
                elif not failed and not _conflict(exc):
                    raise LeadAlreadyExists(lead.id) from exc
        raise LeadAlreadyExists(lead.id)

    def _pointer(self, pk: str, now_s: int) -> str | None:
        resp = self._ddb.get_item(TableName=self._table, Key={"pk": {"S": pk}, "sk": {"S": pk.split("#")[0]}},
                                  ConsistentRead=True)
        item = _from_ddb(resp.get("Item") or {})
        return item.get("lead_id") if item.get("expires_at", 0) >= now_s else None

    def _resubmit(self, lead_id: str, fresh: Lead, idem: dict[str, Any] | None, idem_key: str | None,
                  now_s: int) -> Stored | None:
        """Apply a duplicate submission to the lead it repeats; None if that lead is gone."""
        existing = self.get_or_none(lead_id)
        if existing is None:
            return None
        repack = existing.pack is not None and existing.status != LeadStatus.spam
        update = _resubmit_update(self._table, existing, fresh, repack)
        event = event_item(lead_id, "lead_resoumis", at=fresh.created_at, expires_at=existing.expires_at,
                           details={"pack_requested": existing.pack_requested + int(repack)})
        guards = [_retarget(idem, lead_id)] if idem else []
        try:
            self._ddb.transact_write_items(TransactItems=[*guards, update,
                                                          {"Put": {"TableName": self._table, "Item": event}}])
        except self._ddb.exceptions.TransactionCanceledException as exc:
            if guards and "idem" in _failed_guards(exc, ["idem"]) and (
                    other := self._pointer(f"IDEM#{idem_key}", now_s)):
                return Stored(self.get(other), "replayed")
            return None
        return Stored(self.get(lead_id), "updated", repack)

    def get_or_none(self, lead_id: str) -> Lead | None:
        try:
            return self.get(lead_id)
        except LeadNotFound:
            return None

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


def _pointer_put(table: str, pk: str, lead_id: str, now_s: int, window_s: int) -> dict[str, Any]:
    # DynamoDB deletes expired items lazily (up to days later): an expired pointer counts as absent.
    return {"Put": {"TableName": table, "Item": _to_ddb({"pk": pk, "sk": pk.split("#")[0], "lead_id": lead_id,
                                                         "expires_at": now_s + window_s}),
                    "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                    "ExpressionAttributeValues": {":now": {"N": str(now_s)}}}}


def _retarget(guard: dict[str, Any], lead_id: str) -> dict[str, Any]:
    put = dict(guard["Put"])
    put["Item"] = {**put["Item"], "lead_id": {"S": lead_id}}
    return {"Put": put}


def _failed_guards(exc: Any, names: list[str]) -> set[str]:
    reasons = exc.response.get("CancellationReasons") or []
    return {name for name, reason in zip(names, reasons) if reason.get("Code") == "ConditionalCheckFailed"}


def _conflict(exc: Any) -> bool:
    return any(r.get("Code") == "TransactionConflict" for r in exc.response.get("CancellationReasons") or [])


def _resubmit_update(table: str, existing: Lead, fresh: Lead, repack: bool) -> dict[str, Any]:
    data = fresh.model_dump(mode="json", include=set(RESUBMITTED_FIELDS))
    names = {f"#{k}": k for k in data}
    sets = [f"#{k} = :{k}" for k, v in data.items() if v is not None]
    removes = [f"#{k}" for k, v in data.items() if v is None]
    values = {f":{k}": v for k, v in data.items() if v is not None}
    values.update({":now": fresh.created_at.isoformat(), ":g2": _index_attrs(fresh)["gsi2pk"]})
    sets += ["updated_at = :now", "gsi2pk = :g2"]
    if repack:
        sets.append("pack_requested = :next")
        values[":next"] = existing.pack_requested + 1
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    return {"Update": {"TableName": table, "Key": _lead_key(existing.id), "UpdateExpression": expression,
                       "ConditionExpression": "attribute_exists(pk)", "ExpressionAttributeNames": names,
                       "ExpressionAttributeValues": _to_ddb(values)}}


def leads_store() -> LeadStore:
    from chalicelib import aws
    from chalicelib.config import settings

    return LeadStore(aws.dynamodb(), settings().table_name)


class RateLimited(Exception):
    def __init__(self, retry_after_s: int):
        super().__init__(f"retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class SubmissionRateLimiter:
    """Per-IP limit on submissions: one counter item per hashed IP and clock hour, expiring with it.

    The conditional ADD is atomic, so concurrent posts cannot slip past the limit.
    """

    def __init__(self, client: Any, table_name: str, limit_per_hour: int):
        self._ddb = client
        self._table = table_name
        self._limit = limit_per_hour

    def hit(self, ip_hash: str, *, now_s: int) -> None:
        """Count one submission; raise RateLimited once the hour's limit is reached (0 = off)."""
        if self._limit <= 0:
            return
        window = now_s // 3600
        try:
            self._ddb.update_item(
                TableName=self._table, Key={"pk": {"S": f"RATE#{ip_hash}#{window}"}, "sk": {"S": "RATE"}},
                UpdateExpression="ADD hits :one SET expires_at = if_not_exists(expires_at, :exp)",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues={":one": {"N": "1"}, ":limit": {"N": str(self._limit)},
                                           ":exp": {"N": str((window + 2) * 3600)}},
            )
        except self._ddb.exceptions.ConditionalCheckFailedException:
            raise RateLimited((window + 1) * 3600 - now_s) from None


def rate_limiter() -> SubmissionRateLimiter:
    from chalicelib import aws
    from chalicelib.config import settings

    return SubmissionRateLimiter(aws.dynamodb(), settings().table_name, settings().rate_limit_per_hour)
