"""Consultant edits of the dossier fields, from JSON or a page form, with French errors. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.catalogue import MODALITY_LABELS, catalogue
from chalicelib.leads.model import DossierFields
from chalicelib.leads.workflow import TransitionRefused, parse_amount
from chalicelib.web import FieldError, UserError

EDITABLE = tuple(DossierFields.model_fields)
MAX_TRAINEES = 200


class InvalidEdit(UserError):
    """One French message per refused field (never empty)."""

    def __init__(self, errors: dict[str, str]):
        (field, message), *more = errors.items()
        super().__init__(field, message, *(FieldError(f, m) for f, m in more))
        self.errors = errors


def _one(value: Any) -> Any:
    if isinstance(value, list):  # urlencoded forms give lists
        return value if len(value) != 1 else value[0]
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trainings(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    ids = tuple(dict.fromkeys(str(v).strip() for v in items if not _blank(v)))
    if not ids:
        raise ValueError("Choisissez au moins une formation.")
    unknown = [i for i in ids if catalogue().get(i) is None]
    if unknown:
        raise ValueError("Formation inconnue du catalogue.")
    return ids


def _trainees(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError("Indiquez un nombre entier de stagiaires.") from None
    if not 1 <= number <= MAX_TRAINEES:
        raise ValueError(f"Entre 1 et {MAX_TRAINEES} stagiaires.")
    return number


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError("Date invalide (format attendu : AAAA-MM-JJ).") from None


def _price(value: Any) -> Decimal:
    try:
        amount = parse_amount(str(value), field="price_ht")
    except TransitionRefused as exc:
        raise ValueError(exc.message) from None
    assert amount is not None
    return amount


def _modality(value: Any) -> str:
    text = str(value).strip()
    if text not in MODALITY_LABELS:
        raise ValueError("Choisissez une modalité de la liste.")
    return text


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"oui", "true", "1", "on"}:
        return True
    if text in {"non", "false", "0", "off"}:
        return False
    raise ValueError("Répondez oui ou non.")


def _text(limit: int) -> Any:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if len(text) > limit:
            raise ValueError(f"{limit} caractères au plus.")
        return text

    return parse


PARSERS = {
    "trainings": _trainings,
    "trainees": _trainees,
    "start_date": _date,
    "end_date": _date,
    "price_ht": _price,
    "modality": _modality,
    "place": _text(200),
    "subrogation": _flag,
    "notes": _text(2000),
}


def parse_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields `data` names, parsed (blank = None: back to the lead's value); InvalidEdit."""
    unknown = sorted(set(data) - set(EDITABLE) - {"rev", "csrf"})
    errors: dict[str, str] = dict.fromkeys(unknown, "Champ non modifiable.")
    updates: dict[str, Any] = {}
    for name in EDITABLE:
        if name not in data:
            continue
        value = data[name] if name == "trainings" else _one(data[name])
        if _blank(value) or value == []:
            updates[name] = None
            continue
        try:
            updates[name] = PARSERS[name](value)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise InvalidEdit(errors)
    return updates


def apply_edit(current: DossierFields, edit: DossierFields) -> DossierFields:
    """The fields the edit names (`model_fields_set`) replace the current ones; InvalidEdit when the
    dates they leave are in the wrong order."""
    merged = current.model_copy(update={name: getattr(edit, name) for name in edit.model_fields_set})
    if merged.start_date and merged.end_date and merged.end_date < merged.start_date:
        raise InvalidEdit({"end_date": "La date de fin précède la date de début."})
    return merged


def keep_defaults(before: DossierFields, after: DossierFields, shown: dict[str, Any]) -> DossierFields:
    """A page form posts every field: a value equal to the one shown by default stays a default."""
    same: dict[str, Any] = {}
    for name in EDITABLE:
        default = shown.get(name)
        if name == "trainings" and default is not None:
            default = tuple(t.id for t in default)
        if getattr(before, name) is None and getattr(after, name) == default:
            same[name] = None
    return after.model_copy(update=same)


def changed_fields(before: DossierFields, after: DossierFields) -> list[str]:
    return [name for name in EDITABLE if getattr(before, name) != getattr(after, name)]
