"""Who pays and how much: pure OPCO resolution, funding estimate and filing deadline."""

from .deadlines import FilingDeadline, filing_deadline
from .funding import FundingEstimate, FundingQuery, estimate_funding
from .models import Candidate, OpcoMatch, OpcoRef
from .naf import is_known_naf, naf_label
from .resolver import normalize_idcc, resolve_opco
from .rules import OpcoProfile, opco_profile

__all__ = [
    "Candidate",
    "FilingDeadline",
    "FundingEstimate",
    "FundingQuery",
    "OpcoMatch",
    "OpcoProfile",
    "OpcoRef",
    "estimate_funding",
    "filing_deadline",
    "is_known_naf",
    "naf_label",
    "normalize_idcc",
    "opco_profile",
    "resolve_opco",
]
