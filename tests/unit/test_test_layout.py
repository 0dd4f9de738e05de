"""The test tree itself: every folder of tests is a package, so two tiers may hold test files of the
same name (tests/functional/test_x.py and tests/e2e/test_x.py) without pytest refusing to collect one."""

from __future__ import annotations

from tests.conftest import ROOT


def test_every_folder_holding_tests_is_a_package():
    folders = {p.parent for p in (ROOT / "tests").rglob("test_*.py")}
    assert folders, "no test found: the walk is wrong"
    missing = sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists())
    assert missing == []
