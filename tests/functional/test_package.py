"""The deployed artefact: `chalice package` holds the templates and the font; app.py loads no fpdf."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

POLICIES = ("policy-api.json", "policy-worker.json", "policy-sweeper.json")
PLACEHOLDER_POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": "*"}]}'
)


def _project_copy(tmp: Path) -> Path:
    project = tmp / "project"
    project.mkdir()
    for name in ("app.py", "requirements.txt"):
        shutil.copy2(ROOT / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "deployments", "venv")
    for name in ("chalicelib", "templates", ".chalice"):
        shutil.copytree(ROOT / name, project / name, ignore=ignore)
    shutil.copytree(ROOT / "vendor", project / "vendor", symlinks=True)
    # Chalice caches the built dependencies here: reuse the repository's cache (git-ignored).
    cache = ROOT / ".chalice" / "deployments"
    if cache.is_dir():
        shutil.copytree(cache, project / ".chalice" / "deployments")
    for policy in POLICIES:  # the real least-privilege policies live elsewhere; only their presence matters here
        target = project / ".chalice" / policy
        if not target.exists():
            target.write_text(PLACEHOLDER_POLICY)
    return project


def _keep_dependency_cache(project: Path) -> None:
    """Chalice names its dependency cache after requirements.txt *and* vendor/ (the templates): keep
    the latest build in the repository's git-ignored cache so the next run skips pip."""
    built = sorted((project / ".chalice" / "deployments").glob("*.zip"), key=lambda p: p.stat().st_mtime)
    if not built:
        return
    cache = ROOT / ".chalice" / "deployments"
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("*.zip"):
        if old.name != built[-1].name:
            old.unlink()
    if not (cache / built[-1].name).exists():  # atomic: a parallel packaging may be reading the cache
        partial = cache / f".{built[-1].name}.{os.getpid()}.partial"
        shutil.copy2(built[-1], partial)
        partial.replace(cache / built[-1].name)


def test_the_packaged_zip_holds_the_templates_and_the_font(tmp_path):
    assert (ROOT / "vendor" / "templates").readlink() == Path("../templates")
    project = _project_copy(tmp_path)
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-3"}
    env.pop("AWS_ENDPOINT_URL", None)
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run(
        [str(chalice), "package", "--stage", "dev", str(tmp_path / "out")],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    _keep_dependency_cache(project)
    with zipfile.ZipFile(tmp_path / "out" / "deployment.zip") as z:
        names = set(z.namelist())
    for template in (
        "templates/documents/devis.html",
        "templates/documents/programme.html",
        "templates/documents/convention.html",
        "templates/documents/fiche-opco.html",
        "templates/documents/_macros.html",
        "templates/catalogue.json",
        "templates/organisme/prod.json",
        "templates/pages/form.html",
    ):
        assert template in names, template
    for font in ("SourceSansPro-Regular.ttf", "SourceSansPro-Bold.ttf"):
        assert f"font_source_sans_pro/files/{font}" in names, font
    assert "fpdf/__init__.py" in names and "app.py" in names and "chalicelib/dossier/pdf.py" in names


@pytest.mark.parametrize(
    "heavy",
    [
        ("fpdf", "fontTools", "font_source_sans_pro", "pypdf"),  # the worker's PDF stack (pypdf: signing)
        ("aws_xray_sdk", "wrapt", "jwt", "cryptography", "jinja2"),  # first used by a handler, not at import
    ],
)
def test_importing_app_loads_no_heavy_stack(heavy):
    code = f"import sys, app; heavy = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}); print(heavy)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
