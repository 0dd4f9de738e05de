"""SnapStart for the API function: what runs once before Lambda snapshots the initialised function,
and what runs in every execution environment restored from that snapshot (Lambda runtime hooks,
`snapshot_restore_py`, which the Python managed runtime provides).

app.py imports this module only when Lambda initialises a SnapStart version
(AWS_LAMBDA_INITIALIZATION_TYPE=snap-start): elsewhere nothing here runs or is imported.

Before the snapshot (`prime`): everything the first POST /leads would otherwise pay for, without
any I/O: the form, lead and estimate models validate and serialise a made-up submission (pydantic
builds its validators and serialisers, email-validator, phonenumbers' French metadata and
stdnum load), the OPCO tables and the catalogue are read, the form token is signed and checked,
and each AWS call the request makes goes once through the SDK (validation, serialisation,
endpoint rules, signing, parsing), answered in process: nothing is sent, no connection opened.
Then the heap is frozen (gc.freeze): a restored copy's collections skip the primed objects.
Nothing is written, sent or logged as a lead; no metric is recorded.

After a restore (`refresh`): many environments are restored from one snapshot, so what must not
be shared between them is made again: the `random` module is reseeded from the OS, and the
session's credentials are checked and renewed if the snapshot's have expired (under SnapStart
botocore gets refreshable credentials from Lambda's container endpoint). Priming sends no AWS call;
the only one before the snapshot is the startup check's read of the form token's key (Secrets
Manager), whose cached value expires after 5 minutes (secret_store.py) and is read again by the
first request of a copy restored later. Lead ids (ULID) and form-token nonces draw from
os.urandom, which no snapshot holds.
"""

from __future__ import annotations

import gc
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

# snapshot_restore_py ships no type information.
from snapshot_restore_py import register_after_restore, register_before_snapshot  # type: ignore[import-untyped]

from chalicelib import aws
from chalicelib.config import settings
from chalicelib.dossier.jobs import DossierJob
from chalicelib.intake.antispam import check_token, issue_token, spam_reasons, submission_fingerprint
from chalicelib.intake.form import ContactForm
from chalicelib.intake.http import json_response
from chalicelib.intake.screening import ip_hash, token_policy
from chalicelib.intake.service import new_lead
from chalicelib.leads.ddb import lead_item
from chalicelib.leads.model import Provenance
from chalicelib.observability import logger
from chalicelib.secret_store import form_token_secret

_PRIMING_KEY = {"pk": {"S": "PRIMING"}, "sk": {"S": "PRIMING"}}


def sample_submission(today: date) -> dict[str, Any]:
    """A made-up, valid submission (INSEE's example SIRET, a reserved e-mail domain): validated, never stored."""
    return {
        "company_name": "Entreprise Amorçage",
        "siret": "73282932000074",
        "idcc": "1486",
        "naf": "62.01Z",
        "headcount": 8,
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "amorcage@example.com",
        "phone": "06 12 34 56 78",
        "training": ["ia-generative-essentiels"],
        "trainees": 3,
        "start_date": (today + timedelta(days=60)).isoformat(),
        "consent": True,
    }


def prime() -> None:
    started = time.perf_counter()
    now = datetime.now(UTC)
    key = form_token_secret()  # read at init by app.py's startup check already (chalicelib/startup.py)
    token_state = check_token(issue_token(key, now.timestamp() - 60), token_policy(), now.timestamp())
    provenance = Provenance(
        form_token=token_state,
        ip_hash=ip_hash("192.0.2.1"),
        spam_reasons=spam_reasons(honeypot=None, token_state=token_state, turnstile=None),
    )
    form = ContactForm.parse(sample_submission(now.date()), today=now.date())
    submission_fingerprint(key, siret=form.siret, email=form.email, trainings=form.training)
    lead = new_lead(form, provenance, now=now, retention_days=settings().lead_retention_days)
    json_response({"lead": lead.model_dump(mode="json"), "job": DossierJob(lead.id, 1).to_body()})
    # The table item, built as LeadStore.submit builds it (boto3's TypeSerializer: its first run
    # fills the ABC isinstance caches, ~20 ms of a restored copy's first request otherwise), then
    # put through the SDK with the request's other calls.
    _prime_calls(lead_item(lead))
    # urllib3 checks each new connection's host name with the IDNA codec, whose first use imports
    # encodings.idna and stringprep: in the snapshot, not in a restored copy's first request.
    "localhost".encode("idna")
    logger.info("snapstart: primed", extra={"prime_ms": round((time.perf_counter() - started) * 1000)})
    # Everything built so far lives as long as the function: out of the collector's sight, so a
    # restored copy's collections walk only what its requests allocate (and its memory pages stay shared).
    gc.freeze()


def _prime_calls(item: dict[str, Any]) -> None:
    """Each AWS call of POST /leads (rate limit, pointer claims, the lead's put, the job) once through
    the SDK, answered in process (aws.answered_in_process): validation, serialisation, endpoint rules,
    signing, handlers and parsing do their first-call work (caches, lazy imports) before the snapshot;
    nothing is sent and no connection is opened."""
    table, ddb, sqs = settings().table_name, aws.dynamodb(), aws.sqs()
    with aws.answered_in_process(ddb):
        ddb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        ddb.get_item(TableName=table, Key=_PRIMING_KEY, ConsistentRead=True)
        ddb.update_item(
            TableName=table,
            Key=_PRIMING_KEY,
            UpdateExpression="ADD hits :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
    with aws.answered_in_process(sqs):
        sqs.send_message(QueueUrl=settings().jobs_queue_url, MessageBody=DossierJob("priming", 1).to_body())


def refresh() -> None:
    random.seed()  # from os.urandom: each restored copy draws its own numbers
    aws.refresh_credentials()


register_before_snapshot(prime)
register_after_restore(refresh)
