"""`make screenshots` keeps working: the script against the e2e stack renders every picture the docs show."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

PICTURES = [
    "form.png",
    "form-errors.png",
    "form-phone.png",
    "thanks.png",
    "consultants-list.png",
    "consultants-detail.png",
]


def test_the_screenshots_script_renders_every_picture_the_docs_show(stack, tmp_path):
    out = subprocess.run(
        [sys.executable, "scripts/screenshots.py", "--api", stack.api, "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(PICTURES)
    for name in PICTURES:
        with Image.open(tmp_path / name) as image:
            assert image.format == "PNG"
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is None or len(colours) > 50, f"{name} looks blank"
            size = image.size
        assert size[1] >= 600, name
        assert size[0] == (780 if name == "form-phone.png" else 1280), name  # a 390 px phone at 2x
    assert (tmp_path / "form-errors.png").stat().st_size > (tmp_path / "thanks.png").stat().st_size
    for name in PICTURES:
        assert f"screenshots: {name}" in out.stderr  # progress lines
