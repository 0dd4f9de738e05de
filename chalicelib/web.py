"""A user's mistake, said once for every door: a French message per field.

The JSON doors answer `{"errors": [{"field", "message"}]}` (api_models.Errors documents it); the
server-rendered pages show the same messages next to their fields (`by_field`). Pure: no Chalice,
so the rooms' services can raise these errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ErrorsBody = dict[str, list[dict[str, str]]]


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str  # French, shown to the user next to the field


def errors_body(errors: Iterable[FieldError]) -> ErrorsBody:
    """The one place the error body is built."""
    return {"errors": [{"field": e.field, "message": e.message} for e in errors]}


def error_body(field: str, message: str) -> ErrorsBody:
    return errors_body([FieldError(field, message)])


class UserError(Exception):
    """Something the user can fix (or must understand), in French, for one field or more."""

    def __init__(self, field: str, message: str, *more: FieldError):
        super().__init__(message)
        self.field = field
        self.message = message
        self.field_errors = (FieldError(field, message), *more)

    def by_field(self) -> dict[str, str]:
        return {e.field: e.message for e in self.field_errors}

    def as_json(self) -> ErrorsBody:
        return errors_body(self.field_errors)
