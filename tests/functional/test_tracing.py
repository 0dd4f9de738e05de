"""X-Ray through the Powertools Tracer only where it traces: its SDK is not even imported elsewhere."""

from __future__ import annotations

import pytest

from chalicelib.observability import tracing_enabled


@pytest.mark.parametrize(
    "env,expected",
    [
        ({"LAMBDA_TASK_ROOT": "/var/task"}, True),  # dev and prod workers
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),  # the API handler, local
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_CHALICE_CLI_MODE": "true"}, False),  # chalice local
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, False),
        ({}, False),  # outside Lambda: tests, scripts
    ],
)
def test_tracing_follows_powertools_rules(monkeypatch, env, expected):
    for name in ("LAMBDA_TASK_ROOT", "POWERTOOLS_TRACE_DISABLED", "AWS_CHALICE_CLI_MODE", "AWS_SAM_LOCAL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert tracing_enabled() is expected


def test_the_api_handler_is_traced_by_lambda_not_by_the_sdk_in_aws_stages():
    import json

    from tests.conftest import ROOT

    stages = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]
    for stage in ("dev", "prod"):
        functions = stages[stage]["lambda_functions"]
        assert stages[stage]["xray"] is True  # Lambda active tracing: one segment per invocation
        assert functions["api_handler"]["environment_variables"]["POWERTOOLS_TRACE_DISABLED"] == "true"
        assert "environment_variables" not in functions["build_dossier"]  # the worker keeps SDK subsegments
