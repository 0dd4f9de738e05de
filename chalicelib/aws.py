"""The only place that creates boto3 clients: lazy, cached, resettable.

boto3 is imported inside the getters so pure modules importing this file
stay free of it, and clients are never created at import time (tests swap
the environment before the first call; see DESIGN.md section 6).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from chalicelib.config import settings


@functools.cache
def _session() -> Any:
    import boto3

    return boto3.session.Session(region_name=settings().aws_region)


# Clients that replace the cached ones (tests hand in a client that fails: see override()).
_overrides: dict[str, Any] = {}


def client(service: str) -> Any:
    return _overrides.get(service) or _client(service)


@functools.cache
def _client(service: str) -> Any:
    from botocore.config import Config

    # AWS_ENDPOINT_URL (the local moto server) is honoured by botocore itself.
    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=3,
        read_timeout=settings().client_read_timeout_s,
    )
    return _session().client(service, config=config)


def dynamodb() -> Any:
    return client("dynamodb")


def s3() -> Any:
    return client("s3")


def sqs() -> Any:
    return client("sqs")


def ses() -> Any:
    return client("ses")


@contextlib.contextmanager
def override(service: str, replacement: Any) -> Iterator[Any]:
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
