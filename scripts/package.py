"""Build what CloudFormation deploys: `make package STAGE=prod` → out/prod/{sam.json,deployment.zip}.

1. infra/resources.json (the data resources, also read by scripts/local_stack.py) and
   infra/platform.json (Cognito, alarms, queries, wiring, overrides of Chalice's own
   resources) become one merge template; infra/dashboard.json becomes the dashboard body.
2. requirements-vendor.txt is unpacked into vendor/ without dependencies (Linux wheels).
3. `chalice package --merge-template` writes the SAM template and the zip.

    python scripts/package.py --stage prod --out out/prod
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("infra/resources.json", "infra/platform.json")
SECTIONS = ("Parameters", "Conditions", "Globals", "Resources", "Outputs")
VENDORED = ROOT / "vendor" / ".vendored"  # what the last run unpacked, removed before the next


def merge_template() -> dict[str, Any]:
    """The infra/ parts as one template; a logical id defined twice is an error."""
    merged: dict[str, Any] = {}
    for part in PARTS:
        for key, value in json.loads((ROOT / part).read_text()).items():
            if key not in SECTIONS:
                merged[key] = value
                continue
            section = merged.setdefault(key, {})
            twice = sorted(set(section) & set(value))
            if twice:
                raise SystemExit(f"{part}: {key} {twice} already defined by an earlier part")
            section.update(value)
    dashboard = json.loads((ROOT / "infra" / "dashboard.json").read_text())
    merged["Resources"]["Dashboard"]["Properties"]["DashboardBody"] = {
        "Fn::Sub": json.dumps(dashboard, separators=(",", ":"), ensure_ascii=False)}
    return merged


def vendor_wheels(build: Path) -> list[str]:
    """Unpack requirements-vendor.txt (Linux wheels for this Python, no dependencies) into vendor/."""
    wheels = build / "vendor-wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                    "--no-deps", "--only-binary=:all:", "--platform", "manylinux2014_x86_64",
                    "--implementation", "cp", "--python-version", python,
                    "-r", str(ROOT / "requirements-vendor.txt"), "-d", str(wheels)], check=True)
    vendor = ROOT / "vendor"
    vendor.mkdir(exist_ok=True)
    if VENDORED.exists():
        for name in VENDORED.read_text().split():
            shutil.rmtree(vendor / name, ignore_errors=True)
    names: set[str] = set()
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(vendor)
            names |= {n.split("/")[0] for n in zf.namelist()}
    VENDORED.write_text("\n".join(sorted(names)) + "\n")
    return sorted(names)


def package(stage: str, out: Path) -> None:
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    template = build / "merge-template.json"
    template.write_text(json.dumps(merge_template(), indent=1, ensure_ascii=False) + "\n")
    vendor_wheels(build)
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-3")}
    env.pop("AWS_ENDPOINT_URL", None)
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run([str(chalice), "package", "--stage", stage, "--merge-template", str(template), str(out)],
                   cwd=ROOT, env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", default="prod", choices=["dev", "prod"])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = (args.out or ROOT / "out" / args.stage).resolve()
    package(args.stage, out)
    print(f"{out}/sam.json and {out}/deployment.zip ({(out / 'deployment.zip').stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
