"""A local fake of the API Recherche d'entreprises speaking the spec's shapes (GET /search?q=...).

A real HTTP server on a free port of 127.0.0.1 (a local socket, no AWS, no internet). It records
every request so tests can count what reached the registry.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

# Checksum-valid SIRETs (python-stdnum), each with its behaviour on the fake.
SIRET_ATLAS = "73282932000074"  # IDCC 1486 (Syntec), NAF 62.01Z, 6 to 9 employees
SIRET_HCR = "41234567000001"  # IDCC 1979 (hotels, cafés, restaurants): disagrees with 1486
SIRET_UNKNOWN = "52345678800018"  # not in the registry: empty results
SIRET_RATE_LIMITED = "63456789500004"  # answers 429 with Retry-After
SIRET_SLOW = "74567890400004"  # sleeps beyond the client's timeout
SIRET_SOLE_TRADER = "85678901100009"  # a sole trader: nom_complet is a person's name, no IDCC


def _etablissement(siret: str, *, naf: str, idcc: list[str], tranche: str | None, siege: bool) -> dict[str, Any]:
    return {
        "activite_principale": naf,
        "activite_principale_naf25": naf[:-1] + "A",
        "ancien_siege": False,
        "annee_tranche_effectif_salarie": "2023" if tranche else None,
        "adresse": "12 RUE DES LILAS 69003 LYON",
        "caractere_employeur": "O" if tranche else "N",
        "code_postal": "69003",
        "commune": "69383",
        "date_creation": "2015-03-02",
        "date_debut_activite": "2015-03-02",
        "date_fermeture": None,
        "epci": "200046977",
        "est_siege": siege,
        "etat_administratif": "A",
        "geo_id": None,
        "latitude": "45.7597",
        "libelle_commune": "LYON 3EME",
        "liste_enseignes": None,
        "liste_finess": None,
        "liste_id_bio": [],
        "liste_idcc": idcc,
        "liste_id_organisme_formation": [],
        "liste_rge": [],
        "liste_uai": [],
        "longitude": "4.8422",
        "nom_commercial": None,
        "region": "84",
        "siret": siret,
        "statut_diffusion_etablissement": "O",
        "tranche_effectif_salarie": tranche,
    }


def company_result(
    siret: str, *, name: str, naf: str, idcc: list[str], tranche: str | None, sole_trader: bool = False
) -> dict[str, Any]:
    """One `result` item as /search returns it for a direct SIRET query."""
    etab = _etablissement(siret, naf=naf, idcc=idcc, tranche=tranche, siege=True)
    return {
        "siren": siret[:9],
        "nom_complet": name,
        "nom_raison_sociale": None if sole_trader else name,
        "sigle": None,
        "nombre_etablissements": 1,
        "nombre_etablissements_ouverts": 1,
        "siege": etab
        | {
            "date_mise_a_jour": "2025-01-10T03:12:45",
            "departement": "69",
            "complement_adresse": None,
            "cedex": None,
            "code_pays_etranger": None,
        },
        "activite_principale": naf,
        "activite_principale_naf25": naf[:-1] + "A",
        "categorie_entreprise": "PME",
        "caractere_employeur": "O" if tranche else "N",
        "annee_categorie_entreprise": "2022",
        "date_creation": "2015-03-02",
        "date_fermeture": None,
        "date_mise_a_jour": "2025-01-10T03:12:45",
        "date_mise_a_jour_insee": "2025-01-09T22:00:00",
        "date_mise_a_jour_rne": None,
        "dirigeants": [
            {
                "nom": "MARTIN",
                "prenoms": "CAMILLE",
                "annee_de_naissance": "1980",
                "qualite": "Gérant",
                "nationalite": "Française",
                "type_dirigeant": "personne physique",
            }
        ],
        "etat_administratif": "A",
        "nature_juridique": "1000" if sole_trader else "5499",
        "section_activite_principale": "J" if naf.startswith("62") else "I",
        "tranche_effectif_salarie": tranche,
        "annee_tranche_effectif_salarie": "2023" if tranche else None,
        "statut_diffusion": "O",
        "matching_etablissements": [etab],
        "finances": {},
        "complements": {
            "collectivite_territoriale": None,
            "convention_collective_renseignee": bool(idcc),
            "liste_idcc": idcc,
            "est_entrepreneur_individuel": sole_trader,
            "est_ess": False,
            "est_organisme_formation": False,
            "est_qualiopi": False,
            "identifiant_association": None,
        },
        "tva": [],
    }


DEFAULT_COMPANIES = {
    SIRET_ATLAS: company_result(
        SIRET_ATLAS, name="ATELIER NUMERIQUE DUPONT", naf="62.01Z", idcc=["1486"], tranche="03"
    ),
    SIRET_HCR: company_result(SIRET_HCR, name="BRASSERIE DU PARC", naf="56.10A", idcc=["1979"], tranche="11"),
    SIRET_SOLE_TRADER: company_result(
        SIRET_SOLE_TRADER, name="JEAN DUPUIS", naf="62.02A", idcc=[], tranche="NN", sole_trader=True
    ),
}


@dataclass
class FakeRegistry:
    companies: dict[str, dict[str, Any]] = field(default_factory=lambda: dict(DEFAULT_COMPANIES))
    # siret -> (Retry-After header value, how many 429 before answering normally)
    rate_limited: dict[str, tuple[str, int]] = field(default_factory=lambda: {SIRET_RATE_LIMITED: ("1", 99)})
    slow: set[str] = field(default_factory=lambda: {SIRET_SLOW})
    slow_s: float = 1.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def hits(self, q: str) -> int:
        return sum(1 for r in self.requests if r["q"] == q)

    def payload(self, q: str) -> dict[str, Any]:
        found = [c for s, c in self.companies.items() if q in (s, s[:9])]
        return {
            "results": found,
            "total_results": len(found),
            "page": 1,
            "per_page": 1,
            "total_pages": 1 if found else 0,
        }


def _handler(fake: FakeRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            q = (parse_qs(parsed.query).get("q") or [""])[0]
            fake.requests.append({"path": parsed.path, "q": q, "user_agent": self.headers.get("User-Agent")})
            if parsed.path != "/search" or not q:
                return self._json(400, {"erreur": "Veuillez indiquer au moins un paramètre de recherche."})
            if q in fake.rate_limited:
                retry_after, times = fake.rate_limited[q]
                if fake.hits(q) <= times:
                    return self._json(429, {"erreur": "Too Many Requests"}, {"Retry-After": retry_after})
            if q in fake.slow:
                time.sleep(fake.slow_s)
            return self._json(200, fake.payload(q))

        def _json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                self.wfile.write(data)

    return Handler


@pytest.fixture
def fake_registry() -> Iterator[FakeRegistry]:
    fake = FakeRegistry()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
