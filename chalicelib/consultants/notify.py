"""Emails to the consultants' address through SES: a new lead, and a daily digest of near deadlines.

The messages carry what a consultant needs to act (OPCO, training, trainees, dates, a link to the
lead) and no contact details: names, e-mail addresses and phones stay behind the sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.client.reminders import actions_since, digest_lines
from chalicelib.consultants import presenter
from chalicelib.dossier.events import PackBuilt
from chalicelib.formats import fr_date
from chalicelib.leads.listing import LeadFilter
from chalicelib.leads.model import Lead
from chalicelib.leads.store import leads_store
from chalicelib.leads.workflow import label
from chalicelib.mailer import notifier
from chalicelib.observability import logger
from chalicelib.pages import lead_url
from chalicelib.pricing.deadline import deadline

if TYPE_CHECKING:
    from chalicelib.ports import ClientSpaces, LeadListing, Mailer, PackRecords


DIGEST_DAYS = 7


def new_lead_message(lead: Lead, today: date, base_url: str) -> tuple[str, str]:
    e = presenter.effective(lead)
    dl = deadline(lead, today)
    opco = lead.opco_name or "OPCO à confirmer"
    subject = f"Nouvelle demande de formation — {opco} — {e['trainees']} stagiaire(s)"
    lines = [
        "Une nouvelle demande est arrivée et son dossier est prêt à relire.",
        "",
        f"OPCO : {opco}",
        f"Formation(s) : {', '.join(t.title for t in e['trainings']) or 'à préciser'}",
        f"Stagiaires : {e['trainees']}",
        f"Début souhaité : {fr_date(e['start_date'])}",
        f"Demande {dl.wording}" + (" (EN RETARD)" if dl.late else ""),
        "",
        f"Ouvrir le dossier : {lead_url(base_url, lead.id)}",
    ]
    return subject, "\n".join(lines)


def notify_new_lead(lead: Lead, *, today: date, ports: NewLeadPorts) -> None:
    """Best effort, as every "pack built" listener: dossier/events.py's publish logs a failure (the pack
    is built whatever SES says) and does not retry it."""
    subject, body = new_lead_message(lead, today, ports.public_base_url)
    ports.mailer.send(subject, body)
    logger.info("new lead notified")


@dataclass(frozen=True)
class NewLeadPorts:
    """What the new-lead e-mail reads and sends through; tests hand in tests/fakes*.py's."""

    leads: PackRecords  # the lead whose first pack was built
    mailer: Mailer  # the consultants' address
    public_base_url: str  # the link to the lead


def new_lead_ports() -> NewLeadPorts:
    """The real adapters (DynamoDB, SES) and the site's address."""
    from chalicelib.config import settings

    return NewLeadPorts(leads_store(), notifier(), settings().public_base_url)


def on_pack_built(event: PackBuilt, *, ports: NewLeadPorts | None = None) -> None:
    """A lead's first pack makes it a new lead for the consultants: one email per lead."""
    if event.version == 1:
        ports = ports or new_lead_ports()
        notify_new_lead(ports.leads.get(event.lead_id), today=event.today, ports=ports)


def leads_due(store: LeadListing, today: date, days: int = DIGEST_DAYS) -> list[Lead]:
    """Leads not yet filed whose filing deadline falls within `days` days (today included)."""
    due = []
    for status in presenter.BEFORE_FILING:
        cursor = None
        while True:
            page = store.list_leads(LeadFilter(status=status.value), limit=100, cursor=cursor)
            for lead in page.leads:
                deposit = deadline(lead, today).deposit_before
                if deposit and today <= deposit <= today + timedelta(days=days):
                    due.append(lead)
            cursor = page.cursor
            if not cursor:
                break
    return sorted(due, key=lambda lead: deadline(lead, today).deposit_before or date.max)  # all dated


def digest_message(leads: list[Lead], today: date, base_url: str) -> tuple[str, str]:
    subject = (
        f"Échéances OPCO : {len(leads)} dossier(s) à déposer d'ici le {fr_date(today + timedelta(days=DIGEST_DAYS))}"
    )
    lines = ["Dossiers dont la demande de prise en charge doit être déposée dans les 7 jours :", ""]
    for lead in leads:
        opco = lead.opco_name or "OPCO à confirmer"
        deposit = deadline(lead, today).deposit_before
        lines.append(f"- avant le {fr_date(deposit)} — {opco} — {label(lead.status)} — {lead_url(base_url, lead.id)}")
    return subject, "\n".join(lines)


def deadline_digest(event: Any) -> dict[str, int]:
    now = datetime.now(UTC)
    return send_digest(today=now.date(), now=now)


@dataclass(frozen=True)
class DigestPorts:
    """What the daily digest reads and sends through; tests hand in tests/fakes*.py's."""

    leads: LeadListing
    spaces: ClientSpaces  # the client actions of the day
    mailer: Mailer  # the consultants' address
    public_base_url: str  # the links to the leads


def digest_ports() -> DigestPorts:
    """The real adapters (DynamoDB, SES) and the site's address: the one place they are wired."""
    from chalicelib.config import settings
    from chalicelib.leads.store_client import client_store

    return DigestPorts(leads_store(), client_store(), notifier(), settings().public_base_url)


def send_digest(*, today: date, now: datetime | None = None, ports: DigestPorts | None = None) -> dict[str, int]:
    """Near deadlines, and what clients did on their page during the last 24 hours."""
    ports = ports or digest_ports()
    leads = leads_due(ports.leads, today)
    now = now or datetime.combine(today, datetime.min.time(), UTC)
    actions = actions_since(now - timedelta(days=1), now, spaces=ports.spaces)
    if leads or actions:
        subject, body = digest_message(leads, today, ports.public_base_url)
        if not leads:
            subject = f"Espace client : {len(actions)} action(s) de clients"
        ports.mailer.send(subject, body + "\n".join(["", *digest_lines(actions, ports.public_base_url)]))
    logger.info("deadline digest", extra={"due": len(leads), "client_actions": len(actions)})
    return {"due": len(leads), "client_actions": len(actions)}
