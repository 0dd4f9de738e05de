"""Settings from the environment, read lazily (never at import time).

Every environment variable the app reads is named here and nowhere else.
"""
from __future__ import annotations

import functools
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    stage: Literal["local", "dev", "prod", "test"] = "local"
    aws_region: str = Field(default="eu-west-3", validation_alias="AWS_DEFAULT_REGION")
    table_name: str = "opco-dossier-local"
    bucket_name: str = "opco-dossier-local"
    jobs_queue_url: str = ""
    dead_letter_queue_url: str = ""
    # Public base URL of the site, used in redirects and emails ("" = relative).
    public_base_url: str = ""
    # HMAC secret for the form token (anti-spam) - set per stage from a secret.
    form_token_secret: str = "local-form-token-secret-not-for-production"
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
    # Per-IP rate limit on POST /leads; 0 means off.
    rate_limit_per_hour: int = 0
    turnstile_secret: str = ""
    turnstile_url: str = "https://challenges.cloudflare.com/turnstile/v0/siteverify"
    # Consultant sign-in: Cognito in AWS, a local key pair in the local stage.
    jwt_issuer: str = ""
    jwt_audience: str = ""
    jwks_url: str = ""
    local_jwt_private_key_file: str = ""
    presign_expiry_s: int = 600
    # boto3 read timeout; the local stage raises it: moto answers a burst far slower than AWS.
    client_read_timeout_s: float = 10.0

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@functools.cache
def settings() -> Settings:
    return Settings()


def reset() -> None:
    """Forget cached settings (tests change the environment)."""
    settings.cache_clear()
