"""`make bench`: every benchmark side by side in one run; writes bench/results.json, and a
pyinstrument profile (bench/profiles/<name>.txt) for each speed target the run misses.

Speed targets are ratios against a floor app measured in the same run (bench/floor/app.py), or a
time on one pinned core; sizes and item counts otherwise. Never a timed test. The machine's load
average is recorded before and after: on a shared machine, read the ratios, not the times.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold_start
import list_scale
import pack_build
import package_size
import restore
import warm_intake

PROFILES = Path(__file__).parent / "profiles"

# (result key, figure, target, how to profile a miss: one run of ours under pyinstrument)
TARGETS: tuple[tuple[str, str, float, Callable[[Path], Any] | None], ...] = (
    ("cold_start", "ratio", 1.4, cold_start.profile),
    ("restore", "ratio", 1.1, restore.profile),
    ("warm_intake", "ratio", 1.5, warm_intake.profile),
    ("pack_build", "median_ms", 130, lambda path: pack_build.measure(10, path)),
    ("pack_build", "peak_rss_mb", 200, None),
    ("package", "zip_mb", 10, None),
    ("list_scale", "items_read_ratio_largest_to_smallest", 1.1, None),
)


def main() -> int:
    quick = "--quick" in sys.argv
    steps: dict[str, Callable[[], dict[str, Any]]] = {
        "cold_start": lambda: cold_start.measure(3 if quick else 10),
        "restore": lambda: restore.measure(1 if quick else 4, 3 if quick else 5),
        "warm_intake": lambda: warm_intake.measure(100 if quick else 500),
        "pack_build": lambda: pack_build.measure(5 if quick else 30),
        "package": lambda: package_size.measure("prod", build=True),
        "list_scale": lambda: list_scale.measure([200, 2000] if quick else [1000, 50000]),
    }
    results: dict[str, Any] = {"at": time.strftime("%Y-%m-%d %H:%M:%S"), "quick": quick}
    results["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    for number, (name, step) in enumerate(steps.items(), start=1):
        print(f"bench: {name} ({number}/{len(steps)})...", file=sys.stderr, flush=True)
        started = time.monotonic()
        results[name] = step()
        results[name]["bench_seconds"] = round(time.monotonic() - started, 1)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    checks = {f"{name}.{figure} <= {target}": results[name][figure] <= target for name, figure, target, _ in TARGETS}
    results["targets"] = checks
    (Path(__file__).parent / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    for name, figure, target, profile in TARGETS:
        if results[name][figure] > target and profile is not None and not quick:
            path = PROFILES / f"{name}.txt"
            profile(path)
            print(f"profile of the missed {name} target: {path}", flush=True)
    for check, ok in checks.items():
        print(f"{'met   ' if ok else 'MISSED'} {check}")
    print(f"load average before {results['load_average_before']}, after {results['load_average_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
