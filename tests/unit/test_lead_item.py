"""The lead's table item (leads/ddb.py lead_item): fields at their default are left out, the item loads
back as the same lead, and items stored with every field (before issue 16's follow-up) load as before."""

from datetime import date

from chalicelib.leads.ddb import _index_attrs, _lead_from_item, _to_ddb, lead_item
from chalicelib.leads.model import DossierFields, Lead, Tracking
from tests.unit.dossier.conftest import make_lead


def test_a_new_lead_item_leaves_out_the_fields_still_at_their_default_and_loads_back_equal():
    lead = make_lead()
    item = lead_item(lead)
    assert {"dossier", "tracking", "pack_requested"}.isdisjoint(item)
    assert item["pk"] == {"S": f"LEAD#{lead.id}"} and item["sk"] == {"S": "LEAD"}
    assert item["gsi3sk"] == {"S": _index_attrs(lead)["gsi3sk"]} and item["search"]
    assert item["consent"] and item["opco"]["M"]["opco"]["M"]["code"] == {"S": "atlas"}
    assert _lead_from_item(item) == lead


def test_the_revision_is_stored_even_at_zero_because_an_edit_s_condition_reads_it():
    assert lead_item(make_lead())["rev"] == {"N": "0"}


def test_fields_away_from_their_default_are_stored():
    lead = make_lead(
        dossier=DossierFields(trainees=5, end_date=date(2027, 2, 1)),
        tracking=Tracking(opco_file_number="AT-2027-001"),
        pack_requested=2,
        rev=3,
    )
    item = lead_item(lead)
    assert item["dossier"]["M"]["trainees"] == {"N": "5"}
    assert item["tracking"]["M"]["opco_file_number"] == {"S": "AT-2027-001"}
    assert item["pack_requested"] == {"N": "2"} and item["rev"] == {"N": "3"}
    assert _lead_from_item(item) == lead


def test_an_item_stored_with_every_field_still_loads():
    lead = make_lead()
    full = _to_ddb({"pk": f"LEAD#{lead.id}", "sk": "LEAD", **_index_attrs(lead), **lead.model_dump(mode="json")})
    assert {"dossier", "tracking", "pack_requested"} <= set(full)
    assert _lead_from_item(full) == lead == Lead.model_validate(lead.model_dump(mode="json"))
