"""Client for the API Recherche d'entreprises (annuaire-entreprises.data.gouv.fr): SIRET -> CompanyRecord.

Standard library only (urllib): the worker Lambda stays small. The API allows 7 requests/s per IP
and 30 per ASN (clouds share ASNs), answers 429 with Retry-After, and asks callers to identify
themselves with an explicit User-Agent.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pydantic import ValidationError

from chalicelib.leads.company_record import CompanyRecord
from chalicelib.opco import naf_label

PRODUCT = "opco-dossier/1.0"
# One retry after a 429 only when the server asks for a short wait (spec: honour Retry-After).
MAX_RETRY_AFTER_S = 2.0

# INSEE "tranche d'effectif salarié" codes (Sirene), with their French labels.
HEADCOUNT_BRACKETS: dict[str, str] = {
    "NN": "Unité non employeuse",
    "00": "0 salarié",
    "01": "1 ou 2 salariés",
    "02": "3 à 5 salariés",
    "03": "6 à 9 salariés",
    "11": "10 à 19 salariés",
    "12": "20 à 49 salariés",
    "21": "50 à 99 salariés",
    "22": "100 à 199 salariés",
    "31": "200 à 249 salariés",
    "32": "250 à 499 salariés",
    "41": "500 à 999 salariés",
    "42": "1\u202f000 à 1\u202f999 salariés",
    "51": "2\u202f000 à 4\u202f999 salariés",
    "52": "5\u202f000 à 9\u202f999 salariés",
    "53": "10\u202f000 salariés et plus",
}


class RegistryError(Exception):
    """Base of the registry's typed errors."""


class RegistryUnavailable(RegistryError):
    """The registry did not answer usefully (timeout, network, 429, 5xx, bad payload)."""

    def __init__(self, reason: str, *, retry_after_s: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


class CompanyNotFound(RegistryError):
    """No company with this SIRET/SIREN in the registry (unknown, or not publicly listed)."""


def _clean_digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def record_from_payload(payload: dict[str, Any], identifier: str, *, fetched_at: datetime) -> CompanyRecord:
    """The record for a /search answer, or CompanyNotFound when no result carries this identifier."""
    siren = identifier[:9]
    result = next((r for r in payload.get("results") or [] if r.get("siren") == siren), None)
    if result is None:
        raise CompanyNotFound(identifier)
    siege = result.get("siege") or {}
    etab = next((e for e in result.get("matching_etablissements") or [] if e.get("siret") == identifier), None)
    if etab is None:
        etab = siege if len(identifier) == 9 or siege.get("siret") == identifier else None
    if len(identifier) == 14 and etab is None:
        raise CompanyNotFound(identifier)
    company_idcc = tuple((result.get("complements") or {}).get("liste_idcc") or ())
    naf = result.get("activite_principale") or siege.get("activite_principale")
    bracket = result.get("tranche_effectif_salarie")
    return CompanyRecord(
        siren=siren,
        siret=(etab or {}).get("siret"),
        name=result.get("nom_complet") or "",
        naf=naf,
        naf_label=naf_label(naf),
        headcount_bracket=bracket,
        headcount_label=HEADCOUNT_BRACKETS.get(bracket or ""),
        headcount_year=result.get("annee_tranche_effectif_salarie"),
        liste_idcc=tuple((etab or {}).get("liste_idcc") or ()) or company_idcc,
        liste_idcc_entreprise=company_idcc,
        etat_administratif=result.get("etat_administratif"),
        fetched_at=fetched_at,
        address=siege.get("adresse") or None,
    )


def _retry_after_s(raw: str | None, now: float) -> float | None:
    """Retry-After as seconds: an integer, or an HTTP date (RFC 9110)."""
    if not raw:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        return max(0.0, parsedate_to_datetime(raw).timestamp() - now)
    except (TypeError, ValueError):
        return None


class RegistryClient:
    """GET {base_url}/search?q=<siret|siren>; one short retry on 429 if the time budget allows."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float,
        contact: str,
        budget_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._base = base_url.rstrip("/")
        self._timeout = timeout_s
        self._ua = f"{PRODUCT} (+{contact})" if contact else PRODUCT
        # The lookup's whole time budget: first try, the wait and the retry must fit in it.
        self._budget = budget_s if budget_s is not None else 2 * timeout_s + MAX_RETRY_AFTER_S
        self._clock = clock
        self._sleep = sleep

    @property
    def user_agent(self) -> str:
        return self._ua

    def lookup(self, identifier: str) -> CompanyRecord:
        """The company for a SIRET (14 digits) or SIREN (9 digits)."""
        ident = _clean_digits(identifier)
        if len(ident) not in (9, 14):
            raise CompanyNotFound(identifier)
        started = self._clock()
        try:
            payload = self._get(ident)
        except RegistryUnavailable as exc:
            wait = exc.retry_after_s
            spent = self._clock() - started
            if wait is None or wait > MAX_RETRY_AFTER_S or spent + wait + self._timeout > self._budget:
                raise
            self._sleep(wait)
            payload = self._get(ident)
        try:
            return record_from_payload(payload, ident, fetched_at=datetime.now(UTC))
        except (ValidationError, AttributeError, TypeError) as exc:
            raise RegistryUnavailable("invalid_payload") from exc

    def _get(self, ident: str) -> dict[str, Any]:
        url = f"{self._base}/search?" + urllib.parse.urlencode({"q": ident, "per_page": 1})
        # The base URL is an https URL from the settings, never user input.
        request = urllib.request.Request(url, headers={"User-Agent": self._ua, "Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as resp:  # noqa: S310 (see above)
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc) from exc
        except TimeoutError as exc:
            raise RegistryUnavailable("timeout") from exc
        except urllib.error.URLError as exc:
            timed_out = isinstance(exc.reason, (TimeoutError, socket.timeout))
            raise RegistryUnavailable("timeout" if timed_out else "network") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise RegistryUnavailable("network") from exc
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise RegistryUnavailable("invalid_json") from exc
        if not isinstance(payload, dict):
            raise RegistryUnavailable("invalid_json")
        return payload

    def _http_error(self, exc: urllib.error.HTTPError) -> RegistryError:
        exc.close()
        if exc.code == 404:
            return CompanyNotFound("404")
        if exc.code == 429:
            wait = _retry_after_s(exc.headers.get("Retry-After"), time.time())
            return RegistryUnavailable("rate_limited", retry_after_s=wait)
        return RegistryUnavailable(f"http_{exc.code}")


def registry_client() -> RegistryClient:
    from chalicelib.config import settings

    cfg = settings()
    return RegistryClient(
        cfg.registry_url, timeout_s=cfg.registry_timeout_s, contact=cfg.registry_contact or cfg.sender_email
    )
