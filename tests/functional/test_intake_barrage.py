"""A barrage of malformed requests: every one gets a 4xx naming the offending field, nothing is stored."""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest

from tests.conftest import VALID_SIRET
from tests.functional.conftest import AWS_TEST_ENV, moto_world

JSON_CT = {"Content-Type": "application/json"}
FORM_CT = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
MISSING = object()


def _base() -> dict:
    return {
        "company_name": "Atelier Numérique Dupont",
        "siret": VALID_SIRET,
        "idcc": "1486",
        "naf": "62.01Z",
        "headcount": 8,
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@atelier-dupont.fr",
        "phone": "06 12 34 56 78",
        "training": ["ia-generative-essentiels"],
        "trainees": 3,
        "start_date": (date.today() + timedelta(days=60)).isoformat(),
        "consent": True,
    }


def with_(**changes) -> bytes:
    body = _base()
    for k, v in changes.items():
        if v is MISSING:
            body.pop(k, None)
        else:
            body[k] = v
    return json.dumps(body).encode()


def form_with(**changes) -> bytes:
    body = {**_base(), "consent": "on"}
    for k, v in changes.items():
        if v is MISSING:
            body.pop(k, None)
        else:
            body[k] = v
    return urlencode(body, doseq=True).encode()


# (id, headers, body, status, field)
TRANSPORT = [
    ("text-plain", {"Content-Type": "text/plain"}, with_(), 415, "_requete"),
    ("multipart", {"Content-Type": "multipart/form-data; boundary=x"}, b"--x--", 415, "_requete"),
    ("xml", {"Content-Type": "application/xml"}, b"<lead/>", 415, "_requete"),
    ("json-over-32k", JSON_CT, with_(message="a" * 33_000), 413, "_requete"),
    ("form-over-32k", FORM_CT, form_with(message="a" * 33_000), 413, "_requete"),
    ("json-bad-utf8", JSON_CT, b'{"company_name": "\xff\xfe"}', 400, "_requete"),
    ("form-bad-utf8", FORM_CT, b"company_name=\xc3\x28", 400, "_requete"),
    ("json-truncated", JSON_CT, b'{"company_name": "Dup', 400, "_requete"),
    ("json-array", JSON_CT, b"[1, 2, 3]", 400, "_requete"),
    ("json-string", JSON_CT, b'"lead"', 400, "_requete"),
    ("json-null", JSON_CT, b"null", 400, "_requete"),
    ("json-number", JSON_CT, b"42", 400, "_requete"),
    ("empty-body", JSON_CT, b"", 400, "_requete"),
    ("json-deeply-nested", JSON_CT, b"[" * 30_000, 400, "_requete"),
    ("json-huge-integer", JSON_CT, b'{"headcount": ' + b"9" * 5000 + b"}", 400, "_requete"),
    ("form-too-many-fields", FORM_CT, "&".join(f"f{i}=1" for i in range(300)).encode(), 400, "_requete"),
    ("idempotency-key-too-long", {**JSON_CT, "Idempotency-Key": "k" * 201}, with_(), 400, "_requete"),
    ("idempotency-key-with-space", {**JSON_CT, "Idempotency-Key": "a b"}, with_(), 400, "_requete"),
]

