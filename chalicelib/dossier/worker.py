"""The worker: SQS jobs → pack in S3 → lead updated. And the sweeper that re-sends lost jobs.

Other rooms' jobs share the queue (the client space's signing and upload checks): app.py wires
their handlers with `handles`, so this room imports none of them.

Heavy imports (fpdf, Jinja2) happen inside the functions: app.py imports this
module in every Lambda, including the API's.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.dossier import events
from chalicelib.dossier.events import PackBuilt
from chalicelib.dossier.jobs import DossierJob, dossier_jobs
from chalicelib.leads.model import PackInfo
from chalicelib.leads.store import LeadNotFound, PackAlreadyBuilt, leads_store
from chalicelib.observability import leads_waiting_for_pack, logger, measured_pack_build

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

    from chalicelib.company.enrich import RegistryPorts
    from chalicelib.ports import JobQueue, PackRecords, PackStorage, PackSweep

JOBS_QUEUE = "opco-dossier-jobs"  # app.py subscribes build_dossier; the deployed ARN is set in infra/ (merge template)
SWEEP_AFTER = timedelta(minutes=3)
LATE_AFTER = timedelta(minutes=15)  # LeadsWaitingForPack counts these: an alarm in infra/


def build_dossier(event: Any) -> PartialItemFailureResponse:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    # A batch whose every record fails is answered like any other (all ids listed), not with
    # an exception: one poison message alone must not count as a Lambda error.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event.to_dict(), record_handler=_handle_record, processor=processor, context=event.context
    )


def _handle_record(record: Any) -> None:
    """Build one job; any exception reports this record alone in batchItemFailures.

    Poison jobs (a malformed body, an unknown lead) fail too, on purpose: SQS retries them
    maxReceiveCount times, then the DLQ keeps them, its alarm fires and a person looks
    (docs/reliability.md). The body is never logged: it is not ours to trust.
    """
    measured_pack_build(lambda: _build_job(record))


_kinds: list[tuple[Callable[[str], Any], Callable[[Any], bool]]] = []


def handles[J](parse: Callable[[str], J | None], handler: Callable[[J], bool]) -> None:
    """Another room's jobs on this queue: `parse` answers None for a body not of its kind and raises
    ValueError for a malformed one; `handler` runs a job like build_pack. Idempotent (app.py wires it)."""
    if (parse, handler) not in _kinds:
        _kinds.append((parse, handler))


def _other_job(body: str) -> Callable[[], bool] | None:
    """The handler of the registered kind this body is, ready to run; None for a pack job."""
    for parse, handler in _kinds:
        job = parse(body)
        if job is not None:
            return functools.partial(handler, job)
    return None


def _build_job(record: Any) -> bool:
    try:
        other = _other_job(record.body)
        job = DossierJob.from_body(record.body) if other is None else other
    except ValueError:
        logger.error(
            "poison dossier job: malformed body", extra={"fault": "poison_job", "message_id": record.message_id}
        )
        raise
    if not isinstance(job, DossierJob):  # signing and upload checks share the queue (wired in app.py)
        return job()
    try:
        return build_pack(job)
    except LeadNotFound:
        logger.error(
            "poison dossier job: unknown lead",
            extra={"fault": "poison_job", "message_id": record.message_id, "lead_id": job.lead_id[:64]},
        )
        raise


@dataclass(frozen=True)
class PackPorts:
    """The adapters one pack build uses; tests hand in tests/fakes*.py's (no moto)."""

    store: PackRecords
    storage: PackStorage
    registry: RegistryPorts  # the company registry and its cache (company/enrich.py)
    stage: str  # the organisme's profile printed on the pack (templates/organisme/<stage>.json)
    publish: Callable[[PackBuilt], None] = events.publish


def pack_ports() -> PackPorts:
    """The real adapters (DynamoDB, S3, the registry over HTTP) and the stage. The one place they are wired."""
    from chalicelib.company.enrich import registry_ports
    from chalicelib.config import settings
    from chalicelib.dossier.storage import dossier_storage

    return PackPorts(leads_store(), dossier_storage(), registry_ports(), settings().stage)


