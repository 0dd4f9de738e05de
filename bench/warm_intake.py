"""Warm intake: median and p99 of POST /leads through chalice.test.Client over N requests,
our app against the floor app, each in its own process (moto in-process). Ratio of medians.

    python bench/warm_intake.py [--requests 500]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from common import ROOT

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {root!r} + "/bench")
from common import set_env, create_resources, submission, median, pct
set_env()
from moto import mock_aws
with mock_aws():
    create_resources()
    sys.path.insert(0, {app_dir!r})
    import app as target
    from chalice.test import Client
    times = []
    with Client(target.app) as c:
        for i in range({n} + 20):
            body = json.dumps(submission(i))
            t0 = time.perf_counter()
            r = c.http.post("/leads", headers={{"Content-Type": "application/json"}}, body=body)
            elapsed = (time.perf_counter() - t0) * 1000
            assert r.status_code in (200, 201), r.body
            if i >= 20:  # warm-up excluded
                times.append(elapsed)
    print(json.dumps({{"median_ms": median(times), "p99_ms": pct(times, 0.99)}}))
"""


def run(app_dir: str, n: int) -> dict:
    code = CHILD.format(root=str(ROOT), app_dir=app_dir, n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=app_dir, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(n: int) -> dict:
    ours = run(str(ROOT), n)
    floor = run(str(ROOT / "bench" / "floor"), n)
    return {
        "requests": n,
        "ours_median_ms": round(ours["median_ms"], 2),
        "ours_p99_ms": round(ours["p99_ms"], 2),
        "floor_median_ms": round(floor["median_ms"], 2),
        "floor_p99_ms": round(floor["p99_ms"], 2),
        "ratio": round(ours["median_ms"] / floor["median_ms"], 3),
        "target_ratio": 1.5,
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=500)
    print(json.dumps(measure(p.parse_args().requests), indent=2))
