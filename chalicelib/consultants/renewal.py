"""Session renewal with Cognito's refresh token: where it lives, how long, and where it may return to.

The ID token (the session) lives an hour; signing in again means the password and a TOTP code.
The callback therefore also keeps Cognito's refresh token, in its own cookie that only the two
routes needing it ever receive (Path=AUTH_PATH: renewal and sign-out, which revokes it). When a
page is asked for with an expired or soon-expiring session, the gate sends the browser to
REFRESH_PATH with the page as `next`; that route exchanges the refresh token and comes back.

Pure: no Chalice, no I/O (the gate in auth.py and the routes in signin.py both use it).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

REFRESH_COOKIE = "consultant_refresh"
AUTH_PATH = "/consultants/auth"
REFRESH_PATH = f"{AUTH_PATH}/refresh"
SIGN_OUT_PATH = f"{AUTH_PATH}/deconnexion"
# The app client's RefreshTokenValidity (infra/platform.json: 12 hours, a working day);
# tests/unit/consultants/test_renewal.py ties the two. After it, sign-in with MFA again.
REFRESH_MAX_AGE_S = 12 * 3600
# A page asked for with less than this left renews first, so a form opened now can still be
# sent in a few minutes (a POST is never renewed: it would lose its body on the way).
RENEW_BEFORE_S = 5 * 60
HOME = "/consultants"
_MAX_NEXT = 2000


def safe_next(value: str | None) -> str:
    """`value` when it is a path of the consultant workspace on this site, else the workspace's home.

    No open redirect: no scheme, no host, no `//` or backslash (browsers read `/\\evil` as
    `//evil`), no control characters or spaces, no `..`, and nothing under AUTH_PATH (a renewal
    must not come back to itself)."""
    if not value or len(value) > _MAX_NEXT or any(c <= " " or c in "\\\x7f" for c in value):
        return HOME
    try:
        parts = urlsplit(value)
    except ValueError:
        return HOME
    path = parts.path
    if parts.scheme or parts.netloc or parts.fragment or "//" in path or ".." in path.split("/"):
        return HOME
    if not (path == HOME or path.startswith(f"{HOME}/")) or path == AUTH_PATH or path.startswith(f"{AUTH_PATH}/"):
        return HOME
    return value


def renewal_url(path: str, query: dict[str, str] | None) -> str:
    """REFRESH_PATH with the page asked for (and its query) as `next`."""
    target = f"{path}?{urlencode(query)}" if query else path
    return f"{REFRESH_PATH}?{urlencode({'next': target})}"
