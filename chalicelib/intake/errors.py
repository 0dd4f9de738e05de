"""Errors of the intake door, mapped to HTTP in one place (intake/routes.py)."""

from __future__ import annotations

from chalicelib.web import FieldError, UserError

__all__ = ["FieldError", "InvalidSubmission", "TransportError"]


class InvalidSubmission(UserError):
    """The visitor's input is wrong; carries one French message per field (never empty)."""

    def __init__(self, errors: list[FieldError]):
        first, *more = errors
        super().__init__(first.field, first.message, *more)
        self.errors = errors


class TransportError(UserError):
    """The request itself is unusable (size, type, encoding): 4xx, never 500."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(field or "_requete", message)
        self.status = status
