"""Shared fixtures: a valid submission, and the repository root on sys.path."""

from __future__ import annotations

import itertools
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_VISITORS = itertools.count(1)

# A real, checksum-valid SIRET (INSEE example used in python-stdnum's docs).
VALID_SIRET = "73282932000074"


@pytest.fixture
def valid_submission() -> dict:
    return {
        "company_name": "Atelier Numérique Dupont",
        "siret": VALID_SIRET,
        "idcc": "1486",
        "naf": "62.01Z",
        "headcount": 8,
        "first_name": "Camille",
        "last_name": "Martin",
        # One visitor per test: the same SIRET + email + training within 24 h is one lead (dedup).
        "email": f"camille.martin.{next(_VISITORS)}@atelier-dupont.fr",
        "phone": "06 12 34 56 78",
        "training": ["ia-generative-essentiels"],
        "trainees": 3,
        "start_date": (date.today() + timedelta(days=60)).isoformat(),
        "message": "Nous souhaitons former l'équipe commerciale.",
        "consent": True,
    }
