"""The OPCO decision workflow: which status may follow which, with French reasons. Pure.

recu -> dossier_pret are set by the worker; consultants move a lead along
envoye_client -> demande_deposee -> accord | accord_partiel | refus -> formation_realisee,
or close it (abandonne) at any point. Spam stays apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict

from chalicelib.leads.model import STATUS_LABELS, LeadStatus, Tracking
from chalicelib.web import UserError

S = LeadStatus
AUTOMATIC = frozenset({S.recu, S.dossier_pret})
CLOSED = frozenset({S.formation_realisee, S.abandonne})
DECISIONS = frozenset({S.accord, S.accord_partiel, S.refus})

NEXT: dict[LeadStatus, frozenset[LeadStatus]] = {
    S.recu: frozenset({S.abandonne}),
    S.dossier_pret: frozenset({S.envoye_client, S.abandonne}),
    S.envoye_client: frozenset({S.demande_deposee, S.abandonne}),
    S.demande_deposee: frozenset({S.accord, S.accord_partiel, S.refus, S.abandonne}),
    S.accord: frozenset({S.formation_realisee, S.abandonne}),
    S.accord_partiel: frozenset({S.formation_realisee, S.abandonne}),
    S.refus: frozenset({S.abandonne}),
}


class TransitionRefused(UserError):
    """An illegal or incomplete status change; `message` is French, for the consultant."""

    def __init__(self, message: str, field: str = "status"):
        super().__init__(field, message)


class StatusChange(BaseModel):
    model_config = ConfigDict(frozen=True)
    status: LeadStatus
    on: date | None = None
    amount_granted: Decimal | None = None
    opco_file_number: str | None = None
    reason: str | None = None


def label(status: LeadStatus | str) -> str:
    return STATUS_LABELS[LeadStatus(status)]


def allowed_next(current: LeadStatus) -> list[LeadStatus]:
    """Statuses a consultant may choose from `current`, in workflow order."""
    return [s for s in LeadStatus if s in NEXT.get(current, frozenset())]


def check_transition(current: LeadStatus, target: LeadStatus) -> None:
    if target == current:
        raise TransitionRefused(f"Le dossier est déjà au statut « {label(current)} ».")
    if current == S.spam:
        raise TransitionRefused("Une demande indésirable reste à part : elle ne suit pas le circuit des dossiers.")
    if target == S.spam:
        raise TransitionRefused("Le statut « Indésirable » est réservé au filtre anti-spam.")
    if target in AUTOMATIC:
        raise TransitionRefused(
            "Les statuts « Reçu » et « Dossier prêt » sont posés automatiquement à la génération du dossier."
        )
    if current in CLOSED:
        raise TransitionRefused(f"Le dossier est clos (« {label(current)} ») : son statut ne change plus.")
    if target in NEXT[current]:
        return
    raise TransitionRefused(_reason(current, target))


def _reason(current: LeadStatus, target: LeadStatus) -> str:
    if current == S.recu:
        return "Le dossier n'est pas encore généré : attendez le statut « Dossier prêt »."
    if target in DECISIONS:
        return "La décision de l'OPCO (accord, accord partiel ou refus) suppose une demande déposée à l'OPCO."
    if target == S.formation_realisee:
        return "La formation ne peut être déclarée réalisée qu'après un accord (total ou partiel) de l'OPCO."
    if target == S.demande_deposee:
        return "Le dossier doit d'abord être envoyé au client pour signature."
    choices = ", ".join(f"« {label(s)} »" for s in allowed_next(current))
    return f"Passage de « {label(current)} » à « {label(target)} » impossible. Statuts possibles : {choices}."


def apply_change(current: LeadStatus, tracking: Tracking, change: StatusChange, *, today: date) -> Tracking:
    """Check the transition and return the tracking record it leaves; raise TransitionRefused."""
    check_transition(current, change.status)
    on = change.on or today
    if on > today:
        raise TransitionRefused("La date ne peut pas être dans le futur.", field="on")
    target = change.status
    if target in (S.accord, S.accord_partiel) and (change.amount_granted is None or change.amount_granted <= 0):
        raise TransitionRefused("Indiquez le montant accordé par l'OPCO (en euros HT).", field="amount_granted")
    by_status: dict[LeadStatus, dict[str, Any]] = {
        S.envoye_client: {"sent_on": on},
        S.demande_deposee: {"filed_on": on},
        S.accord: {"decided_on": on, "amount_granted": change.amount_granted},
        S.accord_partiel: {"decided_on": on, "amount_granted": change.amount_granted},
        S.refus: {"decided_on": on, "amount_granted": Decimal("0.00"), "reason": change.reason},
        S.formation_realisee: {"completed_on": on},
        S.abandonne: {"closed_on": on, "reason": change.reason},
    }
    updates = by_status[target]
    if change.opco_file_number:
        updates["opco_file_number"] = change.opco_file_number
    return tracking.model_copy(update=updates)


def parse_change(data: Mapping[str, Any]) -> StatusChange:
    """A status change from JSON or a page form (strings); raise TransitionRefused in French."""

    def text(name: str, limit: int) -> str | None:
        value = data.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        value = str(value).strip() if value is not None else ""
        if len(value) > limit:
            raise TransitionRefused(f"{limit} caractères au plus.", field=name)
        return value or None

    raw_status = text("status", 40)
    try:
        status = LeadStatus(raw_status or "")
    except ValueError:
        raise TransitionRefused("Choisissez un statut de la liste.") from None
    on = text("on", 10)
    try:
        on_date = date.fromisoformat(on) if on else None
    except ValueError:
        raise TransitionRefused("Date invalide (format attendu : AAAA-MM-JJ).", field="on") from None
    return StatusChange(
        status=status,
        on=on_date,
        amount_granted=parse_amount(text("amount_granted", 20)),
        opco_file_number=text("opco_file_number", 60),
        reason=text("reason", 300),
    )


def parse_amount(value: str | None, field: str = "amount_granted") -> Decimal | None:
    """'1 234,50' or '1234.50' -> Decimal('1234.50'); None when empty."""
    if value is None:
        return None
    cleaned = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise TransitionRefused("Montant invalide (exemple : 1 234,50).", field=field) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("10000000"):
        raise TransitionRefused("Montant invalide (exemple : 1 234,50).", field=field)
    return amount.quantize(Decimal("0.01"))
