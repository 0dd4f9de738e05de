"""What consultants see of a lead: effective dossier values, deadline, estimate, CSV rows. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date
from typing import Any

from chalicelib.catalogue import MODALITY_LABELS, catalogue
from chalicelib.formats import fr_date, fr_money, fr_phone
from chalicelib.leads.model import Lead, LeadStatus
from chalicelib.leads.workflow import allowed_next, label
from chalicelib.opco import FundingEstimate
from chalicelib.opco.rules import known_profile
from chalicelib.pricing import action_for_lead, build_quote, price_lead
from chalicelib.pricing.deadline import deadline

EVENT_LABELS = {
    "lead_recu": "Demande reçue",
    "dossier_genere": "Dossier généré",
    "dossier_modifie": "Dossier modifié",
    "statut_modifie": "Statut modifié",
    "telechargement": "Document téléchargé",
    "registre_consulte": "Annuaire des entreprises consulté",
    "lead_resoumis": "Demande renvoyée par le client",
    "nouvelle_demande": "Nouvelle demande du même contact",
    # The client space (chalicelib/client): the actor "client" reads "par le client".
    "lien_client_envoye": "Lien personnel envoyé au client",
    "lien_client_revoque": "Lien personnel révoqué",
    "lien_ouvert": "Page du dossier ouverte",
    "signature_client": "Document signé",
    "document_signe": "PDF signé enregistré (écriture unique)",
    "contresignature": "Contresignature de l'organisme",
    "depot_declare": "Demande déposée à l'OPCO (à confirmer)",
    "decision_declaree": "Décision de l'OPCO (à confirmer)",
    "decision_televersee": "Courrier de décision joint",
    "rappels_arretes": "Rappels arrêtés",
    "rappels_actives": "Rappels réactivés",
    "rappel_envoye": "Rappel de la date limite envoyé",
}
# Who acted, as the history reads ("par le client"); a consultant reads as their own label.
ACTOR_LABELS = {"client": "le client", "systeme": "le système"}
# The fields a repeated submission is compared on (leads/resubmission.py), as the form names them.
FIELD_LABELS = {
    "company_name": "Raison sociale",
    "idcc": "IDCC",
    "naf": "Code NAF",
    "headcount": "Effectif",
    "address": "Adresse",
    "first_name": "Prénom",
    "last_name": "Nom",
    "email": "E-mail",
    "phone": "Téléphone",
    "trainings": "Formations",
    "trainees": "Stagiaires",
    "start_date": "Date de début souhaitée",
    "message": "Message",
    "opco": "OPCO",
}
# Statuses for which the filing deadline still matters (not yet filed, not closed).
BEFORE_FILING = (LeadStatus.recu, LeadStatus.dossier_pret, LeadStatus.envoye_client)


def effective(lead: Lead) -> dict[str, Any]:
    """The values the pack uses (the consultant's edits, else the lead's, else the catalogue's),
    priced by the one pricing module: the price here is the devis's."""
    d = lead.dossier
    action = action_for_lead(lead)
    quote = build_quote(action.trainings, action.trainees, action.agreed_price_ht)
    profile = known_profile(lead.opco_code)
    return {
        "trainings": list(action.trainings),
        "trainees": action.trainees,
        "start_date": action.start_date,
        "end_date": d.end_date,
        "price_ht": quote.total_ht,
        "modality": action.modality,
        "modality_label": MODALITY_LABELS.get(action.modality, action.modality),
        "hours": action.hours,
        "place": d.place,
        "subrogation": d.subrogation,
        "notes": d.notes,
        "filing": profile.filing.model_dump() if profile else None,
        "portal": profile.portal.model_dump() if profile else None,
    }


def estimate(lead: Lead, today: date) -> FundingEstimate | None:
    return price_lead(lead, today).estimate


def is_late(lead: Lead, today: date) -> bool:
    return lead.status in BEFORE_FILING and bool(deadline(lead, today).late)


def summary(lead: Lead, today: date) -> dict[str, Any]:
    """One row of the list (JSON and page)."""
    dl = deadline(lead, today)
    return {
        "id": lead.id,
        "created_at": lead.created_at.isoformat(),
        "status": lead.status.value,
        "status_label": label(lead.status),
        "company_name": lead.company_name,
        "siret": lead.siret,
        "opco": {"code": lead.opco_code, "name": lead.opco_name},
        "trainees": action_for_lead(lead).trainees,
        "deposit_before": dl.deposit_before.isoformat() if dl.deposit_before else None,
        "late": lead.status in BEFORE_FILING and bool(dl.late),
        "pack_version": lead.pack.version if lead.pack else None,
    }


def detail(lead: Lead, events: list[dict[str, Any]], today: date) -> dict[str, Any]:
    est = estimate(lead, today)
    eff = effective(lead)
    return {
        **summary(lead, today),
        "price_ht": str(eff["price_ht"]),  # the devis's price, from the pricing module
        "filing": eff["filing"],
        "lead": lead.model_dump(mode="json", exclude={"provenance"}),
        "deadline": deadline(lead, today).model_dump(mode="json"),
        "estimate": est.model_dump(mode="json") if est else None,
        "documents": sorted(lead.pack.keys) if lead.pack else [],
        "pack_requested": lead.pack_requested,
        "allowed_next": [{"status": s.value, "label": label(s)} for s in allowed_next(lead.status)],
        "history": history(lead, events),
    }


def history(lead: Lead, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lead's audit trail, oldest first, opened by its arrival ("Demande reçue")."""
    if not any(e["kind"] == "lead_recu" for e in events):  # leads stored before arrival was derived
        events = [arrival(lead, events), *events]
    rows = sorted(events, key=lambda e: e["sk"])
    return [
        {
            "at": e["at"],
            "kind": e["kind"],
            "label": EVENT_LABELS.get(e["kind"], e["kind"]),
            "actor": e.get("actor", "systeme"),
            "by": actor_label(e.get("actor", "systeme")),
            "text": describe(e),
            "changes": changes(e),
        }
        for e in rows
    ]


def actor_label(actor: str) -> str:
    return ACTOR_LABELS.get(actor, actor)


def changes(event: dict[str, Any]) -> list[dict[str, str]]:
    """What a repeated submission asked differently from the stored lead (shown, never applied)."""
    diff = (event.get("details") or {}).get("differences") or {}
    return [
        {
            "field": name,
            "label": FIELD_LABELS.get(name, name),
            "before": _shown(name, d["avant"]),
            "after": _shown(name, d["apres"]),
        }
        for name, d in diff.items()
    ]


def _shown(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(vide)"
    if name == "trainings":
        return " + ".join((t.title if (t := catalogue().get(i)) else i) for i in value)
    if name == "start_date":
        return fr_date(value)
    if name == "phone":
        return fr_phone(value)
    return str(value)


def arrival(lead: Lead, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The arrival event, derived from the lead rather than stored: one write fewer per submission
    (docs/benchmarks.md, "Warm intake"). A lead arrives `recu` or `spam`; only a consultant's
    status change moves it out of `spam`, and that change records where it came from."""
    changes = sorted((e for e in events if e["kind"] == "statut_modifie"), key=lambda e: e["sk"])
    spam = LeadStatus.spam.value
    was_spam = changes[0]["details"].get("de") == spam if changes else lead.status == LeadStatus.spam
    at = lead.created_at.astimezone(UTC).isoformat()
    return {
        "sk": f"EVENT#{at}",
        "kind": "lead_recu",
        "at": at,
        "actor": "systeme",
        "details": {"status": spam if was_spam else LeadStatus.recu.value},
    }


def describe(event: dict[str, Any]) -> str:
    d = event.get("details") or {}
    kind = event["kind"]
    if kind == "dossier_genere":
        return f"Version {d.get('version')}"
    if kind == "dossier_modifie":
        return f"Champs : {', '.join(d.get('champs', []))} — version {d.get('version')} demandée"
    if kind == "statut_modifie":
        text = f"{label(d['de'])} → {label(d['vers'])}"
        if d.get("montant"):
            text += f" — montant accordé {fr_money(d['montant'])}"
        if d.get("le"):
            text += f" le {fr_date(d['le'])}"
        return text
    if kind == "telechargement":
        return f"{d.get('fichier')} (version {d.get('version')})"
    if kind == "lead_recu":
        return label(d.get("status", "recu"))
    if kind == "nouvelle_demande":
        diff = d.get("differences") or {}
        what = ", ".join(FIELD_LABELS.get(n, n) for n in diff) if diff else "aucune différence"
        return f"Réf. {d.get('reference')} — fiche inchangée ; différences : {what}"
    return client_detail(d)


CLIENT_DETAIL_LABELS = {
    "document": "document",
    "version": "version",
    "partie": "partie",
    "le": "le",
    "numero_dossier_opco": "n° OPCO",
    "decision": "décision",
    "montant": "montant",
    "expire_le": "valable jusqu'au",
    "echeance": "échéance",
}


def client_detail(d: dict[str, Any]) -> str:
    """The details of a client space event, in French (no hash: the certificate holds it)."""
    parts = []
    for key, name in CLIENT_DETAIL_LABELS.items():
        if d.get(key) in (None, ""):
            continue
        value = d[key]
        if key in ("le", "expire_le", "echeance"):
            value = fr_date(value)
        elif key == "montant":
            value = fr_money(value)
        parts.append(f"{name} {value}")
    return ", ".join(parts)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "Référence",
    "Reçue le",
    "Statut",
    "OPCO",
    "Entreprise",
    "SIRET",
    "Contact",
    "E-mail",
    "Téléphone",
    "Formations",
    "Stagiaires",
    "Début",
    "À déposer au plus tard le",
    "En retard",
    "N° dossier OPCO",
    "Montant accordé",
)


def safe_cell(value: Any) -> str:
    """Neutralise spreadsheet formulas (OWASP CSV injection): a leading quote makes them text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(lead: Lead, today: date) -> list[str]:
    e, dl, t = effective(lead), deadline(lead, today), lead.tracking
    cells = [
        lead.id,
        fr_date(lead.created_at, ""),
        label(lead.status),
        lead.opco_name,
        lead.company_name,
        lead.siret,
        f"{lead.first_name} {lead.last_name}",
        lead.email,
        fr_phone(lead.phone, ""),
        " + ".join(x.title for x in e["trainings"]),
        e["trainees"],
        fr_date(e["start_date"], ""),
        fr_date(dl.deposit_before, ""),
        "oui" if is_late(lead, today) else "non",
        t.opco_file_number,
        fr_money(t.amount_granted, ""),
    ]
    return [safe_cell(c) for c in cells]


def to_csv(leads: Iterable[Lead], today: date) -> str:
    """UTF-8 with BOM and ';' separators: what French Excel opens without a wizard."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for lead in leads:
        writer.writerow(csv_row(lead, today))
    return "\ufeff" + out.getvalue()
