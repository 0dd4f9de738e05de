"""The worker's pack build on in-memory adapters (tests/fakes*.py): no moto, real PDFs (fpdf2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from chalicelib.company.enrich import RegistryPorts
from chalicelib.company.registry import RegistryUnavailable
from chalicelib.consultants.notify import NewLeadPorts, on_pack_built
from chalicelib.dossier.events import PackBuilt
from chalicelib.dossier.jobs import DossierJob
from chalicelib.dossier.organisme import OrganismeProfileError
from chalicelib.dossier.worker import PackPorts, build_pack
from chalicelib.leads.model import EditStamp, LeadStatus
from chalicelib.leads.store import LeadNotFound
from tests.fakes import InMemoryLeadStore, submitted_lead
from tests.fakes_storage import InMemoryMailer, InMemoryPackStorage, InMemoryRegistry, InMemoryRegistryRecords
from tests.unit.conftest import BASE_URL

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


class World:
    """One worker's adapters, in memory; `published` holds the pack-built announcements."""

    def __init__(self, registry: InMemoryRegistry | None = None, stage: str = "local"):
        self.store = InMemoryLeadStore()
        self.storage = InMemoryPackStorage()
        self.registry = registry or InMemoryRegistry()
        self.published: list[PackBuilt] = []
        registry_ports = RegistryPorts(self.registry, InMemoryRegistryRecords(self.store), enabled=True)
        self.ports = PackPorts(self.store, self.storage, registry_ports, stage, self.published.append)

    def lead(self, submission: dict):
        return self.store.submit(submitted_lead(submission, NOW)).lead

    def build(self, job: DossierJob) -> bool:
        return build_pack(job, now=NOW, ports=self.ports)


def test_a_new_lead_gets_version_1_with_its_files_stored_and_recorded(valid_submission):
    world = World()
    lead = world.lead(valid_submission)
    assert world.build(DossierJob(lead.id, 1))
    built = world.store.get(lead.id)
    assert built.pack is not None and built.pack.version == 1 and built.status == LeadStatus.dossier_pret
    assert set(built.pack.keys.values()) == set(world.storage.objects)
    assert all(key.startswith(f"dossiers/{lead.id}/v1/") for key in built.pack.keys.values())
    pdfs = [name for name in built.pack.keys if name.endswith(".pdf")]
    assert pdfs and set(built.pack.sha256) == set(pdfs)
    assert all(world.storage.read(built.pack.keys[name]).startswith(b"%PDF") for name in pdfs)
    assert world.published == [PackBuilt(lead.id, 1, NOW.date())]


def test_a_redelivered_job_writes_nothing_new(valid_submission):
    world = World()
    lead = world.lead(valid_submission)
    world.build(DossierJob(lead.id, 1))
    stored, events = dict(world.storage.objects), world.store.events(lead.id)
    assert not world.build(DossierJob(lead.id, 1))
    assert world.storage.objects == stored and world.store.events(lead.id) == events
    assert len(world.published) == 1  # one "new lead" email per lead, whatever SQS redelivers


def test_a_job_for_an_erased_lead_writes_nothing(valid_submission):
    world = World()
    with pytest.raises(LeadNotFound):  # a poison job: SQS retries it, then the DLQ keeps it
        world.build(DossierJob("01kerased000000000000000000", 1))
    assert world.storage.objects == {} and world.published == []


def test_the_stage_comes_from_the_wiring_and_prod_s_sample_profile_prints_nothing(valid_submission):
    world = World(stage="prod")  # templates/organisme/prod.json ships as a placeholder
    lead = world.lead(valid_submission)
    with pytest.raises(OrganismeProfileError):  # SQS retries, then the DLQ alarm: a person fills it in
        world.build(DossierJob(lead.id, 1))
    assert world.storage.objects == {} and world.published == [] and world.store.get(lead.id).pack is None


def test_a_lead_erased_while_its_pack_is_written_leaves_no_file_behind(valid_submission):
    world = World()
    lead = world.lead(valid_submission)
    world.storage.after_put = lambda: world.store.leads.pop(lead.id)  # the erasure runs meanwhile
    assert not world.build(DossierJob(lead.id, 1))
    assert world.storage.objects == {} and world.published == []


def test_the_registry_down_still_builds_the_pack_marked_unverified(valid_submission):
    world = World(InMemoryRegistry(failure=RegistryUnavailable("timeout")))
    lead = world.lead(valid_submission)
    assert world.build(DossierJob(lead.id, 1))
    built = world.store.get(lead.id)
    assert world.registry.lookups == 1 and built.pack is not None and built.pack.version == 1
    assert built.registry is not None and built.registry.status == "unavailable"
    assert "Annuaire des entreprises indisponible le 26/11/2026" in built.registry.note
    company = json.loads(world.storage.read(built.pack.keys["prefill.json"]))["entreprise"]
    assert (company["idcc"], company["adresse"]) == ("1486", None)  # what the client declared, nothing more


def test_the_first_pack_sends_the_consultants_one_email_without_contact_details(valid_submission):
    world, mailer = World(), InMemoryMailer()
    ports = NewLeadPorts(world.store, mailer, BASE_URL)
    lead = world.lead(valid_submission)
    world.build(DossierJob(lead.id, 1))
    for event in world.published:
        on_pack_built(event, ports=ports)
    on_pack_built(PackBuilt(lead.id, 2, NOW.date()), ports=ports)  # a later version: none
    assert len(mailer.sent) == 1
    subject, body = mailer.sent[0]
    assert lead.email not in subject + body and "Martin" not in subject + body


def test_an_edit_s_version_is_built_beside_the_first_and_its_marker_cleared(valid_submission):
    world = World()
    lead = world.lead(valid_submission)
    world.build(DossierJob(lead.id, 1))
    dossier = lead.dossier.model_copy(update={"trainees": 5})
    world.store.update_dossier(
        lead.id, dossier, EditStamp(expected_rev=0, actor="c@example.fr", now=NOW), changed=["trainees"]
    )
    assert not world.build(DossierJob(lead.id, 1))  # a late copy of the first job: v2 is asked for now
    assert world.build(DossierJob(lead.id, 2))
    built = world.store.get(lead.id)
    assert built.pack is not None and built.pack.version == 2 and world.store.pending == {}
    assert {key.split("/")[2] for key in world.storage.objects} == {"v1", "v2"}
    assert world.registry.lookups == 1  # its answer for v1 (not found) is kept: asked once per lead
