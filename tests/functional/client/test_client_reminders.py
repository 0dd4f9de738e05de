"""Reminders J-7 and J-2 with a link that stops them; the consultants' digest lists client actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.functional.client.conftest import LINK, form, sent_emails


def _deadline(lead_id: str):
    from chalicelib.leads.store import leads_store
    from chalicelib.pricing.deadline import deadline

    return deadline(leads_store().get(lead_id), datetime.now(UTC).date()).deposit_before


def _at(day) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC).replace(hour=7)


def _to_client(sent) -> list:
    return [m for m in sent_emails() if m.destinations["ToAddresses"] == [sent.email]]


def test_the_client_gets_j7_and_j2_reminders_once_each_with_a_link_that_stops_them(local_consultants, sent):
    from chalicelib.client.reminders import send_reminders

    deposit = _deadline(sent.id)
    before = len(_to_client(sent))
    assert send_reminders(now=_at(deposit - timedelta(days=8)))["sent"] == 0
    assert send_reminders(now=_at(deposit - timedelta(days=7)))["sent"] == 1
    assert send_reminders(now=_at(deposit - timedelta(days=6)))["sent"] == 0  # J-7 once
    mail = _to_client(sent)[-1]
    assert len(_to_client(sent)) == before + 1 and "Rappel" in mail.subject and "7 jour(s)" in mail.body
    links = LINK.findall(mail.body)
    assert links and set(links) == {sent.token}  # the same personal link, written again from its nonce
    assert f"/client/{sent.token}/rappels/arret" in mail.body

    stop = local_consultants.client.http.get(f"/client/{sent.token}/rappels/arret")
    assert stop.status_code == 200 and "Rappels arrêtés" in stop.body.decode()
    assert send_reminders(now=_at(deposit - timedelta(days=2)))["sent"] == 0
    form(local_consultants.client, f"/client/{sent.token}/rappels", {})
    assert send_reminders(now=_at(deposit - timedelta(days=2)))["sent"] == 1
    assert "2 jour(s)" in _to_client(sent)[-1].body


def test_no_reminder_once_the_client_said_it_filed(local_consultants, sent):
    from chalicelib.client.reminders import send_reminders

    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    form(local_consultants.client, f"/client/{sent.token}/depot", {"filed_on": yesterday, "opco_file_number": "A-77"})
    assert send_reminders(now=_at(_deadline(sent.id) - timedelta(days=2)))["sent"] == 0


def test_the_daily_digest_lists_the_client_actions_without_contact_details(local_consultants, sent):
    from chalicelib.consultants.notify import send_digest

    local_consultants.client.http.get(f"/client/{sent.token}")
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    form(local_consultants.client, f"/client/{sent.token}/depot", {"filed_on": yesterday, "opco_file_number": "A-78"})
    now = datetime.now(UTC) + timedelta(minutes=1)
    result = send_digest(today=now.date(), now=now)
    assert result["client_actions"] == 2
    mail = [m for m in sent_emails() if m.destinations["ToAddresses"] == ["consultants@formation-ia.example"]][-1]
    assert "a ouvert sa page" in mail.body and "a déclaré le dépôt de la demande" in mail.body
    assert sent.id in mail.body and sent.email not in mail.body and sent.token not in mail.body
    later = send_digest(today=now.date() + timedelta(days=2), now=now + timedelta(days=2))
    assert later["client_actions"] == 0
