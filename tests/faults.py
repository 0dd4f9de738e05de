"""Fault injection at the adapter boundary: a real botocore client whose chosen operation fails.

`inject("s3", "PutObject", "SlowDown", status=503)` builds a fresh client (moto answers
every other call), makes the operation answer an AWS error the way botocore's Stubber
does (a `before-call` handler returning an error response, so the caller sees the
genuine modeled exception), and hands that client to every adapter through
`chalicelib.aws.override`. Nothing of ours is patched: the worker, the store and the
storage run unchanged against a client that fails.

    with inject("dynamodb", "UpdateItem", "InternalServerError", times=1) as fault:
        ...
    assert fault.fired == 1
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

_MARK = "injected_fault"


class Fault:
    def __init__(
        self,
        operation: str,
        code: str | None,
        *,
        status: int,
        times: int | None,
        when: Callable[[dict[str, Any]], bool] | None,
        raises: Exception | None,
        before: Callable[[dict[str, Any]], None] | None,
    ):
        self.operation, self.code, self.status = operation, code, status
        self.times, self.when, self.raises, self.before = times, when, raises, before
        self.fired = 0

    def choose(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        """before-parameter-build: sees the API parameters, marks the calls that must fail."""
        if self.times is not None and self.fired >= self.times:
            return
        if self.when is None or self.when(params):
            context.setdefault(_MARK, []).append(self)

    def answer(self, context: dict[str, Any], **_: Any) -> Any:
        """before-call: answer the marked call with an error instead of sending it."""
        if self not in context.get(_MARK, []):
            return None
        self.fired += 1
        if self.before is not None:
            self.before(context)
            return None
        if self.raises is not None:
            raise self.raises
        from botocore.awsrequest import AWSResponse

        parsed = {
            "Error": {"Code": self.code, "Message": "injected fault"},
            "ResponseMetadata": {"HTTPStatusCode": self.status},
        }
        return AWSResponse(None, self.status, {}, None), parsed


_active: dict[str, Any] = {}


def _fresh_client(service: str) -> Any:
    import boto3

    from chalicelib.config import settings

    return boto3.session.Session(region_name=settings().aws_region).client(service)


@contextlib.contextmanager
def inject(
    service: str,
    operation: str,
    code: str | None = None,
    *,
    status: int = 500,
    times: int | None = None,
    when: Callable[[dict[str, Any]], bool] | None = None,
    raises: Exception | None = None,
    before: Callable[[dict[str, Any]], None] | None = None,
) -> Iterator[Fault]:
    """Make `service.operation` fail (AWS error `code`, or raise `raises`), or run `before` just
    ahead of it (to interleave another worker); at most `times` times, only when `when(params)`."""
    from chalicelib import aws

    fault = Fault(operation, code, status=status, times=times, when=when, raises=raises, before=before)
    outer = service in _active
    client = _active.get(service) or _fresh_client(service)
    service_id = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(f"before-parameter-build.{service_id}.{operation}", fault.choose)
    client.meta.events.register_first(f"before-call.{service_id}.{operation}", fault.answer)
    try:
        if outer:
            yield fault
        else:
            _active[service] = client
            with aws.override(service, client):
                yield fault
    finally:
        client.meta.events.unregister(f"before-parameter-build.{service_id}.{operation}", fault.choose)
        client.meta.events.unregister(f"before-call.{service_id}.{operation}", fault.answer)
        if not outer:
            _active.pop(service, None)


@contextlib.contextmanager
def lose_answers(
    service: str, operation: str, *, times: int = 1, when: Callable[[bytes], bool] | None = None
) -> Iterator[Fault]:
    """The request reaches (moto's) AWS and is carried out, but its answer never comes back:
    a read timeout, inside botocore's retry loop (`before-send`), so the SDK retries it.
    `when` picks the requests by their body."""
    from botocore.exceptions import ReadTimeoutError
    from moto.core.models import botocore_stubber

    from chalicelib import aws

    fault = Fault(operation, None, status=0, times=times, when=None, raises=None, before=None)
    client = _fresh_client(service)
    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}.{operation}"

    def send_then_drop(request: Any, event_name: str, **kwargs: Any) -> None:
        if fault.fired >= times or (when and not when(request.body or b"")):
            return
        fault.fired += 1
        botocore_stubber(event_name=event_name, request=request, **kwargs)  # carried out...
        raise ReadTimeoutError(endpoint_url=request.url)  # ...and the answer lost

    client.meta.events.register_first(event, send_then_drop)
    with aws.override(service, client):
        yield fault


def sqs_event(client: Any, bodies: list[str], queue: str = "opco-dossier-jobs") -> dict[str, Any]:
    """chalice's generate_sqs_event, with the unique messageIds SQS gives (chalice repeats one id)."""
    event = client.events.generate_sqs_event(message_bodies=bodies, queue_name=queue)
    for record in event["Records"]:
        record["messageId"] = str(uuid.uuid4())
    return event
