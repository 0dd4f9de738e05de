"""The client's personal link, e-mailed or revoked by a consultant (a new one replaces the last)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.client import tokens
from chalicelib.client.mail import link_message
from chalicelib.client.requests import Invalid
from chalicelib.client.service import now
from chalicelib.consultants.auth import Consultant
from chalicelib.leads.client_space import ClientSpace, Link, mask_email
from chalicelib.leads.model import Lead
from chalicelib.observability import logger
from chalicelib.pricing.deadline import deadline

if TYPE_CHECKING:
    from chalicelib.ports import ClientMail, ClientSpaces, LeadEvents


@dataclass(frozen=True)
class LinkPorts:
    """What sending and revoking a client's link use; tests hand in tests/fakes*.py's."""

    spaces: ClientSpaces
    leads: LeadEvents
    mail: ClientMail
    form_secret: Callable[[], str]  # the personal link's key
    public_base_url: str  # the client's page the e-mail links to


def link_ports() -> LinkPorts:
    """The real adapters (DynamoDB, SES, Secrets Manager) and the site's address: the one place they are wired."""
    from chalicelib.config import settings
    from chalicelib.leads.store import leads_store
    from chalicelib.leads.store_client import client_store
    from chalicelib.mailer import client_mailer
    from chalicelib.secret_store import form_token_secret

    return LinkPorts(client_store(), leads_store(), client_mailer(), form_token_secret, settings().public_base_url)


def send_link(
    lead: Lead, who: Consultant, *, at: datetime | None = None, ports: LinkPorts | None = None
) -> ClientSpace:
    """A new personal link e-mailed to the client; the previous one stops working at once."""
    at = at or now()
    if lead.pack is None:
        raise Invalid("client", "Le dossier n'est pas encore généré : attendez le statut « Dossier prêt ».")
    ports = ports or link_ports()
    store = ports.spaces
    space = store.space(lead.id)
    # The previous link's lookup item stays until it expires: the space names the current link, so
    # the old one gets "no longer valid" rather than "invalid".
    nonce = tokens.new_nonce()
    token = tokens.token_for(ports.form_secret(), nonce)
    link = Link(
        nonce=nonce,
        token_hash=tokens.token_hash(token),
        issued_at=at,
        expires_at=tokens.expiry(at),
        sent_to_hint=mask_email(lead.email),
        sent_by=who.label,
    )
    store.put_link(link.token_hash, lead.id, expires_at=link.expires_at)
    space = store.update(
        lead.id, lambda s: s.model_copy(update={"link": link, "expires_at": lead.expires_at}), read=space
    )
    subject, body = link_message(
        lead,
        token,
        base_url=ports.public_base_url,
        consultant=who.label,
        deposit_before=deadline(lead, at.date()).deposit_before,
    )
    ports.mail.send(lead.email, subject, body)
    ports.leads.record_event(
        lead.id,
        "lien_client_envoye",
        actor=who.label,
        now=at,
        details={"expire_le": link.expires_at.date().isoformat()},
    )
    logger.info("client link sent")
    return space


def revoke_link(lead_id: str, who: Consultant, *, ports: LinkPorts | None = None) -> None:
    ports = ports or link_ports()
    store = ports.spaces
    space = store.space(lead_id)
    if space.link is None or space.link.revoked_at:
        return
    at = now()

    def revoked(s: ClientSpace) -> ClientSpace | None:
        return s.model_copy(update={"link": s.link.model_copy(update={"revoked_at": at})}) if s.link else None

    store.update(lead_id, revoked, read=space)
    ports.leads.record_event(lead_id, "lien_client_revoque", actor=who.label, now=at, details={})
