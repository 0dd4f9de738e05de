"""Pure consultant rules: status workflow, dossier edits, CSV safety, search normalisation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chalicelib.consultants.edits import InvalidEdit, apply_edit, parse_fields
from chalicelib.consultants.presenter import safe_cell
from chalicelib.leads.listing import search_term, search_text
from chalicelib.leads.model import DossierFields, Tracking
from chalicelib.leads.model import LeadStatus as S
from chalicelib.leads.workflow import StatusChange, TransitionRefused, allowed_next, apply_change, parse_change

TODAY = date(2027, 1, 10)


def test_the_happy_path_moves_from_ready_to_training_done():
    tracking, status = Tracking(), S.dossier_pret
    for change in (
        StatusChange(status=S.envoye_client),
        StatusChange(status=S.demande_deposee, opco_file_number="X1"),
        StatusChange(status=S.accord, amount_granted=Decimal("1500")),
        StatusChange(status=S.formation_realisee),
    ):
        tracking = apply_change(status, tracking, change, today=TODAY)
        status = change.status
    assert tracking.amount_granted == Decimal("1500") and tracking.opco_file_number == "X1"
    assert tracking.completed_on == TODAY


@pytest.mark.parametrize(
    "current,target,reason",
    [
        (S.dossier_pret, S.accord, "suppose une demande déposée"),
        (S.recu, S.envoye_client, "pas encore généré"),
        (S.envoye_client, S.formation_realisee, "qu'après un accord"),
        (S.spam, S.envoye_client, "reste à part"),
        (S.abandonne, S.envoye_client, "clos"),
        (S.envoye_client, S.dossier_pret, "automatiquement"),
        (S.accord, S.accord, "déjà au statut"),
    ],
)
def test_illegal_transitions_are_refused_with_a_french_reason(current, target, reason):
    with pytest.raises(TransitionRefused) as exc:
        apply_change(current, Tracking(), StatusChange(status=target, amount_granted=Decimal(1)), today=TODAY)
    assert reason in exc.value.message


def test_an_accord_needs_an_amount_and_dates_cannot_be_in_the_future():
    with pytest.raises(TransitionRefused, match="montant"):
        apply_change(S.demande_deposee, Tracking(), StatusChange(status=S.accord), today=TODAY)
    with pytest.raises(TransitionRefused, match="futur"):
        apply_change(S.dossier_pret, Tracking(), StatusChange(status=S.envoye_client, on=date(2027, 2, 1)), today=TODAY)


def test_abandon_is_possible_from_any_open_status_but_not_from_spam():
    open_statuses = [s for s in S if s not in (S.spam, S.abandonne, S.formation_realisee)]
    assert all(S.abandonne in allowed_next(s) for s in open_statuses)
    assert allowed_next(S.spam) == []


def test_french_amounts_parse():
    assert parse_change({"status": ["accord"], "amount_granted": ["1\u202f234,50 €"]}).amount_granted == Decimal(
        "1234.50"
    )
    with pytest.raises(TransitionRefused):
        parse_change({"status": "accord", "amount_granted": "beaucoup"})


def test_dossier_edits_validate_in_french_and_blank_means_default():
    edit = DossierFields(**parse_fields({"trainees": "6", "price_ht": "2 900,00", "notes": ""}))
    edited = apply_edit(DossierFields(trainees=4, place="Lyon", notes="x"), edit)
    assert edited.trainees == 6 and edited.price_ht == Decimal("2900.00") and edited.notes is None
    assert edited.place == "Lyon"  # a field the edit does not name stays
    with pytest.raises(InvalidEdit) as exc:
        parse_fields(
            {
                "trainees": "0",
                "start_date": "2027-03-10",
                "end_date": "2027-03-01",
                "trainings": ["inconnue"],
                "siret": "1",
            },
        )
    assert set(exc.value.errors) == {"trainees", "trainings", "siret"}


@pytest.mark.parametrize("value", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_start_a_formula_are_quoted(value):
    assert safe_cell(value) == "'" + value


def test_search_ignores_accents_case_and_siret_spacing():
    text = search_text("Atelier Numérique DUPONT", "732 829 320 00074")
    assert search_term("numerique dupont") in text
    assert search_term("732 829 320") in text
