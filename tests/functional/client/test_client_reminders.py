"""Reminders J-7 and J-2 with a link that stops them; the consultants' digest lists client actions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.functional.client.conftest import LINK, form, mails_to, sent_emails


def _deadline(lead_id: str):
    from chalicelib.leads.store import leads_store
    from chalicelib.pricing.deadline import deadline

    return deadline(leads_store().get(lead_id), datetime.now(UTC).date()).deposit_before


def _at(day) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC).replace(hour=7)


def _to_client(sent) -> list:
    return mails_to(sent.email)


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

    stop = form(local_consultants.client, f"/client/{sent.token}/rappels/arret", {})  # the page's button
    assert stop.status_code == 200 and "Rappels arrêtés" in stop.body.decode()
    assert send_reminders(now=_at(deposit - timedelta(days=2)))["sent"] == 0
    form(local_consultants.client, f"/client/{sent.token}/rappels", {})
    assert send_reminders(now=_at(deposit - timedelta(days=2)))["sent"] == 1
    assert "2 jour(s)" in _to_client(sent)[-1].body


def test_opening_the_stop_link_only_asks_so_a_mail_scanner_following_it_stops_nothing(local_consultants, sent):
    from chalicelib.client.reminders import send_reminders

    deposit = _deadline(sent.id)
    dossier = local_consultants.client.http.get(f"/client/{sent.token}").body.decode()
    assert f'<a href="/client/{sent.token}/rappels/arret">Ne plus recevoir ces rappels</a>' in dossier
    for _ in range(2):  # a scanner may follow a link more than once
        page = local_consultants.client.http.get(f"/client/{sent.token}/rappels/arret")
        html = page.body.decode()
        assert page.status_code == 200 and "Arrêter les rappels ?" in html
        assert f'<form method="post" action="/client/{sent.token}/rappels/arret">' in html
    assert send_reminders(now=_at(deposit - timedelta(days=7)))["sent"] == 1  # still on
    events = local_consultants.client.http.get(
        f"/consultants/api/leads/{sent.id}", headers=local_consultants.bearer()
    ).body.decode()
    assert "rappels_arretes" not in events

    stopped = form(local_consultants.client, f"/client/{sent.token}/rappels/arret", {})
    assert stopped.status_code == 200 and "Rappels arrêtés" in stopped.body.decode()
    again = local_consultants.client.http.get(f"/client/{sent.token}/rappels/arret").body.decode()
    assert "Rappels arrêtés" in again and "Réactiver les rappels" in again  # the link now offers the undo


def test_reminders_carry_one_click_unsubscribe_headers_that_a_mailbox_can_post_to(local_consultants, sent):
    from chalicelib.client.reminders import send_reminders

    deposit = _deadline(sent.id)
    assert send_reminders(now=_at(deposit - timedelta(days=7)))["sent"] == 1
    mail = _to_client(sent)[-1]
    from chalicelib.config import settings

    url = f"{settings().public_base_url}/client/{sent.token}/rappels/arret"
    assert url.startswith("https://")  # RFC 8058: an HTTPS URI
    assert mail.headers["List-Unsubscribe"] == f"<{url}>"
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in mail.body and mail.headers["From"] == "dossiers@formation-ia.example"

    # The mail provider's POST (RFC 8058): the body the RFC fixes, no Origin, no cookie.
    click = local_consultants.client.http.post(
        f"/client/{sent.token}/rappels/arret",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body="List-Unsubscribe=One-Click",
    )
    assert click.status_code == 200
    assert send_reminders(now=_at(deposit - timedelta(days=2)))["sent"] == 0
    detail = local_consultants.client.http.get(f"/consultants/api/leads/{sent.id}", headers=local_consultants.bearer())
    assert ("rappels_arretes", "client") in {(h["kind"], h["actor"]) for h in json.loads(detail.body)["history"]}


def test_a_multipart_one_click_post_stops_reminders_and_another_site_cannot(local_consultants, sent):
    from chalicelib.client.reminders import send_reminders

    deposit = _deadline(sent.id)
    path = f"/client/{sent.token}/rappels/arret"
    body = '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n'
    cross = local_consultants.client.http.post(
        path, headers={"Content-Type": "multipart/form-data; boundary=b", "Origin": "https://evil.example"}, body=body
    )
    assert cross.status_code == 403  # a page of another site cannot stop them (same check as every client POST)
    assert send_reminders(now=_at(deposit - timedelta(days=7)))["sent"] == 1
    click = local_consultants.client.http.post(
        path, headers={"Content-Type": "multipart/form-data; boundary=b"}, body=body
    )
    assert click.status_code == 200
    assert send_reminders(now=_at(deposit - timedelta(days=2)))["sent"] == 0


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


def test_a_reminder_ses_refuses_is_logged_and_counted_for_the_alarm(local_consultants, sent):
    from chalicelib.client.reminders import send_reminders
    from chalicelib.observability import metrics
    from tests.faults import inject

    deposit = _deadline(sent.id)
    metrics.clear_metrics()
    with inject("ses", "SendRawEmail", "MessageRejected", status=400, times=1) as fault:
        assert send_reminders(now=_at(deposit - timedelta(days=7)))["sent"] == 0
    assert fault.fired == 1
    # ClientRemindersErrorsAlarm (infra/platform.json) sums this metric with the function's Errors.
    assert metrics.metric_set["ClientReminderFailed"]["Value"] == [1.0]
    metrics.clear_metrics()
