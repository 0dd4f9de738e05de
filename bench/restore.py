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
from pathlib import Path
from typing import Any

from common import ROOT, command_line, run_measured, side_by_side, simulated_aws

FLOOR = str(ROOT / "bench" / "floor")


def measure(rounds: int, forks: int) -> dict[str, Any]:
    ours: list[dict[str, float]] = []
    floor: list[dict[str, float]] = []
    with simulated_aws() as env:
        for _ in range(rounds):  # alternate the parents, so both see the same machine load
            ours += run_measured(str(ROOT), "restore", forks, env)["runs"]
            floor += run_measured(FLOOR, "restore", forks, env)["runs"]

    return {"restores": len(ours), **side_by_side(ours, floor, wall="ms", cpu="cpu_ms", target=1.1)}


def profile(path: Path) -> None:
    """One restore of ours under pyinstrument (the after-restore hooks and the first POST /leads)."""
    with simulated_aws() as env:
        run_measured(str(ROOT), "restore", 1, env, path)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--forks", type=int, default=5)
    command_line(p, lambda a: measure(a.rounds, a.forks), profile, "write one restore's profile there instead")
