"""The local stack runs every schedule app.py registers, with the expression the deployment uses."""

from __future__ import annotations

from datetime import UTC, datetime


def test_the_local_scheduler_reads_app_py_and_can_run_every_schedule_it_registers():
    import app
    from scripts.local_schedules import next_run, scheduled_jobs

    jobs = {j.name: j.expression for j in scheduled_jobs(app.app)}
    assert jobs == {
        "sweep_stuck_leads": "rate(5 minutes)",
        "deadline_digest": "cron(0 6 * * ? *)",
        "client_reminders": "cron(0 7 * * ? *)",
    }
    now = datetime.now(UTC)
    for name, expression in jobs.items():
        assert callable(getattr(app, name))  # what the local stack calls, as Lambda calls app.<name>
        assert next_run(expression, now, now) > now  # no expression the local stack cannot honour
