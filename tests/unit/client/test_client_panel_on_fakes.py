"""The consultant's side of the client space on in-memory adapters: countersigning, confirming the
client's filing and decision, downloading signed copies and letters, the lead page's panel."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from chalicelib.client import service
from chalicelib.client.jobs import ClientJob
from chalicelib.client.requests import Invalid, SignerInput
from chalicelib.client.work import handle
from chalicelib.consultants import client_panel
from chalicelib.consultants.requests import Countersignature
from chalicelib.leads.model import LeadStatus
from tests.fakes_client import consultant_ports
from tests.unit.client.conftest import BROWSER, CONSULTANT, FILED, GRANTED, NOW, REFUSED, signature

COUNTERSIGNER = Countersignature(document="devis.pdf", signer=SignerInput("Claire Dubois", "Directrice"))


@pytest.fixture
def ports(world):
    return consultant_ports(
        world.leads, jobs=world.jobs, packs=world.packs, client_files=world.files, spaces=world.spaces
    )


def _client_signed(world, token: str) -> None:
    opened = world.open(token)
    service.sign(opened, signature(opened), BROWSER, ports=world.ports)
    assert handle(world.jobs.sent[-1], now=NOW, ports=world.work)


def _countersign(lead_id: str, ports) -> None:
    client_panel.countersign(lead_id, COUNTERSIGNER, CONSULTANT, BROWSER, ports=ports)


def test_the_organisme_countersigns_a_client_signed_copy_once(world, sent, ports):
    lead, token = sent
    with pytest.raises(Invalid, match="pas encore signé"):
        _countersign(lead.id, ports)
    _client_signed(world, token)
    _countersign(lead.id, ports)
    assert world.jobs.sent[-1] == ClientJob("signature", lead.id, 1, "devis.pdf", "organisme")
    assert world.spaces.space(lead.id).signature(1, "devis.pdf").organisme.name == "Claire Dubois"
    assert world.kinds(lead.id)[-1] == "contresignature"
    with pytest.raises(Invalid, match="déjà contresigné"):
        _countersign(lead.id, ports)


def test_the_client_s_filing_becomes_the_lead_s_status_once_confirmed(world, sent, ports):
    lead, token = sent
    service.declare_filing(world.open(token), FILED._replace(opco_file_number="AT-2026-0042"), ports=world.ports)
    confirmed = client_panel.confirm(lead.id, "depot", lead.rev, CONSULTANT, ports=ports)
    assert (confirmed.status, confirmed.tracking.opco_file_number) == (LeadStatus.demande_deposee, "AT-2026-0042")
    assert world.spaces.space(lead.id).filing.confirmed_at is not None
    with pytest.raises(Invalid, match="Rien à confirmer"):
        client_panel.confirm(lead.id, "depot", confirmed.rev, CONSULTANT, ports=ports)


def test_the_client_s_decision_becomes_the_lead_s_status_with_its_amount(world, sent, ports):
    lead, token = sent
    service.declare_filing(world.open(token), FILED, ports=world.ports)
    filed = client_panel.confirm(lead.id, "depot", lead.rev, CONSULTANT, ports=ports)
    service.declare_decision(world.open(token), GRANTED, ports=world.ports)
    granted = client_panel.confirm(lead.id, "decision", filed.rev, CONSULTANT, ports=ports)
    assert (granted.status, str(granted.tracking.amount_granted)) == (LeadStatus.accord, "1200.00")


def test_signed_copies_and_the_accepted_letter_are_downloaded_through_recorded_short_links(world, sent, ports):
    lead, token = sent
    assert client_panel.signed_url(lead.id, "devis.pdf", "client", CONSULTANT, ports=ports) is None
    assert client_panel.decision_url(lead.id, CONSULTANT, ports=ports) is None
    _client_signed(world, token)
    url = unquote(client_panel.signed_url(lead.id, "devis.pdf", "client", CONSULTANT, ports=ports))
    assert f"/signed/{lead.id}/v1/devis-client.pdf?" in url and "X-Amz-Expires=600" in url
    assert f'filename="{lead.id[-8:]}-v1-devis-signe-client.pdf"' in url
    assert world.leads.events(lead.id)[-1]["actor"] == CONSULTANT.label
    service.declare_filing(world.open(token), FILED, ports=world.ports)
    service.declare_decision(world.open(token), REFUSED, ports=world.ports)
    key = service.upload_form(world.open(token), "image/png", ports=world.ports)["fields"]["key"]
    world.files.upload(key, b"\x89PNG\r\n\x1a\n the letter", content_type="image/png")
    service.upload_received(world.open(token), ports=world.ports)
    handle(world.jobs.sent[-1], now=NOW, ports=world.work)
    letter = unquote(client_panel.decision_url(lead.id, CONSULTANT, ports=ports))
    assert f"/{key}?" in letter and f'filename="{lead.id[-8:]}-decision-opco.png"' in letter


def test_the_panel_shows_the_link_and_the_signatures_of_the_current_version(world, sent, ports):
    lead, token = sent
    _client_signed(world, token)
    shown = client_panel.panel(world.leads.get(lead.id), ports=ports)
    assert shown["link_active"] and shown["can_send"] and shown["version"] == 1
    assert shown["signatory"].name == "Dominique Exemple"  # the local stage's sample organisme (the ports')
    states = {s["document"]: s["sig"].state if s["sig"] else "a_signer" for s in shown["signatures"]}
    assert states == {"devis.pdf": "signe", "convention.pdf": "a_signer"}
