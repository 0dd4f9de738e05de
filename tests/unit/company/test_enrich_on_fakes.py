"""The registry enrichment on in-memory adapters (tests/fakes_storage.py): the switch, the cache and
the declared IDCC compared, handed in by RegistryPorts. No moto, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.company.enrich import RegistryPorts, enrich_from_registry
from chalicelib.leads.company_record import CompanyRecord
from tests.fakes import InMemoryLeadStore, submitted_lead
from tests.fakes_storage import InMemoryRegistry, InMemoryRegistryRecords

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def _world(valid_submission, *, enabled: bool, registry: InMemoryRegistry | None = None):
    store = InMemoryLeadStore()
    lead = store.submit(submitted_lead(valid_submission, NOW)).lead
    ports = RegistryPorts(registry or InMemoryRegistry(), InMemoryRegistryRecords(store), enabled=enabled)
    return store, lead, ports


def _record(siret: str, idcc: tuple[str, ...]) -> CompanyRecord:
    return CompanyRecord(
        siren=siret[:9],
        siret=siret,
        name="ATELIER NUMERIQUE DUPONT",
        naf="62.01Z",
        naf_label=None,
        headcount_bracket="03",
        headcount_label="6 à 9 salariés",
        headcount_year="2024",
        liste_idcc=idcc,
        liste_idcc_entreprise=idcc,
        etat_administratif="A",
        fetched_at=NOW,
    )


def test_a_registry_switched_off_is_never_asked_and_the_lead_says_so(valid_submission):
    store, lead, ports = _world(valid_submission, enabled=False)
    enriched = enrich_from_registry(lead, NOW, ports=ports)
    assert enriched.registry.status == "disabled" and ports.client.lookups == 0
    assert store.get(lead.id).registry.note.startswith("Consultation de l'annuaire des entreprises désactivée")
    assert enrich_from_registry(enriched, NOW + timedelta(days=1), ports=ports) == enriched  # not asked again


def test_a_contradicting_registry_is_shown_beside_the_declared_idcc_and_cached(valid_submission):
    siret = valid_submission["siret"].replace(" ", "")
    registry = InMemoryRegistry({siret: _record(siret, ("1516",))})
    store, lead, ports = _world(valid_submission, enabled=True, registry=registry)
    enriched = enrich_from_registry(lead, NOW, ports=ports)
    assert enriched.registry.status == "ok" and enriched.opco_code == "atlas"  # the declared IDCC is kept
    assert not enriched.opco_check.agrees and "diffère de celui de l'annuaire" in enriched.opco_check.message
    assert ports.records.cached_company(siret[:9], now=NOW)["siret"] == siret
    again = store.submit(submitted_lead({**valid_submission, "email": "autre@atelier-dupont.fr"}, NOW)).lead
    assert enrich_from_registry(again, NOW, ports=ports).registry.status == "ok"
    assert registry.lookups == 1  # the second lead of the same SIRET is answered from the cache
