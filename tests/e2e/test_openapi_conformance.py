"""schemathesis against `chalice local`, driven by our own /openapi.json: no 5xx, and every answer
(status code, content type, body) matches the document. Public routes anonymously; consultant
routes with a token from the local stage's dev sign-in. Bounded (max examples, fixed seed) to stay
well under two minutes on two cores."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import LocalStack, start_stack

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with start_stack(tmp_path_factory.mktemp("openapi"), {"FORM_MIN_FILL_SECONDS": "0"}) as stack:
        yield stack


def _post(url: str, body: bytes, content_type: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _leads_with_packs(stack: LocalStack, n: int) -> None:
    """Real leads, so the stateful phase reaches detail, edit, status and downloads (not only 404s)."""
    for i in range(n):
        submission = {
            "company_name": f"Atelier Numérique {i}",
            "siret": "73282932000074",
            "idcc": "1486",
            "headcount": 8,
            "first_name": "Camille",
            "last_name": "Martin",
            "email": f"camille.{i}@atelier-dupont.fr",
            "training": ["ia-generative-essentiels"],
            "trainees": 3,
            "consent": True,
        }
        status, _, _ = _post(f"{stack.api}/leads", json.dumps(submission).encode(), "application/json")
        assert status == 201


def _dev_token(stack: LocalStack) -> str:
    body = urllib.parse.urlencode({"email": "consultante@formation-ia.example"}).encode()
    status, headers, _ = _post(f"{stack.api}/consultants/dev/connexion", body, "application/x-www-form-urlencoded")
    assert status == 303
    match = re.search(r"consultant_session=([^;]+)", headers["Set-Cookie"])
    assert match
    return match[1]


def _run(stack: LocalStack, tmp: Path, *args: str, at_least: int = 30) -> str:
    result = subprocess.run(
        [SCHEMATHESIS, "run", f"{stack.api}/openapi.json", "--checks", CHECKS, "--workers", "1", "--seed", "13",
         "--generation-database", "none", "--no-color", *args],
        cwd=tmp, capture_output=True, text=True, timeout=150,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:]
    counts = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert counts and int(counts[1]) == int(counts[2]) >= at_least, result.stdout[-2000:]
    return result.stdout


def test_every_answer_matches_the_published_document(api: LocalStack, tmp_path: Path) -> None:
    _leads_with_packs(api, 3)
    token = _dev_token(api)
    no_links = ("--phases", "examples,coverage,fuzzing")  # the stateful phase needs links between operations
    _run(api, tmp_path, "--include-tag", "site", "--max-examples", "15", *no_links)
    consultant = ("-H", f"Authorization: Bearer {token}", "--include-tag", "consultants")
    # Erasure last and on its own: run with the others, it empties the table for them.
    _run(api, tmp_path, *consultant, "--exclude-operation-id", "eraseLead", "--max-examples", "10")
    erase = ("--include-operation-id", "eraseLead", "--max-examples", "5", "--phases", "fuzzing")
    _run(api, tmp_path, *consultant, *erase, at_least=3)
