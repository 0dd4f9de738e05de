"""The embedded default: the whole pipeline on one laptop, no AWS account.

Starts a moto server (threaded, see LocalAws), creates the table, bucket and queues from the
same definitions the deployment uses (infra/resources.json), starts
`chalice local --stage local`, pumps SQS messages into the real worker
handler with real SQS event shapes (chalice local runs no event handlers), and
runs the scheduled jobs app.py registers on their schedules (scripts/local_schedules.py).

    python scripts/local_stack.py [--api-port 8000] [--aws-port 5000]
        [--schedule-every NAME=SECONDS ...] [--run-now NAME|all ...]
    python scripts/local_stack.py --job client_reminders   # once, against a running stack
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import local_schedules  # noqa: E402  (ROOT on sys.path first)
from scripts.local_schedules import REGION, LambdaContext  # noqa: E402

NAMES = {
    "LeadsTable": "opco-dossier-local",
    "DossierBucket": "opco-dossier-local",
    "ClientBucket": "opco-dossier-local-client",
    "DossierJobsQueue": "opco-dossier-jobs",
    "DossierJobsDeadLetterQueue": "opco-dossier-jobs-dlq",
    "FormTokenSecret": "opco-dossier-local/form-token",
}
SENDER = "dossiers@formation-ia.example"
NOTIFY = "consultants@formation-ia.example"
CONSULTANT = "consultante@formation-ia.example"


def local_env(aws_port: int, api_port: int) -> dict[str, str]:
    endpoint = f"http://127.0.0.1:{aws_port}"
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "STAGE": "local",
        "TABLE_NAME": NAMES["LeadsTable"],
        "BUCKET_NAME": NAMES["DossierBucket"],
        "CLIENT_BUCKET_NAME": NAMES["ClientBucket"],
        "JOBS_QUEUE_URL": f"{endpoint}/123456789012/{NAMES['DossierJobsQueue']}",
        "DEAD_LETTER_QUEUE_URL": f"{endpoint}/123456789012/{NAMES['DossierJobsDeadLetterQueue']}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{api_port}",
        "SENDER_EMAIL": SENDER,
        "NOTIFY_EMAIL": NOTIFY,
        # Read from the local Secrets Manager, as in AWS (created from infra/resources.json).
        "FORM_TOKEN_SECRET": NAMES["FormTokenSecret"],
        "POWERTOOLS_METRICS_NAMESPACE": "OpcoDossier",
        "POWERTOOLS_SERVICE_NAME": "opco-dossier",
        "POWERTOOLS_TRACE_DISABLED": "true",
        # Consultant sign-in: a key pair generated at startup stands in for Cognito (git-ignored, per port).
        "LOCAL_JWT_PRIVATE_KEY_FILE": str(ROOT / ".local" / f"consultant-signing-key-{api_port}.pem"),
        "JWT_ISSUER": f"http://127.0.0.1:{api_port}/consultants/dev",
        "JWT_AUDIENCE": "opco-dossier-local",
        # moto's TransactWriteItems copies the whole table: slow under a burst, never a reason for a 500.
        "CLIENT_READ_TIMEOUT_S": "120",
    }


def create_resources(template: dict[str, Any]) -> dict[str, str]:
    """Create what infra/resources.json declares, with the same properties."""
    from chalicelib import aws

    created: dict[str, str] = {}
    resources = template["Resources"]
    order = sorted(resources, key=lambda n: n != "DossierJobsDeadLetterQueue")
    for name in order:
        res = resources[name]
        props = res.get("Properties", {})
        if res["Type"] == "AWS::DynamoDB::Table":
            created[name] = _create_table(aws.dynamodb(), NAMES[name], props)
        elif res["Type"] == "AWS::S3::Bucket":
            created[name] = _create_bucket(aws.s3(), NAMES[name], props)
        elif res["Type"] == "AWS::SQS::Queue":
            created[name] = _create_queue(aws.sqs(), NAMES[name], props)
        elif res["Type"] == "AWS::SecretsManager::Secret":
            created[name] = _create_secret(aws.client("secretsmanager"), NAMES[name], props)
    ses = aws.ses()
    ses.verify_email_identity(EmailAddress=SENDER)
    return created


def _create_table(ddb: Any, name: str, props: dict[str, Any]) -> str:
    kwargs = {
        k: props[k]
        for k in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
        if k in props
    }
    if "SSESpecification" in props:
        kwargs["SSESpecification"] = {"Enabled": props["SSESpecification"]["SSEEnabled"]}
    ddb.create_table(TableName=name, **kwargs)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    return name


def _create_bucket(s3: Any, name: str, props: dict[str, Any]) -> str:
    s3.create_bucket(
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": REGION},
        ObjectLockEnabledForBucket=bool(props.get("ObjectLockEnabled")),
    )
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
    if "BucketEncryption" in props:
        # CloudFormation spells it ServerSideEncryptionByDefault, the S3 API ApplyServerSideEncryptionByDefault.
        rules = [
            {
                "ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"],
                "BucketKeyEnabled": r.get("BucketKeyEnabled", False),
            }
            for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    return name


def _create_secret(sm: Any, name: str, props: dict[str, Any]) -> str:
    """A random value like GenerateSecretString's, fresh for every local stack."""
    length = props["GenerateSecretString"]["PasswordLength"]
    value = sm.get_random_password(PasswordLength=length, ExcludePunctuation=True)["RandomPassword"]
    return sm.create_secret(Name=name, SecretString=value)["ARN"]


