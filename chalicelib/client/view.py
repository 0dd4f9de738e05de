"""What the client's page shows, worked out from the lead, its space and the pack's prefill. Pure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib.formats import fr_date, fr_hours, fr_money
from chalicelib.leads.client_space import OUTCOME_LABELS, SIGNABLE, ClientSpace
from chalicelib.leads.model import Lead
from chalicelib.opco import FundingEstimate

DOCUMENT_LABELS = {
    "devis.pdf": "Devis",
    "programme.pdf": "Programme de formation",
    "convention.pdf": "Convention de formation",
    "fiche-opco.pdf": "Fiche OPCO (étapes et champs)",
    "dossier.zip": "Tout le dossier (zip)",
}
MODALITY_FR = {"presentiel": "Présentiel", "classe_virtuelle": "Classe virtuelle", "elearning": "E-learning"}
RECOMMENDED_MARGIN_DAYS = 10  # file ahead of the last day: a missing piece can still be sent


def portal_fields(prefill: dict[str, Any]) -> list[tuple[str, str]]:
    """The portal's fields with the pack's values, each to copy as it is."""
    e, a, c, o = prefill["entreprise"], prefill["action"], prefill["cout"], prefill["organisme"]
    rows = [
        ("SIRET de l'établissement", e.get("siret")),
        ("IDCC (convention collective)", e.get("idcc")),
        ("Effectif", e.get("effectif")),
        ("Intitulé de l'action", a.get("intitule")),
        ("Date de début", fr_date(a.get("date_debut"), "")),
        ("Date de fin", fr_date(a.get("date_fin"), "")),
        (
            "Durée par stagiaire",
            fr_hours(a["duree_heures_par_stagiaire"]) if a.get("duree_heures_par_stagiaire") else "",
        ),
        ("Nombre de stagiaires", a.get("nombre_stagiaires")),
        ("Modalité", MODALITY_FR.get(a.get("modalite") or "", a.get("modalite"))),
        ("Coût pédagogique HT", fr_money(c["pedagogique_ht"]) if c.get("pedagogique_ht") else ""),
        ("Organisme : raison sociale", o.get("raison_sociale")),
        ("Organisme : SIRET", o.get("siret")),
        ("Organisme : n° de déclaration d'activité (NDA)", o.get("nda")),
        ("Organisme : certification Qualiopi", o.get("qualiopi")),
    ]
    return [(label, str(value)) for label, value in rows if value not in (None, "")]


def steps(prefill: dict[str, Any] | None, deposit_before: date | None) -> list[dict[str, Any]]:
    opco = (prefill or {}).get("opco") or {}
    portal = opco.get("portal") or f"le portail de {opco.get('name') or 'votre OPCO'}"
    return [
        {"title": "Signer le devis et la convention", "text": "Sur cette page, plus bas : deux clics par document."},
        {
            "title": f"Se connecter à {portal}",
            "text": "Avec le SIRET de l'établissement ; créez le compte si vous n'en avez pas.",
            "url": opco.get("portal_url"),
        },
        {
            "title": "Créer une demande de prise en charge « plan de développement des compétences »",
            "text": "Copiez chaque champ ci-dessous dans le formulaire de l'OPCO.",
            "fields": portal_fields(prefill) if prefill else [],
        },
        {
            "title": "Joindre les pièces et déposer la demande",
            "text": "Devis ou convention signés, programme, liste des stagiaires ; selon l'OPCO, un RIB. "
            + (f"Au plus tard le {fr_date(deposit_before)}." if deposit_before else ""),
        },
        {"title": "Nous indiquer le dépôt, puis la décision", "text": "Ici même, avec le numéro de dossier de l'OPCO."},
    ]


def deadline_view(deadline: Any, today: date) -> dict[str, Any]:
    before: date | None = deadline.deposit_before
    if before is None:
        return {"known": False, "explanation": deadline.explanation}
    recommended = max(today, before - timedelta(days=RECOMMENDED_MARGIN_DAYS))
    return {
        "known": True,
        "deposit_before": before,
        "days_left": (before - today).days,
        "late": bool(deadline.late),
        "recommended": min(recommended, before),
        "explanation": deadline.explanation,
        "source": deadline.source,
    }


def signatures(lead: Lead, space: ClientSpace) -> list[dict[str, Any]]:
    version = lead.pack.version if lead.pack else 0
    rows = []
    for document, label in SIGNABLE.items():
        sig = space.signature(version, document)
        earlier = [s for s in space.signatures.values() if s.document == document and s.version < version and s.client]
        rows.append(
            {
                "document": document,
                "label": label,
                "sha256": lead.pack.sha256.get(document) if lead.pack else None,
                "sig": sig,
                "resign": bool(earlier) and not (sig and sig.client),
                "signed_name": document.removesuffix(".pdf") + "-signe.pdf",
            }
        )
    return rows


def page(
    lead: Lead,
    space: ClientSpace,
    prefill: dict[str, Any] | None,
    deadline: Any,
    estimate: FundingEstimate | None,
    today: date,
) -> dict[str, Any]:
    trainings = ((prefill or {}).get("action") or {}).get("intitule")
    return {
        "company": lead.company_name,
        "contact": f"{lead.first_name} {lead.last_name}",
        "opco": (prefill or {}).get("opco") or (lead.opco_ref.model_dump(mode="json") if lead.opco_ref else {}),
        "action": (prefill or {}).get("action") or {},
        "trainings": trainings,
        "hours": fr_hours(hours)
        if (hours := ((prefill or {}).get("action") or {}).get("duree_heures_par_stagiaire"))
        else None,
        "estimate": estimate,
        "deadline": deadline_view(deadline, today),
        "steps": steps(prefill, deadline.deposit_before),
        "documents": [(n, DOCUMENT_LABELS[n]) for n in DOCUMENT_LABELS if lead.pack and n in lead.pack.keys],
        "signatures": signatures(lead, space),
        "version": lead.pack.version if lead.pack else None,
        "new_version_pending": bool(lead.pack and lead.pack_requested > lead.pack.version),
        "filing": space.filing,
        "decision": space.decision,
        "outcome_labels": OUTCOME_LABELS,
        "reminders_off": space.reminders_off,
        "today": today,
    }
