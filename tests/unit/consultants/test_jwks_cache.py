"""The JWKS is fetched at most once a minute, whatever the tokens' kids; unknown kids are cached."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.consultants.jwks import JwksKeys, NotAuthenticated
from tests.jwks import serve_jwks


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def pool_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def served(pool_key: rsa.RSAPrivateKey) -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    with serve_jwks(pool_key.public_key(), "pool-key", hits=hits) as url:
        yield url, hits


def test_a_known_kid_is_served_from_the_cache(served: tuple[str, list[str]]) -> None:
    url, hits = served
    keys = JwksKeys(url, clock=Clock())
    for _ in range(20):
        keys.key("pool-key")
    assert len(hits) == 1


def test_a_flood_of_unknown_kids_refetches_at_most_once_a_minute(served: tuple[str, list[str]]) -> None:
    url, hits = served
    clock = Clock()
    keys = JwksKeys(url, clock=clock)
    keys.key("pool-key")
    for i in range(200):  # forged tokens, each with a new kid, within one minute
        clock.now += 0.25
        with pytest.raises(NotAuthenticated):
            keys.key(f"forged-{i}")
    assert len(hits) == 1  # the first fetch was < 60 s ago: no refetch at all
    clock.now += 61
    with pytest.raises(NotAuthenticated):
        keys.key("rotated-kid")
    assert len(hits) == 2  # one refetch for a kid Cognito may just have rotated in


def test_an_unknown_kid_is_negatively_cached_for_five_minutes(served: tuple[str, list[str]]) -> None:
    url, hits = served
    clock = Clock()
    keys = JwksKeys(url, clock=clock)
    keys.key("pool-key")
    clock.now += 61
    with pytest.raises(NotAuthenticated, match="unknown key id"):
        keys.key("forged")  # refetch allowed, still unknown: remembered
    assert len(hits) == 2
    clock.now += 61
    with pytest.raises(NotAuthenticated, match="cached"):
        keys.key("forged")  # a minute later: refused without a fetch
    assert len(hits) == 2
    with pytest.raises(NotAuthenticated):
        keys.key("another")  # a kid never seen may be a rotation: one refetch
    assert len(hits) == 3
    clock.now += 300
    with pytest.raises(NotAuthenticated, match=r"unknown key id$"):
        keys.key("forged")  # the negative entry expired: looked up again
    assert len(hits) == 4


def test_a_jwks_outage_keeps_the_known_keys_and_retries_later(pool_key: rsa.RSAPrivateKey) -> None:
    hits: list[str] = []
    clock = Clock()
    with serve_jwks(pool_key.public_key(), "pool-key", hits=hits) as url:
        keys = JwksKeys(url, clock=clock, lifespan_s=3600)
        keys.key("pool-key")
    clock.now += 4000  # the cache is stale and the JWKS server is gone
    assert keys.key("pool-key")  # still verifies with the keys it had
    with pytest.raises(NotAuthenticated):
        JwksKeys(url, clock=clock, timeout_s=1).key("pool-key")  # nothing cached: unavailable