def _create_queue(sqs: Any, name: str, props: dict[str, Any]) -> str:
    attrs = {k: str(props[k]) for k in ("VisibilityTimeout", "MessageRetentionPeriod") if k in props}
    if "RedrivePolicy" in props:
        dlq_url = sqs.get_queue_url(QueueName=NAMES["DossierJobsDeadLetterQueue"])["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attrs["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": props["RedrivePolicy"]["maxReceiveCount"]}
        )
    return sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]


class LocalAws:
    """moto's server, threaded like ThreadedMotoServer, with one difference: moto's backends are
    not thread-safe (a TransactWriteItems deep-copies the table while another request writes:
    "dictionary changed size during iteration" → 500), so every request but SQS's runs under
    one lock. SQS stays concurrent: the pump's long polls must not block the API's writes."""

    def __init__(self, port: int):
        self._port = port
        self._lock = threading.Lock()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def _app(self) -> Any:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        moto_app = DomainDispatcherApplication(create_backend_app)

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            if environ.get("HTTP_X_AMZ_TARGET", "").startswith("AmazonSQS."):
                return moto_app(environ, start_response)
            with self._lock:
                return list(moto_app(environ, start_response))

        return app

    def start(self) -> None:
        from moto.moto_server.werkzeug_app import MotoRequestHandler
        from werkzeug.serving import make_server

        self._server = make_server(
            "127.0.0.1", self._port, self._app(), threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        if self._thread:
            self._thread.join(5)


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(m["Body"].encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def deliver_once(sqs: Any, url: str, arn: str, *, wait_s: int = 1, retry_after_s: int = 2) -> dict[str, int]:
    """One poll, as Lambda's event source mapping does it: receive a batch, invoke the real
    handler, delete what succeeded, let the failures come back after `retry_after_s` (SQS then
    counts the receives and moves a message to the DLQ after the queue's maxReceiveCount)."""
    import app  # the handler as app.py wires it (Lambda calls app.build_dossier)

    resp = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=5, WaitTimeSeconds=wait_s, AttributeNames=["All"], VisibilityTimeout=30
    )
    messages = resp.get("Messages", [])
    if not messages:
        return {"received": 0, "failed": 0}
    try:
        result = app.build_dossier(sqs_event(messages, arn), LambdaContext()) or {}
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
    except Exception as exc:  # a crashed invocation: Lambda retries the whole batch
        print(f"pump: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        failed = {m["MessageId"] for m in messages}
    for m in messages:
        if m["MessageId"] not in failed:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        else:
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=retry_after_s
            )
    return {"received": len(messages), "failed": len(failed)}


def worker_concurrency(platform: dict[str, Any]) -> int:
    """The jobs queue's event source MaximumConcurrency (infra/platform.json): at most that many
    worker invocations at once, in AWS as here."""
    source = platform["Resources"]["BuildDossier"]["Properties"]["Events"]["BuildDossierSqsEventSource"]
    return int(source["Properties"]["ScalingConfig"]["MaximumConcurrency"])


def pump(stop: Any) -> None:
    """Receive jobs and hand them to the real worker handler, as Lambda's event source mapping does.

    Runs in its own process, one per concurrent worker (main() starts them): rendering packs is
    CPU-bound Python, so threads would share one GIL, and sharing it with the moto server's threads
    made every API call wait (read timeouts under a burst)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it through `stop`
    from chalicelib import aws
    from chalicelib.config import settings

    sqs = aws.sqs()
    url = settings().jobs_queue_url
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    while not stop.is_set():
        try:
            deliver_once(sqs, url, arn)
        except Exception as exc:  # keep pumping: a local stack that dies is useless
            print(f"pump: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            time.sleep(1)


def wait_http(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s")


# `chalice local` with a listen backlog of 128 instead of socketserver's 5: beyond 5 pending
# connections (a burst, a page with many assets) the dev server reset them before any request.
# Every method (TRACE, QUERY...) goes to the app, which refuses what it does not route as API
# Gateway does: http.server's own answer, a 501, would read as a server error of ours.
CHALICE_LOCAL = """
import sys
from chalice import local
local.ThreadedHTTPServer.request_queue_size = 128
def _any_method(self, name):
    if name.startswith("do_"):
        return self._generic_handle
    raise AttributeError(name)
local.ChaliceRequestHandler.__getattr__ = _any_method
from chalice.cli import main
sys.argv[0] = "chalice"
sys.exit(main())
"""


def _stop_group(proc: subprocess.Popen) -> None:
    """Stop chalice local and its reloader's child (its own session, so the whole group)."""
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(wait_s)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def _every(pairs: list[str], sweep_every: float | None) -> dict[str, float]:
    every: dict[str, float] = {}
    for pair in pairs:
        name, _, seconds = pair.partition("=")
        try:
            every[name] = float(seconds)
        except ValueError:
            raise SystemExit(f"--schedule-every {pair!r}: expected NAME=SECONDS, e.g. client_reminders=30") from None
    if sweep_every is not None:
        every["sweep_stuck_leads"] = sweep_every
    return every


def check_schedules(every_s: dict[str, float], run_now: list[str]) -> str:
    """Refuse unknown job names before anything starts; the schedules, for the banner."""
    import app

    jobs = local_schedules.scheduled_jobs(app.app)
    unknown = (set(every_s) | set(run_now)) - {j.name for j in jobs} - {"all"}
    if unknown:
        raise SystemExit(f"no scheduled job {', '.join(sorted(unknown))} in app.py: {', '.join(j.name for j in jobs)}")
    return ", ".join(f"{j.name} {j.expression}" for j in jobs)


def run_job(name: str) -> int:
    """One scheduled job, once, against the local AWS of a running stack (same ports)."""
    import app

    names = [j.name for j in local_schedules.scheduled_jobs(app.app)]
    if name not in names:
        print(f"no scheduled job {name!r} in app.py: {', '.join(names)}", file=sys.stderr)
        return 2
    return 0 if local_schedules.invoke(name) is not None else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", 8000)))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("AWS_PORT", 5000)))
    # The scheduled jobs (scripts/local_schedules.py) run on app.py's schedules unless told otherwise.
    parser.add_argument(
        "--schedule-every",
        action="append",
        default=[],
        metavar="NAME=SECONDS",
        help="run this scheduled job every SECONDS instead of its schedule (tests, demos)",
    )
    parser.add_argument("--sweep-every", type=float, help="shorthand for --schedule-every sweep_stuck_leads=SECONDS")
    parser.add_argument(
        "--run-now", action="append", default=[], metavar="NAME", help="run this scheduled job (or all) once at start"
    )
    parser.add_argument("--job", metavar="NAME", help="run one scheduled job once against a running stack, then exit")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="concurrent worker processes (default: the queue's MaximumConcurrency, at most one per CPU)",
    )
    # Test and load stacks must not restart when a file of the worktree changes.
    parser.add_argument(
        "--no-autoreload", action="store_true", help="accepted for compatibility: the API never reloads (see below)"
    )
    args = parser.parse_args()
    every_s = _every(args.schedule_every, args.sweep_every)

    env = local_env(args.aws_port, args.api_port)
    # COGNITO_DOMAIN (with JWT_ISSUER, JWT_AUDIENCE, JWKS_URL) set: consultants sign in through that
    # hosted UI (a real pool, or the tests' fake) and the dev sign-in is off.
    hosted = bool(os.environ.get("COGNITO_DOMAIN"))
    if hosted:
        for name in ("LOCAL_JWT_PRIVATE_KEY_FILE", "JWT_ISSUER", "JWT_AUDIENCE"):
            env.pop(name)
    os.environ.update(env)
    if args.job:
        return run_job(args.job)
    schedules = check_schedules(every_s, args.run_now)
    import logging

    from chalicelib.consultants.auth import generate_local_key

    if not hosted:
        generate_local_key(Path(os.environ["LOCAL_JWT_PRIVATE_KEY_FILE"]))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the pump polls every second: keep the console readable
    server = LocalAws(args.aws_port)
    server.start()
    create_resources(json.loads((ROOT / "infra" / "resources.json").read_text()))

    chalice = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHALICE_LOCAL,
            "local",
            "--stage",
            "local",
            "--host",
            "127.0.0.1",
            # Never autoreload: the reloader re-runs sys.argv (our -c launcher) and fails, and a
            # reload mid-request drops connections; restart `make run` after a code change.
            "--port",
            str(args.api_port),
            "--no-autoreload",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    # As many workers as Lambda would run (the event source's MaximumConcurrency), but no more
    # processes than CPUs by default: beyond that they only take turns on the cores.
    limit = worker_concurrency(json.loads((ROOT / "infra" / "platform.json").read_text()))
    workers = min(args.workers or os.cpu_count() or 1, limit)
    spawn = multiprocessing.get_context("spawn")
    pump_stop = spawn.Event()
    pumpers = [spawn.Process(target=pump, args=(pump_stop,), daemon=True) for _ in range(workers)]
    pumpers.append(spawn.Process(target=local_schedules.run, args=(pump_stop, every_s, args.run_now), daemon=True))
    for pumper in pumpers:
        pumper.start()
    # The signal handler only sets this thread Event: setting the process Event there can
    # deadlock on its lock, held by the main thread's own wait.
    stop = threading.Event()

    def shutdown(*_: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    try:
        wait_http(f"http://127.0.0.1:{args.api_port}/")
        sign_in = (
            "/consultants/connexion (hosted UI)" if hosted else f"/consultants/dev/connexion (sign in as {CONSULTANT})"
        )
        print(
            f"\nopco-dossier local stack ready\n"
            f"  form:           http://127.0.0.1:{args.api_port}/\n"
            f"  API:            http://127.0.0.1:{args.api_port}/leads\n"
            f"  local AWS:      http://127.0.0.1:{args.aws_port} (moto; dashboard at /moto-api/)\n"
            f"  pack workers:   {workers} (the jobs queue's maximum concurrency: {limit})\n"
            f"  schedules:      {schedules} (UTC, from app.py; see the 'schedule:' lines)\n"
            f"  consultants:    http://127.0.0.1:{args.api_port}{sign_in}\n"
            f"  stop with Ctrl+C\n",
            flush=True,
        )
        while not stop.is_set() and chalice.poll() is None:
            stop.wait(0.5)
    finally:
        stop.set()
        pump_stop.set()
        _stop_group(chalice)
        for pumper in pumpers:
            pumper.join(5)
            if pumper.is_alive():
                pumper.terminate()
        server.stop()
        if not hosted:
            Path(os.environ["LOCAL_JWT_PRIVATE_KEY_FILE"]).unlink(missing_ok=True)
    return 0 if chalice.returncode in (0, -signal.SIGTERM, None) else 1


if __name__ == "__main__":
    sys.exit(main())
