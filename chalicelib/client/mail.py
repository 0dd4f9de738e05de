"""E-mails of the client space (SES): the personal link and reminders to the client; notices to consultants.

The client's messages go to the lead's contact address only; the consultants' notices carry no
contact details (names, addresses and phones stay behind the sign-in), like consultants/notify.py.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from chalicelib.formats import fr_date
from chalicelib.leads.model import Lead
from chalicelib.observability import logger
from chalicelib.pages import lead_url

if TYPE_CHECKING:
    from chalicelib.ports import Mailer


def page_url(base_url: str, token: str) -> str:
    return f"{base_url}/client/{token}"


def link_message(
    lead: Lead, token: str, *, base_url: str, consultant: str, deposit_before: date | None
) -> tuple[str, str]:
    subject = "Votre dossier de financement de formation : documents à signer"
    lines = [
        f"Bonjour {lead.first_name} {lead.last_name},",
        "",
        f"{consultant} a préparé le dossier de financement de votre formation pour {lead.company_name}.",
        "Sur votre page personnelle, vous trouverez votre OPCO, l'estimation de la prise en charge,",
        "les documents à télécharger et à signer, et les étapes pour déposer la demande.",
        "",
        f"Date limite de dépôt de la demande à l'OPCO : {fr_date(deposit_before, 'à confirmer avec nous')}",
        "",
        f"Votre page : {page_url(base_url, token)}",
        "",
        "Ce lien est personnel et valable 60 jours : ne le transférez pas. S'il a expiré,",
        "répondez à ce message pour en recevoir un nouveau.",
    ]
    return subject, "\n".join(lines)


def reminder_message(lead: Lead, token: str, *, base_url: str, deposit_before: date, days_left: int) -> tuple[str, str]:
    subject = f"Rappel : votre demande de prise en charge est à déposer avant le {fr_date(deposit_before)}"
    lines = [
        f"Bonjour {lead.first_name} {lead.last_name},",
        "",
        f"Il reste {days_left} jour(s) pour déposer la demande de prise en charge de votre formation",
        f"auprès de votre OPCO (au plus tard le {fr_date(deposit_before)}).",
        "Les étapes et les champs pré-remplis sont sur votre page ; une fois la demande déposée,",
        "indiquez-le sur la page : les rappels s'arrêtent.",
        "",
        f"Votre page : {page_url(base_url, token)}",
        "",
        f"Ne plus recevoir ces rappels : {unsubscribe_url(base_url, token)}",
    ]
    return subject, "\n".join(lines)


def unsubscribe_url(base_url: str, token: str) -> str:
    return f"{page_url(base_url, token)}/rappels/arret"


def unsubscribe_headers(base_url: str, token: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: the mailbox shows its own button and POSTs to the URL."""
    url = unsubscribe_url(base_url, token)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def notify_consultants(lead: Lead, what: str, mailer: Mailer, base_url: str) -> None:
    """Best effort: the client's action is stored whatever SES says."""
    try:
        mailer.send(f"Espace client : {what}", f"{what}.\n\nOuvrir le dossier : {lead_url(base_url, lead.id)}")
    except Exception:
        logger.exception("client action notification failed")
