"""Enrich a lead from the company registry, in the worker (never on the request path).

Cache first (per SIREN, 30 days), then the API. The outcome is recorded on the lead; a missing
IDCC is filled from the registry's conventions (OPCO re-resolved, source "registry"); a declared
IDCC the registry contradicts is kept, with both shown to the consultant. The registry being down,
slow or rate-limited never stops the pack: the lead says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.company.registry import CompanyNotFound, RegistryUnavailable, registry_client
from chalicelib.config import settings
from chalicelib.formats import fr_date
from chalicelib.leads.company_record import CompanyRecord
from chalicelib.leads.model import IdccOpco, Lead, OpcoCheck, RegistryFinding, RegistryIdccs, RegistryStatus
from chalicelib.leads.store_registry import registry_store
from chalicelib.observability import logger, metrics
from chalicelib.opco import OpcoMatch, resolve_opco

if TYPE_CHECKING:
    from chalicelib.ports import CompanyRegistry, RegistryRecords

NOTES = {
    "ok": "Informations vérifiées dans l'annuaire des entreprises le {date}.",
    "not_found": (
        "SIRET introuvable dans l'annuaire des entreprises le {date} (SIRET erroné ou "
        "entreprise non diffusible) : dossier établi sur les informations déclarées."
    ),
    "unavailable": (
        "Annuaire des entreprises indisponible le {date} : dossier établi sur les "
        "informations déclarées ; vérifiez l'IDCC et l'effectif avec le client."
    ),
    "disabled": "Consultation de l'annuaire des entreprises désactivée : informations déclarées seulement.",
}


@dataclass(frozen=True)
class RegistryPorts:
    """What the enrichment uses; tests hand in tests/fakes_storage.py's."""

    client: CompanyRegistry  # the registry's API
    records: RegistryRecords  # its answers cached per SIREN, and the lead's registry fields
    enabled: bool  # the stage's switch (settings.registry_enabled)


def registry_ports() -> RegistryPorts:
    """The real adapters (the API over HTTP, DynamoDB) and the switch: the one place they are wired."""
    return RegistryPorts(registry_client(), registry_store(), settings().registry_enabled)


def enrich_from_registry(lead: Lead, now: datetime, *, ports: RegistryPorts | None = None) -> Lead:
    """The lead with what the registry says recorded on it and stored.

    Looked up once per lead: an answer (ok, not_found) is kept for later pack versions; an
    unavailable registry, or one switched on since, is asked again at the next build.
    """
    ports = ports or registry_ports()
    prior = lead.registry.status if lead.registry else None
    if prior in ("ok", "not_found") or (prior and not ports.enabled):
        return lead
    store = ports.records
    if not ports.enabled:
        return _record(store, lead, _outcome("disabled", now, None), now)
    status, record = _lookup(lead.siret, now, ports.client, store)
    enriched = _apply(lead, record) if record else lead
    logger.info(
        "registry lookup",
        extra={
            "registry_status": status,
            "source": enriched.opco.source if enriched.opco else None,
            "idcc_agrees": enriched.opco_check.agrees if enriched.opco_check else None,
        },
    )
    return _record(store, enriched, _outcome(status, now, record), now)


def _lookup(
    siret: str, now: datetime, client: CompanyRegistry, store: RegistryRecords
) -> tuple[RegistryStatus, CompanyRecord | None]:
    siren = siret[:9]
    cached = store.cached_company(siren, now=now)
    # Cached per SIREN; another establishment of the same company is looked up afresh.
    if cached and cached.get("siret") == siret:
        return "ok", CompanyRecord.model_validate(cached)
    try:
        record = client.lookup(siret)
    except CompanyNotFound:
        return "not_found", None
    except RegistryUnavailable as exc:
        metrics.add_metric(name="RegistryLookupFailed", unit=MetricUnit.Count, value=1)
        logger.warning("registry unavailable", extra={"reason": exc.reason})
        return "unavailable", None
    store.cache_company(siren, record.model_dump(mode="json"), now=now)
    return "ok", record


def _outcome(status: RegistryStatus, now: datetime, record: CompanyRecord | None) -> RegistryFinding:
    note = NOTES[status].format(date=fr_date(now))
    if record and not record.active:
        note += " Attention : l'annuaire indique une entreprise cessée, vérifiez le SIRET avec le client."
    return RegistryFinding(status=status, checked_at=now.isoformat(), note=note, record=record)


def _apply(lead: Lead, record: CompanyRecord) -> Lead:
    """No declared IDCC: the registry's conventions resolve the OPCO. Declared: compare, keep it."""
    if not lead.idcc:
        match = resolve_opco(naf=lead.naf or record.naf, registry_idccs=record.liste_idcc)
        return lead.model_copy(update={"opco": match})
    return lead.model_copy(update={"opco_check": opco_check(lead, record)})


def opco_check(lead: Lead, record: CompanyRecord) -> OpcoCheck | None:
    """Declared IDCC vs the registry's, side by side; None when the registry lists no convention."""
    if not record.liste_idcc:
        return None
    registry_match = resolve_opco(registry_idccs=record.liste_idcc)
    declared = IdccOpco(idcc=lead.idcc, opco=lead.opco_code)
    # A replaced IDCC and its successor are the same convention for this purpose.
    seen = {lead.idcc, *(lead.opco.successor_chain if lead.opco else [])}
    agrees = bool(seen & {*_normalized(record.liste_idcc), *registry_match.successor_chain})
    registry = RegistryIdccs(
        idcc=list(_normalized(record.liste_idcc)), opco=registry_match.opco.code if registry_match.opco else None
    )
    return OpcoCheck(
        declared=declared,
        registry=registry,
        agrees=agrees,
        message=_check_message(declared, registry, agrees, registry_match),
    )


def _normalized(codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c.strip().zfill(4) for c in codes if c.strip().isdigit())


def _check_message(declared: IdccOpco, registry: RegistryIdccs, agrees: bool, match: OpcoMatch) -> str:
    listed = ", ".join(registry.idcc)
    if agrees:
        return f"L'IDCC déclaré ({declared.idcc}) figure dans l'annuaire des entreprises ({listed})."
    text = (
        f"L'IDCC déclaré ({declared.idcc}) diffère de celui de l'annuaire des entreprises ({listed}). "
        "Le dossier suit l'IDCC déclaré ; vérifiez-le sur le bulletin de paie."
    )
    if registry.opco and registry.opco != declared.opco:
        name = match.opco.name if match.opco else registry.opco
        text += f" D'après l'annuaire, l'OPCO serait {name}."
    elif registry.opco:
        text += " L'OPCO reste le même."
    return text


def _record(store: RegistryRecords, lead: Lead, outcome: RegistryFinding, now: datetime) -> Lead:
    return store.record_on_lead(lead.model_copy(update={"registry": outcome}), now=now)