FIELDS = [
    ("siret-missing", JSON_CT, with_(siret=MISSING), 422, "siret"),
    ("siret-checksum", JSON_CT, with_(siret="73282932000079"), 422, "siret"),
    ("siret-letters", JSON_CT, with_(siret="7328293200007A"), 422, "siret"),
    ("siret-siren-only", JSON_CT, with_(siret="732829320"), 422, "siret"),
    ("siret-list", JSON_CT, with_(siret=[VALID_SIRET, VALID_SIRET]), 422, "siret"),
    ("siret-object", JSON_CT, with_(siret={"value": VALID_SIRET}), 422, "siret"),
    ("siret-number", JSON_CT, with_(siret=73282932000074), 422, "siret"),
    ("company-empty", JSON_CT, with_(company_name=""), 422, "company_name"),
    ("company-blank", JSON_CT, with_(company_name="   "), 422, "company_name"),
    ("company-too-long", JSON_CT, with_(company_name="D" * 201), 422, "company_name"),
    ("company-bell", JSON_CT, with_(company_name="Dupont\x07SA"), 422, "company_name"),
    ("company-newline", JSON_CT, with_(company_name="Dupont\nSA"), 422, "company_name"),
    ("company-bidi-override", JSON_CT, with_(company_name="Dupont\u202eAS"), 422, "company_name"),
    ("company-object", JSON_CT, with_(company_name={"name": "Dupont"}), 422, "company_name"),
    ("first-name-two-values", JSON_CT, with_(first_name=["Camille", "Claude"]), 422, "first_name"),
    ("last-name-object", JSON_CT, with_(last_name={"x": 1}), 422, "last_name"),
    ("last-name-too-long", JSON_CT, with_(last_name="M" * 101), 422, "last_name"),
    ("email-no-domain", JSON_CT, with_(email="camille.martin@"), 422, "email"),
    ("email-too-long", JSON_CT, with_(email="c" * 250 + "@atelier-dupont.fr"), 422, "email"),
    ("email-display-name", JSON_CT, with_(email="Camille <camille@dupont.fr>"), 422, "email"),
    ("email-boolean", JSON_CT, with_(email=True), 422, "email"),
    ("phone-too-short", JSON_CT, with_(phone="12"), 422, "phone"),
    ("phone-letters", JSON_CT, with_(phone="zéro six douze"), 422, "phone"),
    ("phone-too-long", JSON_CT, with_(phone="0" * 40), 422, "phone"),
    ("phone-bad-country", JSON_CT, with_(phone="+999 12 34 56"), 422, "phone"),
    ("idcc-letters", JSON_CT, with_(idcc="abc"), 422, "idcc"),
    ("idcc-six-digits", JSON_CT, with_(idcc="123456"), 422, "idcc"),
    ("idcc-zero", JSON_CT, with_(idcc="0"), 422, "idcc"),
    ("idcc-list", JSON_CT, with_(idcc=["1486", "16"]), 422, "idcc"),
    ("naf-unknown-code", JSON_CT, with_(naf="99.99Z"), 422, "naf"),
    ("naf-wrong-shape", JSON_CT, with_(naf="ABCDE"), 422, "naf"),
    ("headcount-negative", JSON_CT, with_(headcount=-1), 422, "headcount"),
    ("headcount-words", JSON_CT, with_(headcount="huit"), 422, "headcount"),
    ("headcount-boolean", JSON_CT, with_(headcount=True), 422, "headcount"),
    ("headcount-fraction", JSON_CT, with_(headcount=1.5), 422, "headcount"),
    ("headcount-huge", JSON_CT, with_(headcount=10**7), 422, "headcount"),
    ("headcount-object", JSON_CT, with_(headcount={"n": 8}), 422, "headcount"),
    ("headcount-nan", JSON_CT, with_(headcount=MISSING)[:-1] + b', "headcount": NaN}', 422, "headcount"),
    ("trainees-zero", JSON_CT, with_(trainees=0), 422, "trainees"),
    ("trainees-above-headcount", JSON_CT, with_(trainees=9), 422, "trainees"),
    ("trainees-huge", JSON_CT, with_(trainees=5000, headcount=0), 422, "trainees"),
    ("trainees-missing", JSON_CT, with_(trainees=MISSING), 422, "trainees"),
    ("training-empty", JSON_CT, with_(training=[]), 422, "training"),
    ("training-unknown", JSON_CT, with_(training=["cours-inconnu"]), 422, "training"),
    ("training-integers", JSON_CT, with_(training=[1, 2]), 422, "training"),
    ("training-object", JSON_CT, with_(training={"id": "ia-generative-essentiels"}), 422, "training"),
    ("training-eleven", JSON_CT, with_(training=[f"cours-{i}" for i in range(11)]), 422, "training"),
    ("start-date-past", JSON_CT, with_(start_date="2020-01-06"), 422, "start_date"),
    ("start-date-french-format", JSON_CT, with_(start_date="15/02/2027"), 422, "start_date"),
    ("start-date-impossible", JSON_CT, with_(start_date="2027-02-30"), 422, "start_date"),
    ("start-date-list", JSON_CT, with_(start_date=["2027-02-15", "2027-03-15"]), 422, "start_date"),
    ("message-too-long", JSON_CT, with_(message="m" * 5001), 422, "message"),
    ("message-nul-byte", JSON_CT, with_(message="bonjour\x00"), 422, "message"),
    ("consent-false", JSON_CT, with_(consent=False), 422, "consent"),
    ("consent-maybe", JSON_CT, with_(consent="peut-être"), 422, "consent"),
    ("consent-missing", JSON_CT, with_(consent=MISSING), 422, "consent"),
    ("form-consent-twice", FORM_CT, form_with(consent=["on", "on"]), 422, "consent"),
    ("form-siret-twice", FORM_CT, form_with(siret=[VALID_SIRET, "35600000049837"]), 422, "siret"),
    ("form-company-missing", FORM_CT, form_with(company_name=MISSING), 422, "company_name"),
    ("form-consent-unchecked", FORM_CT, form_with(consent=MISSING), 422, "consent"),
    ("form-trainees-text", FORM_CT, form_with(trainees="trois"), 422, "trainees"),
]


@pytest.fixture(scope="module")
def barrage_client():
    """One moto world for the whole barrage: every request must leave it empty anyway."""
    from chalice.test import Client

    with pytest.MonkeyPatch.context() as mp, moto_world(mp):
        from app import app
        from chalicelib import aws

        with Client(app, stage_name="local") as c:
            yield c, lambda: aws.dynamodb().scan(TableName=AWS_TEST_ENV["TABLE_NAME"])["Items"]


@pytest.mark.parametrize(
    "headers,body,status,field", [c[1:] for c in TRANSPORT + FIELDS], ids=[c[0] for c in TRANSPORT + FIELDS]
)
def test_malformed_request_is_refused_with_the_field_named_and_nothing_stored(
    barrage_client, headers, body, status, field
):
    client, table_items = barrage_client
    resp = client.http.post("/leads", headers=headers, body=body)
    assert resp.status_code == status, resp.body[:300]
    assert resp.headers["Content-Type"].startswith("application/json")
    errors = json.loads(resp.body)["errors"]
    assert field in [e["field"] for e in errors]
    assert all(e["message"] and e["message"][0].isupper() for e in errors)  # a sentence, in French
    assert table_items() == []


def test_the_barrage_has_at_least_fifty_requests():
    assert len(TRANSPORT) + len(FIELDS) >= 50
