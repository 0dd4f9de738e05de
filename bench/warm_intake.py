"""Warm intake: median and p99 of POST /leads over N requests to an already-warm app, invoked as
Lambda invokes it (bench/invoke.py), ours against the floor app, each in its own process; moto's
server stands in for AWS in another process. Ratio of the medians of the wall time per request
(what the visitor waits for); the CPU time per request (the app's own work) is reported too.

    python bench/warm_intake.py [--requests 500]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from common import ROOT, command_line, run_measured, simulated_aws

FLOOR = str(ROOT / "bench" / "floor")


def measure(n: int) -> dict[str, Any]:
    # Each side on its own fresh simulated AWS: moto's calls slow down as its table and queue grow.
    with simulated_aws() as env:
        ours = run_measured(str(ROOT), "warm", n, env)
    with simulated_aws() as env:
        floor = run_measured(FLOOR, "warm", n, env)
    return {
        "requests": n,
        "ours_median_cpu_ms": round(ours["median_cpu_ms"], 2),
        "floor_median_cpu_ms": round(floor["median_cpu_ms"], 2),
        "ours_median_ms": round(ours["median_ms"], 2),
        "ours_p99_ms": round(ours["p99_ms"], 2),
        "floor_median_ms": round(floor["median_ms"], 2),
        "floor_p99_ms": round(floor["p99_ms"], 2),
        "ratio": round(ours["median_ms"] / floor["median_ms"], 3),
        "cpu_ratio": round(ours["median_cpu_ms"] / floor["median_cpu_ms"], 3),
        "target_ratio": 1.5,
    }


def profile(path: Path) -> None:
    """200 warm requests of ours under pyinstrument."""
    with simulated_aws() as env:
        run_measured(str(ROOT), "warm", 200, env, path)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=500)
    command_line(p, lambda a: measure(a.requests), profile, "write the profile of 200 requests there instead")
