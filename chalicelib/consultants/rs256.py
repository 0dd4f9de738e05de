"""RS256 verification in pure Python, so the Lambda zip carries no `cryptography` (~5 MB zipped).

PyJWT still does everything but the signature (header, base64, exp/iat/iss/aud, required
claims). This module checks RSASSA-PKCS1-v1_5 signatures with SHA-256 (RFC 8017 §8.2.2) against
public keys read from a JWKS: one modular exponentiation and a constant-time compare with the
expected EMSA-PKCS1-v1_5 encoding. Verification handles no secret, so pure Python is enough.
Signing (the local stage's dev sign-in, the tests) stays with `cryptography`, a dev dependency.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any, NamedTuple

import jwt
from jwt.algorithms import Algorithm

# DER encoding of DigestInfo{sha256, NULL} before the 32-byte digest (RFC 8017 §9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
MIN_MODULUS_BITS = 2048  # Cognito signs with 2048-bit keys; anything shorter is refused


class RSAPublicKey(NamedTuple):
    n: int
    e: int

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> RSAPublicKey:
        if jwk.get("kty") != "RSA" or not jwk.get("n") or not jwk.get("e"):
            raise jwt.InvalidKeyError("not an RSA public key")
        return cls(_b64_int(jwk["n"]), _b64_int(jwk["e"]))


def _b64_int(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


def verify_pkcs1_sha256(key: RSAPublicKey, message: bytes, signature: bytes) -> bool:
    """RSASSA-PKCS1-V1_5-VERIFY with SHA-256 (RFC 8017 §8.2.2): True only for a valid signature."""
    k = (key.n.bit_length() + 7) // 8
    digest_info = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    if len(signature) != k or k < len(digest_info) + 11:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    encoded = pow(s, key.e, key.n).to_bytes(k, "big")
    expected = b"\x00\x01" + b"\xff" * (k - len(digest_info) - 3) + b"\x00" + digest_info
    return hmac.compare_digest(encoded, expected)


class RS256Verifier(Algorithm):
    """A PyJWT algorithm that can only verify, with an RSAPublicKey."""

    def prepare_key(self, key: Any) -> RSAPublicKey:
        if not isinstance(key, RSAPublicKey):
            raise jwt.InvalidKeyError("RS256 verification expects an RSAPublicKey")
        if key.n.bit_length() < MIN_MODULUS_BITS or key.e < 3 or key.e % 2 == 0:
            raise jwt.InvalidKeyError("RSA key too weak")
        return key

    def sign(self, msg: bytes, key: Any) -> bytes:
        raise NotImplementedError("verification only: consultant tokens are signed by Cognito")

    def verify(self, msg: bytes, key: RSAPublicKey, sig: bytes) -> bool:
        return verify_pkcs1_sha256(key, msg, sig)

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
        jwk = {"kty": "RSA", "n": _b64(key_obj.n), "e": _b64(key_obj.e)}
        return jwk if as_dict else json.dumps(jwk)

    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> RSAPublicKey:
        return RSAPublicKey.from_jwk(json.loads(jwk) if isinstance(jwk, str) else jwk)


def _b64(value: int) -> str:
    return base64.urlsafe_b64encode(value.to_bytes((value.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


def decoder() -> jwt.PyJWT:
    """A PyJWT whose only algorithm is RS256Verifier, whatever PyJWT's global registry holds
    (with `cryptography` installed, the global RS256 would expect a cryptography key)."""
    decoder = jwt.PyJWT()
    jws = getattr(decoder, "_jws", None)  # PyJWT 2.15: the PyJWS each PyJWT instance verifies with
    if not isinstance(jws, jwt.PyJWS):  # never fall back to the global registry (it may hold other algorithms)
        raise RuntimeError(f"PyJWT {jwt.__version__} has no per-instance PyJWS: keep the range in requirements.txt")
    for alg in jws.get_algorithms():
        jws.unregister_algorithm(alg)
    jws.register_algorithm("RS256", RS256Verifier())
    return decoder
