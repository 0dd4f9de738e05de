"""In-memory adapters of the client room (chalicelib/client/wiring.py's ports): its services and worker
jobs tested without moto.

tests/functional/test_client_store_contract.py runs the same cases against InMemoryClientStore and
ClientStore under moto, test_client_files_contract.py against InMemoryClientFiles and ClientFiles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from chalicelib.leads.client_space import ClientSpace
from chalicelib.leads.store_client import UPDATE_ATTEMPTS, LinkRecord, SpaceConflict
from tests.fakes import InMemoryJobQueue, InMemoryLeadStore
from tests.fakes_storage import InMemoryPackStorage, presigned

if TYPE_CHECKING:
    from chalicelib.consultants.service import ConsultantPorts


FORM_SECRET = "unit-test-form-secret"  # consultant_ports()'s: the links' and fingerprints' key


@dataclass
class InMemoryClientStore:
    """ClientStore on an InMemoryLeadStore: the space sits beside its lead (erased with it), the
    client's actions go to the lead's history and to the day's list."""

    leads: InMemoryLeadStore
    links: dict[str, LinkRecord] = field(default_factory=dict)  # token hash -> link
    days: dict[date, list[dict[str, Any]]] = field(default_factory=dict)

    def space(self, lead_id: str) -> ClientSpace:
        return self.leads.spaces.get(lead_id) or ClientSpace(lead_id=lead_id)

    def save(self, space: ClientSpace) -> ClientSpace:
        stored = self.leads.spaces.get(space.lead_id)
        if (stored.rev if stored else 0) != space.rev:  # the real put's condition on `rev`
            raise SpaceConflict(space.lead_id)
        saved = self.leads.spaces[space.lead_id] = space.model_copy(update={"rev": space.rev + 1})
        return saved

    def update(
        self, lead_id: str, change: Callable[[ClientSpace], ClientSpace | None], *, read: ClientSpace | None = None
    ) -> ClientSpace:
        space = read if read is not None else self.space(lead_id)
        attempts = UPDATE_ATTEMPTS
        while True:
            attempts -= 1
            changed = change(space)
            if changed is None:
                return space
            try:
                return self.save(changed)
            except SpaceConflict:
                if not attempts:
                    raise
            space = self.space(lead_id)

    def put_link(self, token_hash: str, lead_id: str, *, expires_at: datetime) -> None:
        self.links[token_hash] = LinkRecord(lead_id, int(expires_at.timestamp()))

    def find_link(self, token_hash: str) -> LinkRecord | None:
        return self.links.get(token_hash)

    def record_action(
        self, lead_id: str, kind: str, *, at: datetime, details: dict[str, Any], expires_at: int | None
    ) -> None:
        self.leads._event(lead_id, kind, details, actor="client")
        self.days.setdefault(at.date(), []).append({"lead_id": lead_id, "kind": kind, "at": at.isoformat()})

    def actions_of(self, day: date) -> list[dict[str, Any]]:
        return list(self.days.get(day, []))


def _missing(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "NoSuchKey", "Message": "no such key"}}, operation)


@dataclass
class InMemoryClientFiles:
    """The client bucket: signed copies written once, the letters clients upload (`upload` is the
    browser's POST)."""

    objects: dict[str, bytes] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # Content-Type, as the upload's policy fixed it
    locked: set[str] = field(default_factory=set)  # the signed copies (Object Lock: never deleted)

    def upload(self, key: str, body: bytes, *, content_type: str) -> None:
        self.objects[key], self.types[key] = body, content_type

    def put_signed(self, key: str, body: bytes, *, now: datetime) -> None:
        if key in self.objects:  # IfNoneMatch="*": S3 refuses to replace it
            raise ClientError({"Error": {"Code": "PreconditionFailed", "Message": "exists"}}, "PutObject")
        self.objects[key] = body
        self.locked.add(key)

    def upload_form(self, key: str, *, content_type: str, expires_s: int, redirect: str) -> dict[str, Any]:
        fields = {"key": key, "Content-Type": content_type, "success_action_redirect": redirect}
        return {"url": "https://client-bucket.invalid/", "fields": {**fields, "x-amz-server-side-encryption": "AES256"}}

    def head(self, key: str) -> dict[str, Any] | None:
        if key not in self.objects:
            return None
        return {"ContentLength": len(self.objects[key]), "ContentType": self.types.get(key, "binary/octet-stream")}

    def read(self, key: str, *, first_bytes: int | None = None) -> bytes:
        if key not in self.objects:
            raise _missing("GetObject")
        return self.objects[key][:first_bytes] if first_bytes else self.objects[key]

    def delete_upload(self, key: str) -> int:
        return int(self.objects.pop(key, None) is not None)

    def erase_uploads(self, lead_id: str) -> int:
        return sum(self.delete_upload(key) for key in list(self.objects) if key.startswith(f"uploads/{lead_id}/"))

    def presigned_url(self, key: str, *, expires_s: int, filename: str) -> str:
        return presigned("client-bucket", key, expires_s, filename)


@dataclass
class InMemoryClientMail:
    """The clients' mailboxes: every (to, subject, body) sent, and each message's extra headers."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def send(self, to: str, subject: str, body: str, *, headers: dict[str, str] | None = None) -> str | None:
        self.sent.append((to, subject, body))
        self.headers.append(headers or {})
        return f"client-message-{len(self.sent)}"


def consultant_ports(leads: InMemoryLeadStore, **changes: Any) -> ConsultantPorts:
    """The consultant service's ports, all in memory on `leads`; `changes` replaces some of them."""
    from chalicelib.consultants.client_link import LinkPorts
    from chalicelib.consultants.service import ConsultantPorts
    from tests.unit.conftest import BASE_URL

    spaces, secret = InMemoryClientStore(leads), lambda: FORM_SECRET
    links = LinkPorts(spaces, leads, InMemoryClientMail(), secret, BASE_URL)
    ports = ConsultantPorts(
        leads, InMemoryJobQueue(), InMemoryPackStorage(), InMemoryClientFiles(), 600, secret, spaces, links, "local"
    )
    return replace(ports, **changes)
