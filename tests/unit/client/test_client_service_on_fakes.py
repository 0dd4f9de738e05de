"""The client's page services on in-memory adapters (conftest.py's ClientWorld): open, download,
sign, file, report the decision, upload, stop reminders. No moto."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import unquote

import pytest

from chalicelib.client import service
from chalicelib.client.jobs import ClientJob
from chalicelib.client.requests import DecisionInput, FilingInput, Invalid
from chalicelib.client.service import LinkRefused
from chalicelib.client.work import handle
from chalicelib.leads.model import LeadStatus
from tests.unit.client.conftest import BROWSER, FILED, NOW, REFUSED, signature


def _refusal(world, token: str, at=NOW) -> tuple[str, int]:
    with pytest.raises(LinkRefused) as refused:
        world.open(token, at)
    return refused.value.kind, refused.value.status


def test_a_link_opens_its_dossier_and_the_first_opening_is_recorded_once(world, sent):
    lead, token = sent
    opened = world.open(token)
    assert opened.lead.id == lead.id and opened.space.link.opened_at == NOW
    again = world.open(token, NOW + timedelta(hours=1))
    assert again.space.link.opened_at == NOW
    assert world.kinds(lead.id).count("lien_ouvert") == 1
    assert [a["kind"] for a in world.spaces.actions_of(NOW.date())] == ["lien_ouvert"]


def test_a_malformed_unknown_expired_or_replaced_link_opens_nothing(world, sent):
    lead, token = sent
    assert _refusal(world, "not-a-token") == ("invalide", 404)
    assert _refusal(world, token[:-1] + ("A" if token[-1] != "A" else "B")) == ("invalide", 404)
    assert _refusal(world, token, NOW + timedelta(days=61)) == ("expire", 410)
    world.give_link(lead, NOW)  # a new link sent: the old one stops at once
    assert _refusal(world, token) == ("revoque", 410)


def test_a_link_to_an_abandoned_or_erased_lead_opens_nothing(world, sent):
    lead, token = sent
    world.leads.leads[lead.id] = lead.model_copy(update={"status": LeadStatus.abandonne})
    assert _refusal(world, token) == ("revoque", 410)
    world.leads.leads.pop(lead.id)
    assert _refusal(world, token) == ("revoque", 410)


def test_a_document_link_is_short_lived_names_the_file_and_is_recorded(world, sent):
    lead, token = sent
    url = unquote(service.document_url(world.open(token), "devis.pdf", ports=world.ports))
    assert f"/dossiers/{lead.id}/v1/devis.pdf?" in url and "X-Amz-Expires=600" in url
    assert f'filename="{lead.id[-8:]}-v1-devis.pdf"' in url
    assert world.leads.events(lead.id)[-1]["details"] == {"fichier": "devis.pdf", "version": 1}
    for name in ("prefill.json", "devis-signe.pdf", "autre.pdf"):  # internal, not signed yet, unknown
        with pytest.raises(Invalid):
            service.document_url(world.open(token), name, ports=world.ports)


def _sign(world, token: str, **changes):
    opened = world.open(token)
    return service.sign(opened, signature(opened)._replace(**changes), BROWSER, ports=world.ports)


def test_signing_records_the_signature_queues_its_stamp_and_tells_the_consultants(world, sent):
    lead, token = sent
    sig = _sign(world, token)
    assert (sig.client.name, sig.client.role, sig.version, sig.state) == ("Camille Martin", "Gérante", 1, "en_cours")
    assert world.spaces.space(lead.id).signature(1, "devis.pdf") == sig
    assert world.jobs.sent == [ClientJob("signature", lead.id, version=1, document="devis.pdf", party="client")]
    assert "signature_client" in world.kinds(lead.id)
    ((subject, body),) = world.consultants.sent
    assert "le client a signé « Devis » (version 1)" in body and lead.email not in subject + body
    with pytest.raises(Invalid, match="déjà signé"):
        _sign(world, token)
    assert len(world.jobs.sent) == 1


def test_a_signature_of_a_changed_or_rebuilding_document_is_refused(world, sent):
    lead, token = sent
    with pytest.raises(Invalid, match="a changé"):
        _sign(world, token, sha256="0" * 64)
    world.leads.leads[lead.id] = world.leads.get(lead.id).model_copy(update={"pack_requested": 2})
    with pytest.raises(Invalid, match="nouvelle version"):
        _sign(world, token)
    assert world.jobs.sent == [] and world.spaces.space(lead.id).signatures == {}


def test_a_signature_is_kept_when_the_worker_wrote_the_space_in_between(world, sent):
    lead, token = sent
    opened = world.open(token)
    world.spaces.update(lead.id, lambda s: s.model_copy(update={"reminders_sent": ("J-7:2026-12-01",)}))
    service.sign(opened, signature(opened, "convention.pdf"), BROWSER, ports=world.ports)  # from the stale read
    space = world.spaces.space(lead.id)
    assert space.signature(1, "convention.pdf") and space.reminders_sent == ("J-7:2026-12-01",)


def test_filing_then_the_decision_are_stored_as_proposals_for_the_consultant(world, sent):
    lead, token = sent
    decision = DecisionInput("accord", date(2026, 11, 20), Decimal("1200.50"))
    with pytest.raises(Invalid, match="déposée"):
        service.declare_decision(world.open(token), decision, ports=world.ports)
    filed = FilingInput(date(2026, 11, 18), "AT-2026-0042")
    filing = service.declare_filing(world.open(token), filed, ports=world.ports)
    assert (filing.opco_file_number, filing.confirmed_at) == ("AT-2026-0042", None)
    decided = service.declare_decision(world.open(token), decision, ports=world.ports)
    assert (decided.outcome, str(decided.amount)) == ("accord", "1200.50")
    assert world.leads.get(lead.id).status == LeadStatus.envoye_client  # the consultant confirms
    assert world.kinds(lead.id)[-2:] == ["depot_declare", "decision_declaree"]
    bodies = [body for _, body in world.consultants.sent]
    assert any("déposé la demande à l'OPCO le 18/11/2026" in b for b in bodies)
    assert any("décision de l'OPCO (Accord)" in b for b in bodies)


def _decided(world, token: str):
    service.declare_filing(world.open(token), FILED, ports=world.ports)
    service.declare_decision(world.open(token), REFUSED, ports=world.ports)


def test_the_upload_form_fixes_a_key_under_the_lead_and_comes_back_to_the_page(world, sent):
    lead, token = sent
    with pytest.raises(Invalid, match="décision"):
        service.upload_form(world.open(token), "application/pdf", ports=world.ports)
    _decided(world, token)
    form = service.upload_form(world.open(token), "application/pdf", ports=world.ports)
    key = form["fields"]["key"]
    assert key.startswith(f"uploads/{lead.id}/") and world.spaces.space(lead.id).decision.upload_key == key
    assert form["fields"]["success_action_redirect"] == f"https://formation.example/client/{token}/decision/recue"


def test_a_received_upload_is_queued_for_checking_until_it_is_accepted(world, sent):
    lead, token = sent
    _decided(world, token)
    key = service.upload_form(world.open(token), "application/pdf", ports=world.ports)["fields"]["key"]
    service.upload_received(world.open(token), ports=world.ports)
    assert world.jobs.sent == [ClientJob("upload", lead.id)]
    assert world.spaces.space(lead.id).decision.upload_state == "verification"
    world.files.upload(key, b"%PDF-1.7 courrier", content_type="application/pdf")
    assert handle(world.jobs.sent[-1], now=NOW, ports=world.work)
    service.upload_received(world.open(token), ports=world.ports)  # the browser comes back once more
    assert len(world.jobs.sent) == 1 and world.spaces.space(lead.id).decision.upload_state == "accepte"


def test_reminders_are_stopped_and_restarted_each_change_recorded_once(world, sent):
    lead, token = sent
    service.set_reminders(world.open(token), on=False, ports=world.ports)
    service.set_reminders(world.open(token), on=False, ports=world.ports)
    assert world.spaces.space(lead.id).reminders_off
    service.set_reminders(world.open(token), on=True, ports=world.ports)
    assert not world.spaces.space(lead.id).reminders_off
    assert [k for k in world.kinds(lead.id) if k.startswith("rappels")] == ["rappels_arretes", "rappels_actives"]


def test_the_page_shows_the_portal_fields_from_the_pack_s_prefill(world, sent):
    lead, token = sent
    view = service.page_view(world.open(token), today=NOW.date(), ports=world.ports)
    fields = dict(next(step["fields"] for step in view["steps"] if step.get("fields")))
    assert fields["SIRET de l'établissement"] == lead.siret and fields["IDCC (convention collective)"] == "1486"
    assert view["deadline"]["known"] and view["documents"][0] == ("devis.pdf", "Devis")


def test_the_page_s_estimate_follows_the_consultant_s_edits_as_the_pack_does(world, sent):
    from chalicelib.pricing import price_lead

    lead, token = sent
    edited = lead.model_copy(update={"dossier": lead.dossier.model_copy(update={"price_ht": Decimal("900.00")})})
    world.leads.leads[lead.id] = edited
    estimate = service.page_view(world.open(token), today=NOW.date(), ports=world.ports)["estimate"]
    assert estimate == price_lead(edited, NOW.date()).estimate
    assert estimate is not None and estimate.price_ht == Decimal("900.00")  # the edited price, not the request
