"""The website's contact form: ContactForm and its French, per-field errors.

Pure: no I/O, no clock (`today` comes in through the validation context).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret

from chalicelib.catalogue import catalogue
from chalicelib.intake.errors import FieldError, InvalidSubmission
from chalicelib.opco import is_known_naf, normalize_idcc

# The form's field names, in display order; JSON keys equal the HTML names.
FIELDS = (
    "company_name",
    "siret",
    "address",
    "idcc",
    "naf",
    "headcount",
    "first_name",
    "last_name",
    "email",
    "phone",
    "training",
    "trainees",
    "start_date",
    "message",
    "consent",
)
LIST_FIELDS = frozenset({"training"})
CONSENT_TRUE = frozenset({"on", "true", "1", "yes", "oui"})
CONSENT_FALSE = frozenset({"", "off", "false", "0", "no", "non"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_NAF = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")

# pydantic's error types → French messages (custom errors carry their own).
_FRENCH = {
    "missing": "Ce champ est obligatoire.",
    "string_type": "Une valeur texte est attendue.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu.",
    "int_parsing_size": "Un nombre entier est attendu.",
    "finite_number": "Un nombre entier est attendu.",
    "bool_parsing": "Une valeur oui/non est attendue.",
    "bool_type": "Une valeur oui/non est attendue.",
    "date_from_datetime_parsing": "Date invalide : utilisez le format AAAA-MM-JJ.",
    "date_parsing": "Date invalide : utilisez le format AAAA-MM-JJ.",
    "date_type": "Date invalide : utilisez le format AAAA-MM-JJ.",
    "list_type": "Une liste de valeurs est attendue.",
    "too_short": "Choisissez au moins une valeur.",
    "too_long": "Trop de valeurs.",
    "greater_than_equal": "La valeur doit être au moins {ge}.",
    "less_than_equal": "La valeur doit être au plus {le}.",
    "string_too_long": "Ce texte est trop long ({max_length} caractères au plus).",
    "string_too_short": "Ce champ est obligatoire.",
}


def _text(value: Any, *, multiline: bool = False) -> Any:
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    check = value.replace("\n", "").replace("\t", "") if multiline else value
    if _CONTROL.search(check) or (not multiline and ("\n" in value or "\t" in value)):
        raise PydanticCustomError("control_chars", "Caractères non autorisés (caractères de contrôle).")
    return value.strip()


# National "0X" numbers of the overseas departments have their own country codes: Réunion and
# Mayotte +262, Guadeloupe (and Saint-Martin, Saint-Barthélemy) +590, Guyane +594, Martinique +596.
_NATIONAL_REGIONS = ("FR", "RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF")


def _french_phone(text: str) -> Any:
    """A valid number: international (+…) as given, national forms tried in France then overseas."""
    for region in _NATIONAL_REGIONS:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return number
        if text.lstrip().startswith(("+", "00")):
            return None
    return None


def _not_a_boolean(v: Any) -> Any:
    if isinstance(v, bool):  # pydantic would read true as 1
        raise PydanticCustomError("int_type", "Un nombre entier est attendu.")
    return v


def _checkbox(v: Any) -> Any:
    """A checkbox's value as a form posts it (on, oui, empty...); anything else is left to pydantic."""
    if isinstance(v, str):
        low = v.strip().lower()
        if low in CONSENT_TRUE:
            return True
        if low in CONSENT_FALSE:
            return False
    return v


Count = Annotated[int, BeforeValidator(_not_a_boolean)]  # a number typed, never a JSON true
Checkbox = Annotated[bool, BeforeValidator(_checkbox)]


