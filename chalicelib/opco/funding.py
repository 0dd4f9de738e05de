"""What the OPCO may fund under the plan de développement des compétences, and what remains.

Every figure comes from data/opco_rules.json; the estimate names the rule, its year and how sure
the source is. Nothing here is a promise: OPCOs fund "within available funds".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from chalicelib.formats import fr_money, to_cents

from .models import Confidence
from .rules import (
    STATUS_FR,
    Ceiling,
    Figure,
    HourlyCap,
    OpcoProfile,
    SourcedText,
    common_rules,
    for_branch,
    opco_profile,
)

# The product sells short non-certifying courses: caps for these kinds of course apply.
COURSE_KINDS = {"transversal", "job"}
Modality = Literal["presentiel", "distanciel", "classe_virtuelle", "mixte"]


class FundingEstimate(BaseModel):
    model_config = ConfigDict(frozen=True)

    opco_code: str | None
    eligible: bool | None
    reason: str
    amount_min: Decimal | None
    amount_max: Decimal | None
    remaining_cost_min: Decimal | None
    remaining_cost_max: Decimal | None
    price_ht: Decimal
    rule_applied: str
    basis: list[str]
    confidence: Confidence
    warnings: list[str]
    budget_year: int


def estimate_funding(
    *,
    opco_code: str | None,
    idcc: str | None,
    headcount: int,
    trainees: int,
    hours: float,
    price_ht: Decimal,
    modality: str,
    start_date: date | None,
    today: date,
) -> FundingEstimate:
    """Estimate the OPCO's share of a group training's pedagogical cost (HT)."""
    if headcount < 0 or trainees < 1 or hours <= 0 or price_ht < 0:
        raise ValueError("Effectif, nombre de stagiaires, durée et prix doivent être positifs.")
    price = to_cents(Decimal(price_ht))
    year = (start_date or today).year
    base: dict[str, Any] = {"opco_code": opco_code, "price_ht": price, "budget_year": year}
    profile = _profile(opco_code)
    if profile is None:
        return FundingEstimate(
            **base,
            eligible=None,
            reason="OPCO inconnu : pas d'estimation possible.",
            amount_min=None,
            amount_max=None,
            remaining_cost_min=None,
            remaining_cost_max=None,
            rule_applied="aucune",
            basis=[],
            confidence="none",
            warnings=[_within_funds()],
        )
    ceiling = next((c for c in for_branch(profile.ceilings, idcc) if c.fits(headcount)), None)
    if headcount > common_rules().mutualised_max_headcount.value and ceiling is None:
        return _over_50(profile, base, price)
    caps = _caps(profile, idcc, modality)
    low, high = _covered(price, ceiling, caps, trainees, Decimal(str(hours)))
    warnings = _warnings(profile, idcc, ceiling, year, headcount)
    exhausted = any(w.budget_exhausted for w in _branch_warnings(profile, idcc))
    if exhausted and low is not None:
        low = Decimal("0.00")
    figures = [f for f in [ceiling.amount if ceiling else None, *(c.amount for c in caps)] if f]
    return FundingEstimate(
        **base,
        eligible=True,
        reason=_reason(profile, headcount, ceiling),
        amount_min=low,
        amount_max=high,
        remaining_cost_min=None if high is None else price - high,
        remaining_cost_max=None if low is None else price - low,
        rule_applied=_rule_text(ceiling, caps),
        basis=_basis(figures, ceiling),
        confidence=_confidence(figures, year, exhausted, high, headcount),
        warnings=warnings,
    )


def _profile(code: str | None) -> OpcoProfile | None:
    try:
        return opco_profile(code) if code else None
    except KeyError:
        return None


def _caps(profile: OpcoProfile, idcc: str | None, modality: str) -> list[HourlyCap]:
    return [
        cap
        for cap in for_branch(profile.hourly_caps, idcc)
        if COURSE_KINDS & set(cap.course_kinds)
        and cap.amount.known
        and (cap.modalities is None or modality in cap.modalities)
    ]


def _covered(
    price: Decimal, ceiling: Ceiling | None, caps: list[HourlyCap], trainees: int, hours: Decimal
) -> tuple[Decimal | None, Decimal | None]:
    """(min, max) funded: price capped per trainee-hour, times the offer's rate, within the ceiling."""
    totals = sorted(Decimal(str(c.amount.value)) * hours * trainees for c in caps)
    low, high = (min(price, totals[0]), min(price, totals[-1])) if totals else (price, price)
    if ceiling and ceiling.rate_min and ceiling.rate_max:
        low *= Decimal(str(ceiling.rate_min.value))
        high *= Decimal(str(ceiling.rate_max.value))
    if ceiling and ceiling.amount.known:
        limit = Decimal(str(ceiling.amount.value))
        low, high = min(low, limit), min(high, limit)
    elif not totals and (ceiling is None or ceiling.amount.status == "unknown"):
        return None, None  # neither a ceiling nor an hourly cap: no honest figure
    return to_cents(low), to_cents(high)


