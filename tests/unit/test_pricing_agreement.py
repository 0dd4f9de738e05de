"""One pricing truth: for every catalogue training, every group size up to group_max and consultant
price edits, the devis, prefill.json, the consultant's page and API, the intake estimate and the live
preview give the same price and the same estimate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.catalogue import catalogue
from chalicelib.consultants import presenter
from chalicelib.dossier.content import build_content
from chalicelib.dossier.organisme import organisme_profile
from chalicelib.leads.model import DossierFields
from chalicelib.pricing import preview_estimate, price_lead
from tests.unit.dossier.conftest import TODAY, make_lead

CASES = [(t.id, n) for t in catalogue().trainings for n in range(1, t.group_max + 1)]
IDCCS = ("1486", "1979", "3248", "1413")  # a ceiling, caps per modality, an hourly cap, no sourced rule


def _assert_agree(lead, preview_params=None):
    content = build_content(lead, version=1, today=TODAY, organisme=organisme_profile("local"))
    devis = content.quote.total_ht
    assert Decimal(content.prefill()["cout"]["pedagogique_ht"]) == devis
    assert presenter.effective(lead)["price_ht"] == devis
    detail = presenter.detail(lead, [], TODAY)
    assert Decimal(detail["price_ht"]) == devis
    assert presenter.estimate(lead, TODAY) == content.estimate == price_lead(lead, TODAY).estimate
    assert detail["estimate"] == (content.estimate.model_dump(mode="json") if content.estimate else None)
    if preview_params is not None:
        preview = preview_estimate(preview_params, opco_code=lead.opco_code, idcc=lead.idcc, today=TODAY)
        assert Decimal(preview["price_ht"]) == devis
        estimate = price_lead(lead.model_copy(update={"start_date": None}), TODAY).estimate
        assert preview["amount_max"] == (str(estimate.amount_max) if estimate.amount_max is not None else None)
    return devis


@pytest.mark.parametrize("training, trainees", CASES)
@pytest.mark.parametrize("idcc", IDCCS)
def test_every_screen_prices_a_catalogue_request_like_the_devis(training, trainees, idcc):
    lead = make_lead(idcc=idcc, trainings=(training,), trainees=trainees)
    params = {"headcount": str(lead.headcount), "trainees": str(trainees), "training": training}
    devis = _assert_agree(lead, params)
    t = catalogue().get(training)
    assert devis == min(t.price_per_trainee_ht * trainees, t.price_group_ht)  # the cheaper of seats and intra


@settings(max_examples=40, deadline=None)
@given(
    price=st.decimals(min_value=Decimal(1), max_value=Decimal(50000), places=2),
    trainees=st.integers(min_value=1, max_value=12),
    idcc=st.sampled_from(IDCCS),
    modality=st.sampled_from([None, "presentiel", "classe_virtuelle", "elearning", "mixte"]),
)
def test_a_consultant_price_edit_is_the_price_everywhere(price, trainees, idcc, modality):
    fields = DossierFields(price_ht=price, trainees=trainees, modality=modality)
    lead = make_lead(idcc=idcc, trainings=("ia-marketing-commercial",), dossier=fields)
    assert _assert_agree(lead) == price
