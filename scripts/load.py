"""Burst test: N concurrent submissions over HTTP, a known share of them exact duplicates.

    python scripts/load.py --n 1000                         # starts its own local stack on free ports
    python scripts/load.py --n 200 --api http://127.0.0.1:8000 --aws http://127.0.0.1:5000

Every duplicate repeats an earlier submission byte for byte with the same Idempotency-Key.
Afterwards it waits until every stored lead of this run has its pack, then checks: no 5xx,
one pack version and one `dossier_genere` event per lead, and one lead per distinct
submission when the intake honours Idempotency-Key (reported either way). It prints the
submission throughput and the time from the first submission to the last pack.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
TABLE = "opco-dossier-local"
REGION = "eu-west-3"
PARIS = ZoneInfo("Europe/Paris")  # the form's dates are French dates


@dataclass(frozen=True)
class Submission:
    key: str
    body: bytes
    original: bool


@dataclass
class Report:
    n: int
    distinct: int
    statuses: collections.Counter = field(default_factory=collections.Counter)
    submit_s: float = 0.0
    all_packs_s: float | None = None
    leads: dict[str, dict[str, Any]] = field(default_factory=dict)  # lead id -> {status, pack, events}
    answered_ids: dict[str, set[str]] = field(default_factory=dict)  # Idempotency-Key -> lead ids

    @property
    def server_errors(self) -> int:
        return sum(c for s, c in self.statuses.items() if s >= 500)

    @property
    def throughput(self) -> float:
        return self.n / self.submit_s if self.submit_s else 0.0

    @property
    def dedup_honoured(self) -> bool:
        return all(len(ids) == 1 for ids in self.answered_ids.values()) and len(self.leads) == self.distinct

    @property
    def leads_without_one_pack(self) -> list[str]:
        return [i for i, lead in self.leads.items() if lead["pack"] != 1 or lead["events"] != 1]

    def ok(self, *, strict_dedup: bool) -> bool:
        answered = set().union(*self.answered_ids.values()) if self.answered_ids else set()
        return (
            self.server_errors == 0
            and self.all_packs_s is not None
            and not self.leads_without_one_pack
            and answered <= set(self.leads)
            and (self.dedup_honoured or not strict_dedup)
        )

    def summary(self) -> str:
        dup = self.n - self.distinct
        answers = ", ".join(f"{s}×{c}" for s, c in sorted(self.statuses.items()))
        packs = f"{self.all_packs_s:.1f} s" if self.all_packs_s is not None else "NOT REACHED"
        dedup = (
            "honoured: one lead per distinct submission"
            if self.dedup_honoured
            else f"NOT honoured: {len(self.leads)} leads stored for {self.distinct} distinct submissions"
        )
        return (
            f"load: {self.n} submissions ({self.distinct} distinct, {dup} duplicates)\n"
            f"  answers: {answers}; 5xx: {self.server_errors}\n"
            f"  throughput: {self.throughput:.1f} submissions/s ({self.submit_s:.1f} s to send all)\n"
            f"  packs: {len(self.leads) - len(self.leads_without_one_pack)}/{len(self.leads)} leads with "
            f"exactly one pack version and one dossier_genere event; time to all packs: {packs}\n"
            f"  Idempotency-Key: {dedup}"
        )


def make_submissions(n: int, duplicate_share: float, *, run: str, seed: int = 8) -> list[Submission]:
    rng = random.Random(seed)  # noqa: S311 (repeatable test data, not a secret)
    distinct = max(1, n - round(n * duplicate_share))
    start = (datetime.now(PARIS).date() + timedelta(days=60)).isoformat()
    originals = [
        Submission(
            str(uuid.uuid4()),
            json.dumps(
                {
                    "company_name": f"Charge {run} n°{i}",
                    "siret": "73282932000074",
                    "idcc": rng.choice(["1486", "3248", "2609"]),
                    "headcount": 8,
                    "first_name": "Camille",
                    "last_name": "Martin",
                    "email": f"contact{i}@charge-{run}.fr",
                    "training": ["ia-generative-essentiels"],
                    "trainees": 2,
                    "start_date": start,
                    "consent": True,
                }
            ).encode(),
            True,
        )
        for i in range(distinct)
    ]
    duplicates = [Submission(s.key, s.body, False) for s in rng.choices(originals, k=n - distinct)]
    # Duplicates come after their original (a retried POST), mixed into the rest of the burst.
    order = originals + duplicates
    rng.shuffle(order)
    seen: set[str] = set()
    result = []
    for s in order:
        result.append(Submission(s.key, s.body, s.key not in seen))
        seen.add(s.key)
    return result


def post(api: str, sub: Submission) -> tuple[str, int, str | None]:
    req = urllib.request.Request(
        api + "/leads",
        data=sub.body,
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": sub.key},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    except OSError as exc:  # no answer at all counts as a server failure
        print(f"load: no answer: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return sub.key, 599, None
    try:
        lead_id = json.loads(raw).get("lead_id")
    except (ValueError, AttributeError):
        lead_id = None
    return sub.key, status, lead_id


def _client(aws: str, service: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=aws,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 (moto)
    )


def jobs_in_queue(aws: str) -> int:
    """Jobs waiting or being built: a cheap question (SQS), unlike the Scan of stored_leads."""
    attrs = _client(aws, "sqs").get_queue_attributes(
        QueueUrl=f"{aws}/123456789012/opco-dossier-jobs",
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def stored_leads(aws: str, run: str) -> dict[str, dict[str, Any]]:
    """This run's lead records (a Scan: fine for a harness on the local stack, never in the product)."""
    ddb = _client(aws, "dynamodb")
    kwargs: dict[str, Any] = {
        "TableName": TABLE,
        "FilterExpression": "sk = :lead AND begins_with(company_name, :run)",
        "ExpressionAttributeValues": {":lead": {"S": "LEAD"}, ":run": {"S": f"Charge {run} "}},
        "ProjectionExpression": "id, #s, pack.version",
        "ExpressionAttributeNames": {"#s": "status"},
    }
    leads = {}
    while True:
        page = ddb.scan(**kwargs)
        for item in page["Items"]:
            version = item.get("pack", {}).get("M", {}).get("version", {}).get("N")
            leads[item["id"]["S"]] = {"status": item["status"]["S"], "pack": int(version) if version else None}
        if "LastEvaluatedKey" not in page:
            return leads
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def packs_built(aws: str, lead_id: str) -> int:
    ddb = _client(aws, "dynamodb")
    items = ddb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :ev)",
        ExpressionAttributeValues={":pk": {"S": f"LEAD#{lead_id}"}, ":ev": {"S": "EVENT#"}},
    )["Items"]
    return sum(1 for i in items if i["kind"]["S"] == "dossier_genere")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_load(
    api: str, aws: str, *, n: int, duplicate_share: float = 0.1, workers: int = 32, timeout_s: float = 900
) -> Report:
    run = uuid.uuid4().hex[:8]
    subs = make_submissions(n, duplicate_share, run=run)
    report = Report(n=n, distinct=sum(s.original for s in subs))
    started = time.monotonic()
    answers = []
    step = max(1, n // 10)
    with ThreadPoolExecutor(workers) as pool:
        for done, answer in enumerate(as_completed(pool.submit(post, api, s) for s in subs), start=1):
            answers.append(answer.result())
            if done % step == 0 or done == n:
                progress(f"load: {done}/{n} sent ({time.monotonic() - started:.1f} s)")
    report.submit_s = time.monotonic() - started
    for key, status, lead_id in answers:
        report.statuses[status] += 1
        if 200 <= status < 300 and lead_id:
            report.answered_ids.setdefault(key, set()).add(lead_id)

    deadline = started + timeout_s
    said = 0.0
    while time.monotonic() < deadline:
        # The Scan walks the whole table under the local AWS's lock, which the workers need too
        # (1,000 leads: ~4,000 items): scan only once the queue is empty.
        if jobs_in_queue(aws):
            time.sleep(1)
            continue
        report.leads = stored_leads(aws, run)
        packed = sum(1 for lead in report.leads.values() if lead["pack"])
        if report.leads and packed == len(report.leads):
            report.all_packs_s = time.monotonic() - started
            break
        if time.monotonic() - said >= 5:  # one line every 5 s while the worker builds the packs
            said = time.monotonic()
            progress(f"load: {packed}/{len(report.leads)} leads have their pack ({said - started:.0f} s)")
        time.sleep(3)
    progress("load: counting each lead's pack events")
    with ThreadPoolExecutor(8) as pool:
        ids = list(report.leads)
        for lead_id, events in zip(ids, pool.map(lambda i: packs_built(aws, i), ids), strict=True):
            report.leads[lead_id]["events"] = events
    return report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def local_stack(pump_workers: int = 0) -> Iterator[tuple[str, str]]:
    """Start scripts/local_stack.py on free ports; yield (api URL, AWS URL)."""
    api_port, aws_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "scripts" / "local_stack.py"),
                "--api-port",
                str(api_port),
                "--aws-port",
                str(aws_port),
                # The deployed schedule (every 5 minutes). Sweeping every few seconds re-sent a job
                # for every lead of a backlog older than SWEEP_AFTER, on each sweep: 3,300 jobs
                # queued for 900 leads after 10 minutes of `make load N=1000`.
                "--sweep-every",
                "300",
                "--no-autoreload",
                *(["--workers", str(pump_workers)] if pump_workers else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            api = f"http://127.0.0.1:{api_port}"
            _wait_ready(api, proc, log)
            yield api, f"http://127.0.0.1:{aws_port}"
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_ready(api: str, proc: subprocess.Popen, log: Any, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"local stack exited:\n{log.read()}")
        try:
            with urllib.request.urlopen(api + "/", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"local stack did not answer within {timeout_s} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="submissions to send (default 1000)")
    parser.add_argument("--duplicates", type=float, default=0.1, help="share of exact duplicates (default 0.1)")
    parser.add_argument("--workers", type=int, default=32, help="concurrent senders (default 32)")
    parser.add_argument("--api", help="base URL of a running stack (default: start one)")
    parser.add_argument("--aws", help="its local AWS endpoint (required with --api)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for all packs")
    parser.add_argument("--strict-dedup", action="store_true", help="fail when duplicates make extra leads")
    parser.add_argument(
        "--pump-workers", type=int, default=0, help="worker processes of the stack it starts (default: its own)"
    )
    args = parser.parse_args()
    if args.api and not args.aws:
        parser.error("--aws is required with --api")
    if not args.api:
        progress("load: starting a local stack on free ports")
    with contextlib.nullcontext((args.api, args.aws)) if args.api else local_stack(args.pump_workers) as (api, aws):
        report = run_load(
            api, aws, n=args.n, duplicate_share=args.duplicates, workers=args.workers, timeout_s=args.timeout
        )
    print(report.summary(), flush=True)
    return 0 if report.ok(strict_dedup=args.strict_dedup) else 1


if __name__ == "__main__":
    sys.exit(main())
