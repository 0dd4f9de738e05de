"""SnapStart hooks (chalicelib/snapstart.py), run the way Lambda runs them: a fresh interpreter
initialises app.py as a SnapStart version (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start), the
before-snapshot hooks run, then the process forks: each child is one restored copy, which runs the
after-restore hooks and handles a first POST /leads against moto."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.functional.conftest import AWS_TEST_ENV

CHILD = r"""
import json, os, random, sys
from moto import mock_aws
args = json.loads(sys.argv[1])
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.update(args["env"])
with mock_aws():
    from scripts.local_stack import create_resources
    create_resources(json.load(open("infra/resources.json")))
    from chalicelib import aws
    aws.reset()
    import app
    import snapshot_restore_py as hooks
    from chalice.test import Client

    before = hooks.get_before_snapshot()
    registered = [fn.__qualname__ for fn, _, _ in before] + [fn.__qualname__ for fn, _, _ in hooks.get_after_restore()]
    for fn, a, kw in reversed(before):
        fn(*a, **kw)
    pdf_stack = [m for m in ("fpdf", "fontTools", "jinja2") if m in sys.modules]
    primed = {"clients": aws._client.cache_info().currsize, "pdf_stack": pdf_stack}
    client = Client(app.app)
    snapshot_random = random.getstate()
    copies = []
    for run_hooks in (True, True, False, False):
        read, write = os.pipe()
        if os.fork() == 0:
            # os.fork() reseeds `random` in the child (an at-fork hook); a restore runs no such hook:
            # the copy starts with the snapshot's generator state.
            random.setstate(snapshot_random)
            if run_hooks:
                for fn, a, kw in hooks.get_after_restore():
                    fn(*a, **kw)
            loaded = set(sys.modules)
            body = json.dumps(args["submission"])
            r = client.http.post("/leads", headers={"Content-Type": "application/json"}, body=body)
            os.write(write, json.dumps({"status": r.status_code, "random": random.random(),
                                        "imported": sorted(set(sys.modules) - loaded)}).encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            copies.append(json.loads(pipe.read()))
        os.wait()
    print("RESULT", json.dumps({"registered": registered, "primed": primed, "copies": copies}))
"""


def _restore(submission: dict[str, Any]) -> dict[str, Any]:
    env = {**AWS_TEST_ENV, "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start", "STAGE": "test"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps({"env": env, "submission": submission})],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return result


def test_a_restored_copy_serves_its_first_lead_with_everything_primed_and_its_own_random(
    valid_submission: dict[str, Any],
) -> None:
    result = _restore(valid_submission)
    assert result["registered"] == ["prime", "refresh"]
    # DynamoDB, SQS and Secrets Manager (the form token's key); never the PDF stack.
    assert result["primed"] == {"clients": 3, "pdf_stack": []}
    copies = result["copies"]
    assert [c["status"] for c in copies] == [201, 201, 201, 201]
    # Priming imported everything the first POST /leads needs (moto, the simulated AWS, aside).
    ours = [m for c in copies for m in c["imported"] if not m.startswith(("moto", "werkzeug", "responses"))]
    assert ours == []
    # Copies restored with the hooks draw their own numbers; without them they repeat the snapshot's.
    reseeded, unseeded = [c["random"] for c in copies[:2]], [c["random"] for c in copies[2:]]
    assert reseeded[0] != reseeded[1]
    assert unseeded[0] == unseeded[1]


def test_app_registers_no_hooks_outside_a_snapstart_initialisation() -> None:
    code = (
        "import sys, app; print(sorted(m for m in ('chalicelib.snapstart', 'snapshot_restore_py') if m in sys.modules))"
    )
    env = {**AWS_TEST_ENV, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


def test_calls_answered_in_process_send_nothing_and_only_within_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Priming's calls (snapstart._prime_calls) are answered by the SDK's own pipeline, never sent: here
    nothing listens at the endpoint, so a request that left the process would fail."""
    from botocore.exceptions import EndpointConnectionError

    from chalicelib import aws, config

    with socket.socket() as s:  # a free port, closed again: a connection to it is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for k, v in {**AWS_TEST_ENV, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}.items():
        monkeypatch.setenv(k, v)
    config.reset()
    aws.reset()
    try:
        ddb, sqs, key = aws.dynamodb(), aws.sqs(), {"pk": {"S": "PRIMING"}, "sk": {"S": "PRIMING"}}
        with aws.answered_in_process(ddb), aws.answered_in_process(sqs):
            put = ddb.put_item(TableName="t", Item=key, ConditionExpression="attribute_not_exists(pk)")
            sent = sqs.send_message(QueueUrl=f"http://127.0.0.1:{port}/123456789012/q", MessageBody="{}")
        assert put["ResponseMetadata"]["HTTPStatusCode"] == sent["ResponseMetadata"]["HTTPStatusCode"] == 200
        with pytest.raises(EndpointConnectionError):
            ddb.get_item(TableName="t", Key=key)
    finally:
        config.reset()
        aws.reset()
