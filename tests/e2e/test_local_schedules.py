"""`make run` fires the scheduled jobs app.py registers (sweeper, consultants' digest, client
reminders), as EventBridge does in AWS: here at start (--run-now), every few seconds
(--schedule-every) and once on demand (--job), on a stack of its own; a client whose filing
deadline is near gets its reminder, with the one-click unsubscribe headers, from the running stack."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from datetime import date, timedelta
from email import message_from_string
from email.policy import default

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import start_stack
from tests.e2e.test_client_space_browser import sent_to_client
from tests.e2e.test_consultant_workspace import _sent_emails, _wait_for

pytestmark = pytest.mark.e2e

JOBS = ("sweep_stuck_leads", "deadline_digest", "client_reminders")


@pytest.fixture(scope="module")
def scheduled_stack(tmp_path_factory):
    args = ("--run-now", "all", "--schedule-every", "client_reminders=2")  # (the e2e stacks sweep every 5 s)
    with start_stack(tmp_path_factory.mktemp("scheduled"), {"FORM_MIN_FILL_SECONDS": "0"}, args=args) as s:
        yield s


def _raw_mails(stack, to: str) -> list:
    with urllib.request.urlopen(stack.aws + "/moto-api/data.json", timeout=10) as resp:
        raw = json.loads(resp.read()).get("ses", {}).get("RawMessage", [])
    return [message_from_string(m["raw_data"], policy=default) for m in raw if to in m["destinations"]]


def test_every_scheduled_job_of_app_py_fires_at_start_and_on_its_interval(scheduled_stack):
    def ran(name: str) -> list[str]:
        return re.findall(rf"^schedule: {name} ran in .*$", scheduled_stack.log.read_text(), re.MULTILINE)

    log = _wait_for(lambda: all(ran(n) for n in JOBS) and scheduled_stack.log.read_text())
    assert "schedule: deadline_digest cron(0 6 * * ? *), next at" in log  # read from app.py, not repeated
    assert "schedule: client_reminders every 2 s (local override)" in log
    # Each handler ran as Lambda runs it: its own function name in its JSON log lines.
    assert '"function_name":"opco-dossier-local-client_reminders"' in log
    _wait_for(lambda: len(ran("client_reminders")) >= 3, timeout_s=15)  # and again, every 2 s


def test_a_client_near_its_deadline_gets_the_reminder_from_the_running_stack(
    scheduled_stack, browser, valid_submission
):
    stack = scheduled_stack
    start = (date.today() + timedelta(days=5)).isoformat()  # to be filed within the week: J-7 is due
    lead_id, _ = sent_to_client(browser, stack, {**valid_submission, "start_date": start})

    [mail] = _wait_for(lambda: _raw_mails(stack, valid_submission["email"]), timeout_s=20)
    assert str(mail["Subject"]).startswith("Rappel : votre demande de prise en charge est à déposer avant le")
    unsubscribe = str(mail["List-Unsubscribe"]).strip("<>")
    assert unsubscribe.startswith(f"{stack.api}/client/") and unsubscribe in mail.get_content()
    assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    assert re.search(r"^schedule: client_reminders ran in .*\{'sent': 1\}$", stack.log.read_text(), re.MULTILINE)
    # One job, once, against the running stack (what `make job JOB=…` runs): the digest lists the lead.
    ports = [stack.api.rsplit(":", 1)[1], stack.aws.rsplit(":", 1)[1]]
    once = subprocess.run(
        [
            sys.executable,
            "scripts/local_stack.py",
            "--job",
            "deadline_digest",
            "--api-port",
            ports[0],
            "--aws-port",
            ports[1],
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert once.returncode == 0 and "schedule: deadline_digest ran in" in once.stdout, once.stdout + once.stderr
    _wait_for(
        lambda: [m for m in _sent_emails(stack) if m["subject"].startswith("Échéances OPCO") and lead_id in m["body"]]
    )

    # The mailbox's one-click unsubscribe: a POST without Origin, the body RFC 8058 fixes.
    req = urllib.request.Request(
        unsubscribe,
        data=b"List-Unsubscribe=One-Click",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and "Rappels arrêtés" in resp.read().decode()
