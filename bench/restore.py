"""Simulated SnapStart restore: a process imports the app and primes it (our before-snapshot hooks;
the floor gets the same boto3 priming: its clients and their operation models), then forks; each
child is one restored copy, which runs the after-restore hooks and answers a first POST /leads,
timed from the fork to the answer (bench/invoke.py). Forking a primed process is what a restore is:
an initialised process's memory, resumed. moto's server stands in for AWS in another process.
Parents alternate; ratio of the medians of the child's wall time; its CPU time (its own work) too.

    python bench/restore.py [--rounds 4] [--forks 5]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from common import ROOT, median, run_measured, simulated_aws

FLOOR = str(ROOT / "bench" / "floor")


def measure(rounds: int, forks: int) -> dict[str, Any]:
    ours: list[dict[str, float]] = []
    floor: list[dict[str, float]] = []
    with simulated_aws() as env:
        for _ in range(rounds):  # alternate the parents, so both see the same machine load
            ours += run_measured(str(ROOT), "restore", forks, env)["runs"]
            floor += run_measured(FLOOR, "restore", forks, env)["runs"]

    def m(runs: list[dict[str, float]], key: str) -> float:
        return round(median([r[key] for r in runs]), 1)

    return {
        "restores": len(ours),
        "ours_median_cpu_ms": m(ours, "cpu_ms"),
        "floor_median_cpu_ms": m(floor, "cpu_ms"),
        "ours_median_ms": m(ours, "ms"),
        "floor_median_ms": m(floor, "ms"),
        "ratio": round(m(ours, "ms") / m(floor, "ms"), 3),
        "cpu_ratio": round(m(ours, "cpu_ms") / m(floor, "cpu_ms"), 3),
        "target_ratio": 1.1,
    }


def profile(path: Path) -> None:
    """One restore of ours under pyinstrument (the after-restore hooks and the first POST /leads)."""
    with simulated_aws() as env:
        run_measured(str(ROOT), "restore", 1, env, path)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--forks", type=int, default=5)
    p.add_argument("--profile", type=Path, default=None, help="write one restore's profile there instead")
    a = p.parse_args()
    if a.profile:
        profile(a.profile)
        print(a.profile.read_text())
    else:
        print(json.dumps(measure(a.rounds, a.forks), indent=2))
