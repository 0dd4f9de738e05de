"""E-mails of the client space (SES): the personal link and reminders to the client; notices to consultants.

The client's messages go to the lead's contact address only; the consultants' notices carry no
contact details (names, addresses and phones stay behind the sign-in), like consultants/notify.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.formats import fr_date
from chalicelib.leads.model import Lead
from chalicelib.observability import logger


class ClientMailer:
    """SES adapter: one plain-text message to one client address."""

    def __init__(self, client: Any, sender: str):
        self._ses = client
        self._sender = sender

    def send(self, to: str, subject: str, body: str, *, headers: dict[str, str] | None = None) -> str | None:
        if not self._sender:
            logger.warning("client e-mail skipped: SENDER_EMAIL unset")
            return None
        if headers:  # SES's simple send takes no headers of ours: a raw MIME message does
            raw = _raw_message(self._sender, to, subject, body, headers)
            sent = self._ses.send_raw_email(Source=self._sender, Destinations=[to], RawMessage={"Data": raw})
            return str(sent["MessageId"])
        resp = self._ses.send_email(
            Source=self._sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
            },
        )
        return str(resp["MessageId"])


def _raw_message(sender: str, to: str, subject: str, body: str, headers: dict[str, str]) -> bytes:
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import formatdate

    msg = EmailMessage(policy=SMTP)
    msg["From"], msg["To"], msg["Subject"], msg["Date"] = sender, to, subject, formatdate(usegmt=True)
    for name, value in headers.items():
        msg[name] = value
    msg.set_content(body, charset="utf-8", cte="quoted-printable")  # 7-bit on the wire, as SES advises
    return msg.as_bytes()


def client_mailer() -> ClientMailer:
    from chalicelib import aws
    from chalicelib.config import settings

    return ClientMailer(aws.ses(), settings().sender_email)


def page_url(token: str) -> str:
    from chalicelib.config import settings

    return f"{settings().public_base_url}/client/{token}"


def link_message(lead: Lead, token: str, *, consultant: str, deposit_before: date | None) -> tuple[str, str]:
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
        f"Votre page : {page_url(token)}",
        "",
        "Ce lien est personnel et valable 60 jours : ne le transférez pas. S'il a expiré,",
        "répondez à ce message pour en recevoir un nouveau.",
    ]
    return subject, "\n".join(lines)


def reminder_message(lead: Lead, token: str, *, deposit_before: date, days_left: int) -> tuple[str, str]:
    subject = f"Rappel : votre demande de prise en charge est à déposer avant le {fr_date(deposit_before)}"
    lines = [
        f"Bonjour {lead.first_name} {lead.last_name},",
        "",
        f"Il reste {days_left} jour(s) pour déposer la demande de prise en charge de votre formation",
        f"auprès de votre OPCO (au plus tard le {fr_date(deposit_before)}).",
        "Les étapes et les champs pré-remplis sont sur votre page ; une fois la demande déposée,",
        "indiquez-le sur la page : les rappels s'arrêtent.",
        "",
        f"Votre page : {page_url(token)}",
        "",
        f"Ne plus recevoir ces rappels : {unsubscribe_url(token)}",
    ]
    return subject, "\n".join(lines)


def unsubscribe_url(token: str) -> str:
    return f"{page_url(token)}/rappels/arret"


def unsubscribe_headers(token: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: the mailbox shows its own button and POSTs to the URL."""
    return {"List-Unsubscribe": f"<{unsubscribe_url(token)}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def notify_consultants(lead: Lead, what: str) -> None:
    """Best effort: the client's action is stored whatever SES says."""
    from chalicelib.consultants.notify import lead_url, notifier

    try:
        notifier().send(f"Espace client : {what}", f"{what}.\n\nOuvrir le dossier : {lead_url(lead.id)}")
    except Exception:
        logger.exception("client action notification failed")
