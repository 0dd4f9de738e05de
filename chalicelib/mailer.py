"""The only code that sends e-mail (SES): plain-text messages to the consultants' address, or to one client.

Both read SENDER_EMAIL (and NOTIFY_EMAIL for the consultants) and skip sending, with a warning, when
it is unset: a local stack or a test without SES configured still stores what it must.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient


class ClientMailer:
    """SES adapter: one plain-text message to one address (a client's); with `headers` (the reminders'
    one-click unsubscribe), a raw MIME message."""

    def __init__(self, client: SESClient, sender: str):
        self._ses = client
        self._sender = sender

    def send(self, to: str, subject: str, body: str, *, headers: dict[str, str] | None = None) -> str | None:
        if not self._sender:
            logger.warning("e-mail skipped: SENDER_EMAIL unset")
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


class Notifier:
    """One plain-text message to the consultants' address (ports.Mailer)."""

    def __init__(self, client: SESClient, sender: str, recipient: str):
        self._mailer = ClientMailer(client, sender)
        self._recipient = recipient

    def send(self, subject: str, body: str) -> str | None:
        if not self._recipient:
            logger.warning("notification skipped: NOTIFY_EMAIL unset")
            return None
        return self._mailer.send(self._recipient, subject, body)


def notifier() -> Notifier:
    from chalicelib import aws
    from chalicelib.config import settings

    return Notifier(aws.ses(), settings().sender_email, settings().notify_email)
