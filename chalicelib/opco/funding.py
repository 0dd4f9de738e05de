"""What the OPCO may fund under the plan de développement des compétences, and what remains.

Every figure comes from data/opco_rules.json; the estimate names the rule, its scope, its year and
how sure the source is. Nothing here is a promise: OPCOs fund "within available funds".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from chalicelib.formats import fr_hours, fr_money, to_cents

from .models import Confidence
from .rules import STATUS_FR, Band, Figure, HourlyCap, OpcoProfile, Rule, common_rules, known_profile
from .wording import de

# The product sells short non-certifying courses: caps for these kinds of course apply.
COURSE_KINDS = {"transversal", "job"}
MODALITY_FR = {"presentiel": "présentiel", "classe_virtuelle": "classe virtuelle", "elearning": "e-learning"}
UNKNOWN_RULE = "Règle de la branche non renseignée : à vérifier"


class FundingEstimate(BaseModel):
    model_config = ConfigDict(frozen=True)

    opco_code: str | None
    eligible: bool | None
    reason: str
    # None: no amount can be estimated (the reason and the rule say why)
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    remaining_cost_min: Decimal | None = None
    remaining_cost_max: Decimal | None = None
    price_ht: Decimal
    rule_applied: str
    scope: str | None = None  # whom the rule applies to, as its source says
    basis: list[str]
    confidence: Confidence
    warnings: list[str]
    budget_year: int


class FundingQuery(BaseModel):
    """What an estimate depends on: the employer (OPCO, branch, headcount), the training (trainees,
    hours per trainee and their split by modality, start) and its price HT."""

    model_config = ConfigDict(frozen=True)

    opco_code: str | None
    idcc: str | None
    headcount: int
    trainees: int
    hours: Decimal  # per trainee
    hours_by_modality: dict[str, Decimal] | None  # None: the split of a blended training is unknown
    price_ht: Decimal
    vat_rate: Decimal = Decimal(0)  # for caps stated TTC
    start_date: date | None
    today: date


def estimate_funding(query: FundingQuery) -> FundingEstimate:
    """Estimate the OPCO's share of a training's pedagogical cost (HT)."""
    if query.headcount < 0 or query.trainees < 1 or query.hours <= 0 or query.price_ht < 0:
        raise ValueError("Effectif, nombre de stagiaires, durée et prix doivent être positifs.")
    price = to_cents(query.price_ht)
    year = (query.start_date or query.today).year
    base: dict[str, Any] = {"opco_code": query.opco_code, "price_ht": price, "budget_year": year}
    profile = known_profile(query.opco_code)
    if profile is None:
        return _no_amount(base, "OPCO inconnu : pas d'estimation possible.", "aucune", [])
    rule = profile.rule_for(query.idcc, query.headcount)
    band = rule.ceiling(query.headcount) if rule else None
    if query.headcount > common_rules().mutualised_max_headcount.value and band is None:
        return _over_50(profile, base)
    if rule is None:
        text = f"{UNKNOWN_RULE} auprès {de(profile.name)} ({profile.criteria_url})."
        return _no_amount(base, text, UNKNOWN_RULE, [profile.criteria_url], eligible=True)
    caps = [c for c in rule.caps if COURSE_KINDS & set(c.course_kinds) and c.amount.known]
    split = query.hours_by_modality or None
    capped_low, capped_high, cap_notes = _capped(price, caps, split, query.hours, query.trainees, query.vat_rate)
    low, high = _within(capped_low, capped_high, rule, band)
    notes = profile.notes_for(query.idcc, year)
    if any(n.budget_exhausted for n in notes) and low is not None:
        low = Decimal("0.00")
    figures = [f for f in [band.amount if band else None, *(c.amount for c in caps)] if f]
    return FundingEstimate(
        **base,
        eligible=True,
        reason=_reason(profile, query.headcount),
        amount_min=low,
        amount_max=high,
        remaining_cost_min=None if high is None else price - high,
        remaining_cost_max=None if low is None else price - low,
        rule_applied=_rule_text(rule, band, caps, split),
        scope=f"{rule.label or profile.name} ({rule.scope.text()})",
        basis=_unique([f.source for f in figures] + ([rule.rate_min.source] if rule.rate_min else [])),
        confidence=_confidence(figures, year, any(n.budget_exhausted for n in notes), high, query.headcount),
        warnings=_warnings(profile, rule, band, year, query.headcount, [n.text for n in notes], cap_notes),
    )


def _no_amount(
    base: dict[str, Any], reason: str, rule: str, basis: list[str], eligible: bool | None = None
) -> FundingEstimate:
    return FundingEstimate(
        **base,
        eligible=eligible,
        reason=reason,
        rule_applied=rule,
        basis=basis,
        confidence="none",
        warnings=[common_rules().within_funds_warning.text],
    )


def _per_hour(cap: HourlyCap, vat_rate: Decimal) -> Decimal:
    """The cap on the price HT: a cap stated TTC covers the price with its VAT."""
    value = Decimal(str(cap.amount.value))
    return value / (1 + vat_rate) if cap.amount.tax == " TTC" else value


def _capped(
    price: Decimal,
    caps: list[HourlyCap],
    split: Mapping[str, Decimal] | None,
    hours: Decimal,
    trainees: int,
    vat_rate: Decimal,
) -> tuple[Decimal, Decimal, list[str]]:
    """(min, max) of the price within the hourly caps: each part of a blended training at the cap of
    its modality; an unknown split at the stricter cap, which the estimate then says."""
    if not caps:
        return price, price, []
    modalities = sorted({m for c in caps for m in (c.modalities or [])})
    notes: list[str] = []
    if split is None and modalities:
        strict = min(modalities, key=lambda m: max(_per_hour(c, vat_rate) for c in caps if c.covers(m)))
        split = {strict: hours}
        notes.append(
            f"Répartition des heures par modalité inconnue : plafond horaire le plus strict appliqué "
            f"({MODALITY_FR.get(strict, strict)})."
        )
    parts = split or {"": hours}
    low = high = Decimal(0)
    for modality, part in parts.items():
        values = [_per_hour(c, vat_rate) for c in caps if c.covers(modality)]
        if not values:  # a modality the source gives no cap for: the stricter cap, said so
            values = [min(_per_hour(c, vat_rate) for c in caps)]
            notes.append(
                f"Aucun plafond horaire publié pour le {MODALITY_FR.get(modality, modality)} : "
                "plafond le plus strict appliqué."
            )
        low += min(values) * part * trainees
        high += max(values) * part * trainees
    return min(price, low), min(price, high), notes


def _within(low: Decimal, high: Decimal, rule: Rule, band: Band | None) -> tuple[Decimal | None, Decimal | None]:
    if rule.rate_min and rule.rate_max:
        low *= Decimal(str(rule.rate_min.value))
        high *= Decimal(str(rule.rate_max.value))
    if band and band.amount.known:
        limit = Decimal(str(band.amount.value))
        low, high = min(low, limit), min(high, limit)
    elif not rule.caps:
        return None, None  # neither a ceiling nor an hourly cap: no honest figure
    return to_cents(low), to_cents(high)


def _reason(profile: OpcoProfile, headcount: int) -> str:
    if headcount > common_rules().mutualised_max_headcount.value:
        return (
            f"{headcount} salariés : pas de fonds mutualisés du plan (réservés aux moins de 50, C. trav. L6332-17) ; "
            f"la branche a des fonds conventionnels chez {profile.name}, "
            "la formation peut être prise en charge sur ces fonds."
        )
    return (
        f"Entreprise de moins de 50 salariés : la formation peut être prise en charge par {profile.name} au titre "
        "du plan de développement des compétences, dans la limite des fonds disponibles."
    )


def _over_50(profile: OpcoProfile, base: dict[str, Any]) -> FundingEstimate:
    rule = common_rules().mutualised_max_headcount
    options = [
        *common_rules().over_50_options,
        *(n for n in profile.notes if n.over_50 and n.applies(None, base["budget_year"])),
    ]
    return FundingEstimate(
        **base,
        eligible=False,
        reason=(
            "50 salariés ou plus : le plan de développement des compétences n'est pas financé par les fonds "
            "mutualisés (réservés aux entreprises de moins de 50 salariés, C. trav. L6332-17). Des contributions "
            "conventionnelles de branche ou des versements volontaires peuvent s'appliquer : "
            f"à vérifier auprès {de(profile.name)}."
        ),
        rule_applied=f"Seuil de 50 salariés ({rule.year}, {STATUS_FR[rule.status]})",
        scope="entreprises de 50 salariés et plus",
        basis=_unique([rule.source, *(o.source for o in options)]),
        confidence="none",
        warnings=[f"Possible : {o.text} ({o.year}, {STATUS_FR[o.status]})" for o in options],
    )


def _money(figure: Figure, suffix: str) -> str:
    return f"{fr_money(Decimal(str(figure.value)))}{figure.tax} {suffix} ({figure.year}, {STATUS_FR[figure.status]})"


def _rule_text(rule: Rule, band: Band | None, caps: list[HourlyCap], split: Mapping[str, Decimal] | None) -> str:
    parts = []
    if split:  # only the caps of the modalities taught, and how the hours split between them
        caps = [c for c in caps if any(c.covers(m) for m in split)]
    if band and band.amount.known:
        who = f"{band.min_headcount} à {band.max_headcount} salariés"
        parts.append(f"Plafond annuel ({who}) : {_money(band.amount, 'par entreprise')}")
    else:
        note = rule.ceiling_note.note if rule.ceiling_note and rule.ceiling_note.note else "plafond annuel inconnu"
        parts.append(f"Plafond annuel : {note}")
    for cap in caps:
        parts.append(
            f"Plafond horaire {cap.label or ''} : {_money(cap.amount, 'par heure et par stagiaire')}".replace("  ", " ")
        )
    if caps and split and len(split) > 1:
        hours = " + ".join(f"{fr_hours(h)} {MODALITY_FR.get(m, m)}" for m, h in split.items())
        parts.append(f"Heures par stagiaire : {hours}")
    if rule.rate_min and rule.rate_max:
        parts.append(
            f"Taux selon l'offre : {rule.rate_min.note} à {rule.rate_max.note} "
            f"({rule.rate_min.year}, {STATUS_FR[rule.rate_min.status]})"
        )
    return " ; ".join(parts)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _confidence(figures: list[Figure], year: int, exhausted: bool, high: Decimal | None, headcount: int) -> Confidence:
    if high is None:
        return "none" if not figures else "low"
    solid = all(f.status in ("confirmed", "secondary") and f.year >= year for f in figures)
    over = headcount > common_rules().mutualised_max_headcount.value
    return "medium" if solid and not exhausted and not over else "low"


def _warnings(
    profile: OpcoProfile,
    rule: Rule,
    band: Band | None,
    year: int,
    headcount: int,
    notes: list[str],
    cap_notes: list[str],
) -> list[str]:
    texts = [common_rules().within_funds_warning.text, *cap_notes]
    if band and band.amount.known:
        texts.append(common_rules().yearly_ceiling_warning.text)
    else:
        texts.append(
            f"Plafond annuel inconnu pour cette règle : vérifiez la page de critères ({profile.criteria_url})."
        )
    texts += notes
    used = [f for f in ([band.amount] if band else []) + [c.amount for c in rule.caps] if f.known]
    if used and max(f.year for f in used) < year:
        texts.append(
            f"Règles de {max(f.year for f in used)} : les critères {year} ne sont pas encore connus ici, à vérifier."
        )
    if headcount > common_rules().mutualised_max_headcount.value:
        texts.append("Fonds conventionnels de la branche, distincts des fonds mutualisés : à confirmer avec l'OPCO.")
    return texts
