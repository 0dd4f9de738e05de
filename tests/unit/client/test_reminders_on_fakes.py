"""The clients' deadline reminders and the digest's client actions on in-memory adapters."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from chalicelib.client import service
from chalicelib.client.reminders import actions_since, send_reminders
from chalicelib.leads.model import LeadStatus
from chalicelib.pricing.deadline import deadline
from tests.unit.client.conftest import FILED, NOW


def _days_before_deadline(lead, days: int) -> datetime:
    deposit_before = deadline(lead, NOW.date()).deposit_before
    assert deposit_before is not None
    return datetime.combine(deposit_before - timedelta(days=days), time(7), tzinfo=NOW.tzinfo)


def _reminders(world) -> list[tuple[str, str, str]]:
    """The reminders in the clients' mailboxes (the links sent before them are there too)."""
    return [m for m in world.mail.sent if m[1].startswith("Rappel")]


def _send(world, at: datetime) -> int:
    return send_reminders(now=at, ports=world.reminders)["sent"]


def test_a_reminder_goes_once_a_week_then_two_days_before_the_deadline_with_the_personal_link(world, sent):
    lead, _ = sent
    week = _days_before_deadline(lead, 6)
    token = world.give_link(lead, week - timedelta(days=8))  # a link still valid at the deadline
    assert _send(world, week - timedelta(days=7)) == 0  # too early
    assert _send(world, week) == 1 and _send(world, week + timedelta(hours=2)) == 0
    to, subject, body = _reminders(world)[0]
    assert to == lead.email and "Rappel" in subject and "Il reste 6 jour(s)" in body
    assert f"https://formation.example/client/{token}" in body and f"/client/{token}/rappels/arret" in body
    one_click = world.mail.headers[world.mail.sent.index(_reminders(world)[0])]  # RFC 8058: the mailbox's own button
    assert one_click == {
        "List-Unsubscribe": f"<https://formation.example/client/{token}/rappels/arret>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert _send(world, _days_before_deadline(lead, 2)) == 1
    assert [e["kind"] for e in world.leads.events(lead.id)].count("rappel_envoye") == 2


def _another(world, submission: dict, email: str, created: datetime = NOW):
    lead, _ = world.lead_sent_to_client({**submission, "email": email}, created)
    return lead


def _linked(world, lead) -> str:
    """A link sent eight days before the deadline: still valid when the reminders go."""
    return world.give_link(lead, _days_before_deadline(lead, 8))


def test_no_reminder_once_the_client_filed_or_stopped_them(world, sent, valid_submission):
    stopped, filed = sent[0], _another(world, valid_submission, "depot@atelier-dupont.fr")
    reminded = _another(world, valid_submission, "rappel@atelier-dupont.fr")
    at = _days_before_deadline(stopped, 8)
    service.set_reminders(world.open(_linked(world, stopped), at), on=False, ports=world.ports)
    service.declare_filing(world.open(_linked(world, filed), at), FILED, ports=world.ports)
    _linked(world, reminded)
    assert _send(world, _days_before_deadline(stopped, 2)) == 1
    assert [to for to, _, _ in _reminders(world)] == [reminded.email]


def test_only_leads_sent_to_the_client_are_reminded(world, sent):
    lead, _ = sent
    _linked(world, lead)
    world.leads.leads[lead.id] = lead.model_copy(update={"status": LeadStatus.demande_deposee})
    assert _send(world, _days_before_deadline(lead, 2)) == 0


def test_one_lead_failing_does_not_stop_the_others_reminders(world, sent, valid_submission):
    first = _another(world, valid_submission, "premier@atelier-dupont.fr", NOW + timedelta(hours=1))  # listed first
    second = sent[0]
    for lead in (first, second):
        _linked(world, lead)

    class Flaky:  # SES refuses the first address
        def send(self, to: str, subject: str, body: str, *, headers: dict[str, str] | None = None) -> str | None:
            if to == first.email:
                raise RuntimeError("SES throttled")
            return world.mail.send(to, subject, body, headers=headers)

    ports = replace(world.reminders, mail=Flaky())
    assert send_reminders(now=_days_before_deadline(second, 2), ports=ports)["sent"] == 1
    assert [to for to, _, _ in _reminders(world)] == [second.email]


def test_the_digest_lists_the_client_actions_of_the_last_24_hours_oldest_first(world, sent):
    lead, token = sent
    world.open(token)  # lien_ouvert at NOW
    world.spaces.record_action(lead.id, "rappels_arretes", at=NOW + timedelta(hours=20), details={}, expires_at=None)
    actions = actions_since(NOW - timedelta(hours=1), NOW + timedelta(days=1), spaces=world.spaces)
    assert [a["kind"] for a in actions] == ["lien_ouvert", "rappels_arretes"]
    assert actions_since(NOW + timedelta(hours=1), NOW + timedelta(hours=2), spaces=world.spaces) == []
