"""One contract, two client stores: InMemoryClientStore (tests/fakes_client.py) and ClientStore under
moto lock the client space the same way (optimistic, on `rev`), so unit tests on the fake hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.leads.store_client import UPDATE_ATTEMPTS, SpaceConflict
from tests.fakes import InMemoryLeadStore, submitted_lead
from tests.fakes_client import InMemoryClientStore
from tests.functional.conftest import in_memory_or_real

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def _in_memory():
    leads = InMemoryLeadStore()
    return leads, InMemoryClientStore(leads)


def _dynamodb():
    from chalicelib.leads.store import leads_store
    from chalicelib.leads.store_client import client_store

    return leads_store(), client_store()


@pytest.fixture(params=["in-memory", "dynamodb"])
def stores(request):
    return in_memory_or_real(request, _in_memory, _dynamodb)


@pytest.fixture
def lead_id(stores, valid_submission) -> str:
    return stores[0].submit(submitted_lead(valid_submission, NOW)).lead.id


def _off(space):
    return space.model_copy(update={"reminders_off": True})


def _mark(mark: str):
    return lambda s: s.model_copy(update={"reminders_sent": (*s.reminders_sent, mark)})


def test_a_space_never_written_is_empty_and_a_stale_write_is_refused(stores, lead_id):
    _, spaces = stores
    empty = spaces.space(lead_id)
    assert (empty.rev, empty.link, empty.signatures) == (0, None, {})
    saved = spaces.save(_off(empty))
    assert saved.rev == 1 and spaces.space(lead_id) == saved
    with pytest.raises(SpaceConflict):
        spaces.save(_mark("J-7:2026-12-01")(empty))  # written from the read of revision 0
    assert spaces.space(lead_id) == saved


def test_an_update_re_applies_its_change_to_a_fresh_read_when_someone_wrote_in_between(stores, lead_id):
    _, spaces = stores
    stale = spaces.space(lead_id)
    spaces.update(lead_id, _mark("J-7:2026-12-01"))  # another tab, the worker
    seen = []
    result = spaces.update(lead_id, lambda s: seen.append(s.rev) or _off(s), read=stale)
    assert seen == [0, 1]  # tried on the stale read, then on what is stored now
    assert (result.rev, result.reminders_off, result.reminders_sent) == (2, True, ("J-7:2026-12-01",))
    assert spaces.space(lead_id) == result


def test_an_update_with_nothing_to_write_writes_nothing(stores, lead_id):
    _, spaces = stores
    assert spaces.update(lead_id, lambda s: None).rev == 0
    assert spaces.space(lead_id).rev == 0


def test_an_update_gives_up_when_the_space_keeps_changing(stores, lead_id):
    _, spaces = stores
    tries = []

    def contended(space):
        tries.append(space.rev)
        spaces.update(lead_id, _mark(f"J-{len(tries)}:2026-12-01"))  # someone writes after every read
        return _off(space)

    with pytest.raises(SpaceConflict):
        spaces.update(lead_id, contended)
    assert len(tries) == UPDATE_ATTEMPTS and not spaces.space(lead_id).reminders_off


def test_a_link_is_found_by_its_hash_only(stores, lead_id):
    _, spaces = stores
    spaces.put_link("a" * 64, lead_id, expires_at=NOW + timedelta(days=60))
    found = spaces.find_link("a" * 64)
    assert found is not None and (found.lead_id, found.expires_at) == (
        lead_id,
        int((NOW + timedelta(days=60)).timestamp()),
    )
    assert spaces.find_link("b" * 64) is None


def test_a_client_action_goes_to_the_lead_s_history_and_to_the_day_s_list(stores, lead_id):
    leads, spaces = stores
    spaces.record_action(lead_id, "depot_declare", at=NOW, details={"le": "2026-11-25"}, expires_at=None)
    assert [(e["kind"], e["actor"], e["details"]) for e in leads.events(lead_id)] == [
        ("depot_declare", "client", {"le": "2026-11-25"})
    ]
    day = [{k: a[k] for k in ("lead_id", "kind", "at")} for a in spaces.actions_of(NOW.date())]
    assert day == [{"lead_id": lead_id, "kind": "depot_declare", "at": NOW.isoformat()}]
    assert spaces.actions_of(NOW.date() + timedelta(days=1)) == []


def test_erasing_the_lead_erases_its_space(stores, lead_id):
    leads, spaces = stores
    spaces.update(lead_id, _off)
    spaces.record_action(lead_id, "rappels_arretes", at=NOW, details={}, expires_at=None)
    assert leads.erase(lead_id, actor_sub="consultant-1", now=NOW, s3_versions_deleted=0) == 3  # lead, space, line
    assert spaces.space(lead_id).rev == 0
