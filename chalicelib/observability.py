"""One Logger, one Metrics, one Tracer for the whole app (Powertools), the Chalice
middleware that wires them into every handler, and the business metrics.

Service and namespace are passed in code: Powertools reads its environment
at import, which is too early for tests and for the local stage.

Logs are JSON, one line per event, correlated by `lead_id` (handlers call
`logger.append_keys(lead_id=...)`); they never carry names, emails, phones or
company names. Metrics are CloudWatch EMF documents printed to stdout and
flushed once per invocation by `observe`. Every metric carries the dimensions
`service` and `environment` (the CloudFormation stack name, so dev and prod
can share an account); `LeadReceived` is also published per `Opco`. Other rooms add
their own with `metrics.add_metric` (RegistryLookupFailed: chalicelib/company/enrich.py).
"""

from __future__ import annotations

import functools
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_lambda_powertools.logging import Logger, correlation_paths
from aws_lambda_powertools.metrics import Metrics, MetricUnit, single_metric

SERVICE = "opco-dossier"
NAMESPACE = "OpcoDossier"
NO_OPCO = "aucun"  # the Opco dimension of leads whose OPCO is unresolved

# The process's own stdout (what Lambda ships to CloudWatch), not whatever sys.stdout
# is when this module is first imported (a test runner's capture object, say).
logger = Logger(service=SERVICE, stream=sys.__stdout__)
metrics = Metrics(service=SERVICE, namespace=NAMESPACE)
# Most API requests (the form page, /opco) emit no metric: that is expected, not worth a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


def _dimensions() -> dict[str, str]:
    from chalicelib.config import settings

    return {"service": SERVICE, "environment": settings().metrics_environment}


def tracing_enabled() -> bool:
    """Powertools' own rule (Tracer._is_tracer_disabled): on in Lambda, off under SAM local,
    `chalice local`, outside Lambda, or when POWERTOOLS_TRACE_DISABLED is truthy."""
    from aws_lambda_powertools.shared.functions import strtobool

    try:
        if strtobool(os.environ.get("POWERTOOLS_TRACE_DISABLED", "false")):
            return False
    except ValueError:
        pass
    return bool(os.environ.get("LAMBDA_TASK_ROOT")) and not (
        os.environ.get("AWS_SAM_LOCAL") or os.environ.get("AWS_CHALICE_CLI_MODE")
    )


@functools.cache
def tracer() -> Any:
    """The Powertools Tracer, created on first use and only where it traces.

    Creating a Tracer imports the X-Ray SDK (about 0.25 s of cold start) even when tracing
    is off, so nothing imports it at module level: see docs/benchmarks.md, "API cold start".
    """
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def _traced(handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """One X-Ray segment per handler where tracing is on (responses never recorded)."""
    if not tracing_enabled():
        return handler
    traced: Callable[[Any, Any], Any] = tracer().capture_lambda_handler(handler, capture_response=False)
    return traced


def observe(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware for every handler (routes and event handlers alike).

    Chalice hands middleware its own event objects, so the Powertools
    decorators (written for `handler(event, context)`) are applied here around
    the original Lambda event: Lambda context and cold start in every log line,
    the API Gateway request id as correlation id, a clean state per invocation,
    one X-Ray segment per handler (responses never recorded: they hold personal
    data), and the metrics flushed even when the handler raises.
    """
    from chalice.app import Request

    is_http = isinstance(event, Request)
    original = event.to_original_event() if is_http else event.to_dict()
    context = event.lambda_context if is_http else event.context

    @logger.inject_lambda_context(
        clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST if is_http else None
    )
    @_traced
    @metrics.log_metrics(default_dimensions=_dimensions())
    def handler(_event: Any, _context: Any) -> Any:
        return get_response(event)

    return handler(original, context)


def _count(name: str, value: float = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def lead_received(opco_code: str | None, *, spam: bool) -> None:
    """A submission was stored: LeadReceived (total and per OPCO), or LeadSpam; OpcoUnresolved."""
    if spam:
        _count("LeadSpam")
        return
    _count("LeadReceived")
    if not opco_code:
        _count("OpcoUnresolved")
    # 11 OPCOs + "aucun": a bounded dimension, published in its own EMF document.
    with single_metric(
        name="LeadReceived", unit=MetricUnit.Count, value=1, namespace=NAMESPACE, default_dimensions=_dimensions()
    ) as metric:
        metric.add_dimension(name="Opco", value=opco_code or NO_OPCO)


def measured_pack_build(build: Callable[[], bool]) -> bool:
    """Run one pack build: PackBuilt + PackBuildMs when it built, PackFailed when it raised."""
    logger.remove_keys(["lead_id"])  # one batch holds several leads: no key from the previous record
    started = time.perf_counter()
    try:
        built = build()
    except Exception as exc:
        _count("PackFailed")
        logger.error("pack build failed", extra=failure_details(exc))
        raise
    if built:
        _count("PackBuilt")
        metrics.add_metric(
            name="PackBuildMs", unit=MetricUnit.Milliseconds, value=round((time.perf_counter() - started) * 1000, 1)
        )
    return built


def leads_waiting_for_pack(count: int) -> None:
    """The sweeper's gauge: leads still without a pack 15 minutes after they arrived."""
    _count("LeadsWaitingForPack", count)


def failure_details(exc: BaseException) -> dict[str, str]:
    """Where and what failed, without the exception's message (it may quote personal data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return {"error": type(exc).__name__, "where": where}
