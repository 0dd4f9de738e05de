"""The consent text shown on the form, and its version (stored with each lead, RGPD art. 7)."""

CONSENT_VERSION = "2026-11-26"
CONSENT_TEXT = (
    "J'accepte que les informations saisies soient utilisées pour étudier ma demande de formation "
    "et préparer le dossier de prise en charge auprès de mon OPCO. Elles sont conservées 3 ans au plus "
    "et je peux demander à tout moment leur consultation, leur rectification ou leur effacement."
)
