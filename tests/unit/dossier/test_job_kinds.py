"""Other rooms' jobs on the dossier queue: app.py wires their handlers with worker.handles."""

from dataclasses import dataclass

import pytest

from chalicelib.dossier import worker


@dataclass
class Record:
    body: str
    message_id: str = "m-1"


def parse_ping(body: str) -> str | None:
    if not body.startswith("ping:"):
        return None
    if body == "ping:":
        raise ValueError("malformed ping")
    return body.removeprefix("ping:")


@pytest.fixture
def kinds(monkeypatch):
    monkeypatch.setattr(worker, "_kinds", [])
    return worker


def test_a_registered_kind_runs_its_handler_and_not_the_pack_build(kinds):
    got = []
    kinds.handles(parse_ping, lambda job: got.append(job) or True)
    assert kinds._build_job(Record("ping:01abc")) is True
    assert got == ["01abc"]


def test_a_malformed_job_of_a_registered_kind_fails_its_record(kinds):
    kinds.handles(parse_ping, lambda job: True)
    with pytest.raises(ValueError, match="malformed ping"):
        kinds._build_job(Record("ping:"))


def test_a_body_no_kind_claims_is_read_as_a_pack_job(kinds):
    kinds.handles(parse_ping, lambda job: True)
    with pytest.raises(ValueError, match="malformed dossier job"):  # poison: SQS retries, then the DLQ
        kinds._build_job(Record('{"lead_id": "01abc"}'))


def test_a_kind_registered_twice_runs_once(kinds):
    got = []

    def handler(job):
        got.append(job)
        return True

    kinds.handles(parse_ping, handler)
    kinds.handles(parse_ping, handler)
    kinds._build_job(Record("ping:01abc"))
    assert got == ["01abc"]
