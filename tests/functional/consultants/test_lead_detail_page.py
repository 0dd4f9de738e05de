"""The lead page shows how sure the OPCO is, and both sides when the registry disagrees."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.functional.consultants.test_consultant_workflow import _new_lead


def test_registry_disagreement_shows_both_idccs_on_the_lead_page(consultants, valid_submission):
    from chalicelib.leads.model import OpcoCheck, RegistryFinding
    from chalicelib.leads.store import leads_store
    from chalicelib.leads.store_registry import registry_store

    lead_id = _new_lead(consultants, valid_submission)
    lead = leads_store().get(lead_id)
    check = {
        "declared": {"idcc": "1486", "opco": "atlas"},
        "registry": {"idcc": ["1979"], "opco": "akto"},
        "agrees": False,
        "message": "L'IDCC déclaré (1486) diffère de celui de l'annuaire des entreprises "
        "(1979). D'après l'annuaire, l'OPCO serait AKTO.",
    }
    registry = {
        "status": "ok",
        "checked_at": "2026-11-26T08:00:00+00:00",
        "record": None,
        "note": "Informations vérifiées dans l'annuaire des entreprises le 26/11/2026.",
    }
    registry_store().record_on_lead(
        lead.model_copy(
            update={"opco_check": OpcoCheck.model_validate(check), "registry": RegistryFinding.model_validate(registry)}
        ),
        now=datetime.now(UTC),
    )

    page = consultants.client.http.get(f"/consultants/leads/{lead_id}", headers=consultants.cookie()).body.decode()
    assert "Confiance : élevée" in page
    assert "À vérifier :" in page and "(1979)" in page and "AKTO" in page
    assert "Informations vérifiées dans l&#39;annuaire des entreprises le 26/11/2026." in page
    assert "Annuaire des entreprises consulté" in page  # the lookup is in the history


def test_an_agreeing_registry_raises_no_warning(consultants, valid_submission):
    page = consultants.client.http.get(
        f"/consultants/leads/{_new_lead(consultants, valid_submission)}", headers=consultants.cookie()
    ).body.decode()
    assert "Confiance : élevée" in page and "À vérifier" not in page


def test_a_repeated_submission_shows_its_differences_without_changing_the_lead(consultants, valid_submission):
    from tests.functional.conftest import post_json

    lead_id = _new_lead(consultants, valid_submission)
    again = {**valid_submission, "phone": "07 98 76 54 32", "trainees": 5, "message": None}
    reply = json.loads(post_json(consultants.client, again).body)["lead_id"]

    detail = json.loads(
        consultants.client.http.get(f"/consultants/api/leads/{lead_id}", headers=consultants.bearer()).body
    )
    assert (detail["lead"]["phone"], detail["lead"]["trainees"]) == ("+33612345678", valid_submission["trainees"])
    [repeat] = [h for h in detail["history"] if h["kind"] == "nouvelle_demande"]
    assert repeat["label"] == "Nouvelle demande du même contact"
    assert reply in repeat["text"] and "fiche inchangée" in repeat["text"]
    assert {c["label"]: (c["before"], c["after"]) for c in repeat["changes"]} == {
        "Téléphone": ("06 12 34 56 78", "07 98 76 54 32"),
        "Stagiaires": (str(valid_submission["trainees"]), "5"),
        "Message": (valid_submission["message"], "(vide)"),
    }
    page = consultants.client.http.get(f"/consultants/leads/{lead_id}", headers=consultants.cookie()).body.decode()
    assert "Nouvelle demande du même contact" in page
    assert "Téléphone : 06 12 34 56 78 → 07 98 76 54 32" in page


def test_the_lead_page_shows_the_phone_in_french_format_and_who_acted_in_french(consultants, valid_submission):
    lead_id = _new_lead(consultants, valid_submission)
    page = consultants.client.http.get(f"/consultants/leads/{lead_id}", headers=consultants.cookie()).body.decode()
    assert "<dt>Téléphone</dt><dd>06 12 34 56 78</dd>" in page and "+33612345678" not in page
    arrival = next(line for line in page.splitlines() if "Demande reçue" in line and 'class="when"' in line)
    assert "par le système" in arrival and "systeme" not in page
    abroad = _new_lead(consultants, {**valid_submission, "email": "b@exemple.be", "phone": "+32 2 234 56 78"})
    page = consultants.client.http.get(f"/consultants/leads/{abroad}", headers=consultants.cookie()).body.decode()
    assert "<dd>+32 2 234 56 78</dd>" in page


def test_the_lead_page_prices_like_the_devis_and_lists_the_opcos_requirements(consultants, valid_submission):
    submission = valid_submission | {"idcc": "1979", "training": ["ia-marketing-commercial"], "trainees": 2}
    submission["headcount"] = 5
    lead_id = _new_lead(consultants, submission)
    page = consultants.client.http.get(f"/consultants/leads/{lead_id}", headers=consultants.cookie()).body.decode()
    # 2 seats at 1 290 € (cheaper than the 7 200 € intra session); HCR caps 25 €/h x 14 h x 2 = 700 €
    assert "700,00\u202f€" in page and "2\u202f580,00\u202f€" in page and "(prix du devis)" in page
    assert "Périmètre : Hôtels, cafés, restaurants (HCR) (IDCC 1979" in page
    assert "Pièces demandées par l'OPCO" in page and "en 3 exemplaires" in page and "Mon Espace AKTO" in page
    api = consultants.client.http.get(f"/consultants/api/leads/{lead_id}", headers=consultants.bearer())
    body = json.loads(api.body)
    assert body["price_ht"] == "2580.00" and body["estimate"]["amount_max"] == "700.00"
    assert body["filing"]["signed_copies"] == 3
