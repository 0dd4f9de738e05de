"""Settings from the environment, read lazily (never at import time).

Every environment variable the app reads is named here and nowhere else: a field's name,
upper-cased (matched case-insensitively), unless it names its variable with an alias.

A plain pydantic model fed from os.environ rather than pydantic-settings: importing
pydantic-settings (its dotenv, CLI and cloud-secret sources) cost ~0.1 s of every cold
start, and every field here is a scalar (docs/benchmarks.md, "API cold start").
"""

from __future__ import annotations

import functools
import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    # No default: a deployment that does not say its stage must not run as `local` (startup.py).
    stage: Literal["local", "dev", "prod", "test"]
    aws_region: str = Field(default="eu-west-3", validation_alias="aws_default_region")
    table_name: str = "opco-dossier-local"
    bucket_name: str = "opco-dossier-local"
    # The client bucket (Object Lock): signed documents (write-once) and uploaded OPCO decisions.
    client_bucket_name: str = "opco-dossier-local-client"
    # How long a signed document stays locked (COMPLIANCE mode): 5 years, the limitation period of
    # contractual claims (Code civil art. 2224). docs/client.md says why.
    signed_retention_days: int = Field(default=1825, ge=1, le=3650)
    # Requests per IP and hour on the client pages (personal links); 0 means off.
    client_rate_limit_per_hour: int = 300
    jobs_queue_url: str = ""
    dead_letter_queue_url: str = ""
    # Public base URL of the site, used in redirects and emails ("" = relative).
    public_base_url: str = ""
    # Secrets Manager ids (ARN in AWS, name locally) of the form token's HMAC key and of Turnstile's
    # secret, never their values: chalicelib/secret_store.py fetches them.
    form_token_secret: str = ""
    # A form sent sooner than this after the page was served is a bot's (anti-spam).
    form_min_fill_seconds: float = 3.0
    form_token_max_age_hours: float = 24.0
    # Comma-separated list of website origins allowed to post the form.
    cors_origins: str = ""
    lead_retention_days: int = 3 * 365
    # Consultants' notification address and sender (SES).
    notify_email: str = ""
    sender_email: str = ""
    # Company registry lookup (API Recherche d'entreprises).
    registry_enabled: bool = False
    registry_url: str = "https://recherche-entreprises.api.gouv.fr"
    registry_timeout_s: float = 3.0
    # Contact put in the registry's User-Agent (URL or email); defaults to sender_email.
    registry_contact: str = ""
    # Per-IP rate limit on POST /leads; 0 means off.
    rate_limit_per_hour: int = 0
    turnstile_secret: str = ""  # empty: Turnstile off
    turnstile_site_key: str = ""
    turnstile_timeout_s: float = 3.0
    turnstile_url: str = "https://challenges.cloudflare.com/turnstile/v0/siteverify"
    # Consultant sign-in: Cognito in AWS, a local key pair in the local stage.
    # jwt_issuer: https://cognito-idp.<region>.amazonaws.com/<pool id>; jwt_audience: the app client id
    # (Cognito ID tokens carry it as `aud`); jwks_url: <issuer>/.well-known/jwks.json.
    jwt_issuer: str = ""
    jwt_audience: str = ""
    jwks_url: str = ""
    # Only read when STAGE=local: the key pair scripts/local_stack.py generates (git-ignored).
    local_jwt_private_key_file: str = ""
    # Cognito hosted UI (authorization-code flow with PKCE): https://<prefix>.auth.<region>.amazoncognito.com
    # ("" = no hosted sign-in). The app client id is jwt_audience; the callback is
    # <public_base_url>/consultants/callback, the sign-out return <public_base_url>/consultants/connexion.
    cognito_domain: str = ""
    cognito_timeout_s: float = 5.0
    session_max_age_s: int = Field(default=8 * 3600, ge=300, le=12 * 3600)
    # Presigned download URLs: 10 minutes at most (dossier/storage.py PRESIGN_MAX_S, the API's policy).
    presign_expiry_s: int = Field(default=600, ge=60, le=600)
    # The `environment` dimension of every metric: the CloudFormation stack name in AWS.
    metrics_environment: str = "local"
    # boto3 read timeout; the local stage raises it: moto answers a burst far slower than AWS.
    client_read_timeout_s: float = 10.0

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@functools.cache
def settings() -> Settings:
    return Settings.model_validate({name.lower(): value for name, value in os.environ.items()})


def in_lambda() -> bool:
    """True inside a Lambda function (its runtime sets this variable), not in `chalice package`,
    which imports app.py to read the routes, nor in tests and scripts."""
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def lambda_handler() -> str:
    """The handler the Lambda runtime loads ("app.app" for the API function), "" elsewhere."""
    return os.environ.get("_HANDLER", "")


def reset() -> None:
    """Forget cached settings (tests change the environment)."""
    settings.cache_clear()
