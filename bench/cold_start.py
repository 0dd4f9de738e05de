"""API cold start: a fresh process imports the app and handles a first POST /leads (moto
in-process), against the floor app. Ratio of medians over N fresh processes, run alternately.

    python bench/cold_start.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from common import ROOT, median

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {root!r} + "/bench")
from common import set_env, create_resources, submission
set_env()
from moto import mock_aws
with mock_aws():
    create_resources()
    # Everything above is the simulated AWS; the clock starts when Lambda would load the app.
    # Creating the resources goes through chalicelib.aws: forget what that imported and cached
    # (pydantic, settings, boto3 clients), so our app pays for them as a fresh Lambda would.
    for name in [m for m in sys.modules if m.split(".")[0] in {PRELOADED}]:
        del sys.modules[name]
    modules_before = set(sys.modules)
    t0 = time.perf_counter()
    sys.path.insert(0, {app_dir!r})
    import app as target
    from chalice.test import Client
    t1 = time.perf_counter()
    with Client(target.app) as c:
        r = c.http.post("/leads", headers={{"Content-Type": "application/json"}}, body=json.dumps(submission()))
    t2 = time.perf_counter()
    assert r.status_code in (200, 201), r.body
    print(json.dumps({{"import_ms": (t1 - t0) * 1000, "first_ms": (t2 - t1) * 1000, "total_ms": (t2 - t0) * 1000,
                      "new_modules": len(set(sys.modules) - modules_before),
                      "fpdf_loaded": "fpdf" in sys.modules}}))
"""


PRELOADED = (
    "chalicelib",
    "pydantic",
    "pydantic_core",
    "pydantic_settings",
    "annotated_types",
    "typing_inspection",
    "dotenv",
)


def run_once(app_dir: str) -> dict:
    code = CHILD.format(root=str(ROOT), app_dir=app_dir, PRELOADED=PRELOADED)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=app_dir, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(runs: int) -> dict:
    ours, floor = [], []
    for _ in range(runs):  # alternate, so both see the same machine load
        ours.append(run_once(str(ROOT)))
        floor.append(run_once(str(ROOT / "bench" / "floor")))
    m_ours = median([r["total_ms"] for r in ours])
    m_floor = median([r["total_ms"] for r in floor])
    return {
        "runs": runs,
        "ours_median_ms": round(m_ours, 1),
        "floor_median_ms": round(m_floor, 1),
        "ours_import_median_ms": round(median([r["import_ms"] for r in ours]), 1),
        "floor_import_median_ms": round(median([r["import_ms"] for r in floor]), 1),
        "ratio": round(m_ours / m_floor, 3),
        "fpdf_loaded_by_api": any(r["fpdf_loaded"] for r in ours),
        "target_ratio": 1.3,
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    print(json.dumps(measure(p.parse_args().runs), indent=2))
