"""The client acts while the worker writes the same client space (the signed copy of the previous
document): the client's action is applied to a fresh read, nothing of the worker's write is lost."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.faults import inject
from tests.functional.client.conftest import form
from tests.functional.client.test_client_space import _sign, _space


def _is_space_write(params: dict[str, Any]) -> bool:
    return bool(params.get("Item", {}).get("sk", {}).get("S") == "CLIENT")


def _worker_signs(lead_id: str, document: str) -> Any:
    """Interleave the worker's signing job just before the request writes the client space."""
    from chalicelib.client.jobs import ClientJob
    from chalicelib.client.work import handle

    job = ClientJob("signature", lead_id, version=1, document=document, party="client")
    return inject("dynamodb", "PutItem", before=lambda _: handle(job), when=_is_space_write, times=1)


def test_a_second_signature_lands_while_the_worker_writes_the_first_signed_copy(local_consultants, sent):
    c = local_consultants.client
    assert _sign(c, sent, "devis.pdf").status_code == 303
    with _worker_signs(sent.id, "devis.pdf") as race:
        resp = _sign(c, sent, "convention.pdf")
    assert race.fired == 1
    assert resp.status_code == 303, resp.body.decode()[:2000]
    space = _space(sent.id)
    assert space.signature(1, "devis.pdf").client_signed_key == f"signed/{sent.id}/v1/devis-client.pdf"
    assert space.signature(1, "convention.pdf").client.name == "Camille Martin"


def test_a_filing_lands_while_the_worker_writes_a_signed_copy(local_consultants, sent):
    c = local_consultants.client
    assert _sign(c, sent, "convention.pdf").status_code == 303
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    with _worker_signs(sent.id, "convention.pdf") as race:
        resp = form(c, f"/client/{sent.token}/depot", {"filed_on": yesterday, "opco_file_number": "ATL-2026-000123"})
    assert race.fired == 1
    assert resp.status_code == 303, resp.body.decode()[:2000]
    space = _space(sent.id)
    assert space.filing and space.filing.opco_file_number == "ATL-2026-000123"
    assert space.signature(1, "convention.pdf").client_signed_key


def test_the_same_document_signed_from_two_tabs_is_signed_once(local_consultants, sent):
    """Re-applied to the fresh read, the checks run again: the later tab is told it is already signed."""
    c = local_consultants.client
    other_tab = inject(
        "dynamodb", "PutItem", before=lambda _: _sign(c, sent, "devis.pdf"), when=_is_space_write, times=1
    )
    with other_tab as race:
        resp = _sign(c, sent, "devis.pdf", name="Camille Martin-Durand")
    assert race.fired == 1
    assert resp.status_code == 422 and "déjà signé" in resp.body.decode()
    assert _space(sent.id).signature(1, "devis.pdf").client.name == "Camille Martin"
