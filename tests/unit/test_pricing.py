"""The one pricing module (chalicelib.pricing): quote, estimate and preview. Pure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chalicelib.catalogue import catalogue
from chalicelib.leads.model import DossierFields
from chalicelib.opco import FundingQuery, estimate_funding
from chalicelib.pricing import (
    PreviewError,
    action_for_lead,
    build_quote,
    preview_estimate,
    price_lead,
    training_line,
)
from tests.unit.dossier.conftest import TODAY, make_lead

ESSENTIALS = "ia-generative-essentiels"  # 690 € per trainee, 3 900 € per intra group of up to 10


def _quote(action):
    return build_quote(action.trainings, action.trainees, action.agreed_price_ht)


@pytest.mark.parametrize(
    "trainees, pricing, amount",
    [
        (1, "inter", "690.00"),
        (5, "inter", "3450.00"),
        (6, "intra", "3900.00"),
        (10, "intra", "3900.00"),
        (11, "inter", "7590.00"),
        (25, "intra", "11700.00"),
    ],
)
def test_the_client_gets_the_cheaper_of_seats_and_intra_sessions(trainees, pricing, amount):
    line = training_line(catalogue().get(ESSENTIALS), trainees)
    assert (line.pricing, line.amount_ht) == (pricing, Decimal(amount))
    assert line.amount_ht == line.unit_price_ht * line.quantity


def test_an_agreed_price_replaces_the_catalogue_lines():
    lead = make_lead(dossier=DossierFields(trainings=(ESSENTIALS, "analyse-donnees-ia"), price_ht=Decimal("6000")))
    quote = _quote(action_for_lead(lead))
    assert [line.pricing for line in quote.lines] == ["agreed"] and quote.total_ht == Decimal("6000.00")
    assert quote.lines[0].hours == Decimal(28)


def test_vat_is_20_percent_unless_the_organisme_is_exempt():
    action = action_for_lead(make_lead())
    exempt = _quote(action)
    taxed = build_quote(action.trainings, action.trainees, vat_exempt=False, vat_rate=Decimal("0.20"))
    assert (exempt.vat_amount, exempt.total_ttc) == (Decimal("0.00"), Decimal("2070.00"))
    assert (taxed.vat_amount, taxed.total_ttc) == (Decimal("414.00"), Decimal("2484.00"))


def test_consultant_fields_override_the_lead():
    lead = make_lead(
        dossier=DossierFields(
            trainees=5, start_date=date(2027, 3, 1), end_date=date(2027, 3, 9), modality="classe_virtuelle"
        )
    )
    action = action_for_lead(lead)
    assert (action.trainees, action.start_date, action.end_date) == (5, date(2027, 3, 1), date(2027, 3, 9))
    assert action.modality == "classe_virtuelle" and action.place.startswith("À distance")


def test_the_planned_end_skips_weekends_and_holidays():
    # 2 training days starting Friday 30/04/2027: Saturday, Sunday and 1 May skipped -> Monday 03/05.
    lead = make_lead(trainings=("ia-marketing-commercial",), start_date=date(2027, 4, 30))
    assert action_for_lead(lead).end_date == date(2027, 5, 3)


def test_estimate_for_lead_is_the_opco_estimate_of_the_quoted_price():
    lead = make_lead(trainees=3)
    expected = estimate_funding(
        FundingQuery(
            opco_code="atlas",
            idcc="1486",
            headcount=8,
            trainees=3,
            hours=Decimal(7),
            hours_by_modality={"presentiel": Decimal(7)},
            price_ht=Decimal("2070.00"),
            start_date=lead.start_date,
            today=TODAY,
        )
    )
    assert price_lead(lead, TODAY).estimate == expected
    assert expected.amount_max == Decimal("2070.00")  # under Atlas's 2 500 € ceiling for < 11


def test_elearning_takes_the_distance_learning_cap():
    # AKTO HCR caps distance learning at 15 €/h (25 €/h in the classroom).
    lead = make_lead(idcc="1979", trainees=2, dossier=DossierFields(modality="elearning"))
    assert price_lead(lead, TODAY).estimate.amount_max == Decimal(15 * 7 * 2)


def test_no_known_training_gives_no_estimate():
    assert price_lead(make_lead(trainings=("retired",)), TODAY).estimate is None


def test_preview_defaults_to_the_entry_training_and_names_it():
    preview = preview_estimate({"headcount": "8"}, opco_code="atlas", idcc="1486", today=TODAY)
    assert preview["training"] == catalogue().trainings[0].id and preview["trainees"] == 1
    assert preview["price_ht"] == "690.00" and preview["amount_max"] == "690.00"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"headcount": "huit"}, "headcount"),
        ({"headcount": "8", "trainees": "0"}, "headcount"),
        ({"headcount": "8", "training": "nope"}, "training"),
    ],
)
def test_preview_refuses_bad_parameters_with_the_field(params, field):
    with pytest.raises(PreviewError) as err:
        preview_estimate(params, opco_code="atlas", idcc="1486", today=TODAY)
    assert err.value.field == field


def test_the_request_path_modules_do_not_import_the_pdf_stack():
    import subprocess
    import sys

    code = (
        "import sys; import chalicelib.pricing, chalicelib.dossier.content, chalicelib.consultants.presenter, "
        "chalicelib.intake.service; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fpdf', 'jinja2', 'fontTools')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=__file__.rsplit("/tests/", 1)[0]
    ).stdout
    assert out.strip() == "[]"