def _reason(profile: OpcoProfile, headcount: int, ceiling: Ceiling | None) -> str:
    if headcount > common_rules().mutualised_max_headcount.value:
        return (
            f"{headcount} salariés : pas de fonds mutualisés du plan (réservés aux moins de 50), "
            f"mais la branche a des fonds conventionnels chez {profile.name}."
        )
    return f"Entreprise de moins de 50 salariés : éligible au plan de développement des compétences ({profile.name})."


def _over_50(profile: OpcoProfile, base: dict[str, Any], price: Decimal) -> FundingEstimate:
    options = [*common_rules().over_50_options, *(n for n in profile.notes if n.over_50)]
    rule = common_rules().mutualised_max_headcount
    return FundingEstimate(
        **base,
        eligible=False,
        reason=(
            "50 salariés ou plus : pas de prise en charge sur les fonds mutualisés du plan de "
            "développement des compétences (réservés aux moins de 50, C. trav. L6332-17)."
        ),
        amount_min=Decimal("0.00"),
        amount_max=Decimal("0.00"),
        remaining_cost_min=price,
        remaining_cost_max=price,
        rule_applied=f"Seuil de 50 salariés ({rule.year}, {STATUS_FR[rule.status]})",
        basis=_unique([rule.source, *(o.source for o in options)]),
        confidence="medium",
        warnings=[f"Possible : {o.text} ({o.year}, {STATUS_FR[o.status]})" for o in options],
    )


def _figure_text(label: str, figure: Figure, suffix: str) -> str:
    return f"{label} : {fr_money(Decimal(str(figure.value)))} {suffix} ({figure.year}, {STATUS_FR[figure.status]})"


def _rule_text(ceiling: Ceiling | None, caps: list[HourlyCap]) -> str:
    parts = []
    if ceiling and ceiling.amount.known:
        parts.append(_figure_text(f"Plafond annuel {ceiling.label}", ceiling.amount, "HT par entreprise"))
    elif ceiling:
        note = ceiling.amount.note or "plafond annuel inconnu"
        parts.append(
            f"Plafond annuel ({ceiling.label}) : {note} ({ceiling.amount.year}, {STATUS_FR[ceiling.amount.status]})"
        )
    for cap in caps:
        parts.append(_figure_text(f"Plafond horaire {cap.label}", cap.amount, "HT par heure et par stagiaire"))
    if ceiling and ceiling.rate_min and ceiling.rate_max:
        parts.append(
            f"Taux selon l'offre : {ceiling.rate_min.note} à {ceiling.rate_max.note} "
            f"({ceiling.rate_min.year}, {STATUS_FR[ceiling.rate_min.status]})"
        )
    return " ; ".join(parts) or "Aucune règle chiffrée connue"


def _basis(figures: list[Figure], ceiling: Ceiling | None) -> list[str]:
    rates = [ceiling.rate_min.source] if ceiling and ceiling.rate_min else []
    return _unique([f.source for f in figures] + rates)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _confidence(figures: list[Figure], year: int, exhausted: bool, high: Decimal | None, headcount: int) -> Confidence:
    if high is None:
        return "none" if not figures else "low"
    solid = all(f.status in ("confirmed", "secondary") and f.year >= year for f in figures)
    over = headcount > common_rules().mutualised_max_headcount.value
    return "medium" if solid and not exhausted and not over else "low"


def _branch_warnings(profile: OpcoProfile, idcc: str | None) -> list[SourcedText]:
    return [w for w in profile.warnings if w.branch_idcc is None or (idcc and idcc in w.branch_idcc)]


def _within_funds() -> str:
    return common_rules().within_funds_warning.text


def _warnings(profile: OpcoProfile, idcc: str | None, ceiling: Ceiling | None, year: int, headcount: int) -> list[str]:
    texts = [_within_funds()]
    if ceiling and ceiling.amount.known:
        texts.append(common_rules().yearly_ceiling_warning.text)
    if ceiling and ceiling.amount.status == "unknown":
        texts.append(
            "Plafond annuel inconnu pour cette branche : vérifiez la page de critères de l'OPCO "
            f"({profile.criteria_url})."
        )
    texts += [w.text for w in _branch_warnings(profile, idcc)]
    used = [f for f in ([ceiling.amount] if ceiling else []) if f.known]
    if any(f.year < year for f in used):
        texts.append(
            f"Règles de {max(f.year for f in used)} : les critères {year} ne sont pas encore connus ici, à vérifier."
        )
    if headcount > common_rules().mutualised_max_headcount.value:
        texts.append("Fonds conventionnels de la branche, distincts des fonds mutualisés : à confirmer avec l'OPCO.")
    return texts
