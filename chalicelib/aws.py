"""The only place that creates boto3 clients: lazy, cached, resettable.

boto3 is imported inside the getters so pure modules importing this file
stay free of it, and clients are never created at import time: tests swap
the environment (moto, AWS_ENDPOINT_URL) before the first call, then reset().
The typed getters name boto3-stubs' client classes for the type checker only.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal, cast

from chalicelib.config import settings

if TYPE_CHECKING:  # boto3-stubs is a dev dependency: nothing here runs in the Lambda
    import boto3
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sqs import SQSClient


@functools.cache
def _session() -> boto3.session.Session:
    import boto3

    return boto3.session.Session(region_name=settings().aws_region)


# The services the app talks to (a new one is added here and to boto3-stubs' extras).
Service = Literal["dynamodb", "s3", "sqs", "ses", "secretsmanager"]

# Clients that replace the cached ones (tests hand in a client that fails: see override()).
_overrides: dict[str, Any] = {}


def client(service: Service) -> Any:
    return _overrides.get(service) or _client(service)


@functools.cache
def _client(service: Service) -> Any:
    from botocore.config import Config

    # AWS_ENDPOINT_URL (the local moto server) is honoured by botocore itself.
    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=3,
        read_timeout=settings().client_read_timeout_s,
    )
    return _session().client(service, config=config)


def dynamodb() -> DynamoDBClient:
    return cast("DynamoDBClient", client("dynamodb"))


def s3() -> S3Client:
    return cast("S3Client", client("s3"))


def sqs() -> SQSClient:
    return cast("SQSClient", client("sqs"))


def ses() -> SESClient:
    return cast("SESClient", client("ses"))


@contextlib.contextmanager
def override(service: Service, replacement: Any) -> Iterator[Any]:
    """Within the block, every adapter gets `replacement` for `service` (fault injection in tests)."""
    previous = _overrides.get(service)
    _overrides[service] = replacement
    try:
        yield replacement
    finally:
        if previous is None:
            _overrides.pop(service, None)
        else:
            _overrides[service] = previous


class _LocalBody:
    """The raw body botocore reads an answer from (AWSResponse.content joins its stream)."""

    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@contextlib.contextmanager
def answered_in_process(boto_client: Any, body: bytes = b"{}") -> Iterator[None]:
    """Within the block, calls on `boto_client` run through the whole SDK (parameter validation,
    serialisation, endpoint resolution, signing, event handlers, the answer's parsing) and get `body`
    with status 200 from here: nothing is sent (SnapStart priming: the SDK's first-call work lands in
    the snapshot; no connection does)."""
    from botocore.awsrequest import AWSResponse
    from botocore.compat import HTTPHeaders

    def answer(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, HTTPHeaders(), _LocalBody(body))

    events = boto_client.meta.events  # the client's own copy: other clients are untouched
    events.register_first("before-send", answer, unique_id="opco-dossier-answered-in-process")
    try:
        yield
    finally:
        events.unregister("before-send", unique_id="opco-dossier-answered-in-process")


def refresh_credentials() -> None:
    """Have botocore renew the session's credentials now if they expired or are about to (SnapStart
    restore: the snapshot may be days old). Under SnapStart they come from Lambda's container
    credentials endpoint, so they are refreshable; static credentials are left as they are."""
    if _session.cache_info().currsize:
        credentials = _session().get_credentials()
        if credentials is not None:
            credentials.get_frozen_credentials()


def reset() -> None:
    """Drop cached clients and overrides (tests start moto, then call this)."""
    _overrides.clear()
    _client.cache_clear()
    _session.cache_clear()