class ContactForm(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    company_name: str = Field(min_length=1, max_length=200)
    siret: str
    address: str | None = Field(default=None, max_length=300)  # optional: the registry's is preferred
    idcc: str | None = None
    naf: str | None = None
    headcount: Count = Field(ge=0, le=1_000_000)
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: str = Field(max_length=254)
    phone: str | None = None
    training: tuple[str, ...] = Field(min_length=1, max_length=10)
    trainees: Count = Field(ge=1, le=1000)
    start_date: date | None = None
    message: str | None = Field(default=None, max_length=5000)
    consent: Checkbox

    @field_validator("company_name", "first_name", "last_name", "email", "siret", "idcc", "naf", "phone", mode="before")
    @classmethod
    def _single_line(cls, v: Any) -> Any:
        return _text(v)

    @field_validator("address", mode="before")
    @classmethod
    def _optional_line(cls, v: Any) -> Any:
        return _text(v) or None

    @field_validator("message", mode="before")
    @classmethod
    def _multi_line(cls, v: Any) -> Any:
        v = _text(v, multiline=True)
        return v or None

    @field_validator("siret")
    @classmethod
    def _siret(cls, v: str) -> str:
        digits = re.sub(r"[\s.\-]", "", v)
        if not digits.isdigit() or len(digits) != 14:
            raise PydanticCustomError("siret", "Le SIRET doit comporter 14 chiffres.")
        try:
            return stdnum_siret.validate(digits)
        except StdnumError:
            raise PydanticCustomError(
                "siret",
                "Ce numéro SIRET n'existe pas (clé de contrôle invalide) : "
                "vérifiez-le sur un bulletin de paie ou un extrait Kbis.",
            ) from None

    @field_validator("idcc")
    @classmethod
    def _idcc(cls, v: str | None) -> str | None:
        try:
            return normalize_idcc(v)
        except ValueError:
            raise PydanticCustomError(
                "idcc", "L'IDCC est un code de 4 chiffres (ex. 1486), indiqué sur le bulletin de paie."
            ) from None

    @field_validator("naf")
    @classmethod
    def _naf(cls, v: str | None) -> str | None:
        if not v:
            return None
        m = _NAF.match(v.upper().replace(" ", ""))
        if not m:
            raise PydanticCustomError("naf", "Le code NAF s'écrit 4 chiffres et une lettre (ex. 62.01Z).")
        code = f"{m[1]}.{m[2]}{m[3]}"
        if not is_known_naf(code):
            raise PydanticCustomError("naf", "Ce code NAF n'existe pas dans la nomenclature NAF rév. 2.")
        return code

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        try:
            return validate_email(v, check_deliverability=False).normalized
        except EmailNotValidError:
            raise PydanticCustomError("email", "Adresse e-mail invalide (ex. prenom.nom@entreprise.fr).") from None

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if not v:
            return None
        if len(v) > 30 or (number := _french_phone(v)) is None:
            raise PydanticCustomError(
                "phone", "Numéro de téléphone invalide (ex. 06 12 34 56 78 ou +33 6 12 34 56 78)."
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @field_validator("training", mode="before")
    @classmethod
    def _training_list(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        if isinstance(v, (list, tuple)):
            seen: dict[str, None] = {}
            for item in v:
                if not isinstance(item, str):
                    raise PydanticCustomError("training", "Formation inconnue.")
                if item.strip():
                    seen[item.strip()] = None
            return tuple(seen)
        return v

    @field_validator("training")
    @classmethod
    def _training_known(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in v if t not in catalogue().ids]
        if unknown:
            raise PydanticCustomError("training", "Formation inconnue : choisissez une formation du catalogue.")
        return v

    @field_validator("start_date")
    @classmethod
    def _not_past(cls, v: date | None, info: ValidationInfo) -> date | None:
        today = (info.context or {}).get("today")
        if v is not None and today is not None and v < today:
            raise PydanticCustomError("start_date", "La date de début ne peut pas être dans le passé.")
        return v

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, v: bool) -> bool:
        if not v:
            raise PydanticCustomError("consent", "Votre accord est nécessaire pour que nous traitions votre demande.")
        return v

    @model_validator(mode="after")
    def _trainees_within_headcount(self) -> ContactForm:
        if self.headcount > 0 and self.trainees > self.headcount:
            raise PydanticCustomError("trainees", "Le nombre de stagiaires dépasse l'effectif de l'entreprise.")
        return self

    @classmethod
    def parse(cls, data: Mapping[str, Any], *, today: date, from_form: bool = False) -> ContactForm:
        """Validate raw form or JSON data; raise InvalidSubmission with French per-field errors.

        `from_form`: urlencoded values always come as lists (one per occurrence); JSON is typed,
        so a list where one value is expected (`"siret": ["…"]`) is an error on that field."""
        values, errors = _flatten(data, from_form=from_form)
        if not errors:
            try:
                return cls.model_validate(values, context={"today": today})
            except ValidationError as exc:
                errors = _french_errors(exc)
        raise InvalidSubmission(errors)


def _flatten(data: Mapping[str, Any], *, from_form: bool) -> tuple[dict[str, Any], list[FieldError]]:
    """Form posts give lists for every key; scalars must come once."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name in FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name not in LIST_FIELDS and isinstance(value, list) and not from_form:
            errors.append(FieldError(name, "Une valeur simple est attendue pour ce champ, pas une liste."))
            continue
        if name not in LIST_FIELDS and isinstance(value, list):
            if len(value) != 1:
                errors.append(FieldError(name, "Une seule valeur est attendue pour ce champ."))
                continue
            value = value[0]
        if name not in LIST_FIELDS and isinstance(value, (dict, list)):
            errors.append(FieldError(name, "Une valeur simple est attendue pour ce champ."))
            continue
        if value in ("", None) and name not in ("consent",):
            continue
        values[name] = value
    return values, errors


def _french_errors(exc: ValidationError) -> list[FieldError]:
    errors: list[FieldError] = []
    for err in exc.errors(include_url=False):
        field = str(err["loc"][0]) if err["loc"] else err["type"]
        if err["type"] in _FRENCH:
            message = _FRENCH[err["type"]].format(**(err.get("ctx") or {}))
        elif err["type"] in FIELDS or err["type"] == "control_chars":
            message = err["msg"]
        else:
            message = "Valeur invalide."
        if err["type"] == "trainees":
            field = "trainees"
        if not any(e.field == field for e in errors):
            errors.append(FieldError(field, message))
    return errors
