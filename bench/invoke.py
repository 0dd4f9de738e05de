"""What runs inside the measured process: an app invoked the way Lambda invokes it.

The parent (cold_start.py, restore.py, warm_intake.py) runs moto's server as the AWS stand-in
(common.simulated_aws) and starts this file in a fresh interpreter, like Lambda starting a
runtime: it imports the app and hands it API Gateway proxy events for POST /leads with a Lambda
context; no test client, whose import (chalice's CLI) no Lambda pays. AWS is another process, so
this process's CPU time is the app's own work, and its wall time adds the stand-in AWS's answers.

    python bench/invoke.py APP_DIR cold|warm N|restore N   (prints one JSON line)
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from typing import Any

from common import save_profile, start_profile, submission


class Context:
    """What the Lambda runtime passes the handler; enough for Chalice and Powertools."""

    function_name = "opco-dossier-bench-APIHandler"
    function_version = "1"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-3:123456789012:function:opco-dossier-bench-APIHandler"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 15_000


def post_leads_event(body: dict[str, Any]) -> dict[str, Any]:
    """API Gateway's REST proxy event for POST /leads, as the deployed API sends it."""
    headers = {"Content-Type": "application/json", "Host": "bench.execute-api.eu-west-3.amazonaws.com"}
    return {
        "resource": "/leads",
        "path": "/leads",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/leads",
            "httpMethod": "POST",
            "path": "/api/leads",
            "stage": "api",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "192.0.2.10"},
        },
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def invoke(app: Any, event: dict[str, Any]) -> float:
    """One POST /leads; its wall time in ms. A non-2xx answer is a broken benchmark."""
    t0 = time.perf_counter()
    response = app(event, Context())
    elapsed = (time.perf_counter() - t0) * 1000
    if response["statusCode"] not in (200, 201):
        raise SystemExit(f"POST /leads answered {response['statusCode']}: {response['body'][:500]}")
    return elapsed


def load_app(app_dir: str) -> Any:
    sys.path.insert(0, app_dir)
    import app as target

    return target.app


def cold(app_dir: str) -> dict[str, Any]:
    event = post_leads_event(submission(0))
    profiler = start_profile()
    t0, c0 = time.perf_counter(), time.process_time()
    app = load_app(app_dir)
    t1 = time.perf_counter()
    first = invoke(app, event)
    wall, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    save_profile(profiler)
    return {"import_ms": (t1 - t0) * 1000, "first_ms": first, "ms": wall, "in_process_cpu_ms": cpu}


def warm(app_dir: str, n: int) -> dict[str, Any]:
    from common import median, pct

    app = load_app(app_dir)
    for i in range(20):  # warm-up, excluded
        invoke(app, post_leads_event(submission(100_000 + i)))
    events = [post_leads_event(submission(i)) for i in range(n)]
    profiler = start_profile()
    walls, cpus = [], []
    for event in events:
        c0 = time.process_time()
        walls.append(invoke(app, event))
        cpus.append((time.process_time() - c0) * 1000)
    save_profile(profiler)
    return {"median_ms": median(walls), "p99_ms": pct(walls, 0.99), "median_cpu_ms": median(cpus)}


def restore(app_dir: str, forks: int) -> dict[str, Any]:
    """Import and prime (our before-snapshot hooks; the floor: the same boto3 priming), then fork:
    each child is one restored copy, timed from the fork to the first answer."""
    os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start"  # what Lambda sets for a SnapStart init
    app = load_app(app_dir)
    after: list[Any] = []
    if "snapshot_restore_py" in sys.modules:  # ours registered its hooks
        import snapshot_restore_py as hooks

        for fn, args, kwargs in reversed(hooks.get_before_snapshot()):  # Lambda's order
            fn(*args, **kwargs)
        after = hooks.get_after_restore()
    else:  # the floor's priming: its clients and the operation models of its two calls
        target = sys.modules["app"]
        for service, operation in (("dynamodb", "PutItem"), ("sqs", "SendMessage")):
            target._client(service).meta.service_model.operation_model(operation).input_shape  # noqa: B018
    runs = []
    events = [post_leads_event(submission(i)) for i in range(forks)]
    for i, event in enumerate(events):
        read, write = os.pipe()
        if os.fork() == 0:
            profiler = start_profile() if i == 0 else None
            t0, c0 = time.perf_counter(), time.process_time()
            for fn, args, kwargs in after:
                fn(*args, **kwargs)
            invoke(app, event)
            result = {"ms": (time.perf_counter() - t0) * 1000, "cpu_ms": (time.process_time() - c0) * 1000}
            save_profile(profiler)
            os.write(write, json.dumps(result).encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            runs.append(json.loads(pipe.read()))
        os.wait()
    return {"runs": runs}


if __name__ == "__main__":
    app_dir, mode = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    modes = {
        "cold": lambda: cold(app_dir),
        "warm": lambda: warm(app_dir, count),
        "restore": lambda: restore(app_dir, count),
    }
    result = modes[mode]()
    print("BENCH " + json.dumps(result), flush=True)
