"""The worker's client jobs on in-memory adapters: signed copies written once and locked, uploaded
decisions checked by their real type and size. Real PDFs (fpdf2, pypdf), no moto."""

from __future__ import annotations

import pytest

from chalicelib.client import service, signing
from chalicelib.client.jobs import ClientJob
from chalicelib.client.requests import SignerInput
from chalicelib.client.work import handle
from chalicelib.dossier.client_files import MAX_UPLOAD_BYTES, signed_key
from chalicelib.dossier.storage import pack_prefix
from tests.unit.client.conftest import BROWSER, FILED, NOW, REFUSED, signature


@pytest.fixture
def signed(world, sent):
    """The client signed the devis: (lead, the stamping job)."""
    lead, token = sent
    opened = world.open(token)
    service.sign(opened, signature(opened), BROWSER, ports=world.ports)
    return lead, world.jobs.sent[-1]


def test_the_client_s_signature_is_stamped_once_into_a_locked_copy(world, signed):
    lead, job = signed
    assert handle(job, now=NOW, ports=world.work)
    key = signed_key(lead.id, 1, "devis.pdf", "client")
    sig = world.spaces.space(lead.id).signature(1, "devis.pdf")
    assert (sig.client_signed_key, sig.state) == (key, "signe") and key in world.files.locked
    body = world.files.read(key)
    assert sig.client_signed_sha256 == signing.sha256(body) and body.startswith(b"%PDF")
    assert len(body) > len(world.packs.read(pack_prefix(lead.id, 1) + "devis.pdf"))  # stamp and certificate added
    signed_event = world.leads.events(lead.id)[-1]
    assert signed_event["kind"] == "document_signe" and signed_event["details"]["partie"] == "client"
    assert not handle(job, now=NOW, ports=world.work)  # a redelivery does nothing


def test_a_pack_pdf_that_no_longer_matches_the_signed_hash_is_never_signed(world, signed):
    lead, job = signed
    world.packs.objects[pack_prefix(lead.id, 1) + "devis.pdf"].append(("v2", b"%PDF-another document"))
    with pytest.raises(ValueError, match="does not match"):
        handle(job, now=NOW, ports=world.work)
    assert world.files.objects == {} and world.spaces.space(lead.id).signature(1, "devis.pdf").state == "en_cours"


def test_a_copy_left_by_a_delivery_that_died_before_recording_it_is_the_one_kept(world, signed):
    lead, job = signed
    key = signed_key(lead.id, 1, "devis.pdf", "client")
    world.files.put_signed(key, b"%PDF-written by the first delivery", now=NOW)
    assert handle(job, now=NOW, ports=world.work)
    sig = world.spaces.space(lead.id).signature(1, "devis.pdf")
    assert sig.client_signed_sha256 == signing.sha256(b"%PDF-written by the first delivery")


def test_the_organisme_s_countersignature_is_stamped_on_the_client_signed_copy(world, signed):
    lead, job = signed
    handle(job, now=NOW, ports=world.work)
    client_copy = world.files.read(signed_key(lead.id, 1, "devis.pdf", "client"))
    organisme = service.new_signer(
        "organisme", SignerInput("Claire Dubois", "Directrice"), BROWSER, pdf_sha256=signing.sha256(client_copy)
    )

    def countersigned(space):
        sig = space.signature(1, "devis.pdf")
        return space.with_signature(sig.model_copy(update={"organisme": organisme}))

    world.spaces.update(lead.id, countersigned)
    assert handle(ClientJob("signature", lead.id, 1, "devis.pdf", "organisme"), now=NOW, ports=world.work)
    sig = world.spaces.space(lead.id).signature(1, "devis.pdf")
    final = signed_key(lead.id, 1, "devis.pdf", "organisme")
    assert (sig.final_key, sig.state) == (final, "contresigne") and final in world.files.locked
    assert len(world.files.read(final)) > len(client_copy)


def _uploaded(world, sent, body: bytes | None, declared: str = "application/pdf") -> tuple[str, ClientJob]:
    _, token = sent
    service.declare_filing(world.open(token), FILED, ports=world.ports)
    service.declare_decision(world.open(token), REFUSED, ports=world.ports)
    form = service.upload_form(world.open(token), declared, ports=world.ports)["fields"]
    if body is not None:  # the browser posts the form: S3 keeps the Content-Type its policy fixed
        world.files.upload(form["key"], body, content_type=form["Content-Type"])
    key = form["key"]
    service.upload_received(world.open(token), ports=world.ports)
    return key, world.jobs.sent[-1]


def test_an_uploaded_letter_is_accepted_by_its_real_type_and_the_consultants_told(world, sent):
    key, job = _uploaded(world, sent, b"\x89PNG\r\n\x1a\n a scan of the letter", declared="image/png")
    told = len(world.consultants.sent)
    assert handle(job, now=NOW, ports=world.work)
    decision = world.spaces.space(sent[0].id).decision
    assert (decision.upload_state, decision.upload_type, decision.upload_note) == ("accepte", "image/png", None)
    assert key in world.files.objects and len(world.consultants.sent) == told + 1
    assert "courrier de décision" in world.consultants.sent[-1][1]


@pytest.mark.parametrize(
    ("body", "note"),
    [
        (b"MZ\x90\x00 an executable named letter.pdf", "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG."),
        (b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "Fichier trop volumineux (10 Mo au plus)."),
        (None, "Aucun fichier reçu : recommencez l'envoi."),
        (
            b"\x89PNG\r\n\x1a\n a scan sent as the PDF the client chose",
            "Ce fichier est une image PNG alors que vous aviez choisi un PDF : recommencez avec le bon type.",
        ),
    ],
    ids=["not-a-document", "too-big", "never-sent", "not-the-declared-type"],
)
def test_an_upload_that_is_not_a_letter_is_refused_with_a_french_note_and_deleted(world, sent, body, note):
    key, job = _uploaded(world, sent, body)
    told = len(world.consultants.sent)
    assert handle(job, now=NOW, ports=world.work)
    decision = world.spaces.space(sent[0].id).decision
    assert (decision.upload_state, decision.upload_note) == ("refuse", note)
    assert key not in world.files.objects and len(world.consultants.sent) == told
