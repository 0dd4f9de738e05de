"""The docs show the pictures the project renders, and cite nothing outside the repository."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def _images(doc: str) -> set[str]:
    path = ROOT / doc
    return {str((path.parent / m).resolve().relative_to(ROOT)) for m in IMAGE.findall(path.read_text(encoding="utf-8"))}


def test_the_readme_shows_every_screenshot_and_pack_sample():
    rendered = {
        str(p.relative_to(ROOT)) for p in [*ROOT.glob("docs/screenshots/*.png"), *ROOT.glob("docs/samples/*.png")]
    }
    assert len(rendered) >= 10
    assert rendered <= _images("README.md")


def test_every_picture_a_doc_shows_exists():
    for doc in ["README.md", *(str(p.relative_to(ROOT)) for p in ROOT.glob("docs/*.md"))]:
        missing = [image for image in _images(doc) if not (ROOT / image).is_file()]
        assert not missing, f"{doc}: {missing}"


def test_no_file_cites_documents_outside_the_repository():
    # A deployed Lambda has no such folder, and a reader of the repository has none either.
    pattern = "|".join(["DESIGN" + r"\.md", "STYLE" + r"\.md", r"\.\./" + "shared"])
    out = subprocess.run(["git", "grep", "-n", "-E", pattern], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 1, out.stdout  # git grep: 1 = nothing found
