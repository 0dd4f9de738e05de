"""The registry's sub-documents of a lead are typed, and keep the shape already stored in DynamoDB."""

from decimal import Decimal
from typing import Any

from chalicelib.leads.ddb import _from_ddb, _to_ddb
from chalicelib.leads.model import Lead, OpcoCheck, RegistryFinding
from tests.unit.dossier.conftest import make_lead

STORED_REGISTRY = {  # as the worker has written it since issue 10 (record: CompanyRecord's JSON dump)
    "status": "ok",
    "checked_at": "2026-09-14T08:00:00+00:00",
    "note": "Informations vérifiées dans l'annuaire des entreprises le 14/09/2026.",
    "record": {
        "siren": "732829320",
        "siret": "73282932000074",
        "name": "ATELIER NUMERIQUE",
        "naf": "62.01Z",
        "naf_label": "Programmation informatique",
        "headcount_bracket": "03",
        "headcount_label": "6 à 9 salariés",
        "headcount_year": "2023",
        "liste_idcc": ["1486"],
        "liste_idcc_entreprise": ["1486"],
        "etat_administratif": "A",
        "fetched_at": "2026-09-14T08:00:00Z",
        "address": "1 RUE DE LA PAIX 75002 PARIS",
    },
}
STORED_CHECK = {
    "declared": {"idcc": "1486", "opco": "atlas"},
    "registry": {"idcc": ["1979"], "opco": "akto"},
    "agrees": False,
    "message": "L'IDCC déclaré (1486) diffère de celui de l'annuaire des entreprises (1979).",
}


def test_a_stored_registry_finding_loads_typed_and_dumps_back_unchanged():
    finding = RegistryFinding.model_validate(STORED_REGISTRY)
    assert finding.record is not None and finding.record.liste_idcc == ("1486",) and finding.record.active
    assert finding.model_dump(mode="json") == STORED_REGISTRY


def test_a_finding_without_a_record_keeps_its_null():
    stored = {**STORED_REGISTRY, "status": "unavailable", "record": None}
    assert RegistryFinding.model_validate(stored).model_dump(mode="json") == stored


def test_a_stored_opco_check_loads_typed_and_dumps_back_unchanged():
    check = OpcoCheck.model_validate(STORED_CHECK)
    assert check.declared.opco == "atlas" and check.registry.idcc == ["1979"] and not check.agrees
    assert check.model_dump(mode="json") == STORED_CHECK


STORED_OPCO = {  # the resolver's OpcoMatch JSON dump, as intake has stored it since the first lead
    "opco": {"code": "atlas", "name": "Atlas", "portal_url": "https://www.opco-atlas.fr"},
    "candidates": [{"code": "atlas", "name": "Atlas", "share": 1.0}],
    "confidence": "high",
    "source": "idcc_successor",
    "explanation": "IDCC 1486 (Bureaux d'études techniques) : OPCO Atlas.",
    "data_date": "2025-01-01",
    "idcc": "1486",
    "idcc_label": "Bureaux d'études techniques",
    "successor_chain": ["0000", "1486"],
}


def _lead_item(**overrides: Any) -> dict[str, Any]:
    lead = make_lead()
    return {**_from_ddb(_to_ddb(lead.model_dump(mode="json"))), **overrides}


def test_a_stored_opco_match_loads_typed_and_the_item_dumps_back_unchanged():
    item = _lead_item(opco=STORED_OPCO)
    lead = Lead.model_validate(item)
    assert (
        lead.opco is not None and lead.opco.source == "idcc_successor" and lead.opco.successor_chain == ["0000", "1486"]
    )
    assert (lead.opco_code, lead.opco_name) == ("atlas", "Atlas")
    assert _to_ddb(lead.model_dump(mode="json")) == _to_ddb(item)


def test_an_empty_stored_opco_loads_as_none_and_is_stored_empty_again():
    item = _lead_item(opco={})
    lead = Lead.model_validate(item)
    assert lead.opco is None and lead.opco_ref is None and lead.opco_code is None and lead.opco_name is None
    assert _to_ddb(lead.model_dump(mode="json"))["opco"] == {"M": {}}


def test_an_opco_without_a_found_opco_keeps_its_null():
    stored = {**STORED_OPCO, "opco": None, "candidates": [], "confidence": "none", "source": "none"}
    lead = Lead.model_validate(_lead_item(opco=stored))
    assert lead.opco is not None and lead.opco_code is None
    assert lead.model_dump(mode="json")["opco"] == stored


STORED_ESTIMATE = {  # FundingEstimate's JSON dump, as intake has stored it (amounts: strings, to the cent)
    "opco_code": "atlas",
    "eligible": True,
    "reason": "Entreprise de moins de 50 salariés : plan de développement des compétences.",
    "amount_min": "1050.00",
    "amount_max": "1050.00",
    "remaining_cost_min": "1020.00",
    "remaining_cost_max": "1020.00",
    "price_ht": "2070.00",
    "rule_applied": "35 €/h x 30 h, plafonné au coût",
    "scope": "Entreprises de moins de 50 salariés (IDCC 1486)",
    "basis": ["Atlas, critères de prise en charge 2026"],
    "confidence": "medium",
    "warnings": [],
    "budget_year": 2027,
}


def test_a_stored_estimate_loads_typed_and_the_item_dumps_back_unchanged():
    item = _lead_item(estimate=STORED_ESTIMATE)
    lead = Lead.model_validate(item)
    assert lead.estimate is not None and lead.estimate.amount_max == Decimal("1050.00") and lead.estimate.eligible
    assert _to_ddb(lead.model_dump(mode="json")) == _to_ddb(item)
    assert _to_ddb(lead.model_dump(mode="json"))["estimate"]["M"]["price_ht"] == {"S": "2070.00"}


def test_an_estimate_without_amounts_keeps_its_nulls():
    stored = {**STORED_ESTIMATE, "eligible": None, "amount_min": None, "amount_max": None, "scope": None}
    stored |= {"remaining_cost_min": None, "remaining_cost_max": None}
    lead = Lead.model_validate(_lead_item(estimate=stored))
    assert lead.estimate is not None and lead.estimate.amount_max is None
    assert lead.model_dump(mode="json")["estimate"] == stored


def test_a_lead_stored_without_an_estimate_still_loads():
    item = _lead_item()
    item.pop("estimate", None)
    assert Lead.model_validate(item).estimate is None
