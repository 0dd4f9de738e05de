"""The house reads top-down: a room imports only rooms on lower floors, and no modules import each other.

Every import counts, also one inside a function or under TYPE_CHECKING: an import that dodges a
circle by running late is still the circle. docs/architecture.md draws the same floors.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# From the top floor down. A room is a package of chalicelib/ or one of its top-level modules; it
# may import the rooms of the floors below its own, never one of its floor or above.
FLOOR_LINES = (
    "openapi snapstart startup",  # imported by app.py alone
    "api_models",  # the published API's bodies
    "consultants",  # sign-in, gate, API and pages, notices; the consultant's side of the client space
    "client",  # the client's page behind a personal link, its jobs and reminders
    "intake",  # the website's door
    "dossier",  # the pack: content, render, storage, the queue and its worker
    "company",  # the company registry lookup
    "pricing ports",  # the one price computation; the services' Protocols
    "leads",  # the Lead, its workflow and client space; the only DynamoDB code
    "opco secret_store mailer pages",
    "aws observability",
    "config formats catalogue web",
)
FLOORS = tuple(frozenset(line.split()) for line in FLOOR_LINES)


def floor_of(room: str) -> int:
    return next(i for i, rooms in enumerate(FLOORS) if room in rooms)


def module_name(path: Path, root: Path = ROOT) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def room_of(module: str) -> str:
    return module.split(".")[1]


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The chalicelib modules a file imports: at the top, inside a function or under TYPE_CHECKING."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from chalicelib.x import y`: y is a module when there is one, else a name of x
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module for a in node.names
            ]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    files = {module_name(f, root): f for f in sorted((root / "chalicelib").rglob("*.py"))}
    return {module: imported_modules(path, set(files)) - {module} for module, path in files.items()}


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in graph.items():
        here = room_of(module) if module != "chalicelib" else None
        for target in targets:
            there = room_of(target) if target != "chalicelib" else None
            if here and there and here != there and floor_of(there) <= floor_of(here):
                wrong.append(f"{module} -> {target}")
    return sorted(wrong)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_every_room_has_its_floor(graph):
    rooms = {room_of(m) for m in graph if m != "chalicelib"}
    assert {"consultants", "client", "dossier", "leads", "opco"} <= rooms
    assert sorted(r for r in rooms if not any(r in floor for floor in FLOORS)) == []
    assert sorted(r for floor in FLOORS for r in floor if r not in rooms) == []  # no stale name on a floor


def test_the_architecture_page_draws_these_floors():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    after = doc[doc.index("The rooms stand on floors") :]
    block = after[after.index("```") + 3 :]
    drawn = [line.strip() for line in block[: block.index("```")].strip().splitlines()]
    assert drawn == list(FLOOR_LINES)


def test_no_room_imports_its_floor_or_above(graph):
    assert upward_imports(graph) == []


def test_no_modules_import_each_other(graph):
    assert circles(graph) == []


def test_the_walk_sees_late_imports_and_type_only_ones(tmp_path):
    pkg = tmp_path / "chalicelib"
    (pkg / "dossier").mkdir(parents=True)
    (pkg / "consultants").mkdir()
    (pkg / "dossier" / "worker.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from chalicelib.consultants.auth import Consultant\n"
        "def f():\n    from chalicelib.consultants import notify\n"
    )
    (pkg / "consultants" / "notify.py").write_text("from chalicelib.dossier.worker import f\n")
    (pkg / "consultants" / "auth.py").write_text("import chalicelib.consultants.notify\n")
    graph = import_graph(tmp_path)
    assert graph["chalicelib.dossier.worker"] == {"chalicelib.consultants.auth", "chalicelib.consultants.notify"}
    assert upward_imports(graph) == [
        "chalicelib.dossier.worker -> chalicelib.consultants.auth",
        "chalicelib.dossier.worker -> chalicelib.consultants.notify",
    ]
    assert circles(graph) == [
        ["chalicelib.consultants.auth", "chalicelib.consultants.notify", "chalicelib.dossier.worker"]
    ]


def test_a_room_may_not_import_a_room_of_its_own_floor():
    graph = {"chalicelib.pricing": {"chalicelib.ports"}, "chalicelib.ports": set()}
    assert upward_imports(graph) == ["chalicelib.pricing -> chalicelib.ports"]
