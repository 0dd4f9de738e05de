"""Signed-in requests that once gave 500s get French 4xx; consultant pages are never framed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.functional.conftest import post_json

API = "/consultants/api/leads"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=W10", "cursor"),
        ("to=9999-12-31", "to"),
        ("from=0001-01-01", "from"),
        ("cursor=" + "A" * 5000, "cursor"),
    ],
)
def test_hostile_list_parameters_are_a_french_400(consultants: Any, query: str, field: str) -> None:
    api = consultants.client.http.get(f"{API}?{query}", headers=consultants.bearer())
    assert api.status_code == 400, api.body
    assert json.loads(api.body)["errors"][0]["field"] == field
    page = consultants.client.http.get(f"/consultants?{query}", headers=consultants.cookie())
    assert page.status_code == 400
    assert any(word in page.body.decode() for word in ("Lien de pagination invalide", "Date hors limites"))
    if field != "cursor":  # the export takes the same filter
        assert consultants.client.http.get(f"{API}.csv?{query}", headers=consultants.bearer()).status_code == 400


@pytest.fixture
def lead_id(consultants: Any, valid_submission: dict[str, Any]) -> str:
    return str(json.loads(post_json(consultants.client, valid_submission).body)["lead_id"])


def _send(consultants: Any, method: str, path: str, body: str) -> Any:
    headers = {**consultants.bearer(), "Content-Type": "application/json"}
    return consultants.client.http.request(method, path, headers=headers, body=body.encode())


@pytest.mark.parametrize("rev", ["1" + "0" * 40, "1e400", '"' + "9" * 5000 + '"', "-1", "true", "1.5"])
def test_a_huge_or_odd_revision_is_refused_in_french(consultants: Any, lead_id: str, rev: str) -> None:
    edit = _send(consultants, "PATCH", f"{API}/{lead_id}", f'{{"rev": {rev}, "trainees": 2}}')
    status = _send(consultants, "POST", f"{API}/{lead_id}/status", f'{{"rev": {rev}, "status": "abandonne"}}')
    for resp in (edit, status):
        assert resp.status_code in (400, 422), resp.body
        assert json.loads(resp.body)["errors"][0]["field"] == "rev"


@pytest.mark.parametrize("depth", [17, 50_000])
def test_a_deeply_nested_body_is_a_french_400(consultants: Any, lead_id: str, depth: int) -> None:
    body = '{"rev": 0, "trainees": ' + "[" * depth + "]" * depth + "}"
    for method, path in (("PATCH", f"{API}/{lead_id}"), ("POST", f"{API}/{lead_id}/status")):
        resp = _send(consultants, method, path, body)
        assert resp.status_code == 400
        assert json.loads(resp.body)["errors"][0]["field"] == "_requete"


def test_consultant_pages_are_never_framed(consultants: Any) -> None:
    signed_in = consultants.client.http.get("/consultants", headers=consultants.cookie()).headers
    sign_in_page = consultants.client.http.get("/consultants/connexion").headers
    for headers in (signed_in, sign_in_page):
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"]
