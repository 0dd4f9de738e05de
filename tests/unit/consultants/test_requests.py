"""The consultant doors' parsers (consultants/requests.py): query parameters, a JSON body or a page
form become typed values, or a French message for the field that is wrong."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.client.requests import Invalid, SignerInput
from chalicelib.consultants.edits import InvalidEdit
from chalicelib.consultants.requests import (
    BadRequest,
    Countersignature,
    parse_countersignature,
    parse_dossier_edit,
    parse_dossier_form,
    parse_erasure,
    parse_filter,
    parse_lead_notice,
    parse_listing,
    parse_rev,
    parse_status_update,
)
from chalicelib.leads.listing import LeadFilter
from chalicelib.leads.model import LeadStatus
from chalicelib.leads.workflow import TransitionRefused

MISSING_REV = "Révision manquante : rechargez la fiche puis recommencez."
INVALID_REV = "Révision invalide : rechargez la fiche puis recommencez."


def _refusal(parse: Any, data: Any) -> dict[str, str]:
    with pytest.raises((BadRequest, InvalidEdit, TransitionRefused, Invalid)) as refused:
        parse(data)
    return refused.value.by_field()


# --- the lead list ------------------------------------------------------------------------------


def test_list_parameters_become_a_filter_and_a_cursor():
    listing = parse_listing({"status": "accord", "opco": "atlas", "from": "2026-01-01", "to": " 2026-12-31 ", "q": "x"})
    assert listing.filter == LeadFilter("accord", "atlas", date(2026, 1, 1), date(2026, 12, 31), "x")
    assert listing.cursor is None
    assert parse_listing({"cursor": "abc", "q": "  "}) == (LeadFilter(), "abc")
    assert parse_listing(None) == (LeadFilter(), None)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "perdu"}, "status", "Statut inconnu."),
        ({"opco": "at las"}, "opco", "OPCO inconnu."),
        ({"opco": "a" * 41}, "opco", "OPCO inconnu."),
        ({"from": "26/11/2026"}, "from", "Date invalide (format attendu : AAAA-MM-JJ)."),
        ({"to": "9999-12-31"}, "to", "Date hors limites : choisissez une date entre 2000 et 2999."),
        ({"from": "1999-12-31"}, "from", "Date hors limites : choisissez une date entre 2000 et 2999."),
        ({"q": "x" * 101}, "q", "Recherche trop longue (100 caractères au plus)."),
    ],
)
def test_a_wrong_list_parameter_is_refused_in_french(params, field, message):
    assert _refusal(parse_filter, params) == {field: message}


# --- the revision ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "rev"), [(0, 0), ("7", 7), (["3"], 3), (2.0, 2), (2**53, 2**53)])
def test_a_revision_comes_from_json_or_a_form(value, rev):
    assert parse_rev(value) == rev


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, MISSING_REV),
        ([], MISSING_REV),
        ("abc", MISSING_REV),
        (True, MISSING_REV),
        ("9" * 21, MISSING_REV),
        (float("inf"), MISSING_REV),
        (-1, INVALID_REV),
        (1.5, INVALID_REV),
        (2**53 + 1, INVALID_REV),
    ],
)
def test_a_missing_or_odd_revision_is_refused_in_french(value, message):
    assert _refusal(parse_rev, value) == {"rev": message}


# --- dossier edits --------------------------------------------------------------------------------


def test_a_json_edit_names_only_the_fields_it_changes():
    edit = parse_dossier_edit({"trainees": 5, "price_ht": "2 900,00", "notes": "", "rev": 3})
    assert edit.expected_rev == 3
    assert edit.fields.model_fields_set == {"trainees", "price_ht", "notes"}
    assert (edit.fields.trainees, edit.fields.price_ht, edit.fields.notes) == (5, Decimal("2900.00"), None)


def test_a_page_form_gives_lists_and_an_unticked_checkbox_is_named_blank():
    form = {"trainings": ["ia-generative-essentiels"], "trainees": ["4"], "rev": ["2"], "subrogation": ["oui"]}
    edit = parse_dossier_form(form)
    assert (edit.fields.trainings, edit.fields.trainees, edit.fields.subrogation) == (
        ("ia-generative-essentiels",),
        4,
        True,
    )
    unticked = parse_dossier_form({"trainees": ["4"], "rev": ["2"]})
    assert "subrogation" in unticked.fields.model_fields_set and unticked.fields.subrogation is None
    assert parse_dossier_edit({"trainees": 4, "rev": 2}).fields.model_fields_set == {"trainees"}  # JSON: unnamed


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"trainings": ["inconnue"]}, "trainings", "Formation inconnue du catalogue."),
        ({"trainees": "cinq"}, "trainees", "Indiquez un nombre entier de stagiaires."),
        ({"trainees": "0"}, "trainees", "Entre 1 et 200 stagiaires."),
        ({"start_date": "10/03/2027"}, "start_date", "Date invalide (format attendu : AAAA-MM-JJ)."),
        ({"price_ht": "beaucoup"}, "price_ht", "Montant invalide (exemple : 1 234,50)."),
        ({"modality": "en_vol"}, "modality", "Choisissez une modalité de la liste."),
        ({"place": "x" * 201}, "place", "200 caractères au plus."),
        ({"subrogation": "peut-être"}, "subrogation", "Répondez oui ou non."),
        ({"notes": "x" * 2001}, "notes", "2000 caractères au plus."),
        ({"siret": "1"}, "siret", "Champ non modifiable."),
    ],
)
def test_a_wrong_edit_field_is_refused_in_french_before_the_revision(data, field, message):
    assert _refusal(parse_dossier_edit, data) == {field: message}  # no `rev`: the field speaks first


def test_an_edit_without_a_revision_is_refused():
    assert _refusal(parse_dossier_edit, {"trainees": 4}) == {"rev": MISSING_REV}
    assert _refusal(parse_dossier_form, {"trainees": ["4"], "rev": ["-1"]}) == {"rev": INVALID_REV}


# --- status changes -------------------------------------------------------------------------------


def test_a_status_change_comes_from_json_or_a_form():
    from_json = parse_status_update({"status": "accord", "amount_granted": "1 234,50 €", "on": "2026-11-20", "rev": 4})
    from_form = parse_status_update(
        {"status": ["accord"], "amount_granted": ["1\u202f234,50"], "on": ["2026-11-20"], "rev": ["4"]}
    )
    assert from_json == from_form
    assert from_json.expected_rev == 4
    assert (from_json.change.status, from_json.change.amount_granted, from_json.change.on) == (
        LeadStatus.accord,
        Decimal("1234.50"),
        date(2026, 11, 20),
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "gagne"}, "status", "Choisissez un statut de la liste."),
        ({"status": "accord", "on": "20/11/2026"}, "on", "Date invalide (format attendu : AAAA-MM-JJ)."),
        (
            {"status": "accord", "amount_granted": "beaucoup"},
            "amount_granted",
            "Montant invalide (exemple : 1 234,50).",
        ),
        ({"status": "abandonne", "reason": "x" * 301}, "reason", "300 caractères au plus."),
        ({"status": "demande_deposee", "opco_file_number": "x" * 61}, "opco_file_number", "60 caractères au plus."),
        ({"status": "abandonne"}, "rev", MISSING_REV),
    ],
)
def test_a_wrong_status_change_is_refused_in_french(data, field, message):
    assert _refusal(parse_status_update, data) == {field: message}


# --- erasure and the client space ---------------------------------------------------------------------


def test_an_erasure_is_typed_out():
    parse_erasure({"confirmation": [" EFFACER "]})
    expected = {"confirmation": "Tapez EFFACER pour confirmer l'effacement définitif."}
    assert _refusal(parse_erasure, {"confirmation": ["effacer"]}) == expected
    assert _refusal(parse_erasure, {}) == expected


def test_a_countersignature_names_its_document_and_signatory():
    form = {"document": ["devis.pdf"], "name": [" Claire Dubois "], "role": ["Directrice"], "consent": ["oui"]}
    assert parse_countersignature(form) == Countersignature("devis.pdf", SignerInput("Claire Dubois", "Directrice"))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ["CD"]}, "name", "Indiquez vos prénom et nom."),
        ({"role": [""]}, "role", "Indiquez votre qualité (par exemple : gérante, directeur des ressources humaines)."),
        ({"consent": []}, "consent", "Cochez la case pour consentir à la signature électronique."),
    ],
)
def test_a_countersignature_without_its_signatory_or_consent_is_refused_in_french(change, field, message):
    form = {"document": ["devis.pdf"], "name": ["Claire Dubois"], "role": ["Directrice"], "consent": ["oui"], **change}
    assert _refusal(parse_countersignature, form) == {field: message}


@pytest.mark.parametrize("ok", ["dossier", "statut", "lien", "revoque", "contresigne"])
def test_the_lead_page_shows_the_notice_of_what_the_consultant_just_did(ok: str) -> None:
    assert parse_lead_notice({"ok": ok}) == ok


@pytest.mark.parametrize("params", [None, {}, {"ok": ""}, {"ok": "piratage"}, {"ok": "STATUT"}, {"ok": "<b>lien</b>"}])
def test_the_lead_page_ignores_an_absent_or_unknown_notice(params: dict[str, str] | None) -> None:
    assert parse_lead_notice(params) is None
