"""Screen a valid submission before storing it: form token, honeypot, Turnstile, provenance.

Spam is not refused: it is stored with status `spam` and the same answer a person gets, so bots
learn nothing and a consultant can still rescue a false positive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.config import settings
from chalicelib.intake.antispam import HONEYPOT_FIELD, TOKEN_FIELD, TokenPolicy, check_token, keyed_hash, spam_reasons
from chalicelib.intake.tracking import referring_page, utm_parameters
from chalicelib.intake.turnstile import RESPONSE_FIELD, verify_turnstile
from chalicelib.leads.model import Provenance
from chalicelib.observability import logger
from chalicelib.secret_store import form_token_secret, turnstile_secret


def token_policy() -> TokenPolicy:
    s = settings()
    return TokenPolicy(
        secret=form_token_secret(), min_fill_s=s.form_min_fill_seconds, max_age_s=s.form_token_max_age_hours * 3600
    )


def source_ip(request: Any) -> str:
    return ((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown"


def ip_hash(ip: str) -> str:
    return keyed_hash(form_token_secret(), "ip", ip)


def _scalar(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def site_hostnames() -> frozenset[str]:
    """Where our challenges are solved: the site's public URL and the website origins."""
    from urllib.parse import urlsplit

    s = settings()
    urls = [*s.cors_origin_list, s.public_base_url]
    return frozenset(host.lower() for u in urls if u and (host := urlsplit(u).hostname))


def _turnstile(data: Mapping[str, Any], ip: str) -> str | None:
    s = settings()
    secret = turnstile_secret()
    if not secret:
        return None
    outcome = verify_turnstile(
        data.get(RESPONSE_FIELD),
        secret=secret,
        url=s.turnstile_url,
        remote_ip=ip,
        timeout_s=s.turnstile_timeout_s,
        hostnames=site_hostnames(),
    )
    if outcome == "unavailable":
        logger.warning("turnstile verification unavailable; submission kept as a person's")
    return outcome


def screen(
    data: Mapping[str, Any], *, referer: str | None, ip: str, now_s: float, from_form: bool = False
) -> Provenance:
    token_state = check_token(_scalar(data.get(TOKEN_FIELD)), token_policy(), now_s)
    reasons = spam_reasons(
        honeypot=data.get(HONEYPOT_FIELD),
        token_state=token_state,
        turnstile=_turnstile(data, ip),
        token_expected=from_form,
    )
    page = referring_page(data, referer)
    if reasons:
        logger.info("submission marked as spam", extra={"spam_reasons": list(reasons)})
    return Provenance(
        referrer=page, utm=utm_parameters(data, page), form_token=token_state, ip_hash=ip_hash(ip), spam_reasons=reasons
    )
