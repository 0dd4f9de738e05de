import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.opco import is_known_naf, naf_label, normalize_idcc, resolve_opco
from chalicelib.opco._data import idcc_table


@pytest.mark.parametrize(
    "raw, expected",
    [
        (" 16", "0016"),
        ("16", "0016"),
        ("0016", "0016"),
        ("01486", "1486"),
        ("IDCC 1486", "1486"),
        ("idcc: 1486", "1486"),
        (16, "0016"),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_idcc_is_normalised_to_four_digits(raw, expected):
    assert normalize_idcc(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "abc", "14-86", "0", "99999", "1486a", "IDCC", "-16"])
def test_bad_idcc_raises_a_french_value_error(raw):
    with pytest.raises(ValueError, match="IDCC invalide"):
        normalize_idcc(raw)


def test_syntec_resolves_to_atlas_with_high_confidence():
    match = resolve_opco(idcc="1486")
    assert (match.opco.code, match.confidence, match.source) == ("atlas", "high", "idcc")
    assert match.data_date == "2026-08-11"
    assert match.idcc_label == "Bureaux d'études techniques"


def test_metallurgy_resolves_to_opco2i():
    assert resolve_opco(idcc="3248").opco.code == "opco2i"


def test_replaced_idcc_answered_by_siro_names_its_successor_as_context():
    match = resolve_opco(idcc="0054")
    assert match.opco.code == "opco2i"
    assert match.source == "idcc"  # SIRO answers 0054 itself (2,224 establishments)
    assert match.successor_chain == ["0054", "3248"]
    assert "3248" in match.explanation and "Métallurgie" in match.explanation


def test_successor_chain_passes_through_statutes():
    match = resolve_opco(idcc="0014")
    assert match.successor_chain == ["0014", "5561", "3097"]
    assert match.opco.code == "afdas"


def test_no_collective_agreement_gives_no_opco_and_says_why():
    match = resolve_opco(idcc="9999")
    assert match.opco is None and match.confidence == "none"
    assert "aucune convention collective" in match.explanation


def test_short_idcc_is_padded():
    match = resolve_opco(idcc="16")
    assert match.idcc == "0016" and match.opco.code == "opco_mobilites"


def test_unknown_idcc_explains_in_french():
    match = resolve_opco(idcc="1234")
    assert match.opco is None and match.confidence == "none"
    assert "inconnu" in match.explanation


def test_ambiguous_branch_returns_candidates_with_shares_and_asks_to_check():
    match = resolve_opco(idcc="5100")
    assert match.confidence in ("medium", "low")
    assert match.opco.code == match.candidates[0].code
    assert match.candidates[0].share == pytest.approx(0.328)
    assert "à vérifier" in match.explanation


def test_declared_idcc_wins_over_registry_and_naf():
    match = resolve_opco(idcc="1486", naf="4120A", registry_idccs=["3248"])
    assert match.opco.code == "atlas" and match.source == "idcc"


def test_registry_idccs_are_used_when_none_was_declared():
    match = resolve_opco(registry_idccs=["1486"])
    assert match.source == "registry" and match.opco.code == "atlas"


def test_registry_idccs_that_disagree_lower_confidence():
    match = resolve_opco(registry_idccs=["1486", "3248"])
    assert match.confidence == "medium"
    assert {c.code for c in match.candidates} == {"atlas", "opco2i"}


def test_naf_alone_is_only_a_low_hint():
    match = resolve_opco(naf="41.20A")
    assert (match.opco.code, match.confidence, match.source) == ("constructys", "low", "naf")


def test_naf_of_a_mixed_section_gives_no_opco():
    assert resolve_opco(naf="8810A").opco is None


def test_sector_keyword_is_the_last_hint():
    match = resolve_opco(sector="Cabinet d'Architecture")
    assert (match.opco.code, match.confidence, match.source) == ("opco_ep", "low", "sector")


def test_nothing_known_gives_none():
    match = resolve_opco()
    assert match.opco is None and match.source == "none"


def test_naf_validation_accepts_dotted_and_plain_codes():
    assert is_known_naf("62.01Z") and is_known_naf("6201Z") and is_known_naf("6201z")
    assert not is_known_naf("6201X") and not is_known_naf("62") and not is_known_naf(None)
    assert naf_label("62.01Z") == "Programmation informatique"
    assert naf_label("nope") is None


def test_every_naf_hint_example_resolves_to_the_hinted_opco():
    from chalicelib.opco._data import naf_hints, sector_keywords

    for hint in [*naf_hints().values(), *sector_keywords().values()]:
        for idcc in hint.examples:
            assert idcc_table()[idcc].opco == hint.opco, idcc


@given(st.one_of(st.none(), st.text(max_size=20), st.integers(min_value=-10, max_value=10**6)))
def test_normalize_idcc_returns_four_digits_or_raises_value_error(raw):
    try:
        result = normalize_idcc(raw)
    except ValueError:
        return
    assert result is None or (len(result) == 4 and result.isdigit())


@given(
    st.one_of(st.none(), st.text(max_size=30)),
    st.one_of(st.none(), st.text(max_size=60)),
    st.lists(st.text(max_size=8), max_size=3),
)
def test_resolve_opco_never_raises_on_naf_sector_or_registry(naf, sector, registry):
    match = resolve_opco(naf=naf, sector=sector, registry_idccs=registry)
    if match.source == "registry":  # a registry IDCC is a declared convention: it may be certain
        assert match.idcc is not None
    else:  # NAF and sector are hints, never more
        assert match.confidence in ("low", "none")


@given(st.text(max_size=12))
def test_resolve_opco_on_any_idcc_raises_only_value_error(raw):
    try:
        match = resolve_opco(idcc=raw)
    except ValueError:
        return
    assert match.explanation
