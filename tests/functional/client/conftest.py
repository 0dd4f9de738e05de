"""Client space fixtures: a lead with its pack, sent to the client, and the link read from moto's SES."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests.functional.conftest import post_json
from tests.functional.consultants.conftest import (  # noqa: F401  (fixtures)
    jwks_url,
    local_consultants,
    local_key_file,
    signing_keys,
)

FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
LINK = re.compile(r"/client/([A-Za-z0-9_-]{43})")


def sent_emails() -> list[Any]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"].sent_messages)


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str
    headers: dict[str, str]


def mails_to(address: str) -> list[Mail]:
    """What moto's SES sent to one address, simple and raw (MIME) messages alike, oldest first."""
    from email import message_from_string
    from email.policy import default

    mails = []
    for m in sent_emails():
        if hasattr(m, "raw_data"):
            parsed = message_from_string(m.raw_data, policy=default)
            # moto adds the To header's addresses to the Destinations given: once each is enough.
            to, subject, body = list(dict.fromkeys(m.destinations)), str(parsed["Subject"]), parsed.get_content()
            mails.append(Mail(to, subject, body.replace("\r\n", "\n"), {k: str(v) for k, v in parsed.items()}))
        else:
            mails.append(Mail(m.destinations["ToAddresses"], m.subject, m.body, {}))
    return [m for m in mails if m.to == [address]]


def run_jobs(chalice_client: Any) -> int:
    """Deliver every queued job to the real worker handler, as the event source mapping does."""
    from chalicelib import aws
    from chalicelib.config import settings

    done = 0
    while True:
        msgs = aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not msgs:
            return done
        event = chalice_client.events.generate_sqs_event(
            message_bodies=[m["Body"] for m in msgs], queue_name="opco-dossier-jobs"
        )
        for record, m in zip(event["Records"], msgs, strict=True):
            record["messageId"] = m["MessageId"]
        result = chalice_client.lambda_.invoke("build_dossier", event).payload
        assert result == {"batchItemFailures": []}, result
        for m in msgs:
            aws.sqs().delete_message(QueueUrl=settings().jobs_queue_url, ReceiptHandle=m["ReceiptHandle"])
        done += len(msgs)


@dataclass
class SentLead:
    id: str
    token: str
    email: str


def send_to_client(c: Any, submission: dict[str, Any]) -> SentLead:
    """lead → pack → the consultant moves it to envoye_client → the client's e-mail holds the link."""
    lead_id = json.loads(post_json(c.client, submission).body)["lead_id"]
    run_jobs(c.client)
    rev = json.loads(c.client.http.get(f"/consultants/api/leads/{lead_id}", headers=c.bearer()).body)["lead"]["rev"]
    resp = c.client.http.post(
        f"/consultants/api/leads/{lead_id}/status",
        headers={**c.bearer(), "Content-Type": "application/json"},
        body=json.dumps({"status": "envoye_client", "rev": rev}),
    )
    assert resp.status_code == 200, resp.body
    mail = [m for m in sent_emails() if m.destinations["ToAddresses"] == [submission["email"]]][-1]
    match = LINK.search(mail.body)
    assert match, mail.body
    return SentLead(lead_id, match.group(1), submission["email"])


def form(c: Any, path: str, data: dict[str, str], headers: dict[str, str] | None = None) -> Any:
    from urllib.parse import urlencode

    return c.http.post(path, headers={**FORM_HEADERS, **(headers or {})}, body=urlencode(data))


@pytest.fixture
def sent(local_consultants, valid_submission) -> SentLead:  # noqa: F811  (the imported fixture)
    return send_to_client(local_consultants, valid_submission)
