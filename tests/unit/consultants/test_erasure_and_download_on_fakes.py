"""The consultant's list, export, download and GDPR erasure on in-memory adapters (tests/fakes.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest

from chalicelib.consultants.auth import Consultant
from chalicelib.consultants.service import (
    BadRequest,
    ConsultantPorts,
    DocumentNotFound,
    download_url,
    erase_lead,
    export_leads,
    list_page,
)
from chalicelib.intake.antispam import submission_fingerprint
from chalicelib.leads.listing import LeadFilter
from chalicelib.leads.model import PackInfo
from chalicelib.leads.store import LeadNotFound
from tests.fakes import InMemoryLeadStore, submitted_lead
from tests.fakes_client import FORM_SECRET, InMemoryClientFiles, InMemoryClientStore, consultant_ports
from tests.fakes_storage import InMemoryPackStorage

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
WHO = Consultant(sub="consultant-1", email="conseil@example.fr")
FILES = {"devis.pdf": b"%PDF-devis", "prefill.json": b"{}"}


@dataclass
class World:
    leads: InMemoryLeadStore
    packs: InMemoryPackStorage
    uploads: InMemoryClientFiles

    @property
    def ports(self) -> ConsultantPorts:
        return consultant_ports(self.leads, packs=self.packs, client_files=self.uploads, presign_expiry_s=300)

    def lead_with_pack(self, submission: dict, **changes):
        lead = self.leads.submit(submitted_lead(submission, NOW, **changes), fingerprint=self.fingerprint(submission))
        written = self.packs.put_pack(lead.lead.id, 1, FILES)
        pack = PackInfo(version=1, built_at=NOW, keys=written.keys)
        return self.leads.record_pack(lead.lead.id, pack, now=NOW)

    @staticmethod
    def fingerprint(submission: dict) -> str:
        trainings = submission["training"]
        return submission_fingerprint(
            FORM_SECRET, siret=submission["siret"], email=submission["email"], trainings=trainings
        )


@pytest.fixture
def world():
    return World(InMemoryLeadStore(), InMemoryPackStorage(), InMemoryClientFiles())


def test_a_download_link_lasts_the_configured_time_names_the_file_and_is_recorded(world, valid_submission):
    lead = world.lead_with_pack(valid_submission)
    url, expires = download_url(lead.id, "devis.pdf", WHO, ports=world.ports)
    assert expires == 300 and "X-Amz-Expires=300" in url and f"/dossiers/{lead.id}/v1/devis.pdf?" in url
    assert f'filename="{lead.id[-8:]}-v1-devis.pdf"' in unquote(url)
    event = world.leads.events(lead.id)[-1]
    assert (event["kind"], event["actor"]) == ("telechargement", WHO.label)
    assert event["details"] == {"fichier": "devis.pdf", "version": 1, "sub": WHO.sub}


def test_a_document_not_in_the_pack_is_not_found_and_not_recorded(world, valid_submission):
    lead = world.lead_with_pack(valid_submission)
    events = world.leads.events(lead.id)
    with pytest.raises(DocumentNotFound):
        download_url(lead.id, "../other-lead/devis.pdf", WHO, ports=world.ports)
    bare = world.leads.submit(submitted_lead(valid_submission, NOW)).lead  # no pack yet
    with pytest.raises(DocumentNotFound):
        download_url(bare.id, "devis.pdf", WHO, ports=world.ports)
    assert world.leads.events(lead.id) == events


def test_erasure_deletes_the_packs_the_uploads_and_the_records_and_frees_the_submission(world, valid_submission):
    lead = world.lead_with_pack(valid_submission)
    world.uploads.upload(f"uploads/{lead.id}/letter", b"%PDF-letter", content_type="application/pdf")
    world.uploads.upload("uploads/01kanotherlead000000000000/letter", b"%PDF-other", content_type="application/pdf")
    InMemoryClientStore(world.leads).update(lead.id, lambda s: s.model_copy(update={"reminders_off": True}))
    assert erase_lead(lead.id, WHO, ports=world.ports) == {"items_deleted": 3, "s3_versions_deleted": 3}
    assert world.leads.get_or_none(lead.id) is None and world.leads.spaces == {}
    assert world.packs.objects == {} and list(world.uploads.objects) == ["uploads/01kanotherlead000000000000/letter"]
    audit = world.leads.erasures[0]
    assert (audit["actor_sub"], audit["s3_versions_deleted"]) == (WHO.sub, 3)
    assert valid_submission["email"] not in repr(audit) and lead.company_name not in repr(audit)
    again = world.leads.submit(submitted_lead(valid_submission, NOW), fingerprint=world.fingerprint(valid_submission))
    assert again.outcome == "created"  # the duplicate pointer went with the lead


def test_a_pack_a_worker_writes_during_the_erasure_is_deleted_by_its_second_pass(world, valid_submission):
    lead = world.lead_with_pack(valid_submission)

    class WorkerMeanwhile(InMemoryClientFiles):
        def erase_uploads(self, lead_id: str) -> int:  # after the first pass over the packs
            world.packs.put_pack(lead_id, 2, FILES)
            return super().erase_uploads(lead_id)

    world.uploads = WorkerMeanwhile()
    assert erase_lead(lead.id, WHO, ports=world.ports)["s3_versions_deleted"] == 4
    assert world.packs.objects == {}


def test_erasing_an_unknown_lead_deletes_nothing(world, valid_submission):
    kept = world.lead_with_pack(valid_submission)
    with pytest.raises(LeadNotFound):
        erase_lead("01kunknown00000000000000000", WHO, ports=world.ports)
    assert world.leads.get(kept.id) and len(world.packs.objects) == len(FILES) and world.leads.erasures == []


def test_the_export_goes_through_every_page_newest_first(world, valid_submission):
    ids = [world.leads.submit(submitted_lead(valid_submission, NOW + timedelta(seconds=s))).lead.id for s in range(205)]
    exported = [lead.id for lead in export_leads(LeadFilter(), ports=world.ports)]
    assert exported == ids[::-1]
    first = list_page(LeadFilter(), None, ports=world.ports)
    assert len(first.leads) == 25 and first.cursor


def test_a_cursor_of_another_list_is_refused_in_french(world, valid_submission):
    world.leads.submit(submitted_lead(valid_submission, NOW))
    world.leads.submit(submitted_lead(valid_submission, NOW + timedelta(seconds=1)))
    cursor = list_page(LeadFilter(), None, limit=1, ports=world.ports).cursor
    with pytest.raises(BadRequest) as refused:
        list_page(LeadFilter(status="recu"), cursor, ports=world.ports)
    assert (refused.value.field, refused.value.message) == (
        "cursor",
        "Lien de pagination invalide : revenez à la première page.",
    )
