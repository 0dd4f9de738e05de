"""Move dead-lettered dossier jobs back to the queue they came from (docs/operations.md).

    make redrive QUEUE=<DeadLetterQueueUrl stack output>            # AWS
    AWS_ENDPOINT_URL=http://127.0.0.1:5000 make redrive             # the local stack

Receive → send to the source queue → delete, ten at a time, until the dead-letter queue
is empty (or --max). A crash between send and delete can only duplicate a job, and jobs
are idempotent (a pack version is built once). In AWS, `aws sqs start-message-move-task
--source-arn <DLQ arn>` does the same server-side; this script also runs on the local stack.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LOCAL_DLQ_NAME = "opco-dossier-jobs-dlq"  # scripts/local_stack.py


def redrive(
    sqs: Any, dlq_url: str, *, target_url: str | None = None, limit: int = 10_000, dry_run: bool = False
) -> int:
    """Move up to `limit` messages from the dead-letter queue; return how many moved (or wait, dry run)."""
    if target_url is None:
        sources = sqs.list_dead_letter_source_queues(QueueUrl=dlq_url).get("queueUrls", [])
        if len(sources) != 1:
            raise SystemExit(f"cannot tell the source queue of {dlq_url} ({sources}): pass --to")
        target_url = sources[0]
    if dry_run:
        attrs = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(attrs["Attributes"]["ApproximateNumberOfMessages"])
    moved = 0
    while moved < limit:
        batch = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=min(10, limit - moved),
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            break
        for message in batch:
            extra = {"MessageAttributes": message["MessageAttributes"]} if message.get("MessageAttributes") else {}
            sqs.send_message(QueueUrl=target_url, MessageBody=message["Body"], **extra)
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return moved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dead-letter-queue-url", default=os.environ.get("DEAD_LETTER_QUEUE_URL"))
    parser.add_argument("--to", dest="target_url", help="target queue URL (default: the DLQ's source queue)")
    parser.add_argument("--max", type=int, default=10_000)
    parser.add_argument("--dry-run", action="store_true", help="only count the dead letters")
    args = parser.parse_args()

    local = bool(os.environ.get("AWS_ENDPOINT_URL"))
    if local:  # the local moto server takes any key
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    # chalicelib's settings have no default stage (a deployed function must say which it is); this
    # operator tool only uses them for the region and timeouts.
    os.environ.setdefault("STAGE", "local" if local else "prod")
    from chalicelib import aws

    sqs = aws.sqs()
    dlq_url = args.dead_letter_queue_url
    if not dlq_url:
        if not os.environ.get("AWS_ENDPOINT_URL"):
            parser.error("--dead-letter-queue-url (or QUEUE=...) is required outside the local stack")
        dlq_url = sqs.get_queue_url(QueueName=LOCAL_DLQ_NAME)["QueueUrl"]
    count = redrive(sqs, dlq_url, target_url=args.target_url, limit=args.max, dry_run=args.dry_run)
    print(f"{count} dead-lettered job(s) {'waiting in' if args.dry_run else 'moved back from'} {dlq_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
