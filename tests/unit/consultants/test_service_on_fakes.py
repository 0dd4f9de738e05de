"""The consultant service on in-memory adapters (tests/fakes.py), with the typed requests the doors
parse (consultants/requests.py): an edit asks for a new pack version, a status change the workflow
forbids is refused in French and stores nothing, the lead page reads the lead and its history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.consultants.auth import Consultant
from chalicelib.consultants.edits import InvalidEdit
from chalicelib.consultants.requests import BadRequest, DossierEdit, StatusUpdate
from chalicelib.consultants.service import ConsultantPorts, change_status, edit_dossier, get_lead, lead_record
from chalicelib.dossier.jobs import DossierJob
from chalicelib.leads.model import DossierFields, LeadStatus, PackInfo
from chalicelib.leads.store import EditConflict, LeadNotFound
from chalicelib.leads.workflow import StatusChange, TransitionRefused
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


def _edit(rev: int = 0, **fields: object) -> DossierEdit:
    return DossierEdit(DossierFields(**fields), expected_rev=rev)


def _status(status: LeadStatus, rev: int = 0, **tracking: object) -> StatusUpdate:
    return StatusUpdate(StatusChange(status=status, **tracking), expected_rev=rev)


def _lead_id(store: InMemoryLeadStore) -> str:
    return next(iter(store.leads))


def test_an_edit_is_stored_and_asks_for_the_next_pack_version(store):
    jobs, lead_id = InMemoryJobQueue(), _lead_id(store)
    updated = edit_dossier(lead_id, _edit(trainees=5), WHO, ports=_ports(store, jobs))
    assert (updated.dossier.trainees, updated.pack_requested, updated.rev) == (5, 2, 1)
    assert store.get(lead_id) == updated and store.pending == {lead_id: 2}
    assert jobs.sent == [DossierJob(lead_id, 2)]
    with pytest.raises(EditConflict):  # a second consultant still on revision 0
        edit_dossier(lead_id, _edit(trainees=6), WHO, ports=_ports(store, jobs))
    assert len(jobs.sent) == 1


def test_an_edit_that_changes_nothing_asks_for_no_pack(store):
    jobs, lead_id = InMemoryJobQueue(), _lead_id(store)
    lead = edit_dossier(lead_id, _edit(trainees=3), WHO, ports=_ports(store, jobs))
    assert lead.pack_requested == 1 and jobs.sent == [] and store.events(lead_id) == []


def test_a_status_the_workflow_forbids_is_refused_in_french_and_nothing_is_stored(store):
    lead_id = _lead_id(store)
    with pytest.raises(TransitionRefused) as refused:
        change_status(lead_id, _status(LeadStatus.envoye_client), WHO, ports=_ports(store))
    assert refused.value.message == "Le dossier n'est pas encore généré : attendez le statut « Dossier prêt »."
    store.record_pack(lead_id, PackInfo(version=1, built_at=NOW, keys={}), now=NOW)
    events = store.events(lead_id)
    with pytest.raises(TransitionRefused) as refused:
        change_status(lead_id, _status(LeadStatus.accord, amount_granted=Decimal(1200)), WHO, ports=_ports(store))
    assert "suppose une demande déposée" in refused.value.message
    assert store.get(lead_id).status == LeadStatus.dossier_pret and store.events(lead_id) == events


def test_an_allowed_status_change_is_stored_with_its_details(store):
    lead_id = _lead_id(store)
    store.leads[lead_id] = store.get(lead_id).model_copy(update={"status": LeadStatus.envoye_client})
    step = _status(LeadStatus.demande_deposee, opco_file_number="AT-2027-0042")
    updated = change_status(lead_id, step, WHO, ports=_ports(store))
    assert (updated.status, updated.tracking.opco_file_number, updated.rev) == (
        LeadStatus.demande_deposee,
        "AT-2027-0042",
        1,
    )
    assert store.events(lead_id)[-1]["details"]["numero_dossier_opco"] == "AT-2027-0042"


def test_an_edit_changes_only_the_fields_it_names_and_a_blank_one_goes_back_to_the_lead_s_value(store):
    lead_id = _lead_id(store)
    edited = edit_dossier(lead_id, _edit(notes="Rappeler lundi", place="Lyon"), WHO, ports=_ports(store))
    assert (edited.dossier.notes, edited.dossier.place, edited.dossier.trainees) == ("Rappeler lundi", "Lyon", None)
    cleared = edit_dossier(lead_id, _edit(rev=1, notes=None), WHO, ports=_ports(store))
    assert (cleared.dossier.notes, cleared.dossier.place) == (None, "Lyon")


def test_an_edit_whose_dates_end_up_in_the_wrong_order_is_refused_in_french(store):
    lead_id = _lead_id(store)
    edit_dossier(lead_id, _edit(start_date=date(2027, 3, 10)), WHO, ports=_ports(store))
    with pytest.raises(InvalidEdit) as refused:  # the start date is the stored one, the end date the request's
        edit_dossier(lead_id, _edit(rev=1, end_date=date(2027, 3, 1)), WHO, ports=_ports(store))
    assert refused.value.by_field() == {"end_date": "La date de fin précède la date de début."}
    assert store.get(lead_id).rev == 1


def test_a_spam_lead_has_no_dossier_to_edit(store):
    lead_id = _lead_id(store)
    store.leads[lead_id] = store.get(lead_id).model_copy(update={"status": LeadStatus.spam})
    with pytest.raises(BadRequest) as refused:
        edit_dossier(lead_id, _edit(trainees=5), WHO, ports=_ports(store))
    assert refused.value.message == "Une demande indésirable n'a pas de dossier à modifier."


def test_the_lead_page_reads_the_lead_with_its_history(store):
    lead_id = _lead_id(store)
    edit_dossier(lead_id, _edit(trainees=5), WHO, ports=_ports(store))
    lead, history = lead_record(lead_id, ports=_ports(store))
    assert lead == get_lead(lead_id, ports=_ports(store)) == store.get(lead_id)
    assert [line["kind"] for line in history] == ["dossier_modifie"]
    with pytest.raises(LeadNotFound):
        lead_record("01GONE", ports=_ports(store))
