"""POST /leads, GET /opco, the form page: through chalice.test.Client against moto."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.functional.conftest import post_json


def test_json_submission_is_stored_queued_and_acknowledged(client, table_items, valid_submission):
    resp = post_json(client, valid_submission)
    assert resp.status_code == 201
    body = json.loads(resp.body)
    assert body["status"] == "recu"
    assert body["opco"] == {"code": "atlas", "name": "Atlas", "confidence": "high", "source": "idcc"}
    leads = [i for i in table_items() if i["sk"]["S"] == "LEAD"]
    assert [i["id"]["S"] for i in leads] == [body["lead_id"]]
    from chalicelib import aws
    from chalicelib.config import settings

    msgs = aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url).get("Messages", [])
    assert json.loads(msgs[0]["Body"]) == {"lead_id": body["lead_id"], "pack_version": 1}


def test_html_form_post_redirects_to_the_thank_you_page(client, table_items, valid_submission):
    form = {**valid_submission, "consent": "on"}
    resp = client.http.post(
        "/leads", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=urlencode(form, doseq=True)
    )
    assert resp.status_code == 303
    location = resp.headers["Location"]
    start = valid_submission["start_date"]
    # Only the OPCO and the start date travel to the thank-you page: no personal data in the URL.
    assert location.endswith(f"/merci?opco=atlas&debut={start}")
    assert len([i for i in table_items() if i["sk"]["S"] == "LEAD"]) == 1
    page = client.http.get(location[location.index("/merci") :]).body.decode()
    assert "votre demande est bien reçue" in page
    assert "à déposer au plus tard le" in page and "Atlas" in page


def test_the_thank_you_page_gives_the_opcos_own_lead_time(client):
    akto = client.http.get("/merci?opco=akto&debut=2027-03-15").body.decode()
    assert "à déposer au plus tard le 13/02/2027" in akto and "30 jours calendaires" in akto
    constructys = client.http.get("/merci?opco=constructys&debut=2027-03-15").body.decode()
    assert "à déposer au plus tard le 22/02/2027" in constructys and "15 jours ouvrés" in constructys
    unknown = client.http.get("/merci?opco=%3Cscript%3E&debut=nope").body.decode()
    assert "avant le premier jour de formation" in unknown and "<script>" not in unknown


@pytest.mark.parametrize(
    "field,value,fragment",
    [
        ("siret", "73282932000079", "SIRET"),
        ("consent", False, "accord"),
        ("email", "camille.martin@", "e-mail"),
    ],
)
def test_invalid_field_gets_422_in_french_and_nothing_is_stored(
    client, table_items, valid_submission, field, value, fragment
):
    resp = post_json(client, {**valid_submission, field: value})
    assert resp.status_code == 422
    errors = json.loads(resp.body)["errors"]
    assert [e["field"] for e in errors] == [field]
    assert fragment in errors[0]["message"]
    assert table_items() == []


def test_invalid_form_post_re_renders_the_form_with_the_message_next_to_the_field(
    client, table_items, valid_submission
):
    form = {**valid_submission, "siret": "123", "consent": "on", "company_name": "<b>Dupont</b>"}
    resp = client.http.post(
        "/leads", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=urlencode(form, doseq=True)
    )
    assert resp.status_code == 422
    page = resp.body.decode()
    assert 'id="siret-error"' in page and "14 chiffres" in page
    assert "&lt;b&gt;Dupont&lt;/b&gt;" in page  # what the visitor typed comes back escaped
    assert table_items() == []


def test_missing_consent_is_refused(client, table_items, valid_submission):
    del valid_submission["consent"]
    resp = post_json(client, valid_submission)
    assert resp.status_code == 422
    assert json.loads(resp.body)["errors"][0]["field"] == "consent"
    assert table_items() == []


@pytest.mark.parametrize(
    "idcc,code,source",
    [
        ("1486", "atlas", "idcc"),
        ("3248", "opco2i", "idcc"),
        ("0054", "opco2i", "idcc"),  # SIRO answers it; its successor 3248 is context
        ("0001", "opcommerce", "idcc_successor"),  # no establishment left under 0001: its successor 1415
    ],
)
def test_opco_lookup_resolves_known_idcc(client, idcc, code, source):
    resp = client.http.get(f"/opco?idcc={idcc}")
    assert resp.status_code == 200
    body = json.loads(resp.body)
    assert body["opco"]["code"] == code
    assert body["source"] == source
    if idcc == "0054":  # the successor is named as context
        assert "3248" in body["explanation"]
    if source == "idcc_successor":
        assert "remplacé par 1415" in body["explanation"]


def test_opco_lookup_for_9999_gives_no_opco_and_the_reason(client):
    body = json.loads(client.http.get("/opco?idcc=9999").body)
    assert body["opco"] is None
    assert body["confidence"] == "none"
    assert "convention collective" in body["explanation"]


def test_form_page_lists_the_catalogue_and_works_without_javascript(client):
    from chalicelib.catalogue import catalogue

    page = client.http.get("/").body.decode()
    assert '<form method="post" action="/leads"' in page
    for t in catalogue().trainings:
        assert f'value="{t.id}"' in page
