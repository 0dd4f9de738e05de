"""Errors of the intake door, mapped to HTTP in one place (intake/routes.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str  # French, shown to the visitor next to the field


class InvalidSubmission(Exception):
    """The visitor's input is wrong; carries one French message per field."""

    def __init__(self, errors: list[FieldError]):
        super().__init__(", ".join(e.field for e in errors))
        self.errors = errors

    def as_json(self) -> dict[str, list[dict[str, str]]]:
        return {"errors": [{"field": e.field, "message": e.message} for e in self.errors]}

    def by_field(self) -> dict[str, str]:
        return {e.field: e.message for e in self.errors}


class TransportError(Exception):
    """The request itself is unusable (size, type, encoding): 4xx, never 500."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
