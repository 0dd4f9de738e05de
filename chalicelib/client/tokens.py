"""Personal links: opaque tokens, stored hashed. Pure.

A token is HMAC-SHA256(key, nonce) in base64url (43 characters): it carries neither personal data
nor the lead id. The table keeps the nonce and the token's SHA-256, never the token: a copy of the
table alone opens no dossier, yet the reminders job (which holds the key) can write the same link
again in a reminder. A new link draws a new nonce, so the old token stops matching (revocation).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

LINK_VALIDITY = timedelta(days=60)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(secret: str, nonce: str) -> str:
    key = hashlib.sha256(f"client-link:{secret}".encode()).digest()
    digest = hmac.new(key, nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    """What the table stores and looks up: the token has 256 random bits, a plain SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    """A token that cannot be one of ours is refused before any lookup."""
    return bool(TOKEN_RE.fullmatch(token))


def expiry(issued_at: datetime) -> datetime:
    return issued_at + LINK_VALIDITY
