"""Shared bench helpers: a moto-backed environment identical for our app and the floor."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "eu-west-3",
    "STAGE": "test",
    "TABLE_NAME": "opco-dossier-local",
    "BUCKET_NAME": "opco-dossier-local",
    "JOBS_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/123456789012/opco-dossier-jobs",
    "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/123456789012/opco-dossier-jobs-dlq",
    "SENDER_EMAIL": "dossiers@formation-ia.example",
    "NOTIFY_EMAIL": "consultants@formation-ia.example",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "false",
}


def function_env() -> dict[str, str]:
    """The environment a deployed function gets: .chalice/config.json's variables for every
    stage, then the simulated resources' names."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {**config.get("environment_variables", {}), **ENV}


@contextlib.contextmanager
def simulated_aws() -> Iterator[dict[str, str]]:
    """moto's server on a free port, holding the deployment's resources (infra/resources.json)
    and warmed (warm_simulated_aws); yields the environment of a function that uses it. Another
    process's AWS, as in Lambda: a measured process's CPU time is then its own work only."""
    import logging
    import socket
    import urllib.request

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        **function_env(),
        "AWS_ENDPOINT_URL": endpoint,
        "JOBS_QUEUE_URL": f"{endpoint}/123456789012/opco-dossier-jobs",
        "DEAD_LETTER_QUEUE_URL": f"{endpoint}/123456789012/opco-dossier-jobs-dlq",
    }
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    # moto's backends live in this process: a new server still holds an earlier one's resources.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
    saved = dict(os.environ)
    os.environ.update(env)
    from chalicelib import aws, config

    config.reset()  # this process's settings and clients follow the new endpoint
    aws.reset()
    try:
        create_resources()
        warm_simulated_aws()
        yield env
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()


def run_measured(
    app_dir: str, mode: str, count: int, env: dict[str, str], profile: Path | None = None
) -> dict[str, Any]:
    """Run bench/invoke.py in a fresh interpreter; its result plus the process's wall and CPU time
    from outside (interpreter start included, as in a Lambda cold start)."""
    import resource
    import subprocess
    import time

    cmd = [sys.executable, str(ROOT / "bench" / "invoke.py"), app_dir, mode, str(count)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=app_dir, env={**profiled_env(profile), **env})
    wall = (time.perf_counter() - t0) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    line = next(line for line in out.stdout.splitlines() if line.startswith("BENCH "))
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return {**json.loads(line.removeprefix("BENCH ")), "process_ms": wall, "process_cpu_ms": cpu}


def set_env() -> None:
    """function_env() for an in-process mock_aws (pack_build, list_scale)."""
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(function_env())


def create_resources() -> None:
    from scripts.local_stack import create_resources as create

    create(json.loads((ROOT / "infra" / "resources.json").read_text()))


def warm_simulated_aws() -> None:
    """Have moto serve each kind of call POST /leads makes once, through a client of its own (not the
    app's): moto imports its expression parsers and response machinery on first use, a cost of the
    simulated AWS that real DynamoDB and SQS do not have and that would otherwise land on whichever
    app calls first. Its items expire at once and use keys no app reads."""
    import boto3

    ddb = boto3.session.Session().client("dynamodb", region_name=ENV["AWS_DEFAULT_REGION"])
    table, key = ENV["TABLE_NAME"], {"pk": {"S": "BENCH#warm"}, "sk": {"S": "BENCH"}}
    ddb.put_item(
        TableName=table, Item={**key, "expires_at": {"N": "1"}}, ConditionExpression="attribute_not_exists(pk)"
    )
    ddb.get_item(TableName=table, Key=key, ConsistentRead=True)
    ddb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="ADD hits :one SET expires_at = if_not_exists(expires_at, :exp)",
        ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
        ExpressionAttributeValues={":one": {"N": "1"}, ":limit": {"N": "5"}, ":exp": {"N": "1"}},
    )
    ddb.delete_item(TableName=table, Key=key)
    sqs = boto3.session.Session().client("sqs", region_name=ENV["AWS_DEFAULT_REGION"])
    sqs.send_message(QueueUrl=os.environ["JOBS_QUEUE_URL"], MessageBody="{}")
    sqs.purge_queue(QueueUrl=os.environ["JOBS_QUEUE_URL"])


def submission(i: int = 0) -> dict[str, Any]:
    return {
        "company_name": f"Atelier Numérique {i}",
        "siret": "73282932000074",
        "idcc": "1486",
        "naf": "62.01Z",
        "headcount": 8,
        "first_name": "Camille",
        "last_name": "Martin",
        "email": f"camille{i}@atelier.fr",
        "phone": "06 12 34 56 78",
        "training": ["ia-generative-essentiels"],
        "trainees": 3,
        "start_date": (date.today() + timedelta(days=60)).isoformat(),
        "consent": True,
    }


PROFILE_ENV = "BENCH_PROFILE"  # a file: the child profiles its timed section there (pyinstrument)


def start_profile() -> Any:
    """A running pyinstrument Profiler when BENCH_PROFILE names a file, else None."""
    if not os.environ.get(PROFILE_ENV):
        return None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    return profiler


def save_profile(profiler: Any) -> None:
    if profiler is not None:
        profiler.stop()
        Path(os.environ[PROFILE_ENV]).write_text(profiler.output_text(unicode=True))


def profiled_env(path: Path | None) -> dict[str, str]:
    """The environment for a child process, profiling into `path` when given."""
    env = {k: v for k, v in os.environ.items() if k != PROFILE_ENV}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        env[PROFILE_ENV] = str(path.resolve())
    return env


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    import statistics  # not at the top: a measured process imports this module before its clock starts

    return statistics.median(values)


def medians(runs: list[dict[str, Any]], key: str) -> float:
    """The median of one figure (ms) over runs, to 0.1 ms."""
    return round(median([r[key] for r in runs]), 1)


def side_by_side(
    ours: list[dict[str, Any]], floor: list[dict[str, Any]], *, wall: str, cpu: str, target: float
) -> dict[str, float]:
    """Ours against the floor: each side's median wall and CPU times, the wall-time ratio (the one the
    target bounds) and the CPU-time ratio."""
    return {
        "ours_median_cpu_ms": medians(ours, cpu),
        "floor_median_cpu_ms": medians(floor, cpu),
        "ours_median_ms": medians(ours, wall),
        "floor_median_ms": medians(floor, wall),
        "ratio": round(medians(ours, wall) / medians(floor, wall), 3),
        "cpu_ratio": round(medians(ours, cpu) / medians(floor, cpu), 3),
        "target_ratio": target,
    }


def command_line(
    parser: Any, measure: Callable[[Any], dict[str, Any]], profile: Callable[[Path], None], profile_help: str
) -> None:
    """A benchmark's command: its figures as JSON, or with --profile PATH one profiled run of ours."""
    parser.add_argument("--profile", type=Path, default=None, help=profile_help)
    args = parser.parse_args()
    if args.profile:
        profile(args.profile)
        print(args.profile.read_text())
    else:
        print(json.dumps(measure(args), indent=2))
