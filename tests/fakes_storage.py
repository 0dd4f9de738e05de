"""In-memory adapters of the buckets, the company registry and its cache, and the consultants' mailer
(chalicelib/ports.py): the pack build, downloads and notices tested without moto.

tests/functional/test_pack_storage_contract.py runs the same cases against InMemoryPackStorage and
the S3 DossierStorage, test_registry_records_contract.py against InMemoryRegistryRecords and
RegistryStore, so what these fakes do is what the real adapters do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from chalicelib.company.registry import CompanyNotFound
from chalicelib.dossier.storage import pack_prefix
from chalicelib.leads.company_record import CompanyRecord
from chalicelib.leads.model import Lead
from chalicelib.ports import WrittenPack
from tests.fakes import InMemoryLeadStore


@dataclass
class InMemoryRegistryRecords:
    """RegistryStore: the registry cache per SIREN and the lead's registry fields, on a lead store."""

    leads: InMemoryLeadStore
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)

    def cached_company(self, siren: str, *, now: datetime) -> dict[str, Any] | None:
        return self.companies.get(siren)  # the 30-day expiry is the real store's (tested under moto)

    def cache_company(self, siren: str, record: dict[str, Any], *, now: datetime) -> None:
        self.companies[siren] = record

    def record_on_lead(self, lead: Lead, *, now: datetime) -> Lead:
        self.leads.get(lead.id)  # the real update is conditional on the lead still existing
        changes = {"registry": lead.registry, "opco_check": lead.opco_check, "opco": lead.opco, "updated_at": now}
        self.leads.leads[lead.id] = self.leads.leads[lead.id].model_copy(update=changes)
        status = lead.registry.status if lead.registry else None
        self.leads._event(lead.id, "registre_consulte", {"status": status})
        return lead.model_copy(update={"updated_at": now})


@dataclass
class InMemoryRegistry:
    """The company registry: known companies by SIRET; `failure` (RegistryUnavailable) makes it down."""

    companies: dict[str, CompanyRecord] = field(default_factory=dict)
    failure: Exception | None = None
    lookups: int = 0

    def lookup(self, identifier: str) -> CompanyRecord:
        self.lookups += 1
        if self.failure is not None:
            raise self.failure
        if identifier not in self.companies:
            raise CompanyNotFound(identifier)
        return self.companies[identifier]


@dataclass
class InMemoryPackStorage:
    """The versioned dossier bucket: key -> object versions (oldest first).

    `after_put` runs once a put_pack has written its files: what happens meanwhile (an erasure)."""

    objects: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    after_put: Callable[[], None] | None = None
    _serial: int = 0

    def put_pack(self, lead_id: str, version: int, files: Mapping[str, bytes]) -> WrittenPack:
        written = WrittenPack()
        for name, body in files.items():
            key = pack_prefix(lead_id, version) + name
            self._serial += 1
            version_id = f"fake-{self._serial}"
            self.objects.setdefault(key, []).append((version_id, body))
            written.keys[name] = key
            written.versions.append({"Key": key, "VersionId": version_id})
        if self.after_put is not None:
            self.after_put()
        return written

    def delete_written(self, written: WrittenPack) -> None:
        for ident in written.versions:
            key = ident["Key"]
            kept = [v for v in self.objects.get(key, []) if v[0] != ident.get("VersionId")]
            if kept:
                self.objects[key] = kept
            else:
                self.objects.pop(key, None)

    def read(self, key: str) -> bytes:
        if key not in self.objects:  # what boto3 raises for a missing key
            raise ClientError({"Error": {"Code": "NoSuchKey", "Message": "no such key"}}, "GetObject")
        return self.objects[key][-1][1]

    def erase_lead(self, lead_id: str) -> int:
        keys = [k for k in self.objects if k.startswith(f"dossiers/{lead_id}/")]
        return sum(len(self.objects.pop(k)) for k in keys)

    def presigned_url(self, key: str, *, expires_s: int, filename: str) -> str:
        return presigned("dossiers-bucket", key, expires_s, filename)


def presigned(bucket: str, key: str, expires_s: int, filename: str) -> str:
    """A URL that says what a presigned one says: the object, how long, the name the browser saves."""
    disposition = quote(f'attachment; filename="{filename}"')
    return f"https://{bucket}.invalid/{key}?response-content-disposition={disposition}&X-Amz-Expires={expires_s}"


@dataclass
class InMemoryMailer:
    """The consultants' mailbox: every (subject, body) sent."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, subject: str, body: str) -> str | None:
        self.sent.append((subject, body))
        return f"message-{len(self.sent)}"
