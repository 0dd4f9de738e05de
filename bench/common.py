"""Shared bench helpers: a moto-backed environment identical for our app and the floor."""

from __future__ import annotations

import json
import os
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "eu-west-3",
    "STAGE": "test",
    "TABLE_NAME": "opco-dossier-local",
    "BUCKET_NAME": "opco-dossier-local",
    "JOBS_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/123456789012/opco-dossier-jobs",
    "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/123456789012/opco-dossier-jobs-dlq",
    "SENDER_EMAIL": "dossiers@formation-ia.example",
    "NOTIFY_EMAIL": "consultants@formation-ia.example",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "false",
}


def set_env() -> None:
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(ENV)


def create_resources() -> None:
    from scripts.local_stack import create_resources as create

    create(json.loads((ROOT / "infra" / "resources.json").read_text()))


def submission(i: int = 0) -> dict:
    return {
        "company_name": f"Atelier Numérique {i}",
        "siret": "73282932000074",
        "idcc": "1486",
        "naf": "62.01Z",
        "headcount": 8,
        "first_name": "Camille",
        "last_name": "Martin",
        "email": f"camille{i}@atelier.fr",
        "phone": "06 12 34 56 78",
        "training": ["ia-generative-essentiels"],
        "trainees": 3,
        "start_date": (date.today() + timedelta(days=60)).isoformat(),
        "consent": True,
    }


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)
