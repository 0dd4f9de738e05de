"""`make help` lists every target of the Makefile, one line each; `make` alone shows it."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT

TARGET = re.compile(r"^([a-z][a-z0-9-]*):", re.M)


def _help(*args: str) -> list[str]:
    out = subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()[1:]


def test_make_help_lists_every_target_once_with_a_line_of_text():
    targets = set(TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))
    lines = _help("help")
    listed = [line.split()[0] for line in lines]
    assert sorted(listed) == sorted(targets)
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)


def test_make_alone_shows_the_help():
    assert _help() == _help("help")
