"""The registry's sub-documents of a lead are typed, and keep the shape already stored in DynamoDB."""

from chalicelib.leads.model import OpcoCheck, RegistryFinding

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
