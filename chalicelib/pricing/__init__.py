"""One pricing truth. Pure and light (it runs on the request path: no fpdf, no Jinja2).

The devis, the live preview (GET /opco), the estimate stored at intake, the consultant's pages and
API and prefill.json all price a lead here, so the figure a consultant reads is the one the client
signs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from chalicelib.catalogue import catalogue
from chalicelib.leads.model import Lead
from chalicelib.opco import FundingEstimate, FundingQuery, estimate_funding
from chalicelib.web import UserError

from .action import TrainingAction, action_for_lead, branch_idcc, make_action
from .quote import Quote, QuoteLine, build_quote, training_line

__all__ = [
    "PreviewError",
    "Priced",
    "Quote",
    "QuoteLine",
    "TrainingAction",
    "action_for_lead",
    "build_quote",
    "estimate_for",
    "make_action",
    "preview_estimate",
    "price_action",
    "price_lead",
    "training_line",
]


class PreviewError(UserError, ValueError):
    """A figure of the estimate preview the visitor got wrong."""


class Priced(BaseModel):
    """A training action, its quote and the OPCO's estimated share of it."""

    model_config = ConfigDict(frozen=True)
    action: TrainingAction
    quote: Quote
    estimate: FundingEstimate | None


def estimate_for(
    action: TrainingAction, quote: Quote, *, opco_code: str | None, idcc: str | None, headcount: int, today: date
) -> FundingEstimate | None:
    if not action.trainings or action.hours <= 0:
        return None
    query = FundingQuery(
        opco_code=opco_code,
        idcc=idcc,
        headcount=headcount,
        trainees=action.trainees,
        hours=action.hours,
        hours_by_modality=action.hours_by_modality,
        price_ht=quote.total_ht,
        vat_rate=quote.vat_rate,
        start_date=action.start_date,
        today=today,
    )
    return estimate_funding(query)


def price_action(
    action: TrainingAction,
    *,
    opco_code: str | None,
    idcc: str | None,
    headcount: int,
    today: date,
    vat_exempt: bool = True,
    vat_rate: Decimal = Decimal("0.20"),
) -> Priced:
    quote = build_quote(
        action.trainings, action.trainees, action.agreed_price_ht, vat_exempt=vat_exempt, vat_rate=vat_rate
    )
    estimate = estimate_for(action, quote, opco_code=opco_code, idcc=idcc, headcount=headcount, today=today)
    return Priced(action=action, quote=quote, estimate=estimate)


def price_lead(lead: Lead, today: date, *, vat_exempt: bool = True, vat_rate: Decimal = Decimal("0.20")) -> Priced:
    """The lead as the pack prices it: the consultant's edits, else the lead's request."""
    return price_action(
        action_for_lead(lead),
        opco_code=lead.opco_code,
        idcc=branch_idcc(lead),
        headcount=lead.headcount,
        today=today,
        vat_exempt=vat_exempt,
        vat_rate=vat_rate,
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
    priced = price_action(
        make_action((training,), trainees, None), opco_code=opco_code, idcc=idcc, headcount=headcount, today=today
    )
    return {
        "training": training,
        "trainees": trainees,
        "price_ht": str(priced.quote.total_ht),
        **(priced.estimate.model_dump(mode="json") if priced.estimate else {}),
    }
