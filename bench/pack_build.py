"""Pack build: median time and peak RSS to build one complete pack (every PDF and the zip)
in-process, on one core; packs per second. Runs in a fresh process pinned to one CPU.

    python bench/pack_build.py [--packs 30]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from common import ROOT, profiled_env

CHILD = r"""
import json, sys, time
from datetime import date, datetime, timezone
sys.path.insert(0, {root!r}); sys.path.insert(0, {root!r} + "/bench")
from common import submission, start_profile, save_profile


def peak_rss_mb():
    # VmHWM, not ru_maxrss: Linux carries the maximum over exec, so ru_maxrss reports the bench
    # driver's memory when it is larger (191 MB in a full `make bench`, the moto servers' state).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
from chalicelib.intake.form import ContactForm
from chalicelib.leads.model import Lead, Provenance
from chalicelib.opco import resolve_opco
from chalicelib.dossier.content import build_content
from chalicelib.dossier.render import render_pack
from chalicelib.dossier.organisme import organisme_profile

today = date.today()
times, cpu, sizes = [], [], 0
organisme = organisme_profile("local")
profiler = None
for i in range({n} + 3):
    if i == 3:
        profiler = start_profile()
    form = ContactForm.parse(submission(i), today=today)
    lead = Lead.from_form(form, opco=resolve_opco(idcc=form.idcc).model_dump(mode="json"),
                          now=datetime.now(timezone.utc), consent_version="bench", provenance=Provenance(),
                          spam=False, retention_days=1)
    t0, c0 = time.perf_counter(), time.process_time()
    files = render_pack(build_content(lead, version=1, today=today, organisme=organisme))
    elapsed, used = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    if i >= 3:  # the first packs load fonts and templates: a warm Lambda has them
        times.append(elapsed)
        cpu.append(used)
    sizes = sum(len(b) for b in files.values())
save_profile(profiler)
times.sort()
cpu.sort()
print(json.dumps({{"median_ms": times[len(times) // 2], "median_cpu_ms": cpu[len(cpu) // 2], "max_ms": times[-1],
                  "files": sorted(files), "pack_bytes": sizes, "peak_rss_mb": peak_rss_mb()}}))
"""


def measure(n: int, profile: Path | None = None) -> dict:
    cmd = [sys.executable, "-c", CHILD.format(root=str(ROOT), n=n)]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True, env=profiled_env(profile))
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "packs": n,
        "median_ms": round(r["median_ms"], 1),
        "median_cpu_ms": round(r["median_cpu_ms"], 1),
        "max_ms": round(r["max_ms"], 1),
        "packs_per_second_one_core": round(1000 / r["median_ms"], 1),
        "peak_rss_mb": round(r["peak_rss_mb"], 1),
        "files": r["files"],
        "pack_bytes": r["pack_bytes"],
        "target_median_ms": 130,
        "target_rss_mb": 200,
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--packs", type=int, default=30)
    print(json.dumps(measure(p.parse_args().packs), indent=2))
