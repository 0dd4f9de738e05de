"""Who pays and how much: pure OPCO resolution, funding estimate and filing deadline."""
from .models import Candidate, OpcoMatch, OpcoRef
from .naf import is_known_naf, naf_label
from .resolver import normalize_idcc, resolve_opco

__all__ = [
    "Candidate", "OpcoMatch", "OpcoRef", "is_known_naf", "naf_label", "normalize_idcc",
    "resolve_opco",
]
