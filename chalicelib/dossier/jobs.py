"""The only code that speaks to the dossier jobs queue (SQS)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

    from chalicelib.ports import Job


@dataclass(frozen=True)
class DossierJob:
    lead_id: str
    pack_version: int

    def to_body(self) -> str:
        return json.dumps({"lead_id": self.lead_id, "pack_version": self.pack_version})

    @classmethod
    def from_body(cls, body: str) -> DossierJob:
        """Raise ValueError on anything but a well-formed job (poison messages)."""
        data = json.loads(body)
        # bool is an int to Python, not to us: {"pack_version": true} is malformed.
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("lead_id"), str)
            or not data["lead_id"]
            or type(data.get("pack_version")) is not int
            or data["pack_version"] < 1
        ):
            raise ValueError("malformed dossier job")
        return cls(lead_id=data["lead_id"], pack_version=data["pack_version"])


class DossierJobs:
    def __init__(self, client: SQSClient, queue_url: str):
        self._sqs = client
        self._url = queue_url

    def send(self, job: Job) -> None:
        """A pack job, or a client space job (chalicelib/client/jobs.py) on the same queue."""
        self._sqs.send_message(QueueUrl=self._url, MessageBody=job.to_body())


def dossier_jobs() -> DossierJobs:
    from chalicelib import aws
    from chalicelib.config import settings

    return DossierJobs(aws.sqs(), settings().jobs_queue_url)
