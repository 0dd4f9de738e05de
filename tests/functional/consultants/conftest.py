"""Consultant fixtures: real RSA keys, a real JWKS over HTTP, tokens shaped like Cognito ID tokens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fake_cognito import FakeCognito, serve_cognito
from tests.jwks import serve_jwks

ISSUER = "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_TESTPOOL"
AUDIENCE = "consultants-app-client"
ORIGIN = "https://consultants.example"


@pytest.fixture(scope="session")
def signing_keys():
    return {name: rsa.generate_private_key(public_exponent=65537, key_size=2048) for name in ("pool", "other")}


@pytest.fixture(scope="session")
def jwks_url(signing_keys):
    with serve_jwks(signing_keys["pool"].public_key(), "pool-key") as url:
        yield url


@dataclass
class Consultants:
    client: Any
    keys: dict
    kid: str

    def token(self, *, key: str = "pool", alg: str = "RS256", **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "sub": "5f0c-consultant",
            "email": "claire@formation-ia.example",
            "iss": ISSUER,
            "aud": AUDIENCE,
            "token_use": "id",
            "iat": now,
            "exp": now + 600,
            **claims,
        }
        if alg == "none":
            return jwt.encode(payload, None, algorithm="none")
        return jwt.encode(payload, self.keys[key], algorithm=alg, headers={"kid": self.kid})

    def bearer(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token()}"}

    def cookie(self, token: str | None = None) -> dict[str, str]:
        return {
            "Cookie": f"consultant_session={token or self.token()}",
            "Host": "consultants.example",
            "Origin": ORIGIN,
        }


def _configure(monkeypatch, **env: str) -> None:
    from chalicelib import config
    from chalicelib.consultants import auth

    env = {"JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE, "PUBLIC_BASE_URL": ORIGIN, **env}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    config.reset()
    auth._jwks_client.cache_clear()


@pytest.fixture
def consultants(aws_env, monkeypatch, signing_keys, jwks_url):
    """The deployed shape (stage dev): keys from the pool's JWKS over HTTP."""
    from chalice.test import Client

    from app import app

    _configure(monkeypatch, JWKS_URL=jwks_url, REGISTRY_ENABLED="false", RATE_LIMIT_PER_HOUR="0")
    with Client(app, stage_name="dev") as c:
        yield Consultants(c, signing_keys, "pool-key")
    from chalicelib import config

    config.reset()


@pytest.fixture
def local_key_file(signing_keys, tmp_path):
    path = tmp_path / "consultant-signing-key.pem"
    path.write_bytes(
        signing_keys["pool"].private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return path


@pytest.fixture
def local_consultants(aws_env, monkeypatch, signing_keys, local_key_file):
    """The local stage: the generated key pair stands in for Cognito."""
    from chalice.test import Client

    from app import app

    _configure(monkeypatch, LOCAL_JWT_PRIVATE_KEY_FILE=str(local_key_file), JWKS_URL="")
    with Client(app, stage_name="local") as c:
        yield Consultants(c, signing_keys, "local")
    from chalicelib import config

    config.reset()


@pytest.fixture
def hosted(aws_env: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The deployed shape with the Cognito hosted UI (tests/functional/consultants/hosted.py)."""
    from chalice.test import Client

    from app import app
    from chalicelib import config
    from tests.functional.consultants.hosted import Hosted

    idp = FakeCognito(
        client_id=AUDIENCE,
        callback_url=f"{ORIGIN}/consultants/callback",
        logout_url=f"{ORIGIN}/consultants/connexion",
        issuer=ISSUER,
    )
    with serve_cognito(idp):
        _configure(monkeypatch, COGNITO_DOMAIN=idp.base_url, JWKS_URL=idp.jwks_url, REGISTRY_ENABLED="false")
        with Client(app, stage_name="dev") as c:
            yield Hosted(c, idp)
    config.reset()
