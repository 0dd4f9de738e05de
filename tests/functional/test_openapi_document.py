"""GET /openapi.json: an OpenAPI 3.1 document of the website door and the consultant API, generated
from the pydantic models (tests/e2e/test_openapi_conformance.py runs schemathesis against it)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import ROOT

PUBLIC = {("/leads", "post"), ("/opco", "get"), ("/form-token", "get")}


def test_the_document_describes_the_public_door_and_the_consultant_api(client: Any) -> None:
    resp = client.http.get("/openapi.json")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/json")
    doc = json.loads(resp.body)
    assert doc["openapi"] == "3.1.0"
    operations = {
        (path, method): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }
    assert set(operations) >= PUBLIC
    for key, op in operations.items():
        secured = key[0].startswith("/consultants/api")
        assert ("security" in op) == secured, key
        assert op["operationId"]
        assert {"200", "201"} & set(op["responses"])
    assert doc["components"]["securitySchemes"]["consultant"]["scheme"] == "bearer"


def test_the_schemas_come_from_the_models(client: Any) -> None:
    from chalicelib.api_models import LeadSubmission
    from chalicelib.intake.form import FIELDS

    doc = json.loads(client.http.get("/openapi.json").body)
    schemas = doc["components"]["schemas"]
    submission = schemas["LeadSubmission"]
    assert set(FIELDS) <= set(submission["properties"]) and "cf-turnstile-response" in submission["properties"]
    assert set(submission["required"]) == {n for n, f in LeadSubmission.model_fields.items() if f.is_required()}
    assert schemas["LeadAck"]["additionalProperties"] is False  # answers are closed: drift is caught
    assert schemas["Errors"]["properties"]["errors"]["minItems"] == 1


def test_docs_api_links_the_document() -> None:
    assert "/openapi.json" in (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
