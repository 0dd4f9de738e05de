"""Fail closed: outside the local stage the app refuses to start without its stage, its secrets
and its CORS origins (one clear log line, no handler loaded), as a Lambda's init would."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

ARN = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:FormTokenSecret-AbCdEf"
COMPLETE = {"STAGE": "prod", "FORM_TOKEN_SECRET": ARN, "CORS_ORIGINS": "https://www.example.fr"}


def _load_app(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=ROOT,
        # What the Lambda runtime sets: the check runs in a function, not in `chalice package`.
        env={
            **base,
            "AWS_DEFAULT_REGION": "eu-west-3",
            "AWS_LAMBDA_FUNCTION_NAME": "opco-dossier-prod-APIHandler",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def _refusal(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode != 0, "the app started"
    [line] = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{") and "refusing to start" in x]
    assert line["level"] == "CRITICAL"
    return str(line["message"])


def test_a_complete_deployed_configuration_starts() -> None:
    out = _load_app(COMPLETE)
    assert out.returncode == 0, out.stderr[-2000:]


@pytest.mark.parametrize(
    "change,named",
    [
        ({"STAGE": None}, "STAGE"),
        ({"FORM_TOKEN_SECRET": None}, "FORM_TOKEN_SECRET"),
        ({"FORM_TOKEN_SECRET": "a-secret-value-pasted-in-the-environment"}, "FORM_TOKEN_SECRET"),
        ({"TURNSTILE_SECRET": "0x4AAAA-plain-value"}, "TURNSTILE_SECRET"),
        ({"CORS_ORIGINS": None}, "CORS_ORIGINS"),
        ({"CORS_ORIGINS": "http://www.example.fr"}, "CORS_ORIGINS"),
    ],
)
def test_a_deployment_missing_a_setting_refuses_to_start_and_says_which(
    change: dict[str, str | None], named: str
) -> None:
    env = {k: v for k, v in {**COMPLETE, **change}.items() if v is not None}
    message = _refusal(_load_app(env))
    assert named in message
    assert "a-secret-value" not in message and "0x4AAAA" not in message  # a misplaced secret is not logged


def test_the_local_stage_starts_without_secrets() -> None:
    assert _load_app({"STAGE": "local"}).returncode == 0


def test_the_api_refuses_to_start_when_it_cannot_read_its_secret() -> None:
    # The API function (handler app.app) reads its secrets at init; here Secrets Manager is unreachable.
    env = {**COMPLETE, "_HANDLER": "app.app", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    env |= {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_MAX_ATTEMPTS": "1"}
    assert "secrets cannot be read" in _refusal(_load_app(env))
