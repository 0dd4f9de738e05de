"""API cold start: a fresh interpreter imports the app and handles a first POST /leads, invoked as
Lambda invokes it (bench/invoke.py), against the floor app; moto's server stands in for AWS in
another process. N fresh processes per side, alternating; ratio of the medians of the process's
wall time, interpreter start included (what the visitor waits for); the ratio of its CPU time (the
app's own work, less sensitive to the other tenants of a shared machine) is reported too.

    python bench/cold_start.py [--runs 10]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from common import ROOT, command_line, medians, run_measured, side_by_side, simulated_aws

FLOOR = str(ROOT / "bench" / "floor")


def run_once(app_dir: str, env: dict[str, str], profile: Path | None = None) -> dict[str, Any]:
    return run_measured(app_dir, "cold", 0, env, profile)


def measure(runs: int) -> dict[str, Any]:
    ours: list[dict[str, Any]] = []
    floor: list[dict[str, Any]] = []
    with simulated_aws() as env:
        for _ in range(runs):  # alternate, so both see the same machine load
            ours.append(run_once(str(ROOT), env))
            floor.append(run_once(FLOOR, env))

    return {
        "runs": runs,
        "ours_import_median_ms": medians(ours, "import_ms"),
        "floor_import_median_ms": medians(floor, "import_ms"),
        "ours_first_request_median_ms": medians(ours, "first_ms"),
        "floor_first_request_median_ms": medians(floor, "first_ms"),
        **side_by_side(ours, floor, wall="process_ms", cpu="process_cpu_ms", target=1.4),
    }


def profile(path: Path) -> None:
    """One cold start of ours under pyinstrument (import and first POST /leads)."""
    with simulated_aws() as env:
        run_once(str(ROOT), env, path)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    command_line(p, lambda a: measure(a.runs), profile, "write one cold start's profile there instead")
