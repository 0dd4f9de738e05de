"""Pure parts of the client space: tokens, reminders' schedule, jobs, file types, page figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.client import tokens
from chalicelib.client.jobs import ClientJob
from chalicelib.client.reminders import due_reminder
from chalicelib.client.view import deadline_view, portal_fields
from chalicelib.client.work import sniff
from chalicelib.leads.client_space import ClientSpace, Filing, Link, mask_email

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def test_a_token_is_opaque_derived_from_its_nonce_and_stored_only_as_a_hash():
    nonce = tokens.new_nonce()
    token = tokens.token_for("secret", nonce)
    assert tokens.well_formed(token) and len(token) == 43
    assert token == tokens.token_for("secret", nonce)  # the reminders can write the same link again
    assert token != tokens.token_for("other secret", nonce) and token != tokens.token_for("secret", tokens.new_nonce())
    assert tokens.token_hash(token) != token and len(tokens.token_hash(token)) == 64
    assert not tokens.well_formed(token[:-1]) and not tokens.well_formed(token[:-1] + "=")
    assert tokens.expiry(NOW) - NOW == timedelta(days=60)


def _space(**updates) -> ClientSpace:
    link = Link(
        nonce="n",
        token_hash="h",
        issued_at=NOW - timedelta(days=10),
        expires_at=NOW + timedelta(days=50),
        sent_to_hint="c***@x.fr",
        sent_by="claire",
    )
    return ClientSpace(lead_id="l", link=link).model_copy(update=updates)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(8, None), (7, "J-7"), (5, "J-7"), (2, "J-2"), (0, "J-2"), (-1, None)],
)
def test_reminders_fall_at_seven_and_two_days_before_the_deadline(days_left, expected):
    deadline = NOW.date() + timedelta(days=days_left)
    mark = due_reminder(_space(), deadline, NOW.date(), NOW)
    assert mark == (f"{expected}:{deadline.isoformat()}" if expected else None)


def test_a_reminder_goes_once_and_never_after_filing_unsubscribing_or_revocation():
    deadline = NOW.date() + timedelta(days=6)
    assert due_reminder(_space(reminders_sent=(f"J-7:{deadline}",)), deadline, NOW.date(), NOW) is None
    assert due_reminder(_space(reminders_sent=("J-7:2020-01-01",)), deadline, NOW.date(), NOW) is not None
    assert due_reminder(_space(reminders_off=True), deadline, NOW.date(), NOW) is None
    filing = Filing(filed_on=NOW.date(), opco_file_number="A-1", declared_at=NOW)
    assert due_reminder(_space(filing=filing), deadline, NOW.date(), NOW) is None
    revoked = _space().link.model_copy(update={"revoked_at": NOW})
    assert due_reminder(_space(link=revoked), deadline, NOW.date(), NOW) is None
    assert due_reminder(_space(), None, NOW.date(), NOW) is None


def test_client_jobs_are_told_apart_from_pack_jobs_and_malformed_ones_refused():
    job = ClientJob("signature", "01abc", version=2, document="devis.pdf", party="client")
    assert ClientJob.from_body(job.to_body()) == job
    assert ClientJob.from_body('{"lead_id": "01abc", "pack_version": 1}') is None
    assert ClientJob.from_body("not json") is None
    for bad in (
        '{"client_job": "signature", "lead_id": "01abc", "version": 1, "document": "../x.pdf", "party": "client"}',
        '{"client_job": "signature", "lead_id": "01abc", "version": true, "document": "devis.pdf", "party": "client"}',
        '{"client_job": "erase", "lead_id": "01abc"}',
        '{"client_job": "upload", "lead_id": ""}',
    ):
        with pytest.raises(ValueError):
            ClientJob.from_body(bad)


def test_the_real_file_type_comes_from_its_first_bytes():
    assert sniff(b"%PDF-1.7\n...") == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "image/jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\n\x00\x00") == "image/png"
    assert sniff(b"MZ\x90\x00") is None and sniff(b"<html>%PDF-") is None and sniff(b"") is None


class _Deadline:
    def __init__(self, deposit_before: date | None, late: bool = False):
        self.deposit_before, self.late = deposit_before, late
        self.explanation, self.source = "Délai de l'OPCO.", "opco.fr (2026)"


def test_the_deadline_shows_days_left_and_a_recommended_date_ten_days_ahead():
    today = date(2026, 12, 1)
    view = deadline_view(_Deadline(date(2026, 12, 31)), today)
    assert view["days_left"] == 30 and view["recommended"] == date(2026, 12, 21)
    close = deadline_view(_Deadline(date(2026, 12, 5)), today)
    assert close["recommended"] == today  # no date in the past
    assert deadline_view(_Deadline(None), today)["known"] is False


def test_portal_fields_copy_the_packs_values_in_french_formats():
    prefill = {
        "entreprise": {"siret": "73282932000074", "idcc": "1486", "effectif": 8},
        "action": {"intitule": "IA", "date_debut": "2027-02-15", "date_fin": None, "duree_heures_par_stagiaire": "14"},
        "cout": {"pedagogique_ht": "3000.00"},
        "organisme": {"raison_sociale": "Exemple", "siret": "1", "nda": "2", "qualiopi": "Q"},
    }
    fields = dict(portal_fields(prefill))
    assert fields["SIRET de l'établissement"] == "73282932000074" and fields["Date de début"] == "15/02/2027"
    assert fields["Coût pédagogique HT"] == "3\u202f000,00\u202f€" and "Date de fin" not in fields


def test_the_consultant_sees_a_masked_address():
    assert mask_email("camille.martin@atelier-dupont.fr") == "c***@atelier-dupont.fr"
