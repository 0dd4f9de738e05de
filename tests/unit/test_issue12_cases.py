"""The cases of issue 12 ("figures a consultant can sign"), each with its expected answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chalicelib.consultants import presenter
from chalicelib.dossier.content import build_content
from chalicelib.dossier.organisme import organisme_profile
from chalicelib.leads.model import DossierFields
from chalicelib.opco import filing_deadline, resolve_opco
from chalicelib.opco.funding import UNKNOWN_RULE
from chalicelib.pricing import preview_estimate, price_lead
from tests.unit.dossier.conftest import TODAY, make_lead

MARKETING = "ia-marketing-commercial"  # mixte, 14 h: 10 h présentiel + 4 h classe virtuelle
ENTRY = "ia-generative-essentiels"  # 690 € a seat, 3 900 € an intra group of up to 10


def _html(name: str, lead_kwargs: dict[str, object]) -> str:
    from chalicelib.dossier.render import render_html

    content = build_content(make_lead(**lead_kwargs), version=1, today=TODAY, organisme=organisme_profile("local"))
    return render_html(name, content)


def test_hcr_1979_mixte_2_trainees_of_14_hours_is_capped_at_700_euros():
    priced = price_lead(make_lead(idcc="1979", headcount=5, trainings=(MARKETING,), trainees=2), TODAY)
    assert priced.quote.total_ht == Decimal("2580.00")  # 2 seats at 1 290 € (cheaper than 7 200 €)
    assert (priced.estimate.amount_min, priced.estimate.amount_max) == (Decimal("700.00"), Decimal("700.00"))
    assert "IDCC 1979" in priced.estimate.scope
    assert "10\u202fh présentiel + 4\u202fh classe virtuelle" in priced.estimate.rule_applied
    assert "e-learning" not in priced.estimate.rule_applied  # no e-learning part: its cap is not listed


def test_a_mixte_training_without_a_known_split_takes_the_stricter_cap_and_says_so():
    lead = make_lead(idcc="1979", headcount=5, trainees=2, dossier=DossierFields(modality="mixte"))
    estimate = price_lead(lead, TODAY).estimate
    assert estimate.amount_max == Decimal(15 * 7 * 2)  # no split known: e-learning's 15 €/h for every hour
    assert any("plafond horaire le plus strict" in w for w in estimate.warnings)
    lead = make_lead(idcc="1979", headcount=5, trainees=2, trainings=(ENTRY, MARKETING), dossier=DossierFields())
    mixed = price_lead(lead, TODAY).estimate  # présentiel 7 h + marketing's 10 h + 4 h: all at 25 €/h
    assert mixed.amount_max == Decimal(25 * 21 * 2)


def test_hcr_elearning_part_of_a_blended_training_takes_the_distance_cap():
    lead = make_lead(idcc="1979", headcount=30, trainings=("analyse-donnees-ia",), trainees=2)
    assert price_lead(lead, TODAY).estimate.amount_max == Decimal((20 * 25 + 1 * 15) * 2)


@pytest.mark.parametrize("idcc, opco", [("1413", "akto"), ("1517", "opcommerce")])
def test_a_branch_without_a_sourced_rule_gets_no_borrowed_grid(idcc, opco):
    lead = make_lead(idcc=idcc, headcount=5, trainees=2)
    assert lead.opco_code == opco
    estimate = price_lead(lead, TODAY).estimate
    assert estimate.amount_min is None and estimate.amount_max is None
    assert estimate.rule_applied == UNKNOWN_RULE and "à vérifier" in estimate.reason


def test_an_idcc_found_in_the_company_registry_selects_the_branch_rule():
    from chalicelib.opco import resolve_opco as resolve

    opco = resolve(registry_idccs=["1979"]).model_dump(mode="json")
    lead = make_lead(idcc=None, headcount=5, trainings=(MARKETING,), trainees=2, opco=opco)
    assert price_lead(lead, TODAY).estimate.amount_max == Decimal("700.00")


def test_companies_without_a_branch_agreement_get_the_no_branch_grid():
    from chalicelib.opco import FundingQuery, estimate_funding

    estimate = estimate_funding(
        FundingQuery(
            opco_code="akto",
            idcc="9999",
            headcount=5,
            trainees=2,
            hours=Decimal(7),
            hours_by_modality={"presentiel": Decimal(7)},
            price_ht=Decimal(1380),
            start_date=date(2026, 12, 15),
            today=TODAY,
        )
    )
    assert estimate.amount_max == Decimal("420.00") and "sans accord de branche" in estimate.scope


@pytest.mark.parametrize(
    "idcc, opco, successor_opco",
    [
        ("0162", "opcommerce", "akto"),
        ("2022", "afdas", "uniformation"),
        ("2594", "opco_ep", "constructys"),
        ("7515", "ocapiat", "atlas"),
    ],
)
def test_siro_clear_answer_beats_the_dares_successor(idcc, opco, successor_opco):
    match = resolve_opco(idcc=idcc)
    assert match.opco.code == opco and match.confidence == "high"
    assert [c.code for c in match.candidates] == [opco, successor_opco]  # the SIRO OPCO, then the successor's
    assert "table SIRO" in match.explanation and "remplacée" in match.explanation


def test_three_trainees_of_the_entry_training_cost_the_same_on_every_screen():
    lead = make_lead(trainees=3)
    devis = build_content(lead, version=1, today=TODAY, organisme=organisme_profile("local")).quote.total_ht
    preview = preview_estimate(
        {"headcount": "8", "trainees": "3", "training": ENTRY}, opco_code="atlas", idcc="1486", today=TODAY
    )
    assert devis == presenter.effective(lead)["price_ht"] == Decimal(preview["price_ht"]) == Decimal("2070.00")
    assert presenter.estimate(lead, TODAY).price_ht == Decimal("2070.00")  # not 3 x 1 300 or 3 900


def test_a_start_next_year_drops_this_years_cutoffs():
    this_year = price_lead(make_lead(idcc="2216", headcount=5, start_date=date(2026, 12, 20)), TODAY).estimate
    next_year = price_lead(make_lead(idcc="2216", headcount=5, start_date=date(2027, 2, 1)), TODAY).estimate
    assert any("30/11/2026" in w for w in this_year.warnings)
    assert not any("2026" in w and "/" in w for w in next_year.warnings)


def test_a_full_budget_year_has_365_days_and_one_deadline_wording():
    deadline = filing_deadline(opco_code="akto", start_date=date(2027, 2, 15), today=TODAY)
    assert deadline.days_left_in_budget_year == 365
    assert deadline.deposit_before == date(2027, 1, 16) and deadline.recommended_by == date(2027, 1, 15)
    assert deadline.wording.startswith("à déposer au plus tard le 16/01/2027 (samedi : dépôt conseillé le 15/01/2027")


@pytest.mark.parametrize(
    "opco, start, deposit, said",
    [
        ("akto", date(2027, 3, 15), date(2027, 2, 13), "30 jours calendaires"),
        ("constructys", date(2027, 3, 15), date(2027, 2, 22), "15 jours ouvrés"),
        ("afdas", date(2027, 3, 15), date(2027, 2, 15), "1 mois"),
    ],
)
def test_each_opco_gives_its_own_lead_time(opco, start, deposit, said):
    deadline = filing_deadline(opco_code=opco, start_date=start, today=TODAY)
    assert deadline.deposit_before == deposit and said in deadline.lead_time_text


def test_fifty_employees_and_more_get_no_amount_and_no_filing_order():
    estimate = price_lead(make_lead(idcc="3248", headcount=120), TODAY).estimate
    assert estimate.amount_max is None and estimate.eligible is False
    assert "L6332-17" in estimate.reason and "conventionnelles" in estimate.reason
    fiche = _html("fiche-opco.html", {"idcc": "3248", "headcount": 120})
    assert "déposez" not in fiche.lower() and "contributions conventionnelles" in fiche


def test_funding_is_never_promised_and_names_are_elided():
    estimate = price_lead(make_lead(idcc="7024", headcount=5), TODAY).estimate
    assert "peut être prise en charge" in estimate.reason
    over = price_lead(make_lead(idcc="7024", headcount=60), TODAY).estimate
    assert "auprès d'OCAPIAT" in over.reason
    assert "d'Afdas" in resolve_opco(idcc="2022").explanation


def test_uniformation_figures_are_not_called_ht():
    estimate = price_lead(make_lead(idcc="1518", headcount=5), TODAY).estimate
    assert estimate.opco_code == "uniformation" and "par entreprise" in estimate.rule_applied
    assert "HT" not in estimate.rule_applied  # the source states no HT (its hourly figures are TTC)


def test_akto_fiche_and_convention_follow_its_filing_requirements():
    fiche = _html("fiche-opco.html", {"idcc": "1979", "headcount": 5})
    convention = _html("convention.html", {"idcc": "1979", "headcount": 5})
    assert "en 3 exemplaires" in fiche and "attestation de versement" not in fiche
    assert "trois exemplaires originaux" in convention
    assert "participation au développement de la formation professionnelle continue" not in convention


def test_the_client_address_comes_from_the_registry_else_from_the_form():
    registry = {
        "status": "ok",
        "checked_at": "2026-11-26T08:00:00+00:00",
        "note": "Informations vérifiées dans l'annuaire des entreprises le 26/11/2026.",
        "record": {
            "siren": "999123458",
            "siret": "99912345800017",
            "name": "EXEMPLE",
            "naf": "62.01Z",
            "naf_label": None,
            "headcount_bracket": None,
            "headcount_label": None,
            "headcount_year": None,
            "liste_idcc": ["1486"],
            "liste_idcc_entreprise": ["1486"],
            "etat_administratif": "A",
            "fetched_at": "2026-11-26T08:00:00Z",
            "address": "3 RUE DES LILAS 69003 LYON",
        },
    }
    devis = _html("devis.html", {"registry": registry, "address": "ignored"})
    assert "3 RUE DES LILAS 69003 LYON" in devis and "à compléter" not in devis
    assert "12 avenue du Test 75011 Paris" in _html("devis.html", {"address": "12 avenue du Test 75011 Paris"})
    assert "RCS Exempleville 999 123 458" in devis
    lead = make_lead(registry=registry)
    assert price_lead(lead, TODAY).action.place == "Dans les locaux de l'entreprise cliente, 3 RUE DES LILAS 69003 LYON"
