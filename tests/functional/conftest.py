"""Functional fixtures: moto's mock_aws with the deployment's own resource definitions."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto import mock_aws

from tests.conftest import ROOT

AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-3",
    "STAGE": "test",
    "TABLE_NAME": "opco-dossier-local",
    "BUCKET_NAME": "opco-dossier-local",
    "JOBS_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/123456789012/opco-dossier-jobs",
    "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/123456789012/opco-dossier-jobs-dlq",
    "SENDER_EMAIL": "dossiers@formation-ia.example",
    "NOTIFY_EMAIL": "consultants@formation-ia.example",
    "FORM_TOKEN_SECRET": "opco-dossier-local/form-token",  # created by create_resources, read at run time
}


@contextlib.contextmanager
def moto_world(mp: pytest.MonkeyPatch) -> Iterator[None]:
    """The test environment and mock_aws holding the deployment's own table, bucket and queues."""
    # mock_aws does not intercept a custom endpoint: never let the local one leak in.
    mp.delenv("AWS_ENDPOINT_URL", raising=False)
    for k, v in AWS_TEST_ENV.items():
        mp.setenv(k, v)
    from chalicelib import aws, config
    from chalicelib.observability import metrics

    config.reset()
    aws.reset()
    # A test that calls a service outside a handler leaves its metrics buffered; a fresh Lambda starts empty.
    metrics.clear_metrics()
    with mock_aws():
        from scripts.local_stack import create_resources

        create_resources(json.loads((ROOT / "infra" / "resources.json").read_text()))
        yield
    config.reset()
    aws.reset()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch):
    with moto_world(monkeypatch):
        yield


def in_memory_or_real[T](request: pytest.FixtureRequest, fake: Callable[[], T], real: Callable[[], T]) -> T:
    """A contract test's adapter (params "in-memory" and a real one): the fake, or the real adapter
    in moto's world, so every case runs against both."""
    if request.param == "in-memory":
        return fake()
    request.getfixturevalue("aws_env")
    return real()


@pytest.fixture
def client(aws_env):
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as c:
        yield c


@pytest.fixture
def table_items(aws_env):
    def items() -> list[dict]:
        from chalicelib import aws

        return aws.dynamodb().scan(TableName=os.environ["TABLE_NAME"])["Items"]

    return items


def post_json(client: Any, body: Any, headers: dict[str, str] | None = None) -> Any:
    return client.http.post(
        "/leads", headers={"Content-Type": "application/json", **(headers or {})}, body=json.dumps(body)
    )
