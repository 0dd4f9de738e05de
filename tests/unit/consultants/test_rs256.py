"""The pure-Python RS256 verifier agrees with `cryptography` on genuine and forged signatures."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.consultants.rs256 import RS256Verifier, RSAPublicKey, decoder, verify_pkcs1_sha256


@pytest.fixture(scope="module")
def keys():
    return {name: rsa.generate_private_key(public_exponent=65537, key_size=2048) for name in ("a", "b")}


def public(key) -> RSAPublicKey:
    numbers = key.public_key().public_numbers()
    return RSAPublicKey(numbers.n, numbers.e)


def claims(**extra):
    now = int(time.time())
    return {"sub": "s", "aud": "app", "iss": "pool", "iat": now, "exp": now + 60, **extra}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_signature_made_by_cryptography_verifies(keys):
    message = b"header.payload"
    signature = keys["a"].sign(message, padding.PKCS1v15(), hashes.SHA256())
    assert verify_pkcs1_sha256(public(keys["a"]), message, signature)


@pytest.mark.parametrize(
    "forgery", ["other message", "other key", "sha512", "pss", "flipped bit", "truncated", "modulus", "zero"]
)
def test_forged_signatures_are_refused(keys, forgery):
    message, key = b"header.payload", public(keys["a"])
    good = keys["a"].sign(message, padding.PKCS1v15(), hashes.SHA256())
    signature = {
        "other message": good,
        "truncated": good[:-1],
        "zero": bytes(len(good)),
        "other key": keys["b"].sign(message, padding.PKCS1v15(), hashes.SHA256()),
        "sha512": keys["a"].sign(message, padding.PKCS1v15(), hashes.SHA512()),
        "pss": keys["a"].sign(message, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256()),
        "flipped bit": good[:-1] + bytes([good[-1] ^ 1]),
        "modulus": key.n.to_bytes(len(good), "big"),
    }[forgery]
    assert not verify_pkcs1_sha256(key, b"header.payloaD" if forgery == "other message" else message, signature)


def test_the_decoder_checks_signature_and_claims_of_a_pyjwt_token(keys):
    token = jwt.encode(claims(), keys["a"], algorithm="RS256")
    got = decoder().decode(token, public(keys["a"]), algorithms=["RS256"], audience="app", issuer="pool")
    assert got["sub"] == "s"
    with pytest.raises(jwt.InvalidSignatureError):
        decoder().decode(token, public(keys["b"]), algorithms=["RS256"], audience="app", issuer="pool")
    with pytest.raises(jwt.ExpiredSignatureError):
        decoder().decode(
            jwt.encode(claims(exp=int(time.time()) - 120), keys["a"], algorithm="RS256"),
            public(keys["a"]),
            algorithms=["RS256"],
            audience="app",
            issuer="pool",
        )
    with pytest.raises(jwt.InvalidAudienceError):
        decoder().decode(
            jwt.encode(claims(aud="other"), keys["a"], algorithm="RS256"),
            public(keys["a"]),
            algorithms=["RS256"],
            audience="app",
            issuer="pool",
        )


def test_a_tampered_payload_is_refused(keys):
    header, _, signature = jwt.encode(claims(), keys["a"], algorithm="RS256").split(".")
    payload = _b64(json.dumps(claims(sub="admin")).encode())
    with pytest.raises(jwt.InvalidSignatureError):
        decoder().decode(
            f"{header}.{payload}.{signature}", public(keys["a"]), algorithms=["RS256"], audience="app", issuer="pool"
        )


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512"])
def test_the_decoder_knows_no_other_algorithm(keys, alg):
    key = {"none": None, "HS256": "secret-secret-secret-secret-secret", "RS512": keys["a"]}[alg]
    token = jwt.encode(claims(), key, algorithm=alg)
    with pytest.raises(jwt.InvalidAlgorithmError):
        decoder().decode(token, public(keys["a"]), algorithms=[alg], audience="app", issuer="pool")


def test_weak_or_foreign_keys_are_refused(keys):
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (the weak key under test)
    with pytest.raises(jwt.InvalidKeyError):
        RS256Verifier().prepare_key(public(small))
    with pytest.raises(jwt.InvalidKeyError):
        RS256Verifier().prepare_key(keys["a"].public_key())
    with pytest.raises(jwt.InvalidKeyError):
        RSAPublicKey.from_jwk({"kty": "EC", "x": "AA", "y": "AA"})


def test_a_jwk_round_trips_to_the_same_key(keys):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys["a"].public_key()))
    assert RS256Verifier.from_jwk(jwk) == public(keys["a"])
    assert RS256Verifier.from_jwk(RS256Verifier.to_jwk(public(keys["a"]))) == public(keys["a"])


def test_the_installed_pyjwt_is_in_the_pinned_range_and_the_decoder_builds(keys):
    from pathlib import Path

    from packaging.requirements import Requirement

    line = next(
        ln for ln in (Path(__file__).parents[3] / "requirements.in").read_text().splitlines() if ln.startswith("PyJWT")
    )
    spec = Requirement(line).specifier
    assert spec and not any(s.operator == "==" for s in spec)  # a range, bounded above
    assert any(s.operator == "<" for s in spec) and jwt.__version__ in spec
    d = decoder()
    assert d._jws.get_algorithms() == ["RS256"]  # RS256Verifier only, whatever the global registry holds
    token = jwt.encode(claims(), keys["a"], algorithm="RS256")
    assert d.decode(token, public(keys["a"]), algorithms=["RS256"], audience="app", issuer="pool")["sub"] == "s"
