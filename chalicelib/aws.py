"""The only place that creates boto3 clients: lazy, cached, resettable.

boto3 is imported inside the getters so pure modules importing this file
stay free of it, and clients are never created at import time (tests swap
the environment before the first call; see DESIGN.md section 6).
"""
from __future__ import annotations

import functools
from typing import Any

from chalicelib.config import settings


@functools.cache
def _session() -> Any:
    import boto3

    return boto3.session.Session(region_name=settings().aws_region)


@functools.cache
def client(service: str) -> Any:
    from botocore.config import Config

    # AWS_ENDPOINT_URL (the local moto server) is honoured by botocore itself.
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=3, read_timeout=10)
    return _session().client(service, config=config)


def dynamodb() -> Any:
    return client("dynamodb")


def s3() -> Any:
    return client("s3")


def sqs() -> Any:
    return client("sqs")


def ses() -> Any:
    return client("ses")


def reset() -> None:
    """Drop cached clients (tests start moto, then call this)."""
    client.cache_clear()
    _session.cache_clear()
