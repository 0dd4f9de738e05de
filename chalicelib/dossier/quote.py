"""The training action a lead asks for, its price, and the OPCO's estimated share. Pure and light:
it runs on the request path (intake), so it imports no fpdf and no Jinja2.

Pricing. Each catalogue training has two prices: a seat in an inter-company session (per trainee)
and a private intra-company session (a flat group price for up to `group_max` trainees). We quote,
per training, whichever costs the client less: per-trainee seats for small groups, the group price
(one session per `group_max` trainees, rounded up) once seats would cost more. That is what a
consultant does by hand, and the devis says which price applies. A consultant's agreed price
(DossierFields.price_ht, total HT for the group) replaces the computed lines with one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from chalicelib.catalogue import MODALITY_LABELS, Training, catalogue
from chalicelib.formats import to_cents
from chalicelib.leads.model import DossierFields, Lead
from chalicelib.opco import FundingEstimate, estimate_funding
from chalicelib.opco.deadlines import is_working_day

Pricing = Literal["inter", "intra", "agreed"]
# The OPCO rules speak of distance learning as "distanciel"; our catalogue says "elearning".
ESTIMATE_MODALITY = {"elearning": "distanciel"}
REMOTE = frozenset({"classe_virtuelle", "elearning"})


class PreviewError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class QuoteLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    label: str
    pricing: Pricing
    hours: Decimal  # per trainee
    trainees: int
    quantity: int  # seats, sessions, or 1 for an agreed price
    unit_price_ht: Decimal
    amount_ht: Decimal

    @property
    def unit_label(self) -> str:
        return {"inter": "par stagiaire", "intra": "par session intra", "agreed": "forfait convenu"}[self.pricing]


class Quote(BaseModel):
    model_config = ConfigDict(frozen=True)
    lines: tuple[QuoteLine, ...]
    total_ht: Decimal
    vat_exempt: bool
    vat_rate: Decimal
    vat_amount: Decimal
    total_ttc: Decimal


class TrainingAction(BaseModel):
    """What will be delivered: the lead's request with the consultant's adjustments applied."""

    model_config = ConfigDict(frozen=True)
    trainings: tuple[Training, ...]
    trainees: int
    start_date: date | None
    end_date: date | None
    modality: str
    place: str
    subrogation: bool | None
    agreed_price_ht: Decimal | None

    @property
    def hours(self) -> Decimal:
        """Hours per trainee, all trainings together."""
        return sum((t.hours for t in self.trainings), Decimal(0))

    @property
    def modality_label(self) -> str:
        return MODALITY_LABELS.get(self.modality, self.modality)


def action_for_lead(lead: Lead) -> TrainingAction:
    fields = lead.dossier
    return make_action(
        fields.trainings or lead.trainings,
        fields.trainees or lead.trainees,
        fields.start_date or lead.start_date,
        fields,
    )


def make_action(
    training_ids: tuple[str, ...], trainees: int, start: date | None, fields: DossierFields = DossierFields()
) -> TrainingAction:
    cat = catalogue()
    trainings = tuple(t for t in (cat.get(i) for i in training_ids) if t is not None)
    modalities = {t.modality for t in trainings}
    modality = fields.modality or (modalities.pop() if len(modalities) == 1 else "mixte")
    days = sum((t.days for t in trainings), Decimal(0))
    return TrainingAction(
        trainings=trainings,
        trainees=trainees,
        start_date=start,
        end_date=fields.end_date or _planned_end(start, days),
        modality=modality,
        place=fields.place or _default_place(modality),
        subrogation=fields.subrogation,
        agreed_price_ht=fields.price_ht,
    )


def _planned_end(start: date | None, days: Decimal) -> date | None:
    """Consecutive working days from the start, one per training day (the consultant may adjust)."""
    if start is None:
        return None
    end, left = start, max(int(days.to_integral_value(rounding="ROUND_CEILING")), 1) - 1
    while left > 0:
        end += timedelta(days=1)
        if is_working_day(end):
            left -= 1
    return end


def _default_place(modality: str) -> str:
    if modality in REMOTE:
        return "À distance (classe virtuelle ; lien de connexion transmis à chaque stagiaire)"
    return "Dans les locaux de l'entreprise cliente (adresse à confirmer)"


def training_line(training: Training, trainees: int) -> QuoteLine:
    seats = training.price_per_trainee_ht * trainees
    sessions = -(-trainees // training.group_max)
    group = training.price_group_ht * sessions
    if seats <= group:
        return QuoteLine(
            label=training.title,
            pricing="inter",
            hours=training.hours,
            trainees=trainees,
            quantity=trainees,
            unit_price_ht=training.price_per_trainee_ht,
            amount_ht=to_cents(seats),
        )
    return QuoteLine(
        label=f"{training.title} (intra-entreprise, jusqu'à {training.group_max} stagiaires par session)",
        pricing="intra",
        hours=training.hours,
        trainees=trainees,
        quantity=sessions,
        unit_price_ht=training.price_group_ht,
        amount_ht=to_cents(group),
    )


def build_quote(action: TrainingAction, *, vat_exempt: bool = True, vat_rate: Decimal = Decimal("0.20")) -> Quote:
    if action.agreed_price_ht is not None:
        price = to_cents(action.agreed_price_ht)
        lines: tuple[QuoteLine, ...] = (
            QuoteLine(
                label=" + ".join(t.title for t in action.trainings),
                pricing="agreed",
                hours=action.hours,
                trainees=action.trainees,
                quantity=1,
                unit_price_ht=price,
                amount_ht=price,
            ),
        )
    else:
        lines = tuple(training_line(t, action.trainees) for t in action.trainings)
    total = to_cents(sum((line.amount_ht for line in lines), Decimal(0)))
    # CGI art. 261-4-4° a: exempt continuing training carries no VAT at all.
    vat = Decimal("0.00") if vat_exempt else to_cents(total * vat_rate)
    return Quote(
        lines=lines,
        total_ht=total,
        vat_exempt=vat_exempt,
        vat_rate=Decimal(0) if vat_exempt else vat_rate,
        vat_amount=vat,
        total_ttc=total + vat,
    )


def estimate_for(
    action: TrainingAction, quote: Quote, *, opco_code: str | None, idcc: str | None, headcount: int, today: date
) -> FundingEstimate | None:
    if not action.trainings:
        return None
    return estimate_funding(
        opco_code=opco_code,
        idcc=idcc,
        headcount=headcount,
        trainees=action.trainees,
        hours=float(action.hours),
        price_ht=quote.total_ht,
        modality=ESTIMATE_MODALITY.get(action.modality, action.modality),
        start_date=action.start_date,
        today=today,
    )


def estimate_for_lead(lead: Lead, today: date) -> FundingEstimate | None:
    """The OPCO's estimated share of the quoted price (HT); None when no known training is asked for."""
    action = action_for_lead(lead)
    return estimate_for(
        action, build_quote(action), opco_code=lead.opco_code, idcc=lead.idcc, headcount=lead.headcount, today=today
    )


