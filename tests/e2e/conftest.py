"""The real local stack (moto server + chalice local + pump), started once on free ports."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from scripts.screenshots import launch_chromium  # Debian's Chromium, its flags and why

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


class LocalStack:
    def __init__(self, api_port: int, aws_port: int, proc: subprocess.Popen, log: Path):
        self.api = f"http://127.0.0.1:{api_port}"
        self.aws = f"http://127.0.0.1:{aws_port}"
        self.proc = proc
        self.log = log  # what the stack printed (its handlers' JSON lines, the pump's and schedules' lines)

    def client(self, service: str):
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.aws,
            region_name="eu-west-3",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )


@contextlib.contextmanager
def start_stack(
    log_dir: Path, env_extra: dict[str, str], api_port: int | None = None, args: tuple[str, ...] = ()
) -> Iterator[LocalStack]:
    """scripts/local_stack.py on free ports (or the given API port), with extra `args`, stopped on exit."""
    api_port, aws_port = api_port or free_port(), free_port()
    log = log_dir / "stack.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(env_extra)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "scripts/local_stack.py",
                "--api-port",
                str(api_port),
                "--aws-port",
                str(aws_port),
                "--sweep-every",
                "5",
                "--no-autoreload",
                *args,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    s = LocalStack(api_port, aws_port, proc, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"local stack exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(s.api + "/", timeout=2):
                break
        except Exception:
            time.sleep(0.3)
    else:
        proc.terminate()
        raise RuntimeError(f"local stack did not start:\n{log.read_text()}")
    try:
        yield s
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    # Browser tests fill the form in well under the 3 s a person needs (functional tests keep the default).
    with start_stack(tmp_path_factory.mktemp("stack"), {"FORM_MIN_FILL_SECONDS": "0"}) as s:
        yield s
