"""ContactForm: French per-field messages, normalisation, no I/O."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.intake.errors import InvalidSubmission
from chalicelib.intake.form import ContactForm

TODAY = date(2026, 11, 26)


def parse(data: dict) -> ContactForm:
    return ContactForm.parse(data, today=TODAY)


def errors_of(data: dict) -> dict[str, str]:
    with pytest.raises(InvalidSubmission) as exc:
        parse(data)
    return exc.value.by_field()


@pytest.mark.parametrize("raw", ["16", "0016", " 16 "])
def test_idcc_spellings_mean_the_same_convention(valid_submission, raw):
    assert parse({**valid_submission, "idcc": raw, "start_date": None}).idcc == "0016"


def test_siret_with_spaces_is_stored_as_digits(valid_submission):
    form = parse({**valid_submission, "siret": "732 829 320 00074", "start_date": None})
    assert form.siret == "73282932000074"


def test_la_poste_siret_follows_its_own_checksum(valid_submission):
    # La Poste establishments: digit sum multiple of 5 instead of Luhn (python-stdnum).
    assert parse({**valid_submission, "siret": "35600000049837", "start_date": None}).siret == "35600000049837"


def test_wrong_siret_checksum_is_explained(valid_submission):
    assert "clé de contrôle" in errors_of({**valid_submission, "siret": "73282932000079"})["siret"]


def test_phone_is_stored_in_international_format(valid_submission):
    assert parse({**valid_submission, "start_date": None}).phone == "+33612345678"


def test_checkbox_on_counts_as_consent(valid_submission):
    form = ContactForm.parse({**valid_submission, "consent": ["on"], "start_date": None}, today=TODAY, from_form=True)
    assert form.consent is True


def test_a_json_list_where_one_value_is_expected_is_an_error_naming_the_field(valid_submission):
    with pytest.raises(InvalidSubmission) as exc:
        ContactForm.parse({**valid_submission, "siret": [valid_submission["siret"]], "start_date": None}, today=TODAY)
    assert [e.field for e in exc.value.errors] == ["siret"]
    assert "pas une liste" in exc.value.errors[0].message


def test_a_urlencoded_form_keeps_repeated_trainings_and_refuses_a_repeated_siret(valid_submission):
    as_form = {k: v if isinstance(v, list) else [str(v)] for k, v in valid_submission.items() if k != "start_date"}
    as_form["training"] = ["ia-generative-essentiels", "analyse-donnees-ia"]
    as_form["consent"] = ["on"]
    form = ContactForm.parse(as_form, today=TODAY, from_form=True)
    assert form.training == ("ia-generative-essentiels", "analyse-donnees-ia")
    with pytest.raises(InvalidSubmission) as exc:
        ContactForm.parse({**as_form, "siret": [form.siret, form.siret]}, today=TODAY, from_form=True)
    assert [e.field for e in exc.value.errors] == ["siret"]


def test_start_date_in_the_past_is_refused(valid_submission):
    assert "passé" in errors_of({**valid_submission, "start_date": "2026-11-25"})["start_date"]


def test_more_trainees_than_employees_is_refused(valid_submission):
    assert "effectif" in errors_of({**valid_submission, "trainees": 9, "start_date": None})["trainees"]


def test_unknown_training_is_refused(valid_submission):
    assert "catalogue" in errors_of({**valid_submission, "training": ["cours-inconnu"], "start_date": None})["training"]


def test_every_missing_required_field_is_named():
    errs = errors_of({})
    assert set(errs) == {
        "company_name",
        "siret",
        "headcount",
        "first_name",
        "last_name",
        "email",
        "training",
        "trainees",
        "consent",
    }
    assert all(m == "Ce champ est obligatoire." for m in errs.values())


def test_naf_is_checked_against_the_nomenclature(valid_submission):
    assert parse({**valid_submission, "naf": "6201z", "start_date": None}).naf == "62.01Z"
    assert "nomenclature" in errors_of({**valid_submission, "naf": "99.99Z", "start_date": None})["naf"]


def test_control_characters_are_refused(valid_submission):
    assert (
        "contrôle"
        in errors_of({**valid_submission, "company_name": "Dupont\x00SA", "start_date": None})["company_name"]
    )


@pytest.mark.parametrize("raw,stored", [("IDCC 1486", "1486"), ("01486", "1486"), (" 1486", "1486"), ("9999", "9999")])
def test_idcc_written_as_on_a_payslip_is_normalised(valid_submission, raw, stored):
    assert parse({**valid_submission, "idcc": raw, "start_date": None}).idcc == stored


@pytest.mark.parametrize(
    "raw,e164",
    [
        ("0692 12 34 56", "+262692123456"),  # Réunion
        ("+262 692 12 34 56", "+262692123456"),
        ("0639 01 23 45", "+262639012345"),  # Mayotte
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe
        ("+590 690 12 34 56", "+590690123456"),
        ("0694 20 12 34", "+594694201234"),  # Guyane
        ("0696 12 34 56", "+596696123456"),  # Martinique
        ("+596 696 12 34 56", "+596696123456"),
        ("+269 321 23 45", "+2693212345"),  # +269 (Comoros, formerly Mayotte) as given
        ("0033 6 12 34 56 78", "+33612345678"),
    ],
)
def test_overseas_and_international_phone_numbers_are_accepted(valid_submission, raw, e164):
    assert parse({**valid_submission, "phone": raw, "start_date": None}).phone == e164


def test_booleans_are_not_numbers(valid_submission):
    assert (
        errors_of({**valid_submission, "headcount": True, "start_date": None})["headcount"]
        == "Un nombre entier est attendu."
    )
