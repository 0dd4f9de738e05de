"""The sweeper on in-memory adapters (tests/fakes.py): lost pack jobs are sent again, no moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.dossier.jobs import DossierJob
from chalicelib.dossier.worker import SweepPorts, sweep
from chalicelib.leads.model import EditStamp, PackInfo
from tests.fakes import InMemoryJobQueue, InMemoryLeadStore, submitted_lead

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.fixture
def world():
    return SweepPorts(InMemoryLeadStore(), InMemoryJobQueue())


def _lead(world: SweepPorts, submission: dict, at: datetime = NOW):
    return world.store.submit(submitted_lead(submission, at)).lead


def _edit(world: SweepPorts, lead, at: datetime):
    dossier = lead.dossier.model_copy(update={"trainees": 5})
    stamp = EditStamp(expected_rev=lead.rev, actor="c", now=at)
    return world.store.update_dossier(lead.id, dossier, stamp, changed=["trainees"])


def test_a_new_lead_still_without_a_pack_after_three_minutes_gets_its_job_again(world, valid_submission):
    lead = _lead(world, valid_submission)
    assert sweep(now=NOW + timedelta(minutes=2), ports=world) == {"resent": 0, "late": 0}  # a fresh one is left alone
    assert sweep(now=NOW + timedelta(minutes=4), ports=world) == {"resent": 1, "late": 0}
    assert sweep(now=NOW + timedelta(minutes=16), ports=world) == {"resent": 1, "late": 1}  # late: the alarm's count
    assert world.jobs.sent == [DossierJob(lead.id, 1)] * 2


def test_a_lead_whose_pack_is_built_is_not_sent_again(world, valid_submission):
    lead = _lead(world, valid_submission)
    world.store.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    assert sweep(now=NOW + timedelta(hours=1), ports=world)["resent"] == 0 and world.jobs.sent == []


def test_an_edit_whose_version_was_never_built_is_sent_again_after_three_minutes(world, valid_submission):
    lead = _lead(world, valid_submission)
    world.store.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    _edit(world, world.store.get(lead.id), NOW + timedelta(minutes=10))
    assert sweep(now=NOW + timedelta(minutes=12), ports=world)["resent"] == 0  # just asked for
    assert sweep(now=NOW + timedelta(minutes=14), ports=world)["resent"] == 1
    assert world.jobs.sent == [DossierJob(lead.id, 2)]


def test_the_marker_of_a_version_built_meanwhile_is_cleared_without_a_job(world, valid_submission):
    lead = _lead(world, valid_submission)
    world.store.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    _edit(world, world.store.get(lead.id), NOW)
    world.store.record_pack(lead.id, PackInfo(version=2, built_at=NOW, keys={}), now=NOW)  # built, marker not cleared
    assert sweep(now=NOW + timedelta(hours=1), ports=world)["resent"] == 0
    assert world.store.pending_packs() == [] and world.jobs.sent == []


def test_the_marker_of_an_erased_lead_is_cleared(world, valid_submission):
    lead = _lead(world, valid_submission)
    _edit(world, lead, NOW)
    world.store.leads.pop(lead.id)  # erased between the edit and the sweep
    assert sweep(now=NOW + timedelta(hours=1), ports=world)["resent"] == 0
    assert world.store.pending_packs() == [] and world.jobs.sent == []
