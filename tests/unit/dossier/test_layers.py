"""The dossier room sits below the consultants': it reaches them only through the "pack built" hook."""

import ast
from datetime import date
from pathlib import Path

import pytest

DOSSIER = Path(__file__).resolve().parents[3] / "chalicelib" / "dossier"


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_dossier_room_imports_nothing_from_the_consultants():
    files = sorted(DOSSIER.glob("*.py"))
    assert any(f.name == "worker.py" for f in files)
    upward = {
        f"{f.name}: {module}"
        for f in files
        for module in _imported_modules(f)
        if module == "chalicelib.consultants" or module.startswith("chalicelib.consultants.")
    }
    assert upward == set()


def test_the_import_walk_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from chalicelib.consultants.notify import notify_new_lead\n")
    assert "chalicelib.consultants.notify" in _imported_modules(sample)


@pytest.fixture
def listeners(monkeypatch):
    from chalicelib.dossier import events

    monkeypatch.setattr(events, "_listeners", [])
    return events


def test_a_failing_listener_neither_fails_the_build_nor_silences_the_others(listeners):
    got = []

    def broken(event):
        raise RuntimeError("SES down")

    listeners.subscribe(broken)
    listeners.subscribe(got.append)
    event = listeners.PackBuilt("lead-1", 1, date(2026, 12, 1))
    listeners.publish(event)
    assert got == [event]


def test_a_listener_subscribed_twice_hears_each_pack_once(listeners):
    got = []
    listeners.subscribe(got.append)
    listeners.subscribe(got.append)
    listeners.publish(listeners.PackBuilt("lead-1", 2, date(2026, 12, 1)))
    assert len(got) == 1
