"""Fail closed: a deployed stage refuses to start without its stage, its secrets and its CORS origins.

app.py calls check() when a function loads it: every function's handler is `app.<name>`. A
misconfigured API (handler app.app) logs one clear line and raises, so its init fails and it serves
no traffic (API Gateway answers 502) instead of running with a public form key, or with no allowed
website origin. Every function checks its settings; only the API also reads its secrets at init (the
worker, the schedules and the authorizer read theirs on first use).
"""

from __future__ import annotations

from pydantic import ValidationError

from chalicelib.config import Settings, in_lambda, lambda_handler, settings

DEPLOYED_STAGES = ("dev", "prod")
API_HANDLER = "app.app"  # Chalice's API function; the others are app.<function name>
SECRET_ARN_PREFIX = "arn:aws:secretsmanager:"  # noqa: S105 (a prefix, not a secret)


def problems(s: Settings) -> list[str]:
    """What keeps this configuration from starting (empty: it may start)."""
    if s.stage not in DEPLOYED_STAGES:
        return []
    found = []
    if not s.form_token_secret.startswith(SECRET_ARN_PREFIX):
        found.append("FORM_TOKEN_SECRET must be the ARN of its Secrets Manager secret (not a value)")
    if s.turnstile_secret and not s.turnstile_secret.startswith(SECRET_ARN_PREFIX):
        found.append("TURNSTILE_SECRET must be empty (Turnstile off) or the ARN of its Secrets Manager secret")
    if not s.cors_origin_list:
        found.append("CORS_ORIGINS is empty: no website could post the form")
    elif any(not origin.startswith("https://") for origin in s.cors_origin_list):
        found.append("CORS_ORIGINS must list https:// origins only")
    return found


def _unreadable_secrets() -> list[str]:
    """The API reads its secrets at init (it needs them for nearly every request, and keeps them):
    a secret it may not or cannot read stops it like a missing one."""
    from chalicelib.secret_store import form_token_secret, turnstile_secret

    try:
        form_token_secret()
        turnstile_secret()
    except Exception as exc:
        return [f"its secrets cannot be read from Secrets Manager ({type(exc).__name__})"]
    return []


def check() -> None:
    from chalicelib.observability import logger

    if not in_lambda():  # `chalice package` imports app.py without the functions' environment
        return
    try:
        found = problems(settings())
    except ValidationError as exc:  # STAGE has no default: a deployment must say which it is
        found = [f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()]
    if not found and lambda_handler() == API_HANDLER:
        found = _unreadable_secrets()
    if found:
        message = "refusing to start, configuration incomplete: " + "; ".join(found)
        logger.critical(message)
        raise RuntimeError(message)
