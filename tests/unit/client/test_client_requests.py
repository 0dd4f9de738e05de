"""The client's forms parsed at the door (client/requests.py): typed values, or a French message for
each field that has a mistake. Pure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chalicelib.client.requests import (
    DecisionInput,
    FilingInput,
    Invalid,
    SignatureInput,
    SignerInput,
    UploadChoice,
    parse_decision,
    parse_filing,
    parse_notice,
    parse_signature,
    parse_signer,
    parse_upload_choice,
)

TODAY = date(2026, 11, 26)
SIGNER = {"name": ["  Camille Martin "], "role": ["Gérante"], "consent": ["oui"]}


def _refusal(parse, form, *args) -> dict[str, str]:
    with pytest.raises(Invalid) as refused:
        parse(form, *args)
    return refused.value.by_field()


def test_a_signature_form_gives_the_document_its_hash_and_the_signer_stripped():
    form = {"document": ["devis.pdf"], "sha256": ["ab" * 32], **SIGNER}
    assert parse_signature(form) == SignatureInput("devis.pdf", "ab" * 32, SignerInput("Camille Martin", "Gérante"))


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"name": ["Al"]}, {"name": "Indiquez vos prénom et nom."}),
        ({"name": ["x" * 121]}, {"name": "120 caractères au plus."}),
        (
            {"role": [""]},
            {"role": "Indiquez votre qualité (par exemple : gérante, directeur des ressources humaines)."},
        ),
        ({"consent": []}, {"consent": "Cochez la case pour consentir à la signature électronique."}),
        ({"consent": ["non"]}, {"consent": "Cochez la case pour consentir à la signature électronique."}),
    ],
    ids=["short-name", "long-name", "no-role", "no-consent", "consent-refused"],
)
def test_a_signer_s_mistake_is_said_in_french_by_its_field(changes, errors):
    assert _refusal(parse_signer, {**SIGNER, **changes}) == errors


def test_every_mistake_of_a_signature_form_is_said_at_once():
    errors = _refusal(parse_signature, {"document": ["autre.pdf"], "name": [""], "consent": ["oui"]})
    assert errors == {
        "document": "Document à signer inconnu.",
        "name": "Indiquez vos prénom et nom.",
        "role": "Indiquez votre qualité (par exemple : gérante, directeur des ressources humaines).",
    }


def test_a_filing_form_gives_its_date_and_number():
    form = {"filed_on": ["2026-11-18"], "opco_file_number": [" AT-2026-0042 "]}
    assert parse_filing(form, TODAY) == FilingInput(date(2026, 11, 18), "AT-2026-0042")


@pytest.mark.parametrize(
    ("filed_on", "message"),
    [
        ("18/11/2026", "Indiquez une date (jj/mm/aaaa)."),
        ("", "Indiquez une date (jj/mm/aaaa)."),
        ("2026-11-27", "La date ne peut pas être dans le futur."),
        ("2023-12-31", "Date trop ancienne : vérifiez l'année."),
        ("2026-11-180", "10 caractères au plus."),
    ],
)
def test_a_filing_date_that_is_no_date_in_the_future_or_too_old_is_refused_in_french(filed_on, message):
    assert _refusal(parse_filing, {"filed_on": [filed_on], "opco_file_number": ["AT-1"]}, TODAY) == {
        "filed_on": message
    }


def test_a_filing_without_a_usable_number_is_refused_in_french():
    assert _refusal(parse_filing, {"filed_on": ["2026-11-18"], "opco_file_number": ["A1"]}, TODAY) == {
        "opco_file_number": "Indiquez le numéro de dossier donné par l'OPCO."
    }
    assert _refusal(parse_filing, {"filed_on": ["2026-11-18"], "opco_file_number": ["A" * 61]}, TODAY) == {
        "opco_file_number": "60 caractères au plus."
    }


def test_a_decision_form_gives_its_outcome_date_and_amount_in_euros():
    form = {"outcome": ["accord_partiel"], "decided_on": ["2026-11-20"], "amount": ["1 200,50"]}
    assert parse_decision(form, TODAY) == DecisionInput("accord_partiel", date(2026, 11, 20), Decimal("1200.50"))
    refusal = {"outcome": ["refus"], "decided_on": ["2026-11-20"], "amount": ["ignored"]}
    assert parse_decision(refusal, TODAY) == DecisionInput("refus", date(2026, 11, 20), None)


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        (
            {"outcome": ["peut-être"], "decided_on": ["2026-11-20"]},
            {"outcome": "Choisissez la décision de l'OPCO : accord, accord partiel ou refus."},
        ),
        (
            {"outcome": ["accord"], "decided_on": ["2026-11-20"], "amount": ["beaucoup"]},
            {"amount": "Montant invalide (exemple : 1 234,50)."},
        ),
        (
            {"outcome": ["accord"], "decided_on": ["2026-11-20"], "amount": ["0"]},
            {"amount": "Indiquez le montant accordé par l'OPCO (en euros HT)."},
        ),
        (
            {"outcome": ["accord"], "decided_on": ["2999-01-01"]},
            {
                "decided_on": "La date ne peut pas être dans le futur.",
                "amount": "Indiquez le montant accordé par l'OPCO (en euros HT).",
            },
        ),
    ],
    ids=["unknown-outcome", "not-an-amount", "no-amount", "future-and-no-amount"],
)
def test_a_decision_s_mistakes_are_said_in_french_by_their_field(form, errors):
    assert _refusal(parse_decision, form, TODAY) == errors


def test_an_upload_type_is_one_the_page_offers():
    assert parse_upload_choice({"type": ["png"]}) == UploadChoice("png", "image/png")
    for form in ({"type": ["exe"]}, {}):
        assert _refusal(parse_upload_choice, form) == {"file": "Choisissez le type du fichier : PDF, JPEG ou PNG."}


def test_the_page_s_notice_is_one_it_knows_or_none():
    assert parse_notice({"ok": "depot"}) == "depot"
    assert parse_notice({"ok": "<script>"}) is None and parse_notice(None) is None
