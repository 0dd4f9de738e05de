"""The "pack built" hook: the worker announces each recorded pack; the rooms above it listen
(tests/unit/test_rooms.py keeps the dossier room from importing them)."""

from datetime import date

import pytest


@pytest.fixture
def listeners(monkeypatch):
    from chalicelib.dossier import events

    monkeypatch.setattr(events, "_listeners", [])
    return events


def test_a_failing_listener_neither_fails_the_build_nor_silences_the_others(listeners):
    got = []

    def broken(event):
        raise RuntimeError("SES down")

    listeners.subscribe(broken)
    listeners.subscribe(got.append)
    event = listeners.PackBuilt("lead-1", 1, date(2026, 12, 1))
    listeners.publish(event)
    assert got == [event]


def test_a_listener_subscribed_twice_hears_each_pack_once(listeners):
    got = []
    listeners.subscribe(got.append)
    listeners.subscribe(got.append)
    listeners.publish(listeners.PackBuilt("lead-1", 2, date(2026, 12, 1)))
    assert len(got) == 1
