"""The "pack built" hook: the worker announces each pack it records; whoever cares subscribes.

The dossier room sits below the consultants' (it must not import their notifier), so the
consultants' side subscribes at wiring time (app.py) instead of the worker calling it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from chalicelib.observability import logger


@dataclass(frozen=True)
class PackBuilt:
    lead_id: str
    version: int  # recorded once per version (conditional write), so published once per version
    today: date


PackBuiltListener = Callable[[PackBuilt], None]

_listeners: list[PackBuiltListener] = []


def subscribe(listener: PackBuiltListener) -> None:
    """Idempotent: app.py may be imported more than once by a test run."""
    if listener not in _listeners:
        _listeners.append(listener)


def publish(event: PackBuilt) -> None:
    """Best effort: the pack is built and recorded whatever a listener does (a raise would make
    SQS redeliver a job that is already done)."""
    for listener in list(_listeners):
        try:
            listener(event)
        except Exception:
            logger.exception("pack built listener failed", extra={"listener": listener.__qualname__})
