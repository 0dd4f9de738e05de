"""Reminders to clients before the filing deadline (J-7 and J-2), and the client actions of the day
for the consultants' digest.

A reminder goes to a client whose lead is "envoyé au client" (not yet filed), whose link still
works, who has not said it filed and has not stopped reminders. Each reminder is sent once per
deadline (a changed start date gives new reminders).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.client import tokens
from chalicelib.client.mail import reminder_message, unsubscribe_headers
from chalicelib.client.wiring import ReminderPorts, reminder_ports
from chalicelib.leads.client_space import ClientSpace
from chalicelib.leads.listing import LeadFilter
from chalicelib.leads.model import Lead, LeadStatus
from chalicelib.observability import logger, metrics
from chalicelib.pages import lead_url
from chalicelib.pricing.deadline import deadline

if TYPE_CHECKING:
    from chalicelib.ports import ClientSpaces

REMINDER_DAYS = (7, 2)

ACTION_LABELS = {
    "lien_ouvert": "a ouvert sa page",
    "telechargement": "a téléchargé un document",
    "signature_client": "a signé un document",
    "depot_declare": "a déclaré le dépôt de la demande (à confirmer)",
    "decision_declaree": "a déclaré la décision de l'OPCO (à confirmer)",
    "decision_televersee": "a joint le courrier de décision",
    "rappels_arretes": "a arrêté les rappels",
    "rappels_actives": "a réactivé les rappels",
}


def due_reminder(space: ClientSpace, deposit_before: date | None, today: date, now: datetime) -> str | None:
    """The reminder to send today ("J-7:<deadline>" or "J-2:<deadline>"), or None. Pure."""
    link = space.link
    if deposit_before is None or link is None or link.revoked_at or link.expires_at <= now:
        return None
    if space.filing is not None or space.reminders_off:
        return None
    days_left = (deposit_before - today).days
    for days in sorted(REMINDER_DAYS):  # J-2 first: a late first send does not also send J-7
        mark = f"J-{days}:{deposit_before.isoformat()}"
        if 0 <= days_left <= days:
            return None if mark in space.reminders_sent else mark
    return None


def _remind(ports: ReminderPorts, lead: Lead, today: date, now: datetime) -> bool:
    store = ports.spaces
    space = store.space(lead.id)
    deposit_before = deadline(lead, today).deposit_before
    mark = due_reminder(space, deposit_before, today, now)
    if mark is None or deposit_before is None or space.link is None:
        return False
    token = tokens.token_for(ports.form_secret(), space.link.nonce)
    days_left = (deposit_before - today).days
    # Recorded before sending: a crash between the two loses one reminder rather than doubling it.
    store.update(lead.id, lambda s: s.model_copy(update={"reminders_sent": (*s.reminders_sent, mark)}), read=space)
    base_url = ports.public_base_url
    message = reminder_message(lead, token, base_url=base_url, deposit_before=deposit_before, days_left=days_left)
    ports.mail.send(lead.email, *message, headers=unsubscribe_headers(base_url, token))
    ports.leads.add_event(
        lead.id, "rappel_envoye", at=now, details={"echeance": deposit_before.isoformat()}, expires_at=lead.expires_at
    )
    return True


def client_reminders(event: Any) -> dict[str, int]:
    return send_reminders(now=datetime.now(UTC))


def send_reminders(*, now: datetime, ports: ReminderPorts | None = None) -> dict[str, int]:
    today, sent, cursor = now.date(), 0, None
    ports = ports or reminder_ports()
    store = ports.leads
    while True:
        page = store.list_leads(LeadFilter(status=LeadStatus.envoye_client.value), limit=100, cursor=cursor)
        for lead in page.leads:
            try:
                sent += _remind(ports, lead, today, now)
            except Exception:  # one bad lead must not stop the others' reminders
                logger.exception("client reminder failed", extra={"lead_id": lead.id})
                metrics.add_metric(name="ClientReminderFailed", unit=MetricUnit.Count, value=1)  # alarmed
        cursor = page.cursor
        if not cursor:
            break
    logger.info("client reminders", extra={"sent": sent})
    return {"sent": sent}


def actions_since(since: datetime, until: datetime, *, spaces: ClientSpaces) -> list[dict[str, Any]]:
    """The client actions between two moments (the digest's last 24 hours), oldest first."""
    days = {since.date(), until.date()}
    rows = [a for day in sorted(days) for a in spaces.actions_of(day)]
    return sorted((a for a in rows if since.isoformat() <= a["at"] < until.isoformat()), key=lambda a: a["at"])


def digest_lines(actions: list[dict[str, Any]], base_url: str) -> list[str]:
    if not actions:
        return []
    lines = ["", "Actions des clients sur leur page (dernières 24 heures) :", ""]
    for a in actions:
        what = ACTION_LABELS.get(a["kind"], a["kind"])
        lines.append(f"- {a['at'][11:16]} UTC — le client {what} — {lead_url(base_url, a['lead_id'])}")
    return lines
