"""The registry client against a local fake server speaking the API's shapes."""

from __future__ import annotations

import time

import pytest

from chalicelib.company.registry import (
    HEADCOUNT_BRACKETS,
    CompanyNotFound,
    RegistryClient,
    RegistryUnavailable,
    _retry_after_s,
)
from tests.fake_registry import (
    SIRET_ATLAS,
    SIRET_HCR,
    SIRET_RATE_LIMITED,
    SIRET_SLOW,
    SIRET_SOLE_TRADER,
    SIRET_UNKNOWN,
)


def _client(fake, **kwargs) -> RegistryClient:
    return RegistryClient(
        fake.url, timeout_s=kwargs.pop("timeout_s", 0.3), contact="dpo@formation-ia.example", **kwargs
    )


def test_siret_lookup_returns_the_company_record(fake_registry):
    record = _client(fake_registry).lookup(SIRET_ATLAS)
    assert record.siren == "732829320" and record.siret == SIRET_ATLAS
    assert record.name == "ATELIER NUMERIQUE DUPONT"
    assert record.naf == "62.01Z" and record.naf_label == "Programmation informatique"
    assert (record.headcount_bracket, record.headcount_label) == ("03", "6 à 9 salariés")
    assert record.liste_idcc == ("1486",) and record.etat_administratif == "A" and record.active
    assert record.address == "12 RUE DES LILAS 69003 LYON"  # the head office's, printed on the devis
    assert fake_registry.requests[0]["path"] == "/search" and fake_registry.requests[0]["q"] == SIRET_ATLAS


def test_requests_identify_the_product_and_a_contact(fake_registry):
    _client(fake_registry).lookup(SIRET_HCR)
    agent = fake_registry.requests[0]["user_agent"]
    assert agent.startswith("opco-dossier/") and "dpo@formation-ia.example" in agent


def test_siret_with_spaces_is_cleaned_before_the_query(fake_registry):
    record = _client(fake_registry).lookup("732 829 320 00074")
    assert record.siret == SIRET_ATLAS and fake_registry.requests[0]["q"] == SIRET_ATLAS


def test_siren_lookup_uses_the_head_office(fake_registry):
    record = _client(fake_registry).lookup(SIRET_HCR[:9])
    assert record.siret == SIRET_HCR and record.liste_idcc == ("1979",)


def test_sole_trader_keeps_its_legal_name_and_empty_idcc(fake_registry):
    record = _client(fake_registry).lookup(SIRET_SOLE_TRADER)
    assert record.name == "JEAN DUPUIS" and record.liste_idcc == ()
    assert record.headcount_label == "Unité non employeuse"


def test_unknown_siret_is_company_not_found(fake_registry):
    with pytest.raises(CompanyNotFound):
        _client(fake_registry).lookup(SIRET_UNKNOWN)


def test_malformed_identifier_is_not_sent(fake_registry):
    with pytest.raises(CompanyNotFound):
        _client(fake_registry).lookup("12345")
    assert fake_registry.requests == []


def test_other_establishment_of_a_known_company_is_not_found(fake_registry):
    # A direct SIRET search returns only that establishment; another NIC of the same SIREN is absent.
    fake_registry.companies["73282932000082"] = fake_registry.companies[SIRET_ATLAS]
    with pytest.raises(CompanyNotFound):
        _client(fake_registry).lookup("73282932000082")


def test_short_retry_after_gets_one_retry_then_the_answer(fake_registry):
    fake_registry.rate_limited[SIRET_RATE_LIMITED] = ("1", 1)
    fake_registry.companies[SIRET_RATE_LIMITED] = fake_registry.companies[SIRET_ATLAS] | {"siren": "634567895"}
    fake_registry.companies[SIRET_RATE_LIMITED]["matching_etablissements"] = [
        {"siret": SIRET_RATE_LIMITED, "liste_idcc": ["1486"]}
    ]
    waits: list[float] = []
    record = _client(fake_registry, sleep=waits.append).lookup(SIRET_RATE_LIMITED)
    assert record.siret == SIRET_RATE_LIMITED
    assert waits == [1.0] and fake_registry.hits(SIRET_RATE_LIMITED) == 2


def test_still_rate_limited_after_the_retry_gives_up(fake_registry):
    waits: list[float] = []
    with pytest.raises(RegistryUnavailable) as err:
        _client(fake_registry, sleep=waits.append).lookup(SIRET_RATE_LIMITED)
    assert err.value.reason == "rate_limited" and waits == [1.0]
    assert fake_registry.hits(SIRET_RATE_LIMITED) == 2


def test_retry_after_over_two_seconds_gives_up_at_once_even_with_time_left(fake_registry):
    fake_registry.rate_limited[SIRET_RATE_LIMITED] = ("3", 99)
    waits: list[float] = []
    with pytest.raises(RegistryUnavailable) as err:
        _client(fake_registry, sleep=waits.append, budget_s=120).lookup(SIRET_RATE_LIMITED)
    assert err.value.retry_after_s == 3 and waits == [] and fake_registry.hits(SIRET_RATE_LIMITED) == 1


def test_no_retry_when_the_time_budget_is_spent(fake_registry):
    waits: list[float] = []
    with pytest.raises(RegistryUnavailable):
        _client(fake_registry, sleep=waits.append, budget_s=1.0).lookup(SIRET_RATE_LIMITED)
    assert waits == [] and fake_registry.hits(SIRET_RATE_LIMITED) == 1


def test_slow_registry_times_out_within_the_timeout(fake_registry):
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable) as err:
        _client(fake_registry, timeout_s=0.2).lookup(SIRET_SLOW)
    assert err.value.reason == "timeout"
    assert time.monotonic() - started < 0.9  # the server sleeps 1 s


def test_registry_down_is_unavailable():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RegistryUnavailable) as err:
        RegistryClient(f"http://127.0.0.1:{port}", timeout_s=0.3, contact="").lookup(SIRET_ATLAS)
    assert err.value.reason == "network"


def test_server_error_is_unavailable(fake_registry):
    fake_registry.url += "/broken"  # unknown path: the fake answers 400
    with pytest.raises(RegistryUnavailable) as err:
        _client(fake_registry).lookup(SIRET_ATLAS)
    assert err.value.reason == "http_400"


def test_retry_after_accepts_seconds_and_http_dates():
    assert _retry_after_s("2", 0) == 2.0
    assert _retry_after_s("Wed, 21 Oct 2015 07:28:05 GMT", 1445412480.0) == pytest.approx(5.0)
    assert _retry_after_s("soon", 0) is None and _retry_after_s(None, 0) is None


def test_every_insee_bracket_has_a_french_label():
    codes = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51", "52", "53"]
    assert list(HEADCOUNT_BRACKETS) == codes
    assert HEADCOUNT_BRACKETS["42"] == "1\u202f000 à 1\u202f999 salariés"
