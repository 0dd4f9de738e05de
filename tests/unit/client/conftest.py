"""The client room on in-memory adapters: a lead with a real pack (rendered by the worker on fakes),
sent to the client with its personal link, and the ports of the page, the worker and the reminders."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.client.requests import DecisionInput, FilingInput, SignatureInput, SignerInput
from chalicelib.client.service import Evidence, Opened, open_link
from chalicelib.client.wiring import ClientPorts, ReminderPorts, WorkPorts
from chalicelib.company.enrich import RegistryPorts
from chalicelib.consultants.auth import Consultant
from chalicelib.consultants.client_link import LinkPorts, send_link
from chalicelib.dossier.events import PackBuilt
from chalicelib.dossier.jobs import DossierJob
from chalicelib.dossier.worker import PackPorts, build_pack
from chalicelib.leads.model import Lead, LeadStatus
from tests import fakes, fakes_storage
from tests.fakes_client import InMemoryClientFiles, InMemoryClientMail, InMemoryClientStore
from tests.unit.conftest import BASE_URL

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
SECRET = "unit-test-form-secret"
CONSULTANT = Consultant(sub="consultant-1", email="claire@formation-ia.example")
LINK = re.compile(r"/client/([A-Za-z0-9_-]{43})")
# What the client's forms say, parsed (client/requests.py; tests/unit/client/test_client_requests.py).
BROWSER = Evidence(ip_hash="ip-hash", user_agent="Firefox")
SIGNER = SignerInput("Camille Martin", "Gérante")
FILED = FilingInput(date(2026, 11, 18), "AT-1")
REFUSED = DecisionInput("refus", date(2026, 11, 20), None)
GRANTED = DecisionInput("accord", date(2026, 11, 20), Decimal("1200.00"))


def signature(opened: Opened, document: str = "devis.pdf", signer: SignerInput = SIGNER) -> SignatureInput:
    """The signature form of `document` as the page shows it: with the hash of the pack's PDF."""
    return SignatureInput(document, opened.lead.pack.sha256[document] if opened.lead.pack else "", signer)


@pytest.fixture(autouse=True)
def _local(local_settings):
    """Every client-room test runs with tests/unit/conftest.py's local settings."""


class ClientWorld:
    """Every adapter of the client room, in memory, and the ports built on them."""

    def __init__(self) -> None:
        self.leads = fakes.InMemoryLeadStore()
        self.spaces = InMemoryClientStore(self.leads)
        self.packs = fakes_storage.InMemoryPackStorage()
        self.files = InMemoryClientFiles()
        self.jobs = fakes.InMemoryJobQueue()
        self.consultants = fakes_storage.InMemoryMailer()
        self.mail = InMemoryClientMail()
        self.built: list[PackBuilt] = []  # the worker's pack-built announcements
        self.ports = ClientPorts(
            self.spaces, self.leads, self.packs, self.files, self.jobs, self.consultants, 600, BASE_URL
        )
        self.work = WorkPorts(self.spaces, self.leads, self.packs, self.files, self.consultants, "local", BASE_URL)
        self.reminders = ReminderPorts(self.leads, self.spaces, self.mail, lambda: SECRET, BASE_URL)
        self.links = LinkPorts(self.spaces, self.leads, self.mail, lambda: SECRET, BASE_URL)

    def lead_sent_to_client(self, submission: dict, at: datetime = NOW) -> tuple[Lead, str]:
        """A lead with its pack v1 (real PDFs), at envoye_client, and the token of its personal link."""
        lead = self.leads.submit(fakes.submitted_lead(submission, at)).lead
        registry = RegistryPorts(  # switched off, as on the local stage
            fakes_storage.InMemoryRegistry(), fakes_storage.InMemoryRegistryRecords(self.leads), enabled=False
        )
        pack_ports = PackPorts(self.leads, self.packs, registry, "local", self.built.append)
        assert build_pack(DossierJob(lead.id, 1), now=at, ports=pack_ports)
        lead = self.leads.leads[lead.id] = self.leads.get(lead.id).model_copy(
            update={"status": LeadStatus.envoye_client}
        )
        return lead, self.give_link(lead, at)

    def give_link(self, lead: Lead, at: datetime) -> str:
        """The consultant sends the client its personal link: the token, read from the e-mail."""
        send_link(lead, CONSULTANT, at=at, ports=self.links)
        return LINK.findall(self.mail.sent[-1][2])[-1]

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
