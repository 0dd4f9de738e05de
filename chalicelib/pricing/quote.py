"""The price of a training action: the only place a price is computed. Pure.

Each catalogue training has two prices: a seat in an inter-company session (per trainee) and a
private intra-company session (a flat group price for up to `group_max` trainees). We quote, per
training, whichever costs the client less: per-trainee seats for small groups, the group price (one
session per `group_max` trainees, rounded up) once seats would cost more. That is what a consultant
does by hand, and the devis says which price applies. A consultant's agreed price (total HT for the
group) replaces the computed lines with one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from chalicelib.catalogue import Training
from chalicelib.formats import to_cents

Pricing = Literal["inter", "intra", "agreed"]


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


def training_line(training: Training, trainees: int) -> QuoteLine:
    seats = training.price_per_trainee_ht * trainees
    sessions = -(-trainees // training.group_max)
    group = training.price_group_ht * sessions
    inter = seats <= group  # the cheaper of the two prices (module docstring)
    intra_label = f"{training.title} (intra-entreprise, jusqu'à {training.group_max} stagiaires par session)"
    return QuoteLine(
        label=training.title if inter else intra_label,
        pricing="inter" if inter else "intra",
        hours=training.hours,
        trainees=trainees,
        quantity=trainees if inter else sessions,
        unit_price_ht=training.price_per_trainee_ht if inter else training.price_group_ht,
        amount_ht=to_cents(seats if inter else group),
    )


def build_quote(
    trainings: Sequence[Training],
    trainees: int,
    agreed_price_ht: Decimal | None = None,
    *,
    vat_exempt: bool = True,
    vat_rate: Decimal = Decimal("0.20"),
) -> Quote:
    if agreed_price_ht is not None:
        price = to_cents(agreed_price_ht)
        lines: tuple[QuoteLine, ...] = (
            QuoteLine(
                label=" + ".join(t.title for t in trainings),
                pricing="agreed",
                hours=sum((t.hours for t in trainings), Decimal(0)),
                trainees=trainees,
                quantity=1,
                unit_price_ht=price,
                amount_ht=price,
            ),
        )
    else:
        lines = tuple(training_line(t, trainees) for t in trainings)
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
