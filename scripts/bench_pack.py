"""Time one complete pack (4 PDFs + prefill.json + zip) from a sample lead: median of N runs.

    .venv/bin/python scripts/bench_pack.py [runs]

Prints the median wall and CPU time per pack after one warm-up (fonts and templates cached, as in
a warm Lambda), and the process's peak RSS.
"""
from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.samples import sample_content  # noqa: E402


def main(runs: int) -> None:
    from chalicelib.dossier.render import render_pack

    content = sample_content()
    started = time.perf_counter()
    render_pack(content)
    first = time.perf_counter() - started
    wall, cpu = [], []
    for run in range(runs):
        # A new lead each time (another reference): only lead-independent documents (the
        # programme) may come from the worker's cache, as they would for real leads.
        lead_content = content.model_copy(update={"lead_id": f"{content.lead_id[:-6]}{run:06d}"})
        w, c = time.perf_counter(), time.process_time()
        render_pack(lead_content)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"first pack {first * 1000:.0f} ms; median of {runs}: wall {statistics.median(wall) * 1000:.0f} ms, "
          f"cpu {statistics.median(cpu) * 1000:.0f} ms; peak RSS {rss_mb:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
