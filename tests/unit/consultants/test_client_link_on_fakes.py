"""The client's personal link, sent with "envoyé au client" and revoked by a consultant, on in-memory
adapters: the token reaches the client's mailbox only, the store keeps its hash."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.client import tokens
from chalicelib.consultants.auth import Consultant
from chalicelib.consultants.client_link import LinkPorts, revoke_link
from chalicelib.consultants.requests import StatusUpdate
from chalicelib.consultants.service import ConsultantPorts, change_status, send_client_link
from chalicelib.leads.model import LeadStatus, PackInfo
from chalicelib.leads.store import LeadNotFound
from chalicelib.leads.workflow import StatusChange
from tests.fakes import InMemoryLeadStore, submitted_lead
from tests.fakes_client import InMemoryClientMail, InMemoryClientStore, consultant_ports
from tests.unit.conftest import BASE_URL

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
WHO = Consultant(sub="consultant-1", email="claire@formation-ia.example")
SENT = StatusUpdate(StatusChange(status=LeadStatus.envoye_client), expected_rev=0)
LINK = re.compile(r"https://formation\.example/client/([A-Za-z0-9_-]{43})\n")


pytestmark = pytest.mark.usefixtures("local_settings")


class World:
    def __init__(self, submission: dict) -> None:
        self.leads = InMemoryLeadStore()
        self.spaces = InMemoryClientStore(self.leads)
        self.mail = InMemoryClientMail()
        self.links = LinkPorts(self.spaces, self.leads, self.mail, lambda: "unit-test-secret", BASE_URL)
        lead = self.leads.submit(submitted_lead(submission, NOW)).lead
        self.lead = self.leads.record_pack(lead.id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)

    def ports(self, links: LinkPorts | None = None) -> ConsultantPorts:
        return consultant_ports(self.leads, spaces=self.spaces, client_link=links or self.links)

    def kinds(self) -> list[str]:
        return [e["kind"] for e in self.leads.events(self.lead.id)]


@pytest.fixture
def world(valid_submission) -> World:
    return World(valid_submission)


def test_sending_to_the_client_emails_a_personal_link_whose_token_is_stored_only_hashed(world):
    updated = change_status(world.lead.id, SENT, WHO, ports=world.ports())
    assert updated.status == LeadStatus.envoye_client
    ((to, subject, body),) = world.mail.sent
    assert to == world.lead.email and "documents à signer" in subject and WHO.label in body
    token = LINK.search(body).group(1)
    space = world.spaces.space(world.lead.id)
    assert space.link.token_hash == tokens.token_hash(token) and token not in repr(space)
    assert world.spaces.find_link(tokens.token_hash(token)).lead_id == world.lead.id
    assert world.kinds()[-2:] == ["statut_modifie", "lien_client_envoye"]


def test_a_link_the_mailer_fails_to_send_leaves_the_status_changed(world):
    class Down:
        def send(self, to: str, subject: str, body: str) -> str | None:
            raise RuntimeError("SES throttled")

    ports = world.ports(replace(world.links, mail=Down()))
    updated = change_status(world.lead.id, SENT, WHO, ports=ports)
    assert world.leads.get(world.lead.id).status == updated.status == LeadStatus.envoye_client
    assert "lien_client_envoye" not in world.kinds()  # the lead page offers to send it again


def test_revoking_the_link_stops_it_at_once_and_is_recorded_once(world):
    change_status(world.lead.id, SENT, WHO, ports=world.ports())
    revoke_link(world.lead.id, WHO, ports=world.links)
    revoke_link(world.lead.id, WHO, ports=world.links)
    assert world.spaces.space(world.lead.id).link.revoked_at is not None
    assert world.kinds().count("lien_client_revoque") == 1


def test_the_lead_page_s_button_sends_a_new_link_that_replaces_the_last(world):
    change_status(world.lead.id, SENT, WHO, ports=world.ports())
    first = world.spaces.space(world.lead.id).link
    space = send_client_link(world.lead.id, WHO, ports=world.ports())
    assert space.link.token_hash != first.token_hash and len(world.mail.sent) == 2
    assert world.kinds().count("lien_client_envoye") == 2
    with pytest.raises(LeadNotFound):
        send_client_link("01GONE", WHO, ports=world.ports())
