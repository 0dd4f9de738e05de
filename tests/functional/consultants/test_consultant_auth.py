"""Every consultant route denies by default: no token, expired, foreign key, alg none, other audience."""

from __future__ import annotations

import json
import time

import pytest

from tests.functional.consultants.conftest import ORIGIN

PUBLIC = {
    ("/", "GET"),
    ("/merci", "GET"),
    ("/leads", "POST"),
    ("/opco", "GET"),
    ("/leads", "OPTIONS"),
    ("/opco", "OPTIONS"),
    ("/form-token", "GET"),
    ("/embed.js", "GET"),
    ("/static/form.js", "GET"),
    ("/openapi.json", "GET"),
    ("/consultants/connexion", "GET"),
    ("/consultants/connexion/cognito", "GET"),
    ("/consultants/callback", "GET"),
    ("/consultants/auth/refresh", "GET"),
    ("/consultants/auth/deconnexion", "POST"),
    ("/consultants/dev/connexion", "GET"),
    ("/consultants/dev/connexion", "POST"),
    # The client space: gated by the personal link's token instead (tests/functional/client).
    ("/client-static/client.js", "GET"),
    ("/client/{token}", "GET"),
    ("/client/{token}/documents/{name}", "GET"),
    ("/client/{token}/signature", "POST"),
    ("/client/{token}/depot", "POST"),
    ("/client/{token}/decision", "POST"),
    ("/client/{token}/decision/fichier", "POST"),
    ("/client/{token}/decision/recue", "GET"),
    ("/client/{token}/rappels/arret", "GET"),
    ("/client/{token}/rappels/arret", "POST"),
    ("/client/{token}/rappels", "POST"),
}
LEAD_ID = "01k0000000000000000000000a"


def _protected_routes():
    from app import app

    for path, methods in sorted(app.routes.items()):
        for method, entry in methods.items():
            if (path, method) not in PUBLIC:
                yield path, method, entry


def _call(client, path: str, method: str, entry, headers: dict[str, str]):
    url = path.replace("{lead_id}", LEAD_ID).replace("{name}", "dossier.zip")
    form = "application/x-www-form-urlencoded" in (entry.content_types or [])
    body = "status=accord&rev=0" if form else json.dumps({"rev": 0})
    headers = {**headers, "Content-Type": "application/x-www-form-urlencoded" if form else "application/json"}
    return client.http.request(method, url, headers=headers, body=body.encode() if method != "GET" else b"")


def _bad_tokens(c) -> dict[str, str]:
    past = int(time.time()) - 3600
    return {
        "expired": c.token(iat=past - 600, exp=past),
        "other key": c.token(key="other"),
        "alg none": c.token(alg="none"),
        "other audience": c.token(aud="another-app-client"),
        "access token": c.token(token_use="access"),
        "other issuer": c.token(iss="https://evil.example"),
    }


def test_every_route_outside_the_public_list_is_a_consultant_route():
    routes = list(_protected_routes())
    assert len(routes) >= 15
    assert all(path.startswith("/consultants") for path, _, _ in routes)
    api = [e for p, _, e in routes if p.startswith("/consultants/api")]
    assert api and all(e.authorizer is not None and e.authorizer.name == "consultant_api_auth" for e in api)


def _to_sign_in_or_renewal(resp) -> bool:
    """A page without a valid session goes to sign-in, or to renewal (which signs in with a refresh
    token or ends at sign-in: tests/functional/consultants/test_session_renewal.py)."""
    location = resp.headers.get("Location", "")
    return resp.status_code == 303 and (
        location == "/consultants/connexion" or location.startswith("/consultants/auth/refresh?next=")
    )