def build_pack(job: DossierJob, *, now: datetime | None = None, ports: PackPorts | None = None) -> bool:
    """Build the requested pack version once; return False when there was nothing to do."""
    from chalicelib.company.enrich import enrich_from_registry
    from chalicelib.dossier.content import build_content
    from chalicelib.dossier.organisme import organisme_profile
    from chalicelib.dossier.render import render_pack

    now = now or datetime.now(UTC)
    ports = ports or pack_ports()
    store, storage = ports.store, ports.storage
    logger.append_keys(lead_id=job.lead_id)
    lead = store.get(job.lead_id)
    if not lead.needs_pack or job.pack_version != lead.pack_requested:
        logger.info("dossier job skipped", extra={"pack_version": job.pack_version})
        return False
    # company registry (cached, optional): never blocks the pack
    lead = enrich_from_registry(lead, now, ports=ports.registry)
    content = build_content(
        lead, version=lead.pack_requested, today=now.date(), organisme=organisme_profile(ports.stage)
    )
    files = render_pack(content)
    written = storage.put_pack(lead.id, content.version, files)
    digests = {name: hashlib.sha256(body).hexdigest() for name, body in files.items() if name.endswith(".pdf")}
    pack = PackInfo(version=content.version, built_at=now, keys=written.keys, sha256=digests)
    try:
        store.record_pack(lead.id, pack, now=now)
    except (PackAlreadyBuilt, LeadNotFound):
        if store.get_or_none(lead.id) is None:
            # Erased (GDPR) while we rendered: the erasure may have listed the bucket before our
            # writes, so what we wrote is ours to delete. No retry: there is no lead any more.
            storage.delete_written(written)
            logger.info("lead erased during the build: pack deleted", extra={"pack_version": content.version})
            return False
        logger.info("pack already recorded by another delivery", extra={"pack_version": content.version})
        return False
    logger.info("dossier built", extra={"pack_version": content.version, "files": len(written.keys)})
    store.clear_pending(lead.id, built_version=content.version)
    ports.publish(PackBuilt(lead.id, content.version, now.date()))  # after the conditional record: once per version
    return True


def sweep_stuck_leads(event: Any) -> dict[str, int]:
    """Re-send jobs for leads still waiting for their pack (a lost send, a dead worker)."""
    return sweep(now=datetime.now(UTC))


@dataclass(frozen=True)
class SweepPorts:
    """The adapters the sweeper uses; tests hand in tests/fakes.py's."""

    store: PackSweep
    jobs: JobQueue


def sweep_ports() -> SweepPorts:
    """The real adapters: DynamoDB and SQS."""
    return SweepPorts(leads_store(), dossier_jobs())


def sweep(*, now: datetime, ports: SweepPorts | None = None) -> dict[str, int]:
    ports = ports or sweep_ports()
    sent = late = 0
    for lead in ports.store.waiting_for_pack(created_before=now - SWEEP_AFTER):
        if lead.needs_pack:
            ports.jobs.send(DossierJob(lead.id, lead.pack_requested))
            sent += 1
            late += lead.created_at < now - LATE_AFTER
    sent += _sweep_edited(ports, asked_before=now - SWEEP_AFTER)
    leads_waiting_for_pack(late)
    logger.info("sweep done", extra={"resent": sent, "late": late})
    return {"resent": sent, "late": late}


def _sweep_edited(ports: SweepPorts, *, asked_before: datetime) -> int:
    """Edited leads whose new version was never built (markers written with the edit)."""
    store, sent = ports.store, 0
    for lead_id, _version, asked_at in store.pending_packs():
        try:
            lead = store.get(lead_id)
        except LeadNotFound:
            store.clear_pending(lead_id, built_version=10**9)
            continue
        if not lead.needs_pack:
            store.clear_pending(lead_id, built_version=lead.pack.version if lead.pack else lead.pack_requested)
        elif datetime.fromisoformat(asked_at) < asked_before:
            ports.jobs.send(DossierJob(lead.id, lead.pack_requested))
            sent += 1
    return sent
