"""The lead's filing deadline: its OPCO's lead time before the start of the action priced here. Pure."""

from __future__ import annotations

from datetime import date

from chalicelib.leads.model import Lead
from chalicelib.opco import FilingDeadline, filing_deadline
from chalicelib.pricing.action import action_for_lead


def deadline(lead: Lead, today: date) -> FilingDeadline:
    return filing_deadline(opco_code=lead.opco_code, start_date=action_for_lead(lead).start_date, today=today)
