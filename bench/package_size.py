"""Package: the size of the deployment zip from `chalice package` (scripts/package.py) and its
five largest dependencies (compressed bytes per top-level entry).

    python bench/package_size.py [--stage prod] [--no-build]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import zipfile

from common import ROOT


def top_level(name: str) -> str:
    head = name.split("/")[0]
    for suffix in (".dist-info", ".data"):
        if head.endswith(suffix):
            return head.split("-")[0] + " (metadata)"
    return head.split(".cpython")[0].removesuffix(".py")


def measure(stage: str, build: bool) -> dict:
    out = ROOT / "out" / stage
    if build:
        env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-3")}
        subprocess.run(
            [sys.executable, "scripts/package.py", "--stage", stage, "--out", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    path = out / "deployment.zip"
    sizes: collections.Counter[str] = collections.Counter()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            sizes[top_level(info.filename)] += info.compress_size
    ours = {"app", "chalicelib", "templates", "chalice"}
    deps = [(k, v) for k, v in sizes.most_common() if k not in ours and "(metadata)" not in k]
    return {
        "stage": stage,
        "zip_mb": round(path.stat().st_size / 1e6, 2),
        "target_mb": 10,
        "largest_dependencies_mb": {k: round(v / 1e6, 2) for k, v in deps[:5]},
        "our_code_and_templates_mb": round(sum(sizes[k] for k in ours) / 1e6, 2),
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--stage", default="prod")
    p.add_argument("--no-build", action="store_true", help="measure the last out/<stage>/deployment.zip")
    a = p.parse_args()
    print(json.dumps(measure(a.stage, not a.no_build), indent=2))
