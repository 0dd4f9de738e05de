"""`make bench`: every benchmark of issue 9, side by side in one run; writes bench/results.json.

Each target is a ratio against a floor measured in the same run (or a size), never a timed test.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold_start
import list_scale
import pack_build
import package_size
import warm_intake


def main() -> int:
    quick = "--quick" in sys.argv
    steps = {
        "cold_start": lambda: cold_start.measure(3 if quick else 10),
        "warm_intake": lambda: warm_intake.measure(100 if quick else 500),
        "pack_build": lambda: pack_build.measure(5 if quick else 30),
        "package": lambda: package_size.measure("prod", build=True),
        "list_scale": lambda: list_scale.measure([200, 2000] if quick else [1000, 50000]),
    }
    results: dict = {"at": time.strftime("%Y-%m-%d %H:%M:%S"), "quick": quick}
    for number, (name, step) in enumerate(steps.items(), start=1):
        print(f"bench: {name} ({number}/{len(steps)})...", file=sys.stderr, flush=True)
        started = time.monotonic()
        results[name] = step()
        results[name]["bench_seconds"] = round(time.monotonic() - started, 1)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
    checks = {
        "cold_start_ratio <= 1.3": results["cold_start"]["ratio"] <= 1.3,
        "warm_intake_ratio <= 1.5": results["warm_intake"]["ratio"] <= 1.5,
        "pack_median_ms <= 150": results["pack_build"]["median_ms"] <= 150,
        "pack_peak_rss_mb <= 200": results["pack_build"]["peak_rss_mb"] <= 200,
        "zip_mb <= 10": results["package"]["zip_mb"] <= 10,
        "list_items_read_ratio <= 1.1": results["list_scale"]["items_read_ratio_largest_to_smallest"] <= 1.1,
    }
    results["targets"] = checks
    (Path(__file__).parent / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    for check, ok in checks.items():
        print(f"{'met   ' if ok else 'MISSED'} {check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
