"""The leads table's store (single-table design, docs/architecture.md "Data"). With store_limits.py (the
door's rate limit) and store_registry.py (the registry cache), the only code that speaks to it.

Items:
  pk=LEAD#<id>  sk=LEAD                 the lead (GSI1 by status, GSI2 by OPCO, GSI3 all leads)
  pk=LEAD#<id>  sk=EVENT#<ts>#<rand>    its audit trail (the arrival is derived from created_at)
  pk=IDEM#<hash>  sk=IDEM               Idempotency-Key → lead id and the id answered (TTL 24 h)
  pk=DEDUP#<hash> sk=DEDUP              SIRET+email+trainings fingerprint → lead id (TTL 24 h)
  pk=RATE#<hash>#<hour> sk=RATE         per-IP submission counter (TTL)
Hashes are keyed HMACs computed by the caller: no personal data in any key.
  pk=PACK_PENDING  sk=LEAD#<id>         a pack version asked for by an edit and not yet built
  pk=ERASURE  sk=<ts>#<id>              GDPR erasure audit line (no personal data)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from chalicelib.leads.ddb import (
    ALL_LEADS,
    TableAccess,
    _from_ddb,
    _index_attrs,
    _lead_from_item,
    _lead_key,
    _to_ddb,
    event_item,
    lead_item,
)
from chalicelib.leads.listing import LeadFilter, decode_cursor, encode_cursor, key_of, query_plan
from chalicelib.leads.model import DossierFields, EditStamp, Lead, LeadStatus, PackInfo, Tracking
from chalicelib.leads.resubmission import RESUBMISSION_EVENT, differences

PACK_PENDING = "PACK_PENDING"


class LeadNotFound(Exception):
    pass


class LeadAlreadyExists(Exception):
    pass


class PackAlreadyBuilt(Exception):
    """The lead already holds this pack version (or a newer one)."""


class Stored(NamedTuple):
    """What LeadStore.submit did: `created`, `replayed` (same Idempotency-Key) or `resubmitted`
    (same submission within the window: an event on `lead`, which stays unchanged). `reply_id` is
    the id the visitor is told: the lead's own only for the submission that created it, so a
    stranger repeating someone's SIRET, email and trainings never learns the lead's id."""

    lead: Lead
    outcome: str
    reply_id: str


DUPLICATE_WINDOW_S = 24 * 3600


class EditConflict(Exception):
    """Someone else changed the lead since the consultant loaded it (optimistic locking)."""


@dataclass(frozen=True)
class LeadPage:
    leads: list[Lead]
    cursor: str | None
    count: int  # the Query's Count and ScannedCount: what this page cost
    scanned: int


class LeadStore(TableAccess):
    def submit(
        self,
        lead: Lead,
        *,
        idempotency_key: str | None = None,
        fingerprint: str | None = None,
        window_s: int = DUPLICATE_WINDOW_S,
    ) -> Stored:
        """Store a submitted lead, unless it repeats one.

        Claim first, then write: the Idempotency-Key and fingerprint pointers are conditional puts
        made before the lead's own conditional put. Two concurrent posts make one lead: the loser
        reads the winner's pointer and adopts its lead id, so whichever writes the lead first wins
        and the other replays it or is recorded as a repeat on it. A request that died between
        claim and write leaves a pointer to a lead that does not exist yet; its retry adopts that id
        and finishes the job. Single conditional writes, no TransactWriteItems (only a repeat, the
        rare case, is one): half the write cost, and moto copies the whole table for every
        transaction (the local stack would slow down as leads grow).
        """
        now_s = int(lead.created_at.timestamp())
        reply_id = lead.id
        if idempotency_key:
            owner, reply_id = self._claim(f"IDEM#{idempotency_key}", lead.id, now_s, window_s)
            if owner != lead.id:
                if (existing := self.get_or_none(owner)) is not None:
                    return Stored(existing, "replayed", reply_id)
                lead = lead.model_copy(update={"id": owner})
        if fingerprint:
            owner, _ = self._claim(f"DEDUP#{fingerprint}", lead.id, now_s, window_s)
            if owner != lead.id:
                stored = self._resubmit(owner, lead, reply_id)
                if stored is None:  # the first submission's lead is not written yet: finish it
                    lead, reply_id = lead.model_copy(update={"id": owner}), owner
                if idempotency_key:  # the key now stands for this answer
                    self._point(f"IDEM#{idempotency_key}", owner, reply_id, now_s, window_s)
                if stored is not None:
                    return stored
        try:
            self._ddb.put_item(
                TableName=self._table, Item=lead_item(lead), ConditionExpression="attribute_not_exists(pk)"
            )
        except self._ddb.exceptions.ConditionalCheckFailedException:
            # The SDK retries a write whose answer was lost (a timeout after the commit): finding
            # our own lead is success, not a conflict, or the visitor would get a 500 for a stored lead.
            if not self._holds(lead):
                return self._lost_race(lead, reply_id, idempotency_key, fingerprint)
        # No "lead_recu" event item: the history derives the arrival from created_at (one write fewer).
        return Stored(lead, "created", reply_id)

    def _lost_race(self, lead: Lead, reply_id: str, idempotency_key: str | None, fingerprint: str | None) -> Stored:
        """A concurrent request holding the same pointer wrote this lead id first."""
        if fingerprint and not idempotency_key and (stored := self._resubmit(lead.id, lead, reply_id)):
            return stored
        if idempotency_key or fingerprint:
            return Stored(self.get(lead.id), "replayed", reply_id)
        raise LeadAlreadyExists(lead.id)

    def _claim(self, pk: str, lead_id: str, now_s: int, window_s: int) -> tuple[str, str]:
        """Point `pk` at lead_id unless a live pointer exists; return the (lead id, reply id) it holds."""
        try:
            self._ddb.put_item(**_pointer_put(self._table, pk, lead_id, lead_id, now_s, window_s))
            return lead_id, lead_id
        except self._ddb.exceptions.ConditionalCheckFailedException:
            return self._pointer(pk, now_s) or self._claim(pk, lead_id, now_s, window_s)

    def _point(self, pk: str, lead_id: str, reply_id: str, now_s: int, window_s: int) -> None:
        put = _pointer_put(self._table, pk, lead_id, reply_id, now_s, window_s)
        self._ddb.put_item(TableName=put["TableName"], Item=put["Item"])

    def _pointer(self, pk: str, now_s: int) -> tuple[str, str] | None:
        resp = self._ddb.get_item(
            TableName=self._table, Key={"pk": {"S": pk}, "sk": {"S": pk.split("#")[0]}}, ConsistentRead=True
        )
        item = _from_ddb(resp.get("Item") or {})
        if item.get("expires_at", 0) < now_s:
            return None
        return item["lead_id"], item.get("reply_id", item["lead_id"])

    def _resubmit(self, lead_id: str, fresh: Lead, reply_id: str) -> Stored | None:
        """Record a repeated submission on the lead it repeats, which stays as it is; None if that
        lead is not stored. Conditional on the lead: an erasure racing it leaves no orphan event."""
        existing = self.get_or_none(lead_id)
        if existing is None:
            return None
        details = {"reference": reply_id, "differences": differences(existing, fresh)}
        event = event_item(
            lead_id, RESUBMISSION_EVENT, at=fresh.created_at, details=details, expires_at=existing.expires_at
        )
        check = {"TableName": self._table, "Key": _lead_key(lead_id), "ConditionExpression": "attribute_exists(pk)"}
        # Item shapes are plain dicts built in ddb.py (and checked against moto by the tests).
        items: list[Any] = [{"ConditionCheck": check}, {"Put": {"TableName": self._table, "Item": event}}]
        try:
            self._ddb.transact_write_items(TransactItems=items)
        except self._ddb.exceptions.TransactionCanceledException:
            return None
        return Stored(existing, "resubmitted", reply_id)

    def get_or_none(self, lead_id: str) -> Lead | None:
        try:
            return self.get(lead_id)
        except LeadNotFound:
            return None

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
        values = _to_ddb(
            {
                ":pack": pack.model_dump(mode="json"),
                ":status": status.value,
                ":v": pack.version,
                ":now": now.isoformat(),
                ":g1": idx["gsi1pk"],
            }
        )
        try:
            self._ddb.update_item(
                TableName=self._table,
                Key=_lead_key(lead_id),
                UpdateExpression="SET pack = :pack, #s = :status, updated_at = :now, gsi1pk = :g1",
                ConditionExpression="attribute_exists(pk) AND (attribute_not_exists(pack) OR pack.version < :v)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=values,
            )
        except self._ddb.exceptions.ConditionalCheckFailedException as exc:
            raise PackAlreadyBuilt(f"{lead_id} v{pack.version}") from exc
        # The conditional update above is the exactly-once point; the audit line follows it.
        self.add_event(
            lead_id,
            "dossier_genere",
            at=now,
            details={"version": pack.version, "status": status.value},
            expires_at=lead.expires_at,
        )
        return updated

    def add_event(
        self,
        lead_id: str,
        kind: str,
        *,
        at: datetime,
        details: dict[str, Any] | None = None,
        expires_at: int | None = None,
    ) -> None:
        """An event the system records (the pack built, a document signed, a reminder sent); a person's
        goes through record_event."""
        self._ddb.put_item(
            TableName=self._table, Item=event_item(lead_id, kind, at=at, details=details, expires_at=expires_at)
        )

    def events(self, lead_id: str) -> list[dict[str, Any]]:
        resp = self._ddb.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :ev)",
            ExpressionAttributeValues={":pk": {"S": f"LEAD#{lead_id}"}, ":ev": {"S": "EVENT#"}},
        )
        return [_from_ddb(i) for i in resp["Items"]]

    def waiting_for_pack(self, *, created_before: datetime, limit: int = 100) -> Iterator[Lead]:
        """Leads still `recu` created before a moment (the sweeper's view): a GSI Query, never a Scan."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "by_status",
            "KeyConditionExpression": "gsi1pk = :s AND gsi1sk < :t",
            "ExpressionAttributeValues": {
                ":s": {"S": f"STATUS#{LeadStatus.recu.value}"},
                ":t": {"S": created_before.astimezone(UTC).isoformat()},
            },
            "Limit": limit,
        }
        while True:
            resp = self._ddb.query(**kwargs)
            for item in resp["Items"]:  # the index projects every attribute
                yield _lead_from_item(item)
            if "LastEvaluatedKey" not in resp:
                return
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    # --- consultant side -------------------------------------------------------------------

    def list_leads(self, f: LeadFilter, *, limit: int = 25, cursor: str | None = None) -> LeadPage:
        """One page, newest first: a single GSI Query evaluating at most limit + 1 items."""
        plan = query_plan(f, ALL_LEADS)
        kwargs: dict[str, Any] = {"TableName": self._table, "Limit": limit + 1, **plan}
        if cursor:
            kwargs["ExclusiveStartKey"] = decode_cursor(cursor, plan)
        resp = self._ddb.query(**kwargs)
        items = resp["Items"]
        next_key = resp.get("LastEvaluatedKey")
        if len(items) > limit:
            items = items[:limit]
            next_key = key_of(items[-1], plan["IndexName"])
        return LeadPage(
            leads=[_lead_from_item(i) for i in items],
            cursor=encode_cursor(next_key, plan["IndexName"]),
            count=resp["Count"],
            scanned=resp["ScannedCount"],
        )

    def record_event(
        self, lead_id: str, kind: str, *, actor: str, now: datetime, details: dict[str, Any] | None = None
    ) -> None:
        lead = self.get(lead_id)
        self._ddb.put_item(
            TableName=self._table,
            Item=event_item(lead_id, kind, at=now, actor=actor, details=details, expires_at=lead.expires_at),
        )

    def update_dossier(self, lead_id: str, dossier: DossierFields, stamp: EditStamp, *, changed: list[str]) -> Lead:
        """Store edited fields and ask for the next pack version; refuse a stale revision."""
        lead = self.get(lead_id)
        version = lead.pack_requested + 1
        pending = _to_ddb(
            {
                "pk": PACK_PENDING,
                "sk": f"LEAD#{lead_id}",
                "lead_id": lead_id,
                "version": version,
                "at": stamp.now.isoformat(),
            }
        )
        self._transact_edit(
            lead,
            stamp,
            "SET dossier = :d, pack_requested = :v",
            {":d": dossier.model_dump(mode="json"), ":v": version},
            event=("dossier_modifie", {"champs": changed, "version": version}),
            extra=[{"Put": {"TableName": self._table, "Item": pending}}],
        )
        return stamp.applied(lead, dossier=dossier, pack_requested=version)

    def change_status(
        self, lead_id: str, status: LeadStatus, tracking: Tracking, stamp: EditStamp, *, details: dict[str, Any]
    ) -> Lead:
        lead = self.get(lead_id)
        self._transact_edit(
            lead,
            stamp,
            "SET #st = :s, gsi1pk = :g1, tracking = :t",
            {":s": status.value, ":g1": f"STATUS#{status.value}", ":t": tracking.model_dump(mode="json")},
            event=("statut_modifie", {"de": lead.status.value, "vers": status.value, **details}),
            names={"#st": "status"},
        )
        return stamp.applied(lead, status=status, tracking=tracking)

    def _transact_edit(
        self,
        lead: Lead,
        stamp: EditStamp,
        sets: str,
        values: dict[str, Any],
        *,
        event: tuple[str, dict[str, Any]],
        extra: Sequence[dict[str, Any]] = (),
        names: dict[str, str] | None = None,
    ) -> None:
        """One transaction: the lead's update (on `stamp`'s revision, which it moves on), `extra` and
        the edit's audit event; EditConflict when the revision has moved on meanwhile."""
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": _lead_key(lead.id),
            "UpdateExpression": f"{sets}, updated_at = :now, rev = :r1",
            "ConditionExpression": "attribute_exists(pk) AND rev = :r",
            "ExpressionAttributeValues": _to_ddb(
                {**values, ":now": stamp.now.isoformat(), ":r": stamp.expected_rev, ":r1": stamp.next_rev}
            ),
        }
        if names:
            update["ExpressionAttributeNames"] = names
        kind, details = event
        audit = event_item(lead.id, kind, at=stamp.now, actor=stamp.actor, expires_at=lead.expires_at, details=details)
        try:
            # Item shapes are plain dicts built in ddb.py (and checked against moto by the tests).
            items: list[Any] = [{"Update": update}, *extra, {"Put": {"TableName": self._table, "Item": audit}}]
            self._ddb.transact_write_items(TransactItems=items)
        except self._ddb.exceptions.TransactionCanceledException as exc:
            self.get(lead.id)  # raises LeadNotFound if it went away
            raise EditConflict(lead.id) from exc

    def pending_packs(self, *, limit: int = 100) -> list[tuple[str, int, str]]:
        """(lead id, version, asked at) for packs asked for by an edit and not yet recorded as built."""
        resp = self._ddb.query(
            TableName=self._table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": PACK_PENDING}},
            Limit=limit,
        )
        return [(i["lead_id"], int(i["version"]), i["at"]) for i in map(_from_ddb, resp["Items"])]

    def clear_pending(self, lead_id: str, *, built_version: int) -> None:
        """Forget the pending marker once its version (or a newer one) is built."""
        # A newer version asked for meanwhile fails the condition: the marker stays.
        with contextlib.suppress(self._ddb.exceptions.ConditionalCheckFailedException):
            self._ddb.delete_item(
                TableName=self._table,
                Key={"pk": {"S": PACK_PENDING}, "sk": {"S": f"LEAD#{lead_id}"}},
                ConditionExpression="attribute_not_exists(pk) OR version <= :v",
                ExpressionAttributeValues={":v": {"N": str(built_version)}},
            )

    def erase(
        self, lead_id: str, *, actor_sub: str, now: datetime, s3_versions_deleted: int, fingerprint: str | None = None
    ) -> int:
        """Delete the lead, its events, markers and duplicate pointer; leave an audit line without
        personal data. (An Idempotency-Key pointer holds only the lead id and expires within 24 h.)"""
        keys: list[dict[str, Any]] = [{"pk": {"S": PACK_PENDING}, "sk": {"S": f"LEAD#{lead_id}"}}]
        if fingerprint:
            keys.append({"pk": {"S": f"DEDUP#{fingerprint}"}, "sk": {"S": "DEDUP"}})
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"LEAD#{lead_id}"}},
            "ProjectionExpression": "pk, sk",
        }
        while True:
            resp = self._ddb.query(**kwargs)
            keys += resp["Items"]
            if "LastEvaluatedKey" not in resp:
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        if not any(k["pk"]["S"] == f"LEAD#{lead_id}" for k in keys):
            raise LeadNotFound(lead_id)
        for start in range(0, len(keys), 25):
            self._batch_delete(keys[start : start + 25])
        self._put(
            {
                "pk": "ERASURE",
                "sk": f"{now.isoformat()}#{lead_id}",
                "kind": "effacement_rgpd",
                "lead_id": lead_id,
                "at": now.isoformat(),
                "actor_sub": actor_sub,
                "items_deleted": len(keys) - 1 - bool(fingerprint),
                "s3_versions_deleted": s3_versions_deleted,
            }
        )
        return len(keys) - 1 - bool(fingerprint)

    def _batch_delete(self, keys: list[dict[str, Any]]) -> None:
        request: dict[str, Any] = {self._table: [{"DeleteRequest": {"Key": k}} for k in keys]}
        for _ in range(8):
            resp = self._ddb.batch_write_item(RequestItems=request)
            request = resp.get("UnprocessedItems") or {}
            if not request:
                return
        raise RuntimeError("DynamoDB kept items unprocessed during erasure")


def _pointer_put(table: str, pk: str, lead_id: str, reply_id: str, now_s: int, window_s: int) -> dict[str, Any]:
    # DynamoDB deletes expired items lazily (up to days later): an expired pointer counts as absent.
    item = {"pk": pk, "sk": pk.split("#")[0], "lead_id": lead_id, "reply_id": reply_id, "expires_at": now_s + window_s}
    return {
        "TableName": table,
        "Item": _to_ddb(item),
        "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
        "ExpressionAttributeValues": {":now": {"N": str(now_s)}},
    }


def leads_store() -> LeadStore:
    from chalicelib import aws
    from chalicelib.config import settings

    return LeadStore(aws.dynamodb(), settings().table_name)
