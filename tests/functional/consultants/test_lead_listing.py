"""Listing one page reads at most page size + 1 items, whatever the table size."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

PAGE = 25


@pytest.fixture
def fast_moto_items(monkeypatch):
    """moto re-measures the whole item on every attribute it sets (quadratic, ~8 ms an item): skip
    its 400 KB check while bulk-loading. Our code is untouched; DynamoDB itself has no such cost."""
    from moto.dynamodb.models import dynamo_type

    monkeypatch.setattr(dynamo_type.LimitedSizeDict, "__setitem__", dict.__setitem__)


def _store_leads(count: int, valid_submission, *, via_api: bool = True) -> list[str]:
    """Write `count` leads straight into the table with batch_write_item (as create() shapes them)."""
    from chalicelib import aws
    from chalicelib.config import settings
    from chalicelib.intake.form import ContactForm
    from chalicelib.leads.ddb import _index_attrs, _to_ddb
    from chalicelib.leads.model import Lead, LeadStatus, Provenance
    from chalicelib.opco.models import OpcoMatch, OpcoRef

    now = datetime(2026, 11, 1, tzinfo=UTC)
    form = ContactForm.parse({**valid_submission, "message": None, "phone": None}, today=now.date())
    # A slim but valid lead: moto's item model is slow with big nested maps, DynamoDB is not.
    base = Lead.from_form(
        form,
        opco=OpcoMatch(
            opco=OpcoRef(code="atlas", name="Atlas"), confidence="high", source="idcc", explanation="", data_date=""
        ),
        now=now,
        consent_version="v1",
        provenance=Provenance(),
        spam=False,
        retention_days=30,
    )
    template = _to_ddb({"pk": "x", "sk": "LEAD", **_index_attrs(base), **base.model_dump(mode="json")})
    statuses = [LeadStatus.dossier_pret, LeadStatus.envoye_client, LeadStatus.spam]
    ids, ddb, table = [], aws.dynamodb(), settings().table_name
    for start in range(0, count, 25):
        batch = []
        for n in range(start, min(start + 25, count)):
            created = now + timedelta(minutes=n)
            lead_id = f"01k{n:023d}"
            order = {"S": f"{created.isoformat()}#{lead_id}"}
            status = statuses[n % 3].value
            item = {
                **template,
                "pk": {"S": f"LEAD#{lead_id}"},
                "id": {"S": lead_id},
                "created_at": {"S": created.isoformat()},
                "status": {"S": status},
                "gsi1pk": {"S": f"STATUS#{status}"},
                "gsi1sk": order,
                "gsi2sk": order,
                "gsi3sk": order,
                "search": {"S": f"atelier numerique {n} 73282932000074"},
            }
            batch.append({"PutRequest": {"Item": item}})
            ids.append(lead_id)
        if via_api:
            ddb.batch_write_item(RequestItems={table: batch})
        else:  # straight into moto's backend: same items, no HTTP round trip per 25 leads
            from moto.core import DEFAULT_ACCOUNT_ID
            from moto.dynamodb.models import dynamodb_backends

            backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings().aws_region]
            for request in batch:
                backend.put_item(table, request["PutRequest"]["Item"])
    return ids


@pytest.mark.parametrize("stored", [100, 10_000])
def test_one_page_reads_at_most_page_size_plus_one_items(stored, aws_env, fast_moto_items, valid_submission):
    from chalicelib.leads.listing import LeadFilter
    from chalicelib.leads.store import leads_store

    started = time.monotonic()
    # 100 go through batch_write_item; 10,000 that way take ~45 s in moto, so they go to its backend.
    ids = _store_leads(stored, valid_submission, via_api=stored <= 100)
    store = leads_store()
    filters = [LeadFilter(), LeadFilter(status="dossier_pret", opco="atlas", query="numerique 7")]
    if stored <= 100:  # moto answers a Query by walking the whole table: keep the 10,000 case to two
        filters += [
            LeadFilter(status="envoye_client"),
            LeadFilter(opco="atlas"),
            LeadFilter(query="numerique 7"),
            LeadFilter(date_from=datetime(2026, 11, 1).date(), date_to=datetime(2026, 11, 1).date()),
        ]
    for f in filters:
        page = store.list_leads(f, limit=PAGE)
        assert page.scanned <= PAGE + 1 and page.count <= PAGE + 1, (f, page.scanned, page.count)
        following = store.list_leads(f, limit=PAGE, cursor=page.cursor)
        assert following.scanned <= PAGE + 1
        assert not {lead.id for lead in page.leads} & {lead.id for lead in following.leads}
    newest = store.list_leads(LeadFilter(), limit=PAGE)
    not_spam = [i for n, i in enumerate(ids) if n % 3 != 2]
    assert [lead.id for lead in newest.leads] == list(reversed(not_spam))[: len(newest.leads)]
    assert len(newest.leads) >= PAGE * 2 // 3
    assert time.monotonic() - started < 40


def test_walking_every_page_returns_each_lead_once_newest_first(aws_env, valid_submission):
    from chalicelib.leads.listing import LeadFilter
    from chalicelib.leads.store import leads_store

    ids = _store_leads(90, valid_submission)
    seen, cursor = [], None
    while True:
        page = leads_store().list_leads(LeadFilter(status="dossier_pret"), limit=10, cursor=cursor)
        seen += [lead.id for lead in page.leads]
        cursor = page.cursor
        if not cursor:
            break
    assert seen == [i for n, i in reversed(list(enumerate(ids))) if n % 3 == 0]


def test_a_tampered_cursor_is_refused(aws_env, valid_submission):
    import base64
    import json

    from chalicelib.leads.listing import InvalidCursor, LeadFilter
    from chalicelib.leads.store import leads_store

    _store_leads(30, valid_submission)
    page = leads_store().list_leads(LeadFilter(), limit=5)
    with pytest.raises(InvalidCursor):  # a cursor from one list does not continue another
        leads_store().list_leads(LeadFilter(status="spam"), limit=5, cursor=page.cursor)
    forged = base64.urlsafe_b64encode(
        json.dumps({"i": "by_date", "k": {"pk": "X", "sk": "LEAD", "gsi3pk": "LEADS", "gsi3sk": "z"}}).encode()
    ).decode()
    with pytest.raises(InvalidCursor):
        leads_store().list_leads(LeadFilter(), limit=5, cursor=forged)
    with pytest.raises(InvalidCursor):
        leads_store().list_leads(LeadFilter(), limit=5, cursor="%%%not-base64")
