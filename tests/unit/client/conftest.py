"""The client room on in-memory adapters: a lead with a real pack (rendered by the worker on fakes),
sent to the client with its personal link, and the ports of the page, the worker and the reminders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.client import tokens
from chalicelib.client.service import Opened, open_link
from chalicelib.client.wiring import ClientPorts, ReminderPorts, WorkPorts
from chalicelib.dossier.events import PackBuilt
from chalicelib.dossier.jobs import DossierJob
from chalicelib.dossier.worker import PackPorts, build_pack
from chalicelib.leads.client_space import Link, mask_email
from chalicelib.leads.model import Lead, LeadStatus
from tests import fakes
from tests.fakes_client import InMemoryClientFiles, InMemoryClientMail, InMemoryClientStore

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
SECRET = "unit-test-form-secret"
BASE_URL = "https://formation.example"


@pytest.fixture(autouse=True)
def local_settings(monkeypatch):
    """What the messages and the certificate read: the stage (the organisme) and the site's address."""
    from chalicelib import config

    monkeypatch.setenv("STAGE", "local")
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE_URL)
    monkeypatch.delenv("REGISTRY_ENABLED", raising=False)
    config.reset()
    yield
    config.reset()


class ClientWorld:
    """Every adapter of the client room, in memory, and the ports built on them."""

    def __init__(self) -> None:
        self.leads = fakes.InMemoryLeadStore()
        self.spaces = InMemoryClientStore(self.leads)
        self.packs = fakes.InMemoryPackStorage()
        self.files = InMemoryClientFiles()
        self.jobs = fakes.InMemoryJobQueue()
        self.consultants = fakes.InMemoryMailer()
        self.mail = InMemoryClientMail()
        self.built: list[PackBuilt] = []  # the worker's pack-built announcements
        self.ports = ClientPorts(
            self.spaces, self.leads, self.packs, self.files, self.jobs, self.consultants, 600, BASE_URL
        )
        self.work = WorkPorts(self.spaces, self.leads, self.packs, self.files, self.consultants, "local")
        self.reminders = ReminderPorts(self.leads, self.spaces, self.mail, lambda: SECRET)

    def lead_sent_to_client(self, submission: dict, at: datetime = NOW) -> tuple[Lead, str]:
        """A lead with its pack v1 (real PDFs), at envoye_client, and the token of its personal link."""
        lead = self.leads.submit(fakes.submitted_lead(submission, at)).lead
        pack_ports = PackPorts(
            self.leads,
            self.packs,
            fakes.InMemoryRegistry(),
            fakes.InMemoryRegistryRecords(self.leads),
            self.built.append,
        )
        assert build_pack(DossierJob(lead.id, 1), now=at, ports=pack_ports)
        lead = self.leads.leads[lead.id] = self.leads.get(lead.id).model_copy(
            update={"status": LeadStatus.envoye_client}
        )
        return lead, self.give_link(lead, at)

    def give_link(self, lead: Lead, at: datetime) -> str:
        """What the consultant's "send to the client" stores (chalicelib/client/consultant.py)."""
        nonce = tokens.new_nonce()
        token = tokens.token_for(SECRET, nonce)
        hint, by, hashed = mask_email(lead.email), "claire@formation-ia.example", tokens.token_hash(token)
        link = Link(
            nonce=nonce, token_hash=hashed, issued_at=at, expires_at=tokens.expiry(at), sent_to_hint=hint, sent_by=by
        )
        self.spaces.put_link(link.token_hash, lead.id, expires_at=link.expires_at)
        self.spaces.update(lead.id, lambda s: s.model_copy(update={"link": link, "expires_at": lead.expires_at}))
        return token

    def open(self, token: str, at: datetime = NOW) -> Opened:
        return open_link(token, at=at, ports=self.ports)

    def kinds(self, lead_id: str) -> list[str]:
        return [e["kind"] for e in self.leads.events(lead_id)]


@pytest.fixture
def world() -> ClientWorld:
    return ClientWorld()


@pytest.fixture
def sent(world: ClientWorld, valid_submission: dict) -> tuple[Lead, str]:
    return world.lead_sent_to_client(valid_submission)
