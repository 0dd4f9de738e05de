"""Compile the human-edited requirements*.in into hash-locked requirements*.txt: `make lock`.

Every lock is resolved for the deployment target (CPython 3.13 on Linux x86_64, the Lambda
runtime) by `uv pip compile --generate-hashes`, so `pip install --require-hashes` refuses any file
that is not the one locked. Each lock starts with the digest of what it was compiled from (its
.in files, the files those include, the compile options): tests/unit/test_locks.py fails when an
.in changed and `make lock` was not run.

- requirements.txt: the runtime packages, what `chalice package` installs into the Lambda zip;
- requirements-dev.txt: runtime + tools and tests (the venv), held to the runtime's versions;
- requirements-vendor.txt: the wheels unpacked into vendor/ WITHOUT their dependencies
  (scripts/package.py vendor_wheels; see requirements-vendor.in for why).

    python scripts/lock.py            # recompile every lock (network: PyPI)
    python scripts/lock.py --check    # exit 1 if a lock is stale (offline)
    python scripts/lock.py --upgrade  # let every unpinned transitive package move to its newest
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ("--python-version", "3.13", "--python-platform", "x86_64-manylinux_2_28")
DIGEST_PREFIX = "# input-sha256: "


@dataclass(frozen=True)
class Lock:
    out: str
    inputs: tuple[str, ...]  # the .in compiled, then every file it reads (-r, -c)
    options: tuple[str, ...] = ()

    def digest(self, root: Path = ROOT) -> str:
        h = hashlib.sha256(repr((self.options, TARGET)).encode())
        for name in self.inputs:
            h.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
        return h.hexdigest()

    def recorded_digest(self, root: Path = ROOT) -> str | None:
        path = root / self.out
        if not path.exists():
            return None
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        return first.removeprefix(DIGEST_PREFIX) if first.startswith(DIGEST_PREFIX) else None


# Order matters: the dev lock is constrained by the runtime lock compiled before it.
LOCKS = (
    Lock("requirements.txt", ("requirements.in",)),
    Lock(
        "requirements-dev.txt",
        ("requirements-dev.in", "requirements.in", "requirements.txt"),
        ("--constraint", "requirements.txt"),
    ),
    Lock("requirements-vendor.txt", ("requirements-vendor.in",), ("--no-deps",)),
)


def stale(root: Path = ROOT) -> list[str]:
    return [lock.out for lock in LOCKS if lock.recorded_digest(root) != lock.digest(root)]


def compile_lock(lock: Lock, uv: str, *, upgrade: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / lock.out
        if (ROOT / lock.out).exists() and not upgrade:
            shutil.copy(ROOT / lock.out, out)  # uv keeps the versions it finds there
        subprocess.run(
            [
                uv,
                "pip",
                "compile",
                "--quiet",
                "--generate-hashes",
                "--no-strip-extras",
                "--custom-compile-command",
                "make lock",
                *TARGET,
                *lock.options,
                *(["--upgrade"] if upgrade else []),
                lock.inputs[0],
                "--output-file",
                str(out),
            ],
            cwd=ROOT,
            check=True,
        )
        body = out.read_text(encoding="utf-8")
    (ROOT / lock.out).write_text(f"{DIGEST_PREFIX}{lock.digest()}\n{body}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only tell whether a lock is stale")
    parser.add_argument("--upgrade", action="store_true", help="move unpinned packages to their newest versions")
    args = parser.parse_args()
    if args.check:
        late = stale()
        for name in late:
            print(f"{name} is stale: its .in changed since it was compiled; run `make lock`", file=sys.stderr)
        return 1 if late else 0
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if not uv:
        print("uv is missing: `make venv` installs it (requirements-dev.in)", file=sys.stderr)
        return 1
    for lock in LOCKS:
        print(f"lock: {' + '.join(lock.inputs[:1])} -> {lock.out}", flush=True)
        compile_lock(lock, uv, upgrade=args.upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main())