@pytest.mark.parametrize("setup", ["consultants", "local_consultants"])
def test_every_protected_route_refuses_missing_and_bad_tokens(setup, request):
    c = request.getfixturevalue(setup)
    bad = _bad_tokens(c)
    checked = 0
    for path, method, entry in _protected_routes():
        resp = _call(c.client, path, method, entry, {})
        assert resp.status_code in (401, 403) or (method == "GET" and _to_sign_in_or_renewal(resp)), (
            path,
            method,
            "no token",
            resp.status_code,
        )
        for reason, token in bad.items():
            for headers in (c.bearer(token), c.cookie(token)):
                resp = _call(c.client, path, method, entry, headers)
                denied = resp.status_code in (401, 403) or _to_sign_in_or_renewal(resp)
                assert denied, (path, method, reason, list(headers), resp.status_code, resp.body[:200])
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("setup", ["consultants", "local_consultants"])
def test_a_valid_token_passes_the_gates(setup, request):
    c = request.getfixturevalue(setup)
    api = c.client.http.get("/consultants/api/leads", headers=c.bearer())
    assert api.status_code == 200, api.body
    page = c.client.http.get("/consultants", headers=c.cookie())
    assert page.status_code == 200
    assert "Demandes de formation" in page.body.decode()
    missing = c.client.http.get(f"/consultants/api/leads/{LEAD_ID}", headers=c.bearer())
    assert missing.status_code == 404


def test_cookie_form_post_from_another_origin_is_refused(consultants):
    c = consultants
    headers = {**c.cookie(), "Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"}
    resp = c.client.http.post(f"/consultants/leads/{LEAD_ID}/statut", headers=headers, body=b"status=accord&rev=0")
    assert resp.status_code == 403
    no_origin = {k: v for k, v in headers.items() if k != "Origin"}
    assert (
        c.client.http.post(
            f"/consultants/leads/{LEAD_ID}/statut", headers=no_origin, body=b"status=accord&rev=0"
        ).status_code
        == 403
    )
    same = {**headers, "Origin": ORIGIN}
    assert (
        c.client.http.post(
            f"/consultants/leads/{LEAD_ID}/statut", headers=same, body=b"status=accord&rev=0"
        ).status_code
        == 404
    )  # past the gate: unknown lead


def _stage_env(stage: str) -> dict[str, str]:
    from tests.conftest import ROOT

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {**config["environment_variables"], **config["stages"][stage]["environment_variables"]}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_dev_sign_in_cannot_be_served_by_the_dev_and_prod_configurations(stage, aws_env, monkeypatch, local_key_file):
    """Even with a key file lying around, the deployed stages never serve or honour the dev sign-in."""
    from chalice.test import Client

    from app import app
    from chalicelib import config

    assert _stage_env(stage)["STAGE"] == stage
    monkeypatch.setenv("LOCAL_JWT_PRIVATE_KEY_FILE", str(local_key_file))
    monkeypatch.setenv("JWT_ISSUER", "x")
    monkeypatch.setenv("JWT_AUDIENCE", "y")
    config.reset()
    with Client(app, stage_name=stage) as c:
        page = c.http.get("/consultants/dev/connexion")
        post = c.http.post(
            "/consultants/dev/connexion",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body=b"email=eve%40example.com",
        )
        signin = c.http.get("/consultants/connexion")
    config.reset()
    assert page.status_code == 404
    assert post.status_code == 404 and "set-cookie" not in {k.lower() for k in post.headers}
    assert "/consultants/dev/connexion" not in signin.body.decode()


def test_local_stage_signs_in_with_a_secure_cookie_shape(local_consultants):
    c = local_consultants.client
    resp = c.http.post(
        "/consultants/dev/connexion",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=b"email=claire%40formation-ia.example",
    )
    assert resp.status_code == 303
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/consultants" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    page = c.http.get("/consultants", headers={"Cookie": f"consultant_session={token}"})
    assert page.status_code == 200 and "claire@formation-ia.example" in page.body.decode()


def test_session_cookie_is_secure_outside_the_local_stage(consultants):
    from chalicelib.consultants.auth import session_cookie

    assert "; Secure" in session_cookie("t", max_age=60)


def test_chalice_local_runs_the_authorizer_app_py_puts_on_the_api(consultants):
    """`chalice local` (make run, tests/e2e) calls the authorizer before the API Lambda, like API Gateway."""
    from chalice.config import Config
    from chalice.local import ForbiddenError, LocalGateway

    from app import app

    gateway = LocalGateway(app, Config.create(chalice_app=app, lambda_timeout=30))
    with pytest.raises(ForbiddenError):  # raised by the gateway: no view nor middleware ran
        gateway.handle_request("GET", "/consultants/api/leads", consultants.bearer("not-a-token"), b"")
    answer = gateway.handle_request("GET", "/consultants/api/leads", consultants.bearer(), b"")
    assert answer["statusCode"] == 200
