"""The hash-locked requirements*.txt are compiled from the requirements*.in people edit (make lock)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("scripts_lock", ROOT / "scripts" / "lock.py")
assert _spec and _spec.loader
lock = sys.modules["scripts_lock"] = importlib.util.module_from_spec(_spec)  # dataclasses look it up
_spec.loader.exec_module(lock)

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _pins(path: Path) -> dict[str, str]:
    found = (PIN.match(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {re.sub(r"[-_.]+", "-", m[1]).lower(): m[2] for m in found if m}


def _copy_of_the_requirements(tmp_path: Path) -> Path:
    for path in ROOT.glob("requirements*"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_every_lock_was_compiled_from_the_current_in_files():
    assert lock.stale() == [], "an .in file changed since its lock was compiled: run `make lock`"


@pytest.mark.parametrize("edited", ["requirements.in", "requirements-dev.in", "requirements-vendor.in"])
def test_an_edited_in_file_makes_its_lock_stale(tmp_path, edited):
    root = _copy_of_the_requirements(tmp_path)
    assert lock.stale(root) == []
    with (root / edited).open("a", encoding="utf-8") as handle:
        handle.write("requests==2.32.5\n")
    expected = {
        "requirements.in": ["requirements.txt", "requirements-dev.txt"],
        "requirements-dev.in": ["requirements-dev.txt"],
        "requirements-vendor.in": ["requirements-vendor.txt"],
    }
    assert lock.stale(root) == expected[edited]


@pytest.mark.parametrize("name", [lk.out for lk in lock.LOCKS])
def test_every_locked_package_is_pinned_and_hashed(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1])
    requirements = [b for b in blocks if PIN.match(b)]
    assert requirements
    for block in requirements:
        assert "--hash=sha256:" in block, block.splitlines()[0]
    assert len(requirements) == len(_pins(ROOT / name))  # nothing left unpinned


@pytest.mark.parametrize(
    ("source", "locked"),
    [
        ("requirements.in", "requirements.txt"),
        ("requirements-dev.in", "requirements-dev.txt"),
        ("requirements-vendor.in", "requirements-vendor.txt"),
    ],
)
def test_the_pins_people_wrote_are_the_locked_versions(source, locked):
    wanted, got = _pins(ROOT / source), _pins(ROOT / locked)
    assert wanted
    assert {name: got.get(name) for name in wanted} == wanted


def test_the_venv_runs_the_versions_the_lambda_gets():
    runtime, dev = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_vendored_wheels_come_without_their_dependencies():
    # botocore comes with the Lambda runtime: a vendored copy would add ~15 MB (requirements-vendor.in).
    assert set(_pins(ROOT / "requirements-vendor.txt")) == set(_pins(ROOT / "requirements-vendor.in"))
