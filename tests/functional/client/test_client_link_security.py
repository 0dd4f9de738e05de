"""Personal links: expired, revoked, tampered and cross-dossier tokens, rate limit, foreign posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.functional.client.conftest import form, send_to_client

NEW_LINK_ADVICE = "Obtenir un nouveau lien"


def _refused(resp, status: int, title: str) -> None:
    page = resp.body.decode()
    assert resp.status_code == status, (resp.status_code, page[:300])
    assert title in page and NEW_LINK_ADVICE in page
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]


def test_a_tampered_or_malformed_token_gets_a_french_404(local_consultants, sent):
    c = local_consultants.client
    flipped = sent.token[:-1] + ("A" if sent.token[-1] != "A" else "B")
    _refused(c.http.get(f"/client/{flipped}"), 404, "Lien invalide")
    _refused(c.http.get(f"/client/{sent.token[:-3]}"), 404, "Lien invalide")
    _refused(c.http.get(f"/client/{sent.token}'%20OR%201=1"), 404, "Lien invalide")
    _refused(c.http.get(f"/client/{flipped}/documents/devis.pdf"), 404, "Lien invalide")


def test_an_expired_link_gets_a_french_410(local_consultants, sent):
    from chalicelib.leads.store_client import client_store

    store = client_store()
    space = store.space(sent.id)
    past = datetime.now(UTC) - timedelta(days=61)
    link = space.link.model_copy(update={"issued_at": past, "expires_at": past + timedelta(days=60)})
    store.save(space.model_copy(update={"link": link}))
    store.put_link(link.token_hash, sent.id, expires_at=link.expires_at)
    _refused(local_consultants.client.http.get(f"/client/{sent.token}"), 410, "Ce lien a expiré")


def test_a_revoked_link_is_refused_and_a_new_link_replaces_the_old_one(local_consultants, sent, valid_submission):
    c = local_consultants.client
    assert c.http.get(f"/client/{sent.token}").status_code == 200
    resp = form(c, f"/consultants/leads/{sent.id}/client/revoquer", {}, local_consultants.cookie())
    assert resp.status_code == 303
    _refused(c.http.get(f"/client/{sent.token}"), 410, "n'est plus valable")
    assert form(c, f"/consultants/leads/{sent.id}/client/lien", {}, local_consultants.cookie()).status_code == 303
    from tests.functional.client.conftest import LINK, sent_emails

    newest = LINK.search(sent_emails()[-1].body).group(1)
    assert newest != sent.token
    assert c.http.get(f"/client/{newest}").status_code == 200
    _refused(c.http.get(f"/client/{sent.token}"), 410, "n'est plus valable")
    page = c.http.get(f"/consultants/leads/{sent.id}", headers=local_consultants.cookie()).body.decode()
    assert "Lien envoyé" in page and "Ouvert" in page


def test_one_clients_token_never_reaches_another_dossier(local_consultants, sent, valid_submission):
    c = local_consultants.client
    other = send_to_client(
        local_consultants,
        {**valid_submission, "company_name": "Transports Voisins", "email": "direction@transports-voisins.fr"},
    )
    mine = c.http.get(f"/client/{sent.token}").body.decode()
    theirs = c.http.get(f"/client/{other.token}").body.decode()
    assert "Transports Voisins" not in mine and "Transports Voisins" in theirs
    download = c.http.get(f"/client/{sent.token}/documents/devis.pdf").headers["Location"]
    assert f"dossiers/{sent.id}/" in download and other.id not in download
    from chalicelib.leads.store import leads_store

    their_hash = leads_store().get(other.id).pack.sha256["devis.pdf"]
    signed = form(
        c,
        f"/client/{sent.token}/signature",
        {"document": "devis.pdf", "sha256": their_hash, "name": "Camille Martin", "role": "Gérante", "consent": "oui"},
    )
    assert signed.status_code == 422
    from chalicelib.leads.store_client import client_store

    assert client_store().space(other.id).signatures == {} and client_store().space(sent.id).signatures == {}


def test_a_post_from_another_site_is_refused(local_consultants, sent):
    resp = form(
        local_consultants.client,
        f"/client/{sent.token}/depot",
        {"filed_on": "2026-01-01", "opco_file_number": "ATL-1"},
        {"Origin": "https://evil.example", "Host": "consultants.example"},
    )
    assert resp.status_code == 403
    from chalicelib.leads.store_client import client_store

    assert client_store().space(sent.id).filing is None


@pytest.fixture
def low_limit(monkeypatch):
    from chalicelib import config

    monkeypatch.setenv("CLIENT_RATE_LIMIT_PER_HOUR", "5")
    config.reset()
    yield
    config.reset()


def test_the_token_endpoint_is_rate_limited_per_ip(local_consultants, sent, low_limit):
    c = local_consultants.client
    bad = sent.token[:-1] + ("A" if sent.token[-1] != "A" else "B")
    statuses = [c.http.get(f"/client/{bad}").status_code for _ in range(5)]
    assert statuses == [404] * 5
    limited = c.http.get(f"/client/{sent.token}")  # even the right token, once the hour's budget is spent
    assert limited.status_code == 429 and "Trop de demandes" in limited.body.decode()
    assert int(limited.headers["Retry-After"]) > 0


def test_a_closed_lead_opens_no_page(local_consultants, sent):
    import json

    c = local_consultants.client
    rev = json.loads(c.http.get(f"/consultants/api/leads/{sent.id}", headers=local_consultants.bearer()).body)["lead"][
        "rev"
    ]
    c.http.post(
        f"/consultants/api/leads/{sent.id}/status",
        headers={**local_consultants.bearer(), "Content-Type": "application/json"},
        body=json.dumps({"status": "abandonne", "rev": rev, "reason": "projet reporté"}),
    )
    _refused(c.http.get(f"/client/{sent.token}"), 410, "n'est plus valable")


def test_a_form_with_too_many_fields_gets_a_french_answer_on_both_sides_not_a_500(local_consultants, sent):
    c = local_consultants.client
    flood = {f"champ{i}": "x" for i in range(150)}  # over the client's 30 and the consultant's 100
    client_side = form(c, f"/client/{sent.token}/depot", flood)
    assert client_side.status_code == 422
    assert "contient trop de champs" in client_side.body.decode()
    path = f"/consultants/leads/{sent.id}/client/contresigner"
    consultant_side = form(c, path, flood, local_consultants.cookie())
    assert consultant_side.status_code == 422
    assert "contient trop de champs" in consultant_side.body.decode()
