"""IAM as AWS would judge our calls: SDK operations → IAM actions on resource ARNs, and the policy
files of .chalice/ with their CloudFormation references resolved, evaluated like IAM does
(action, resource wildcard, the condition keys we use). moto enforces none of this.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

from tests.conftest import ROOT

# The statements every function has for the Lambda runtime and X-Ray, not for our SDK calls.
RUNTIME_PREFIXES = ("logs:", "xray:")
# DynamoDB authorizes a transaction item by item.
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
SQS_BATCH = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage"}


@dataclass(frozen=True)
class Call:
    """One IAM authorization an SDK call needs."""

    action: str
    resource: str
    auth_type: str = "REST-HEADER"  # s3:authType: REST-QUERY-STRING for a presigned URL, POST for a presigned POST
    s3_prefix: str | None = None
    from_address: str | None = None

    def __str__(self) -> str:
        return f"{self.action} on {self.resource}" + (f" ({self.auth_type})" if self.auth_type != "REST-HEADER" else "")


def iam_calls(service: str, operation: str, params: dict[str, Any], *, presigned: bool, region: str) -> list[Call]:
    """The IAM authorizations one SDK call needs (the Service Authorization Reference's mapping)."""
    if service == "dynamodb":
        return _dynamodb(operation, params, region)
    if service == "s3":
        return _s3(operation, params, presigned)
    if service == "sqs":
        account, name = urlsplit(params["QueueUrl"]).path.strip("/").split("/")
        action = SQS_BATCH.get(operation, operation)
        return [Call(f"sqs:{action}", f"arn:aws:sqs:{region}:{account}:{name}")]
    if service == "ses":
        source = params["Source"]
        return [Call(f"ses:{operation}", f"arn:aws:ses:{region}:123456789012:identity/{source}", from_address=source)]
    if service == "secretsmanager":
        return [Call(f"secretsmanager:{operation}", params["SecretId"])]
    raise AssertionError(f"no IAM mapping for {service}:{operation}: add it to tests/iam.py")


def _table(region: str, name: str) -> str:
    return f"arn:aws:dynamodb:{region}:123456789012:table/{name}"


def _dynamodb(operation: str, params: dict[str, Any], region: str) -> list[Call]:
    if operation == "TransactWriteItems":
        return [
            Call(f"dynamodb:{TRANSACT[kind]}", _table(region, item[kind]["TableName"]))
            for item in params["TransactItems"]
            for kind in item
        ]
    if operation in ("BatchWriteItem", "BatchGetItem"):
        return [Call(f"dynamodb:{operation}", _table(region, name)) for name in params["RequestItems"]]
    resource = _table(region, params["TableName"])
    if params.get("IndexName"):
        resource += f"/index/{params['IndexName']}"
    return [Call(f"dynamodb:{operation}", resource)]


def _s3(operation: str, params: dict[str, Any], presigned: bool) -> list[Call]:
    bucket = f"arn:aws:s3:::{params['Bucket']}"
    if operation == "CreateBucket" and presigned:
        return []  # generate_presigned_post: it authorises the browser's upload, which the test records
    if operation == "ListObjectVersions":
        return [Call("s3:ListBucketVersions", bucket, s3_prefix=params.get("Prefix", ""))]
    if operation in ("ListObjectsV2", "ListObjects"):
        return [Call("s3:ListBucket", bucket, s3_prefix=params.get("Prefix", ""))]
    if operation == "DeleteObjects":
        return [
            Call("s3:DeleteObjectVersion" if o.get("VersionId") else "s3:DeleteObject", f"{bucket}/{o['Key']}")
            for o in params["Delete"]["Objects"]
        ]
    versioned = {"GetObject": "s3:GetObjectVersion", "DeleteObject": "s3:DeleteObjectVersion"}
    renamed = {"HeadObject": "s3:GetObject"}
    action = versioned[operation] if params.get("VersionId") and operation in versioned else f"s3:{operation}"
    key = f"{bucket}/{params['Key']}"
    calls = [Call(renamed.get(operation, action), key, auth_type="REST-QUERY-STRING" if presigned else "REST-HEADER")]
    if operation == "PutObject" and (params.get("ObjectLockMode") or params.get("ObjectLockRetainUntilDate")):
        calls.append(Call("s3:PutObjectRetention", key))  # a write that sets an Object Lock retention
    return calls


class Recorder:
    """A botocore `before-parameter-build` hook: every authorization, filed under the function
    that made it (the caller says which one runs with `as_function`)."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.calls: dict[str, set[Call]] = defaultdict(set)
        self.function = "setup"
        # Raised inside the app, an unmapped call could be swallowed by a handler's catch-all.
        self.unmapped: list[str] = []

    def __call__(self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if self.function == "setup":
            return
        service = model.service_model.signing_name
        presigned = bool(context.get("is_presign_request"))
        try:
            self.calls[self.function] |= set(
                iam_calls(service, model.name, params, presigned=presigned, region=self.region)
            )
        except (AssertionError, KeyError) as exc:
            self.unmapped.append(f"{self.function}: {service}:{model.name} ({exc})")

    @contextmanager
    def as_function(self, name: str) -> Iterator[None]:
        """Calls made within are `name`'s. Each function is its own Lambda process: what one cached
        (its secrets) the next must fetch again, with its own permissions."""
        from chalicelib import secret_store

        previous, self.function = self.function, name
        secret_store.reset()
        try:
            yield
        finally:
            self.function = previous
            secret_store.reset()


@dataclass(frozen=True)
class Grant:
    """One (action, resource) pair of a policy statement, with the statement's conditions."""

    sid: str
    action: str
    resource: str
    condition: tuple[tuple[str, str, str], ...]

    def allows(self, call: Call) -> bool:
        return (
            call.action == self.action
            and fnmatchcase(call.resource, self.resource)
            and all(_holds(op, key, value, call) for op, key, value in self.condition)
        )

    def __str__(self) -> str:
        return f"{self.sid}: {self.action} on {self.resource}"


def _holds(operator: str, key: str, value: str, call: Call) -> bool:
    if (operator, key) == ("StringEquals", "s3:authType"):
        return call.auth_type == value
    if (operator, key) == ("NumericLessThanEquals", "s3:signatureAge"):
        return True  # a property of the URL's lifetime: test_presigned_url_lifetime_fits_the_policy
    if (operator, key) == ("StringEquals", "ses:FromAddress"):
        return call.from_address == value
    if (operator, key) == ("StringLike", "s3:prefix"):
        return call.s3_prefix is not None and fnmatchcase(call.s3_prefix, value)
    raise AssertionError(f"tests/iam.py does not know the condition {operator} {key}")


def policy_file(function: str, stage: str = "prod") -> str:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    functions = config["stages"][stage]["lambda_functions"]
    name: str = functions.get(function, {}).get("iam_policy_file") or config["stages"][stage]["iam_policy_file"]
    return name


def grants(function: str, refs: dict[str, str]) -> list[Grant]:
    """The function's policy as (action, resource) pairs; `refs` resolves Ref and GetAtt ("X.Arn")."""
    policy = json.loads((ROOT / ".chalice" / policy_file(function)).read_text())
    out = []
    for st in policy["Statement"]:
        assert st["Effect"] == "Allow", st
        actions = _listed(st["Action"])
        if all(a.startswith(RUNTIME_PREFIXES) for a in actions):
            continue
        condition = tuple(
            (op, key, resolve(value, refs))
            for op, pairs in st.get("Condition", {}).items()
            for key, value in pairs.items()
        )
        for resource in _listed(st["Resource"]):
            if (arn := resolve(resource, refs)) is None:
                continue  # AWS::NoValue: the stack's condition dropped it
            for action in actions:
                out.append(Grant(st["Sid"], action, arn, condition))
    return out


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def resolve(value: Any, refs: dict[str, str]) -> Any:
    """Fn::GetAtt, Fn::Sub, Fn::If and Ref the way CloudFormation fills them, from `refs`
    (a condition is true when refs["Condition:<name>"] is "true"; AWS::NoValue is None)."""
    if isinstance(value, str):
        return value
    if value == {"Ref": "AWS::NoValue"}:
        return None
    if "Fn::If" in value:
        condition, when_true, when_false = value["Fn::If"]
        return resolve(when_true if refs.get(f"Condition:{condition}") == "true" else when_false, refs)
    if "Ref" in value:
        return refs[value["Ref"]]
    if "Fn::GetAtt" in value:
        return refs[".".join(value["Fn::GetAtt"])]
    if "Fn::Sub" in value:
        text: str = value["Fn::Sub"]
        while "${" in text:
            start = text.index("${")
            end = text.index("}", start)
            text = text[:start] + refs[text[start + 2 : end]] + text[end + 1 :]
        return text
    raise AssertionError(f"unresolvable policy value {value}")
