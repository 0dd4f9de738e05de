"""Secrets read from AWS Secrets Manager at run time, never from environment variables.

FORM_TOKEN_SECRET and TURNSTILE_SECRET hold a secret's id (its ARN in AWS, its name on the local
moto server), not its value: the value is fetched through Powertools' parameters utility and kept
SECRET_MAX_AGE_S in the warm Lambda, so a rotated secret is picked up within five minutes and a
request costs no Secrets Manager call. Only the functions that read a secret may
`secretsmanager:GetSecretValue` it (.chalice/policy-api.json).
"""

from __future__ import annotations

from typing import Any

from chalicelib import aws
from chalicelib.config import settings

SECRET_MAX_AGE_S = 300
# The local and test stages may run without Secrets Manager (benchmarks, unit-level runs): this
# key is public, so chalicelib/startup.py refuses any other stage without a secret id.
LOCAL_FORM_TOKEN_SECRET = "local-form-token-secret-not-for-production"  # noqa: S105 (public on purpose)

_provider: tuple[Any, Any] | None = None  # (the client it was made with, the SecretsProvider)


def _secrets_provider() -> Any:
    """One provider (and its cache) per Secrets Manager client: a new moto world gets a new one."""
    global _provider
    client = aws.client("secretsmanager")
    if _provider is None or _provider[0] is not client:
        from aws_lambda_powertools.utilities.parameters import SecretsProvider

        _provider = (client, SecretsProvider(boto3_client=client))
    return _provider[1]


def secret_value(secret_id: str) -> str:
    value = _secrets_provider().get(secret_id, max_age=SECRET_MAX_AGE_S)
    if not isinstance(value, str) or not value:
        raise RuntimeError("a configured secret has no string value")
    return value


def form_token_secret() -> str:
    """The HMAC key of the form token, the duplicate fingerprint and the IP and Idempotency-Key hashes."""
    s = settings()
    if s.form_token_secret:
        return secret_value(s.form_token_secret)
    if s.stage in ("local", "test"):
        return LOCAL_FORM_TOKEN_SECRET
    raise RuntimeError("FORM_TOKEN_SECRET is not set")  # startup.py stops such a deployment first


def turnstile_secret() -> str:
    """Cloudflare Turnstile's secret; "" when Turnstile is off (TURNSTILE_SECRET unset)."""
    secret_id = settings().turnstile_secret
    return secret_value(secret_id) if secret_id else ""


def reset() -> None:
    """Forget the provider and its cached values (tests: a new Lambda process, another moto world)."""
    global _provider
    _provider = None
