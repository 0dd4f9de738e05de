import json

import pytest

from chalicelib.opco import opco_profile
from chalicelib.opco._data import DATA_DIR, opco_names

RULES = json.loads((DATA_DIR / "opco_rules.json").read_text(encoding="utf-8"))


def _figures(node, path="$"):
    if isinstance(node, dict):
        if "value" in node:
            yield path, node
        for key, value in node.items():
            yield from _figures(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _figures(value, f"{path}[{index}]")


def test_no_figure_lacks_source_year_and_status():
    figures = list(_figures(RULES))
    assert len(figures) > 50
    for path, figure in figures:
        assert figure.get("source"), path
        assert isinstance(figure.get("year"), int), path
        assert figure.get("status") in ("confirmed", "secondary", "old", "unconfirmed", "unknown"), path
        if figure["value"] is None:
            assert figure.get("note") or figure["status"] == "unknown", path


def test_every_sourced_text_has_source_and_year():
    for path, node in _walk_texts(RULES):
        assert node.get("source") and isinstance(node.get("year"), int), path


def _walk_texts(node, path="$"):
    if isinstance(node, dict):
        if "text" in node:
            yield path, node
        for key, value in node.items():
            yield from _walk_texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_texts(value, f"{path}[{index}]")


@pytest.mark.parametrize("code", sorted(opco_names()))
def test_every_opco_has_a_profile(code):
    profile = opco_profile(code)
    assert profile.name == opco_names()[code]
    assert profile.lead_time.kind in ("calendar", "working", "unknown")


def test_atlas_betic_ceilings_are_the_2026_ones():
    rule = opco_profile("atlas").rule_for("1486", 8)
    assert rule is not None and rule.scope.idcc == ["1486"]
    assert [(c.min_headcount, c.amount.value) for c in rule.ceilings][:2] == [(0, 2500), (11, 3000)]


def test_every_source_is_a_page_not_a_home_page():
    from urllib.parse import urlparse

    home_pages = [
        (path, figure["source"])
        for path, figure in [*_figures(RULES), *_walk_texts(RULES)]
        if urlparse(figure["source"].split()[0]).path in ("", "/")
    ]
    assert home_pages == []


def test_hourly_caps_say_ht_or_ttc_only_as_their_source_does():
    units = {
        (code, cap["amount"]["unit"]) for code, o in RULES["opcos"].items() for r in o["rules"] for cap in r["caps"]
    }
    assert ("uniformation", "EUR_TTC_per_trainee_hour") in units and ("akto", "EUR_per_trainee_hour") in units
    assert ("ocapiat", "EUR_HT_per_trainee_hour") in units
