"""The local stack's scheduler reads EventBridge expressions as EventBridge does (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scripts.local_schedules import Job, Schedule, next_run

T0 = datetime(2026, 12, 1, 5, 30, tzinfo=UTC)  # a Tuesday


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (datetime(2026, 12, 1, 6, 59, 59, tzinfo=UTC), datetime(2026, 12, 1, 7, 0, tzinfo=UTC)),
        (datetime(2026, 12, 1, 7, 0, tzinfo=UTC), datetime(2026, 12, 2, 7, 0, tzinfo=UTC)),  # strictly after
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), datetime(2027, 1, 1, 7, 0, tzinfo=UTC)),
    ],
)
def test_a_daily_cron_fires_next_at_its_hour_utc(after, expected):
    assert next_run("cron(0 7 * * ? *)", after, T0) == expected


def test_weekday_names_and_numbers_count_sunday_as_one_like_eventbridge():
    tuesday_noon = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert next_run("cron(30 8 ? * MON-FRI *)", tuesday_noon, T0) == datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
    assert next_run("cron(0 9 ? * 1 *)", tuesday_noon, T0) == datetime(2026, 12, 6, 9, 0, tzinfo=UTC)  # Sunday
    assert next_run("cron(0 9 ? * SAT *)", tuesday_noon, T0) == datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def test_steps_lists_and_days_of_month():
    assert next_run("cron(*/15 * * * ? *)", T0, T0) == T0 + timedelta(minutes=15)
    assert next_run("cron(0 6,18 * * ? *)", T0, T0) == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert next_run("cron(0 0 1 JAN ? *)", T0, T0) == datetime(2027, 1, 1, 0, 0, tzinfo=UTC)


def test_a_rate_counts_from_the_start_not_from_the_last_look():
    started = T0
    assert next_run("rate(5 minutes)", started, started) == started + timedelta(minutes=5)
    assert next_run("rate(5 minutes)", started + timedelta(minutes=7), started) == started + timedelta(minutes=10)
    assert next_run("rate(1 hour)", started, started) == started + timedelta(hours=1)
    assert next_run("rate(2 days)", started, started) == started + timedelta(days=2)


@pytest.mark.parametrize("expression", ["cron(0 7 L * ? *)", "cron(0 7 ? * 6#3 *)", "at(2026-12-01T07:00:00)"])
def test_what_the_local_scheduler_cannot_honour_is_refused_not_silently_skipped(expression):
    with pytest.raises(ValueError):
        next_run(expression, T0, T0)


def test_due_jobs_run_once_and_move_to_their_next_time_and_overrides_use_a_fixed_interval():
    jobs = [Job("client_reminders", "cron(0 7 * * ? *)"), Job("sweep_stuck_leads", "rate(5 minutes)")]
    schedule = Schedule(jobs, {"sweep_stuck_leads": 2}, T0)
    assert schedule.due == {
        "client_reminders": datetime(2026, 12, 1, 7, 0, tzinfo=UTC),
        "sweep_stuck_leads": T0 + timedelta(seconds=2),
    }
    assert schedule.pop_due(T0 + timedelta(seconds=1)) == []
    late = datetime(2026, 12, 1, 7, 3, tzinfo=UTC)  # the laptop slept: each job runs once, not once per miss
    assert [j.name for j in schedule.pop_due(late)] == ["client_reminders", "sweep_stuck_leads"]
    assert schedule.due["client_reminders"] == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    assert schedule.due["sweep_stuck_leads"] == late + timedelta(seconds=2)
    assert schedule.how(jobs[0]) == "cron(0 7 * * ? *)" and schedule.how(jobs[1]) == "every 2 s (local override)"


def test_an_override_for_a_job_app_py_does_not_schedule_is_refused():
    with pytest.raises(ValueError, match="client_reminder"):
        Schedule([Job("client_reminders", "cron(0 7 * * ? *)")], {"client_reminder": 5}, T0)
