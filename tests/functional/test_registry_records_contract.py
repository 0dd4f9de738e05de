"""One contract, two registry records: the in-memory fake (tests/fakes_storage.py) and RegistryStore under
moto cache a company per SIREN and record the lookup on the lead the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.leads.model import RegistryFinding
from tests.fakes import InMemoryLeadStore, submitted_lead
from tests.fakes_storage import InMemoryRegistryRecords

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["in-memory", "dynamodb"])
def stores(request):
    if request.param == "in-memory":
        leads = InMemoryLeadStore()
        return leads, InMemoryRegistryRecords(leads)
    request.getfixturevalue("aws_env")
    from chalicelib.leads.store import leads_store
    from chalicelib.leads.store_registry import registry_store

    return leads_store(), registry_store()


def test_a_company_is_cached_per_siren(stores):
    _, records = stores
    assert records.cached_company("732829320", now=NOW) is None
    records.cache_company("732829320", {"siret": "73282932000074", "liste_idcc": ["1486"]}, now=NOW)
    cached = records.cached_company("732829320", now=NOW + timedelta(days=1))
    assert cached == {"siret": "73282932000074", "liste_idcc": ["1486"]}
    assert records.cached_company("552100554", now=NOW) is None


def test_the_lookup_is_recorded_on_the_lead_with_an_event(stores, valid_submission):
    leads, records = stores
    lead = leads.submit(submitted_lead(valid_submission, NOW)).lead
    finding = RegistryFinding(status="unavailable", checked_at=NOW.isoformat(), note="Annuaire indisponible.")
    later = NOW + timedelta(minutes=1)
    recorded = records.record_on_lead(lead.model_copy(update={"registry": finding}), now=later)
    assert recorded.registry == finding and recorded.updated_at == later
    stored = leads.get(lead.id)
    assert stored.registry == finding and stored.opco == lead.opco
    assert [e["kind"] for e in leads.events(lead.id)] == ["registre_consulte"]
    assert leads.events(lead.id)[0]["details"]["status"] == "unavailable"
