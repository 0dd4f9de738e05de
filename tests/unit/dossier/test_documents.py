"""Every document carries its mandatory mentions, read back from the PDF with pdftotext."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from chalicelib.formats import fr_date, fr_money
from tests.unit.dossier.conftest import TODAY, has, make_lead, rendered, texts

NDA_WORDING = (
    "Déclaration d'activité enregistrée sous le numéro 84699999999 auprès du préfet de région "
    "Auvergne-Rhône-Alpes. Cet enregistrement ne vaut pas agrément de l'État."
)
PARTIES = ["Exemple Formation IA", "SIRET : 99912345800013", "Atelier Numérique Dupont", "SIRET : 73282932000074"]
# C. trav. D6353-1 I: title, objective, content, means, duration, period, running, follow-up,
# assessment and sanction; price and payment terms.
D6353_1 = [
    "Intitulé",
    "IA générative au quotidien : les essentiels pour les PME",
    "Objectifs",
    "Contenu",
    "Moyens pédagogiques et techniques",
    "Durée",
    "7 h par stagiaire",
    "Période de réalisation",
    "du 18/01/2027 au 18/01/2027",
    "Lieu",
    "Modalité",
    "Présentiel",
    "Nombre de stagiaires",
    "Encadrement",
    "Suivi de l'exécution",
    "Évaluation des résultats",
    "Sanction",
    "Total HT",
    "Règlement à 30 jours",
]
LATE_PAYMENT = [
    "pénalités au taux de trois fois le taux d'intérêt légal (C. com. art. L441-10)",
    "indemnité forfaitaire pour frais de recouvrement de 40 € (C. com. art. D441-5)",
]
VAT_EXEMPT = "Exonération de TVA – article 261-4-4° a du Code général des impôts"
SUBROGATION = ["Subrogation de paiement", "☐ Oui", "☐ Non"]

MANDATORY = {
    "devis.pdf": [
        "Devis n° DEV-2026-0ABCDE-V1",
        "Établi le 26/11/2026",
        "valable jusqu'au 26/12/2026",
        "06 12 34 56 78",  # the client's phone as dialled in France, not its stored E.164
        NDA_WORDING,
        *PARTIES,
        *D6353_1,
        *LATE_PAYMENT,
        VAT_EXEMPT,
        *SUBROGATION,
        "Net à payer",
        "valent convention de formation professionnelle (C. trav. art. D6353-1 II)",
        "Pour l'organisme de formation",
        "Pour le client",
        "Bon pour accord",
        "Dominique Exemple, Président",
    ],
    "programme.pdf": [
        "Programme de formation",
        "Public visé",
        "Prérequis",
        "questionnaire de positionnement",
        "Objectifs opérationnels et évaluables",
        "Contenu et déroulé",
        "Durée",
        "7 h (1 jour)",
        "Modalité",
        "Délais d'accès",
        "Tarifs",
        "690,00 € HT par stagiaire",
        "Méthodes et moyens pédagogiques",
        "Moyens techniques",
        "Moyens d'encadrement",
        "Suivi de l'exécution",
        "Modalités d'évaluation",
        "Sanction de la formation",
        "Accessibilité aux personnes en situation de handicap",
        "Référent handicap",
        "Contacts",
        "formation@exemple-formation-ia.example",
        "Programme à jour au 26/11/2026",
        "résultats de l'évaluation des acquis est remise à chaque stagiaire (C. trav. art. L6353-1)",
        NDA_WORDING,
    ],
    "convention.pdf": [
        "Convention de formation professionnelle",
        "N° CONV-2026-0ABCDE-V1",
        "articles L6353-1 et D6353-1 du Code du travail",
        NDA_WORDING,
        *PARTIES,
        *D6353_1,
        "Article 2 – Stagiaires",
        "Nombre de stagiaires : 3",
        *LATE_PAYMENT,
        VAT_EXEMPT,
        *SUBROGATION,
        "Dédit",
        "Pour l'organisme de formation",
        "Pour le client",
    ],
    "fiche-opco.pdf": [
        "Fiche OPCO – demande de prise en charge",
        "Atlas",
        "myAtlas Entreprise",
        "https://myatlas.opco-atlas.fr",
        "Demande à déposer au plus tard le 17/01/2027",
        "Estimation de la prise en charge",
        "Règle appliquée",
        "Confiance",
        "Sources",
        "Points d'attention",
        "étape par étape",
        "Pièces à joindre",
        "Champs du portail pré-remplis",
        "SIRET de l'établissement 73282932000074",
        "IDCC (convention collective) 1486",
        "Effectif 8",
        "Durée par stagiaire 7 h",
        "Nombre de stagiaires 3",
        "Organisme : SIRET 99912345800013",
        "Organisme : NDA 84699999999",
        "Subrogation de paiement à choisir par le client",
        "Modalité Présentiel",
    ],
}


@pytest.mark.parametrize("name", sorted(MANDATORY))
def test_each_document_carries_its_mandatory_mentions(name):
    text = texts()[name]
    missing = [m for m in MANDATORY[name] if not has(text, m)]
    assert not missing, f"{name} lacks {missing}"


def test_fiche_amounts_equal_the_estimate():
    content, _ = rendered()
    e = content.estimate
    assert e is not None and e.amount_max == content.quote.total_ht == e.price_ht  # Atlas < 11: fully covered
    text = texts()["fiche-opco.pdf"]
    assert has(text, f"Prise en charge possible (estimation, non garantie) {fr_money(e.amount_max)}")
    assert has(text, f"Reste à charge du client (HT) {fr_money(e.remaining_cost_min)}")
    assert has(text, f"Coût pédagogique HT {fr_money(e.price_ht)}")
    assert has(text, e.rule_applied)
    for warning in e.warnings:
        assert has(text, warning)


def test_a_range_estimate_and_a_late_deadline_are_shown_as_such():
    # OCAPIAT (CUMA 7024): 50 % to 100 % offer rate; start in 3 days with "no later than day 1".
    content, _ = rendered(idcc="7024", start_date=TODAY.replace(day=27))
    e = content.estimate
    assert e.amount_min < e.amount_max
    text = texts(idcc="7024", start_date=TODAY.replace(day=27))["fiche-opco.pdf"]
    assert has(text, f"de {fr_money(e.amount_min)} à {fr_money(e.amount_max)}")
    if content.deadline.late:
        assert "EN RETARD" in text
    assert has(text, f"à déposer au plus tard le {fr_date(content.deadline.deposit_before)}")


def test_a_late_request_is_flagged_on_the_fiche():
    # AKTO HCR: 30 calendar days before the start; a start 10 days from today is already late.
    kwargs = {"idcc": "1979", "start_date": TODAY.replace(month=12, day=6)}
    content, _ = rendered(**kwargs)
    assert content.deadline.late is True
    assert "EN RETARD – Demande à déposer au plus tard le" in texts(**kwargs)["fiche-opco.pdf"]


def test_amounts_with_thousands_separator_accents_and_french_quotes_survive_extraction():
    name = "Cœur d'Œuvre « Éléphant » Sàrl"
    kwargs = {"company_name": name, "trainees": 8}  # 8 trainees: intra group price 3 900 €
    content, _ = rendered(**kwargs)
    assert content.quote.total_ht == 3900
    for doc in ("devis.pdf", "convention.pdf", "fiche-opco.pdf"):
        assert name in texts(**kwargs)[doc]
    assert has(texts(**kwargs)["devis.pdf"], "Total HT 3\u202f900,00\u202f€")
    assert "œ" in texts(**kwargs)["devis.pdf"] and "«" in texts(**kwargs)["devis.pdf"]


def test_vat_registered_organisme_shows_ht_tva_ttc_instead_of_the_exemption():
    text = texts("dev")["devis.pdf"]
    assert has(text, "TVA 20 %") and has(text, "Total TTC 2 484,00 €")
    assert "261-4-4" not in text


def test_prefill_json_holds_the_portal_fields_and_the_zip_holds_everything():
    content, files = rendered()
    prefill = json.loads(files["prefill.json"])
    assert prefill["entreprise"] == {
        "raison_sociale": "Atelier Numérique Dupont",
        "siret": "73282932000074",
        "idcc": "1486",
        "naf": "62.01Z",
        "effectif": 8,
        "adresse": None,  # not typed, and no registry answer in this lead
    }
    assert prefill["action"]["date_debut"] == "2027-01-18" and prefill["action"]["nombre_stagiaires"] == 3
    assert prefill["cout"]["pedagogique_ht"] == "2070.00"
    assert prefill["organisme"]["nda"] == "84699999999"
    assert prefill["echeance"]["a_deposer_au_plus_tard_le"] == "2027-01-17"
    assert prefill["estimation"]["montant_max"] == str(content.estimate.amount_max)
    with zipfile.ZipFile(io.BytesIO(files["dossier.zip"])) as z:
        names = {n.rsplit("/", 1)[1]: n for n in z.namelist()}
        assert set(names) == {"devis.pdf", "programme.pdf", "convention.pdf", "fiche-opco.pdf", "prefill.json"}
        assert z.read(names["devis.pdf"]) == files["devis.pdf"]


def test_consultant_choices_reach_the_documents():
    from chalicelib.leads.model import DossierFields

    chosen = DossierFields(
        trainings=("ia-generative-essentiels", "ia-marketing-commercial"),
        trainees=4,
        price_ht="5000",
        subrogation=True,
        place="Salle Lumière, 3 quai de Saône, Lyon",
    )
    content, _ = rendered(dossier=chosen)
    text = texts(dossier=chosen)
    assert content.quote.total_ht == 5000
    assert "☑ Oui" in text["convention.pdf"] and "Salle Lumière, 3 quai de Saône, Lyon" in text["convention.pdf"]
    assert has(text["fiche-opco.pdf"], "Subrogation de paiement oui")
    assert "IA pour le marketing et la prospection commerciale" in text["programme.pdf"]
    assert has(text["devis.pdf"], "21 h par stagiaire")


def test_no_catalogue_training_still_renders_every_document():
    content, files = rendered(trainings=("retired-training",))
    assert content.estimate is None and not content.action.trainings
    assert "aucune formation du catalogue" in texts(trainings=("retired-training",))["fiche-opco.pdf"].lower()
    assert all(files[n].startswith(b"%PDF") for n in files if n.endswith(".pdf"))


def test_make_lead_is_the_shared_test_lead():
    assert make_lead().siret == "73282932000074"
