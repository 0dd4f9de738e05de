"""The consultants' daily digest on in-memory adapters: near deadlines and the clients' actions of
the last 24 hours, in one e-mail without contact details."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from chalicelib.consultants.notify import DigestPorts, send_digest
from chalicelib.leads.model import LeadStatus
from chalicelib.pricing.deadline import deadline
from tests.fakes_storage import InMemoryMailer
from tests.unit.client.conftest import NOW
from tests.unit.conftest import BASE_URL


def _ports(world) -> DigestPorts:
    return DigestPorts(world.leads, world.spaces, world.consultants, BASE_URL)


def test_a_deadline_within_seven_days_and_the_client_s_actions_make_one_e_mail(world, sent):
    lead, token = sent
    deposit = deadline(lead, NOW.date()).deposit_before
    morning = datetime.combine(deposit - timedelta(days=3), time(6), tzinfo=NOW.tzinfo)
    world.spaces.record_action(lead.id, "depot_declare", at=morning - timedelta(hours=2), details={}, expires_at=None)
    assert send_digest(today=morning.date(), now=morning, ports=_ports(world)) == {"due": 1, "client_actions": 1}
    ((subject, body),) = world.consultants.sent
    assert subject.startswith("Échéances OPCO : 1 dossier(s)") and f"{BASE_URL}/consultants/leads/{lead.id}" in body
    assert "a déclaré le dépôt de la demande (à confirmer)" in body
    assert lead.email not in body and lead.last_name not in body and token not in body


def test_nothing_due_and_no_client_action_sends_nothing(world, sent):
    lead, _ = sent
    world.leads.leads[lead.id] = lead.model_copy(update={"status": LeadStatus.demande_deposee})  # filed
    ports = DigestPorts(world.leads, world.spaces, InMemoryMailer(), BASE_URL)
    later = NOW + timedelta(days=3)
    assert send_digest(today=later.date(), now=later, ports=ports) == {"due": 0, "client_actions": 0}
    assert ports.mailer.sent == []
