"""The local stack's sweeper: a lead stored whose job never left (the API died between the
DynamoDB write and the SQS send) still gets its pack."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.e2e


def test_a_lead_stored_without_its_job_gets_its_pack_from_the_sweeper(stack, valid_submission):
    from chalicelib.intake.consent import CONSENT_VERSION
    from chalicelib.intake.form import ContactForm
    from chalicelib.leads.model import Lead, Provenance
    from chalicelib.leads.store import LeadStore
    from chalicelib.opco import resolve_opco

    created = datetime.now(UTC) - timedelta(minutes=4)  # older than the sweeper's 3 minutes
    form = ContactForm.parse(valid_submission, today=created.date())
    lead = Lead.from_form(
        form,
        opco=resolve_opco(idcc=form.idcc),
        now=created,
        consent_version=CONSENT_VERSION,
        provenance=Provenance(),
        spam=False,
        retention_days=30,
    )
    store = LeadStore(stack.client("dynamodb"), "opco-dossier-local")
    store.submit(lead)  # stored, and no job sent

    deadline = time.monotonic() + 40  # the test stack sweeps every 5 s
    while time.monotonic() < deadline and store.get(lead.id).pack is None:
        time.sleep(0.5)
    assert store.get(lead.id).pack is not None, "the sweeper did not rebuild the lost job"
    assert [e["kind"] for e in store.events(lead.id)].count("dossier_genere") == 1
