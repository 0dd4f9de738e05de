"""Hostile requests at the website's door (chalice.test.Client against moto): never a 5xx,
and a refused request leaves nothing behind, neither in the table nor in the queue."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.intake.form import FIELDS

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)
field_values = st.one_of(json_values, st.sampled_from(["", "on", "1486", "0000", "62.01Z", "2020-01-01", "x" * 6000]))
# Mostly the two types the door takes, so most examples reach the form model and the store.
content_types = st.sampled_from(
    ["application/json"] * 4
    + ["application/x-www-form-urlencoded"] * 3
    + ["application/json; charset=utf-8", "text/plain", "multipart/form-data", ""]
)


def _encode(data: object, content_type: str) -> bytes:
    if content_type.startswith("application/x-www-form-urlencoded") and isinstance(data, dict):
        return urlencode({k: v if isinstance(v, list) else str(v) for k, v in data.items()}, doseq=True).encode()
    return json.dumps(data).encode()


@st.composite
def lead_requests(draw: st.DrawFn, valid: dict) -> tuple[str, bytes]:
    content_type = draw(content_types)
    kind = draw(st.sampled_from(["mutated"] * 4 + ["any_json", "raw"]))
    if kind == "mutated":  # mostly valid, a few fields replaced by anything
        data = {**valid, **draw(st.dictionaries(st.sampled_from([*FIELDS, "website"]), field_values, max_size=3))}
        return content_type, _encode(data, content_type)
    if kind == "any_json":
        return content_type, _encode(draw(json_values), content_type)
    return content_type, draw(st.binary(max_size=300))


def _footprint() -> tuple[int, int]:
    """(table items, messages queued) - what a request may leave behind."""
    from chalicelib import aws
    from chalicelib.config import settings as app_settings

    items = aws.dynamodb().scan(TableName=app_settings().table_name, Select="COUNT")["Count"]
    attrs = aws.sqs().get_queue_attributes(
        QueueUrl=app_settings().jobs_queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return items, int(attrs["ApproximateNumberOfMessages"])


def _stored(answered_id: str) -> bool:
    """A 201's id is a stored lead, or the reference of a repeat recorded on one (leads/resubmission.py)."""
    from chalicelib import aws
    from chalicelib.config import settings as app_settings
    from chalicelib.leads.store import leads_store

    if leads_store().get_or_none(answered_id) is not None:
        return True
    repeats = aws.dynamodb().scan(
        TableName=app_settings().table_name,
        FilterExpression="details.#ref = :r",
        ExpressionAttributeNames={"#ref": "reference"},
        ExpressionAttributeValues={":r": {"S": answered_id}},
    )
    return repeats["Count"] == 1


def test_post_leads_never_answers_5xx_and_a_refusal_stores_nothing(client, valid_submission):
    @FUZZ
    @given(lead_requests(valid_submission))
    def post_anything(request: tuple[str, bytes]) -> None:
        content_type, body = request
        before = _footprint()
        resp = client.http.post("/leads", headers={"Content-Type": content_type} if content_type else {}, body=body)
        assert resp.status_code < 500, (resp.status_code, resp.body[:300])
        if resp.status_code >= 300 and resp.status_code != 303:
            assert _footprint() == before, resp.status_code
        elif resp.status_code == 201:
            assert _stored(json.loads(resp.body)["lead_id"])

    post_anything()


def test_get_opco_never_answers_5xx_and_stores_nothing(client):
    params = st.dictionaries(st.sampled_from(["idcc", "naf", "x"]), st.text(max_size=20), max_size=3)

    @FUZZ
    @given(params)
    def lookup_anything(query: dict[str, str]) -> None:
        resp = client.http.get("/opco?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query.items()))
        assert resp.status_code in (200, 422), (query, resp.status_code, resp.body[:300])
        body = json.loads(resp.body)
        assert ("opco" in body) if resp.status_code == 200 else body["errors"][0]["field"] == "idcc"

    lookup_anything()
    assert _footprint() == (0, 0)
