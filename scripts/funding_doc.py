"""Regenerate docs/funding.md below its marker: one table per OPCO from opco_rules.json, then the
worked cases of tests/unit/opco/worked_cases.json. tests/unit/opco/test_funding_doc.py keeps the
page in sync.   Run: .venv/bin/python scripts/funding_doc.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.opco.rules import Figure, OpcoProfile, Rule, all_codes, opco_profile  # noqa: E402

DOC = ROOT / "docs" / "funding.md"
CASES = ROOT / "tests" / "unit" / "opco" / "worked_cases.json"
MARKER = "<!-- Generated below by scripts/funding_doc.py from opco_rules.json and worked_cases.json: do not edit. -->"
MODALITY = {"presentiel": "présentiel", "classe_virtuelle": "classe virtuelle", "elearning": "e-learning"}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _money(figure: Figure, per: str = "") -> str:
    value = figure.value if figure.known else "inconnu"
    return f"{value} €{figure.tax}{per}" if figure.known else "inconnu"


def _row(what: str, scope: str, value: str, figure: Any) -> str:
    cells = [_cell(what), _cell(scope), _cell(value), _cell(figure.source), str(figure.year), figure.status]
    return "| " + " | ".join(cells) + " |"


def _rule_rows(rule: Rule) -> list[str]:
    scope = rule.scope.text()
    label = rule.label or "Règle de l'OPCO"
    rows = []
    for band in rule.ceilings:
        who = f"{band.min_headcount} à {band.max_headcount} salariés"
        rows.append(_row(f"{label} : plafond annuel", f"{scope} ; {who}", _money(band.amount), band.amount))
    if not rule.ceilings and rule.ceiling_note:
        rows.append(_row(f"{label} : plafond annuel", scope, rule.ceiling_note.note or "inconnu", rule.ceiling_note))
    for cap in rule.caps:
        modes = ", ".join(MODALITY.get(m, m) for m in cap.modalities) if cap.modalities else "toutes modalités"
        kinds = ", ".join(cap.course_kinds)
        what = f"{label} : plafond horaire ({modes} ; formations {kinds})"
        rows.append(_row(what, scope, _money(cap.amount, " par heure et par stagiaire"), cap.amount))
    if rule.rate_min and rule.rate_max:
        rows.append(_row(f"{label} : taux", scope, f"{rule.rate_min.note} à {rule.rate_max.note}", rule.rate_min))
    return rows


def opco_table(profile: OpcoProfile) -> str:
    lead = profile.lead_time
    delay = "inconnu" if lead.value is None else f"{lead.value} {lead.unit} ({lead.kind})"
    filing = profile.filing
    copies = f" ; {filing.signed_copies} exemplaires signés" if filing.signed_copies else ""
    lines = [
        f"### {profile.name}",
        "",
        "| Élément | Périmètre | Valeur | Source | Année | Statut |",
        "|---|---|---|---|---|---|",
        *(row for rule in profile.rules for row in _rule_rows(rule)),
        _row("Délai de dépôt", "toutes les demandes", f"{delay} : {lead.note}", lead),
        _row("Pièces à joindre", "toutes les demandes", " ; ".join(filing.documents) + copies, filing),
        _row(
            "Portail",
            "toutes les demandes",
            f"{profile.portal.name} {profile.portal.url or ''}".strip(),
            profile.portal,
        ),
    ]
    if not profile.rules:
        lines.insert(
            4,
            "| Aucune règle chiffrée | toutes les branches | règle de la branche non renseignée : à vérifier | "
            f"{profile.criteria_url} | — | unknown |",
        )
    return "\n".join(lines)


def _case(case: dict[str, Any]) -> str:
    given, exp = case["input"], case["expected"]
    return "\n".join(
        [
            f"### {case['title']}",
            "",
            f"`{case['id']}` — IDCC {given['idcc']}, {given['headcount']} employees, {given['trainees']} trainee(s) × "
            f"{given['hours']} h, {given['price_ht']} € HT, {given['modality']}, start {given['start_date']}.",
            "",
            f"Hand computation: {case['hand']}",
            "",
            f"Expected: OPCO `{exp['opco']}`, eligible `{exp['eligible']}`, "
            f"funded {exp['amount_min']}–{exp['amount_max']}, "
            f"client pays {exp['remaining_cost_min']}–{exp['remaining_cost_max']}, deposit by {exp['deposit_before']}, "
            f"late `{exp['late']}`.",
        ]
    )


def generated() -> str:
    cases = json.loads(CASES.read_text(encoding="utf-8"))
    parts = [
        MARKER,
        "",
        "## Rules by OPCO (from `chalicelib/opco/data/opco_rules.json`)",
        "",
        "Units say HT or TTC only where the source does (`€` alone: the source does not say). Status: `confirmed` "
        "(OPCO or legal page read), `secondary` (second-hand, to re-check), `old`, `unconfirmed`, `unknown`. A branch "
        "of an OPCO that no row covers gets no amount: « règle de la branche non renseignée : à vérifier ».",
        "",
        *(opco_table(opco_profile(code)) + "\n" for code in all_codes()),
        f"## Worked cases (today = {cases['today']})",
        "",
        "The same cases live in `tests/unit/opco/worked_cases.json`; `tests/unit/opco/test_worked_cases.py` "
        "checks that the code gives these numbers.",
        "",
        *(_case(case) + "\n" for case in cases["cases"]),
    ]
    return "\n".join(parts)


def render(current: str) -> str:
    head = current.split(MARKER)[0].rstrip("\n")
    return f"{head}\n\n{generated()}"


if __name__ == "__main__":
    DOC.write_text(render(DOC.read_text(encoding="utf-8")), encoding="utf-8")
