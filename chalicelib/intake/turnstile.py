"""Cloudflare Turnstile verification (optional: only when TURNSTILE_SECRET is set).

https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
A failed challenge marks the submission as spam (stored, reviewable). When Cloudflare cannot be
reached we fail open: the lead is kept as a person's and the outage is logged, because losing a
real client costs more than reviewing one extra spam.

A passed challenge also names the hostname of the page it was solved on: a token solved on
another site (a farm of solved challenges for our public site key) fails when that hostname is
not ours (the site's public URL and the website origins allowed to post the form).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

RESPONSE_FIELD = "cf-turnstile-response"


def verify_turnstile(
    token: Any,
    *,
    secret: str,
    url: str,
    remote_ip: str | None,
    timeout_s: float,
    hostnames: frozenset[str] = frozenset(),
) -> str:
    """`passed`, `failed` or `unavailable`; with `hostnames`, a pass solved elsewhere fails."""
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
    if not isinstance(outcome, dict) or outcome.get("success") is not True:
        return "failed"
    if hostnames and str(outcome.get("hostname", "")).lower() not in hostnames:
        return "failed"
    return "passed"
