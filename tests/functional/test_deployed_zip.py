"""The trimmed deployment zip (scripts/package.py) runs the app on its own.

out/prod/deployment.zip is extracted and a fresh interpreter, without site-packages, gets only
the zip and boto3/botocore (what the Lambda runtime adds) on sys.path. From the zip's code it
imports app, validates a submission, resolves the OPCO, builds a complete pack and verifies a
consultant token against a JWKS served over HTTP. `make test` builds the zip first (lint-infra);
when it is missing or older than its inputs, this test builds it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import botocore
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import ROOT, VALID_SIRET
from tests.jwks import serve_jwks

ZIP = ROOT / "out" / "prod" / "deployment.zip"
INPUTS = ("requirements.txt", "requirements-vendor.txt", "scripts/package.py", "app.py", "chalicelib", "templates")
# The Lambda Python runtime ships boto3 and botocore with their dependencies; nothing else.
RUNTIME = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py")
LIMIT_BYTES = 10_000_000
ISSUER, AUDIENCE = "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_ZIPTEST", "zip-test-client"

CHILD = r"""
import json, sys, zipfile, io
from datetime import date, datetime, timezone
args = json.loads(sys.argv[1])
sys.path[:0] = [args["code"], args["runtime"]]

import app  # noqa: F401  (the API's module, as the Lambda loads it)
from aws_lambda_powertools.utilities.parameters import SecretsProvider  # noqa: F401  (secret_store's)
from chalicelib.intake.form import ContactForm
from chalicelib.leads.model import Lead, Provenance
from chalicelib.opco import resolve_opco
from chalicelib.dossier.content import build_content
from chalicelib.dossier.organisme import organisme_profile
from chalicelib.dossier.render import render_pack
from chalicelib.consultants.auth import NotAuthenticated, verify_token

today = date.today()
form = ContactForm.parse(args["submission"], today=today)
opco = resolve_opco(idcc=form.idcc)
lead = Lead.from_form(form, opco=opco.model_dump(mode="json"), now=datetime.now(timezone.utc),
                      consent_version="zip-test", provenance=Provenance(), spam=False, retention_days=1)
files = render_pack(build_content(lead, version=1, today=today, organisme=organisme_profile("dev")))
who = verify_token(args["token"])
try:
    verify_token(args["forged"])
    forged = "accepted"
except NotAuthenticated as exc:
    forged = str(exc)
import importlib.util
outside = sorted({m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None)
                  and not m.__file__.startswith((args["code"], args["runtime"], sys.base_prefix))})
print(json.dumps({
    "phone": form.phone, "opco": opco.opco.code,
    "files": {name: data[:5].decode("latin-1") for name, data in files.items()},
    "sub": who.sub, "forged": forged, "outside": outside,
    "absent": [n for n in ("cryptography", "dns") if importlib.util.find_spec(n) is None],
}))
"""


def _stale() -> bool:
    if not ZIP.exists():
        return True
    built = ZIP.stat().st_mtime
    for name in INPUTS:
        path = ROOT / name
        files = path.rglob("*") if path.is_dir() else [path]
        if any(f.is_file() and "__pycache__" not in f.parts and f.stat().st_mtime > built for f in files):
            return True
    return False


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Path:
    if _stale():
        subprocess.run(
            [sys.executable, "scripts/package.py", "--stage", "prod"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=900,
        )
    code = tmp_path_factory.mktemp("lambda") / "task"
    with zipfile.ZipFile(ZIP) as z:
        z.extractall(code)
    return code


@pytest.fixture(scope="module")
def runtime(tmp_path_factory) -> Path:
    """boto3/botocore and their dependencies only, as the Lambda runtime provides them."""
    site = Path(botocore.__file__).resolve().parent.parent
    target = tmp_path_factory.mktemp("runtime")
    for name in RUNTIME:
        (target / name).symlink_to(site / name)
    return target


@pytest.fixture(scope="module")
def pool():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with serve_jwks(key.public_key(), "zip-key", "/jwks.json") as url:
        yield key, url


def _token(key: Any, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "sub": "zip-consultant",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "token_use": "id",
        "iat": now,
        "exp": now + 600,
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "zip-key"})


def test_the_deployment_zip_is_under_10_mb_and_ships_no_cryptography(deployed):
    assert ZIP.stat().st_size <= LIMIT_BYTES, f"{ZIP.stat().st_size / 1e6:.1f} MB"
    for gone in ("cryptography", "dns", "phonenumbers/geodata", "stdnum/de", "aws_lambda_powertools/event_handler"):
        assert not (deployed / gone).exists(), gone
    # Pillow's AVIF/WebP/FreeType plugins and their libraries: test_the_app_runs_from_the_zip_alone
    # builds the PDFs (fpdf2 imports PIL.Image and ImageCms) without them.
    for pattern in ("PIL/_avif.*.so", "PIL/_webp.*.so", "PIL/_imagingft.*.so", "pillow.libs/libavif-*"):
        assert not list(deployed.glob(pattern)), pattern
    assert list(deployed.glob("PIL/_imagingcms.*.so")) and list(deployed.glob("pillow.libs/liblcms2-*"))
    for font in ("SourceSansPro-Regular.ttf", "SourceSansPro-Bold.ttf", "LICENSE.txt"):
        assert (deployed / "font_source_sans_pro" / "files" / font).is_file(), font
    assert sorted(p.name for p in (deployed / "font_source_sans_pro" / "files").iterdir()) == [
        "LICENSE.txt",
        "SourceSansPro-Bold.ttf",
        "SourceSansPro-Regular.ttf",
    ]


def test_the_app_runs_from_the_zip_alone(deployed, runtime, pool, valid_submission):
    key, jwks_url = pool
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "zip",
        "AWS_SECRET_ACCESS_KEY": "zip",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "STAGE": "dev",
        "TABLE_NAME": "t",
        "BUCKET_NAME": "b",
        "JOBS_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/123456789012/jobs",
        "JWKS_URL": jwks_url,
        "JWT_ISSUER": ISSUER,
        "JWT_AUDIENCE": AUDIENCE,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "TMPDIR": str(deployed.parent),
    }
    args = {
        "code": str(deployed),
        "runtime": str(runtime),
        "submission": {**valid_submission, "siret": VALID_SIRET},
        "token": _token(key),
        "forged": _token(other),
    }
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", CHILD, json.dumps(args)],
        cwd=deployed.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["outside"] == []  # every module came from the zip, the runtime's boto3 or the stdlib
    assert result["absent"] == ["cryptography", "dns"]
    assert result["phone"] == "+33612345678" and result["opco"] == "atlas"
    pdfs = {name: head for name, head in result["files"].items() if name.endswith(".pdf")}
    assert len(pdfs) == 4 and set(pdfs.values()) == {"%PDF-"}, result["files"]
    assert result["sub"] == "zip-consultant"
    assert result["forged"] == "InvalidSignatureError"
