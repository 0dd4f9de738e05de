"""The user pool's public keys (JWKS), fetched over HTTPS and cached in the warm Lambda."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.consultants.rs256 import RSAPublicKey


class NotAuthenticated(Exception):
    pass


class JwksKeys:
    """The pool's RSA public keys by kid, fetched from the JWKS URL and kept for an hour in the
    warm Lambda. An unknown kid (Cognito rotating its keys) triggers a refetch, at most once a
    minute; a kid still unknown after a fetch is remembered for five minutes (negative cache), so
    replaying forged tokens costs no JWKS call at all."""

    MAX_UNKNOWN = 1024  # forgotten all at once when full: a flood of random kids stays bounded

    def __init__(
        self,
        url: str,
        *,
        lifespan_s: float = 3600,
        min_interval_s: float = 60,
        retry_s: float = 5,
        unknown_ttl_s: float = 300,
        timeout_s: float = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url, self.lifespan_s, self.timeout_s = url, lifespan_s, timeout_s
        self.min_interval_s, self.retry_s, self.unknown_ttl_s, self.clock = (
            min_interval_s,
            retry_s,
            unknown_ttl_s,
            clock,
        )
        self._keys: dict[str, RSAPublicKey] = {}
        self._fetched = float("-inf")  # last successful fetch
        self._attempted = float("-inf")  # last fetch, successful or not
        self._unknown: dict[str, float] = {}

    def _fetch(self) -> None:
        import jwt

        from chalicelib.consultants.rs256 import RSAPublicKey

        self._attempted = self.clock()
        try:
            with urllib.request.urlopen(self.url, timeout=self.timeout_s) as response:  # noqa: S310 (configured URL)
                keys = json.load(response).get("keys", [])
            self._keys = {
                k["kid"]: RSAPublicKey.from_jwk(k)
                for k in keys
                if k.get("kty") == "RSA" and k.get("kid") and k.get("alg", "RS256") == "RS256"
            }
        except (OSError, ValueError, KeyError, AttributeError, jwt.InvalidKeyError):
            if not self._keys:
                raise NotAuthenticated("JWKS unavailable") from None
            return  # keep the keys we have; the next attempt waits min_interval_s
        self._fetched = self._attempted
        self._unknown = {k: t for k, t in self._unknown.items() if k not in self._keys}

    def _may_fetch(self) -> bool:
        wait = self.min_interval_s if self._keys else self.retry_s
        return self.clock() - self._attempted >= wait

    def key(self, kid: Any) -> RSAPublicKey:
        if not isinstance(kid, str) or not kid or len(kid) > 200:
            raise NotAuthenticated("no key id")
        now = self.clock()
        if now - self._fetched > self.lifespan_s and self._may_fetch():
            self._fetch()
        if kid not in self._keys:
            if now - self._unknown.get(kid, float("-inf")) < self.unknown_ttl_s:
                raise NotAuthenticated("unknown key id (cached)")
            if self._may_fetch():
                self._fetch()
        if kid not in self._keys:
            if len(self._unknown) >= self.MAX_UNKNOWN:
                self._unknown.clear()
            self._unknown[kid] = self.clock()
            raise NotAuthenticated("unknown key id")
        return self._keys[kid]
