"""Cloudflare Turnstile verification (optional: only when TURNSTILE_SECRET is set).

https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
A failed challenge marks the submission as spam (stored, reviewable). When Cloudflare cannot be
reached we fail open: the lead is kept as a person's and the outage is logged, because losing a
real client costs more than reviewing one extra spam.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

RESPONSE_FIELD = "cf-turnstile-response"


def verify_turnstile(token: Any, *, secret: str, url: str, remote_ip: str | None, timeout_s: float) -> str:
    """`passed`, `failed` or `unavailable`."""
    if isinstance(token, list):
        token = token[0] if len(token) == 1 else None
    if not isinstance(token, str) or not token or len(token) > 2048:
        return "failed"
    form = {"secret": secret, "response": token}
    if remote_ip:
        form["remoteip"] = remote_ip
    # The URL is the configured https endpoint of Turnstile, never user input.
    req = urllib.request.Request(  # noqa: S310
        url,
        data=urllib.parse.urlencode(form).encode(),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310 (see above)
            outcome = json.loads(resp.read())
    except (OSError, ValueError):
        return "unavailable"
    return "passed" if isinstance(outcome, dict) and outcome.get("success") is True else "failed"
