"""The consultant service on in-memory adapters (tests/fakes.py): an edit asks for a new pack
version, a status change the workflow forbids is refused in French and stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.consultants.auth import Consultant
from chalicelib.consultants.service import ConsultantPorts, change_status, edit_dossier
from chalicelib.dossier.jobs import DossierJob
from chalicelib.leads.model import LeadStatus, PackInfo
from chalicelib.leads.store import EditConflict
from chalicelib.leads.workflow import TransitionRefused
from tests.fakes import InMemoryJobQueue, InMemoryLeadStore, submitted_lead
from tests.fakes_client import consultant_ports

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
WHO = Consultant(sub="consultant-1", email="conseil@example.fr")


@pytest.fixture
def store(valid_submission):
    store = InMemoryLeadStore()
    store.submit(submitted_lead(valid_submission, NOW))
    return store


def _ports(store: InMemoryLeadStore, jobs: InMemoryJobQueue | None = None) -> ConsultantPorts:
    return consultant_ports(store, jobs=jobs or InMemoryJobQueue())


def _lead_id(store: InMemoryLeadStore) -> str:
    return next(iter(store.leads))


def test_an_edit_is_stored_and_asks_for_the_next_pack_version(store):
    jobs, lead_id = InMemoryJobQueue(), _lead_id(store)
    updated = edit_dossier(lead_id, {"trainees": "5", "rev": 0}, WHO, ports=_ports(store, jobs))
    assert (updated.dossier.trainees, updated.pack_requested, updated.rev) == (5, 2, 1)
    assert store.get(lead_id) == updated and store.pending == {lead_id: 2}
    assert jobs.sent == [DossierJob(lead_id, 2)]
    with pytest.raises(EditConflict):  # a second consultant still on revision 0
        edit_dossier(lead_id, {"trainees": "6", "rev": 0}, WHO, ports=_ports(store, jobs))
    assert len(jobs.sent) == 1


def test_an_edit_that_changes_nothing_asks_for_no_pack(store):
    jobs, lead_id = InMemoryJobQueue(), _lead_id(store)
    lead = edit_dossier(lead_id, {"trainees": "3", "rev": 0}, WHO, ports=_ports(store, jobs))
    assert lead.pack_requested == 1 and jobs.sent == [] and store.events(lead_id) == []


def test_a_status_the_workflow_forbids_is_refused_in_french_and_nothing_is_stored(store):
    lead_id = _lead_id(store)
    with pytest.raises(TransitionRefused) as refused:
        change_status(lead_id, {"status": "envoye_client", "rev": 0}, WHO, ports=_ports(store))
    assert refused.value.message == "Le dossier n'est pas encore généré : attendez le statut « Dossier prêt »."
    store.record_pack(lead_id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    events = store.events(lead_id)
    with pytest.raises(TransitionRefused) as refused:
        change_status(lead_id, {"status": "accord", "amount_granted": "1200", "rev": 0}, WHO, ports=_ports(store))
    assert "suppose une demande déposée" in refused.value.message
    assert store.get(lead_id).status == LeadStatus.dossier_pret and store.events(lead_id) == events


def test_an_allowed_status_change_is_stored_with_its_details(store):
    lead_id = _lead_id(store)
    store.leads[lead_id] = store.get(lead_id).model_copy(update={"status": LeadStatus.envoye_client})
    step = {"status": "demande_deposee", "opco_file_number": "AT-2027-0042", "rev": 0}
    updated = change_status(lead_id, step, WHO, ports=_ports(store))
    assert (updated.status, updated.tracking.opco_file_number, updated.rev) == (
        LeadStatus.demande_deposee,
        "AT-2027-0042",
        1,
    )
    assert store.events(lead_id)[-1]["details"]["numero_dossier_opco"] == "AT-2027-0042"
