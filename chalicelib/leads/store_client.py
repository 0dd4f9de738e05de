"""The client space's items in the leads table (with store.py, the only code that speaks to it).

Items:
  pk=LEAD#<id>  sk=CLIENT                 the lead's client space (deleted with the lead on erasure)
  pk=CLINK#<sha256 of token> sk=CLINK     personal link → lead id (TTL: the link's expiry)
  pk=CLIENT_DAY#<date> sk=<ts>#<rand>     a client action of that day, for the consultants' digest (TTL 30 days)
No token in clear and no personal data in any key.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from chalicelib.leads.client_space import ClientSpace
from chalicelib.leads.ddb import TableAccess, _from_ddb, _to_ddb, event_item

DAY_TTL_S = 30 * 86400
UPDATE_ATTEMPTS = 5


class SpaceConflict(Exception):
    """The space changed since it was read (two tabs, a worker): read again and retry."""


class LinkRecord(NamedTuple):
    lead_id: str
    expires_at: int


class ClientStore(TableAccess):
    def space(self, lead_id: str) -> ClientSpace:
        resp = self._ddb.get_item(
            TableName=self._table,
            Key={"pk": {"S": f"LEAD#{lead_id}"}, "sk": {"S": "CLIENT"}},
            ConsistentRead=True,
        )
        if "Item" not in resp:
            return ClientSpace(lead_id=lead_id)
        data = {k: v for k, v in _from_ddb(resp["Item"]).items() if k not in ("pk", "sk")}
        return ClientSpace.model_validate(data)

    def save(self, space: ClientSpace) -> ClientSpace:
        """Write the space if nobody wrote it since it was read (rev); raise SpaceConflict."""
        saved = space.model_copy(update={"rev": space.rev + 1})
        item = _to_ddb({"pk": f"LEAD#{space.lead_id}", "sk": "CLIENT", **saved.model_dump(mode="json")})
        condition = "attribute_not_exists(pk)" if space.rev == 0 else "rev = :r"
        kwargs: dict[str, Any] = {"TableName": self._table, "Item": item, "ConditionExpression": condition}
        if space.rev:
            kwargs["ExpressionAttributeValues"] = {":r": {"N": str(space.rev)}}
        try:
            self._ddb.put_item(**kwargs)
        except self._ddb.exceptions.ConditionalCheckFailedException:
            raise SpaceConflict(space.lead_id) from None
        return saved

    def update(
        self,
        lead_id: str,
        change: Callable[[ClientSpace], ClientSpace | None],
        *,
        read: ClientSpace | None = None,
    ) -> ClientSpace:
        """Apply `change` to the space and write it; when someone wrote in between (the worker
        stamping the previous signature, another tab, a consultant), read again and re-apply it, so
        `change` re-runs its checks on what is stored now. `change` returns None when there is
        nothing to write. `read`: the space the caller already has. SpaceConflict if it keeps changing.
        """
        space = read if read is not None else self.space(lead_id)
        for _ in range(UPDATE_ATTEMPTS - 1):
            try:
                return self._apply(space, change)
            except SpaceConflict:
                space = self.space(lead_id)
        return self._apply(space, change)

    def _apply(self, space: ClientSpace, change: Callable[[ClientSpace], ClientSpace | None]) -> ClientSpace:
        changed = change(space)
        return space if changed is None else self.save(changed)

    def put_link(self, token_hash: str, lead_id: str, *, expires_at: datetime) -> None:
        self._put(
            {
                "pk": f"CLINK#{token_hash}",
                "sk": "CLINK",
                "lead_id": lead_id,
                "expires_at": int(expires_at.timestamp()),
            }
        )

    def find_link(self, token_hash: str) -> LinkRecord | None:
        resp = self._ddb.get_item(
            TableName=self._table, Key={"pk": {"S": f"CLINK#{token_hash}"}, "sk": {"S": "CLINK"}}, ConsistentRead=True
        )
        if "Item" not in resp:
            return None
        item = _from_ddb(resp["Item"])
        return LinkRecord(item["lead_id"], int(item["expires_at"]))

    def record_action(
        self, lead_id: str, kind: str, *, at: datetime, details: dict[str, Any], expires_at: int | None
    ) -> None:
        """A client action: in the lead's history ("par le client") and in the day's list for the digest."""
        self._ddb.put_item(
            TableName=self._table,
            Item=event_item(lead_id, kind, at=at, actor="client", details=details, expires_at=expires_at),
        )
        stamp = at.astimezone(UTC)
        self._put(
            {
                "pk": f"CLIENT_DAY#{stamp.date().isoformat()}",
                "sk": f"{stamp.isoformat()}#{secrets.token_hex(3)}",
                "lead_id": lead_id,
                "kind": kind,
                "at": stamp.isoformat(),
                "expires_at": int(stamp.timestamp()) + DAY_TTL_S,
            }
        )

    def actions_of(self, day: date) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": f"CLIENT_DAY#{day.isoformat()}"}},
        }
        out: list[dict[str, Any]] = []
        while True:
            resp = self._ddb.query(**kwargs)
            out += [_from_ddb(i) for i in resp["Items"]]
            if "LastEvaluatedKey" not in resp:
                return out
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def client_store() -> ClientStore:
    from chalicelib import aws
    from chalicelib.config import settings

    return ClientStore(aws.dynamodb(), settings().table_name)
