"""Anti-spam and duplicate keys of the website door. Pure: the clock and secrets come in.

- The form token is `v1.<epoch milliseconds>.<nonce>.<hmac>`: our form page and GET /form-token sign
  the moment the form was served, so a bot can neither forge it nor post faster than a person.
- IPs, idempotency keys and submission fingerprints are only ever kept as keyed hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

TOKEN_FIELD = "form_token"  # noqa: S105 (a field name)
HONEYPOT_FIELD = "website"
TOKEN_VERSION = "v1"  # noqa: S105 (a format version)
# A clock a little ahead on one Lambda must not make a person's token invalid.
_CLOCK_SKEW_S = 60


@dataclass(frozen=True)
class TokenPolicy:
    secret: str
    min_fill_s: float = 3.0
    max_age_s: float = 24 * 3600


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:32]


def issue_token(secret: str, now_s: float, nonce: str | None = None) -> str:
    # Milliseconds: a fill time measured to the second would be off by up to one.
    payload = f"{TOKEN_VERSION}.{int(now_s * 1000)}.{nonce or secrets.token_hex(8)}"
    return f"{payload}.{_sign(secret, payload)}"


def check_token(token: Any, policy: TokenPolicy, now_s: float) -> str:
    """`valid`, `absent`, `invalid` (forged or malformed), `too_fast` or `expired`."""
    if token is None or token == "":
        return "absent"
    if not isinstance(token, str) or len(token) > 200:
        return "invalid"
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != TOKEN_VERSION or not (parts[1].isascii() and parts[1].isdigit()):
        return "invalid"
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_sign(policy.secret, payload), parts[3]):
        return "invalid"
    age = now_s - int(parts[1]) / 1000
    if age < -_CLOCK_SKEW_S:
        return "invalid"
    if age < policy.min_fill_s:
        return "too_fast"
    if age > policy.max_age_s:
        return "expired"
    return "valid"


SPAM_TOKEN_STATES = frozenset({"invalid", "too_fast", "expired"})


def spam_reasons(
    *, honeypot: Any, token_state: str, turnstile: str | None = None, token_expected: bool = False
) -> tuple[str, ...]:
    """Why a submission is spam (empty = a person).

    A missing token is spam when one was expected: a urlencoded form (our page and /embed.js
    always carry it, a bot replaying the form's fields does not). A JSON call without one (a
    server-side integration) is only recorded as `absent`."""
    reasons: list[str] = []
    if isinstance(honeypot, list):
        honeypot = "".join(str(v) for v in honeypot)
    if honeypot:
        reasons.append("honeypot")
    if token_state in SPAM_TOKEN_STATES or (token_state == "absent" and token_expected):  # noqa: S105 (an outcome)
        reasons.append(f"form_token_{token_state}")
    if turnstile == "failed":
        reasons.append("turnstile")
    return tuple(reasons)


def keyed_hash(secret: str, purpose: str, value: str) -> str:
    """HMAC of a value for one purpose: no personal data ever lands in a key or a log."""
    return hmac.new(f"{purpose}:{secret}".encode(), value.encode(), hashlib.sha256).hexdigest()[:40]


def submission_fingerprint(secret: str, *, siret: str, email: str, trainings: Iterable[str]) -> str:
    """Same SIRET + email + set of trainings → same fingerprint (duplicate detection)."""
    value = "|".join([siret, email.strip().lower(), ",".join(sorted(set(trainings)))])
    return keyed_hash(secret, "dedup", value)
