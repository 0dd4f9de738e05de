"""One Logger, one Metrics, one Tracer for the whole app (Powertools).

Service and namespace are passed in code: Powertools reads its environment
at import, which is too early for tests and for the local stage.
"""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "opco-dossier"
NAMESPACE = "OpcoDossier"

logger = Logger(service=SERVICE)
metrics = Metrics(service=SERVICE, namespace=NAMESPACE)
tracer = Tracer(service=SERVICE, disabled=True)