def preview_estimate(
    params: Mapping[str, str], *, opco_code: str | None, idcc: str | None, today: date
) -> dict[str, Any]:
    """GET /opco?headcount=8[&training=<id>][&trainees=3]: the estimate before the form is sent.
    Without `training`, the catalogue's first (entry) training is assumed; the answer names it.
    Raise PreviewError (a ValueError) naming the field, with a French message."""
    training = params.get("training") or catalogue().trainings[0].id
    if catalogue().get(training) is None:
        raise PreviewError("training", "Formation inconnue.")
    try:
        headcount, trainees = int(params["headcount"]), int(params.get("trainees") or 1)
    except ValueError:
        raise PreviewError("headcount", "Effectif et nombre de stagiaires : des nombres entiers.") from None
    if not (0 <= headcount <= 1_000_000 and 1 <= trainees <= 1000):
        raise PreviewError("headcount", "Effectif ou nombre de stagiaires hors limites.")
    action = make_action((training,), trainees, None)
    quote = build_quote(action)
    estimate = estimate_for(action, quote, opco_code=opco_code, idcc=idcc, headcount=headcount, today=today)
    return {
        "training": training,
        "trainees": trainees,
        "price_ht": str(quote.total_ht),
        **(estimate.model_dump(mode="json") if estimate else {}),
    }
