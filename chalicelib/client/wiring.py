"""The client room's adapters, wired in one place: the page's services, the worker's jobs, the reminders.

Each service takes its ports as a parameter defaulting to these (tests hand in tests/fakes*.py's);
the settings a service needs come from here too. Adapters are imported inside the functions: the
API Lambda imports this module and must not load what it never uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.ports import (
        ClientDocuments,
        ClientMail,
        ClientSpaces,
        JobQueue,
        LeadHistory,
        Mailer,
        PackDocuments,
        PackReader,
        ReminderLeads,
        SignedFiles,
    )


@dataclass(frozen=True)
class ClientPorts:
    """What the client's page uses (chalicelib/client/service.py)."""

    spaces: ClientSpaces
    leads: LeadHistory
    packs: PackDocuments  # the dossier bucket: a document to download, the prefill the page shows
    documents: ClientDocuments  # the client bucket: signed copies, uploaded letters
    jobs: JobQueue  # the worker's queue: stamping a signature, checking an upload
    consultants: Mailer
    presign_expiry_s: int
    public_base_url: str


def client_ports() -> ClientPorts:
    """The real adapters (DynamoDB, both buckets, SQS, SES) and settings."""
    from chalicelib.config import settings
    from chalicelib.dossier.client_files import client_files
    from chalicelib.dossier.jobs import dossier_jobs
    from chalicelib.dossier.storage import PRESIGN_MAX_S, dossier_storage
    from chalicelib.leads.store import leads_store
    from chalicelib.leads.store_client import client_store
    from chalicelib.mailer import notifier

    s = settings()
    return ClientPorts(
        spaces=client_store(),
        leads=leads_store(),
        packs=dossier_storage(),
        documents=client_files(),
        jobs=dossier_jobs(),
        consultants=notifier(),
        presign_expiry_s=min(s.presign_expiry_s, PRESIGN_MAX_S),
        public_base_url=s.public_base_url,
    )


@dataclass(frozen=True)
class WorkPorts:
    """What the worker's client jobs use (chalicelib/client/work.py)."""

    spaces: ClientSpaces
    leads: LeadHistory
    packs: PackReader  # the dossier bucket: the PDF the client signed
    files: SignedFiles  # the client bucket
    consultants: Mailer
    stage: str  # the organisme's letterhead on the signature certificate
    public_base_url: str  # the consultants' link to the lead


def work_ports() -> WorkPorts:
    """The real adapters (DynamoDB, both buckets, SES), the stage and the site's address."""
    from chalicelib.config import settings
    from chalicelib.dossier.client_files import client_files
    from chalicelib.dossier.storage import dossier_storage
    from chalicelib.leads.store import leads_store
    from chalicelib.leads.store_client import client_store
    from chalicelib.mailer import notifier

    s = settings()
    return WorkPorts(
        client_store(), leads_store(), dossier_storage(), client_files(), notifier(), s.stage, s.public_base_url
    )


@dataclass(frozen=True)
class ReminderPorts:
    """What the reminders and the digest's client actions use (chalicelib/client/reminders.py)."""

    leads: ReminderLeads
    spaces: ClientSpaces
    mail: ClientMail  # to the client's own address
    form_secret: Callable[[], str]  # the personal link's key
    public_base_url: str  # the client's page, its unsubscribe link


def reminder_ports() -> ReminderPorts:
    """The real adapters (DynamoDB, SES, Secrets Manager) and the site's address."""
    from chalicelib.config import settings
    from chalicelib.leads.store import leads_store
    from chalicelib.leads.store_client import client_store
    from chalicelib.mailer import client_mailer
    from chalicelib.secret_store import form_token_secret

    return ReminderPorts(leads_store(), client_store(), client_mailer(), form_token_secret, settings().public_base_url)
