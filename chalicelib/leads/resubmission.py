"""A repeated submission (same SIRET + email + trainings within 24 h) never rewrites the lead:
it is recorded as its own event with what differs from the stored lead. Pure."""

from __future__ import annotations

from typing import Any

from chalicelib.leads.model import DECLARED_FIELDS, Lead

RESUBMISSION_EVENT = "nouvelle_demande"
# The SIRET is in the duplicate's fingerprint: it never differs.
COMPARED_FIELDS = tuple(name for name in DECLARED_FIELDS if name != "siret")


def _declared(lead: Lead) -> dict[str, Any]:
    data = lead.model_dump(mode="json", include=set(COMPARED_FIELDS))
    data["trainings"] = sorted(data["trainings"])  # the same set in another order is the same request
    data["opco"] = lead.opco_code
    return data


def differences(stored: Lead, fresh: Lead) -> dict[str, dict[str, Any]]:
    """{field: {"avant": stored value, "apres": new value}} for each field that differs (JSON values)."""
    before, after = _declared(stored), _declared(fresh)
    return {name: {"avant": before[name], "apres": after[name]} for name in before if before[name] != after[name]}
