"""Each function's policy file allows every AWS call its code really makes (recorded against moto).

IAM is not emulated by moto: without this, a new call missing from .chalice/policy-*.json would
only fail in AWS, with AccessDenied, after deployment.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import ROOT
from tests.functional.conftest import post_json

SERVICES = ("dynamodb", "s3", "sqs", "ses")
# DynamoDB authorizes a transaction item by item.
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}


def _allowed_actions(function: str) -> set[str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    policy_file = config["stages"]["prod"]["lambda_functions"][function]["iam_policy_file"]
    policy = json.loads((ROOT / ".chalice" / policy_file).read_text())
    allowed = set()
    for st in policy["Statement"]:
        if st.get("Condition", {}).get("StringEquals", {}).get("s3:authType") == "REST-QUERY-STRING":
            continue  # presigned URLs only: no direct call is covered
        allowed |= set(st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
    return allowed


class CallRecorder:
    def __init__(self) -> None:
        self.calls: dict[str, set[str]] = defaultdict(set)
        self.function = "setup"

    def __call__(self, model, params, **_):
        prefix = model.service_model.signing_name
        if model.name == "TransactWriteItems":
            for item in params["TransactItems"]:
                self.calls[self.function] |= {f"{prefix}:{TRANSACT[kind]}" for kind in item}
        else:
            self.calls[self.function].add(f"{prefix}:{model.name}")


@pytest.fixture
def recorder(aws_env):
    from chalicelib import aws

    rec = CallRecorder()
    for service in SERVICES:
        aws.client(service).meta.events.register("before-parameter-build", rec)
    return rec


def test_each_policy_allows_the_calls_its_function_makes(client, recorder, valid_submission):
    from chalicelib import aws
    from chalicelib.config import settings
    from chalicelib.dossier.worker import sweep

    recorder.function = "api_handler"
    post_json(client, valid_submission)
    recorder.function = "setup"
    msgs = aws.sqs().receive_message(QueueUrl=settings().jobs_queue_url)["Messages"]
    event = client.events.generate_sqs_event(message_bodies=[m["Body"] for m in msgs], queue_name="opco-dossier-jobs")
    recorder.function = "build_dossier"
    assert client.lambda_.invoke("build_dossier", event).payload == {"batchItemFailures": []}
    recorder.function = "api_handler"
    post_json(client, {**valid_submission, "email": "a.b@example.fr"})  # a second lead, waiting for the sweeper
    recorder.function = "sweep_stuck_leads"
    assert sweep(now=datetime.now(UTC) + timedelta(minutes=20))["resent"] == 1

    for function in ("api_handler", "build_dossier", "sweep_stuck_leads"):
        made = recorder.calls[function]
        assert made, f"{function} made no call: the recording is broken"
        missing = made - _allowed_actions(function)
        assert not missing, f"{function} calls {sorted(missing)} that its policy file does not allow"
