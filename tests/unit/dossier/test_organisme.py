"""The organisme profile per stage: samples visibly, prod refused until filled in."""

from __future__ import annotations

import json

import pytest
from stdnum.fr import siret, tva

from chalicelib.catalogue import TEMPLATES_DIR
from chalicelib.dossier.organisme import OrganismeProfileError, organisme_profile


@pytest.mark.parametrize("stage", ["local", "dev"])
def test_local_and_dev_profiles_are_visible_samples_with_valid_identifiers(stage):
    o = organisme_profile(stage)
    assert o.sample and "fictif" in o.name and "exemple" in o.contact.email
    assert siret.is_valid(o.siret) and tva.is_valid(o.vat_number)
    assert len(o.nda) == 11 and o.nda.isdigit()


def test_the_nda_carries_the_legal_wording():
    # C. trav. L6352-12
    assert organisme_profile("local").nda_mention.endswith(
        "auprès du préfet de région Auvergne-Rhône-Alpes. Cet enregistrement ne vaut pas agrément de l'État."
    )


def test_prod_refuses_to_print_the_shipped_placeholder():
    raw = json.loads((TEMPLATES_DIR / "organisme" / "prod.json").read_text(encoding="utf-8"))
    if not raw["sample"]:
        pytest.skip("prod profile filled in")
    organisme_profile.cache_clear()
    with pytest.raises(OrganismeProfileError, match="sample"):
        organisme_profile("prod")


def test_unknown_stages_such_as_tests_use_the_local_sample():
    assert organisme_profile("test") == organisme_profile("local")
