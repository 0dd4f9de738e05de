"""The scheduled jobs on a laptop: what EventBridge does in AWS, for the local stack.

The jobs and their schedules are the ones app.py registers (Chalice's event sources, the same
expressions `chalice package` writes into the template): nothing is repeated here. The local
stack (scripts/local_stack.py) runs them in a process of their own, each at its next due time
(UTC), with the event EventBridge sends; `--schedule-every NAME=SECONDS` and `--run-now NAME`
change that for tests and demos, and `--job NAME` runs one job once against a running stack.
"""

from __future__ import annotations

import re
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

REGION = "eu-west-3"
RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
CRON = re.compile(r"^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$")
DAY_NAMES = {n: i for i, n in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
MONTH_NAMES = {
    n: i for i, n in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)
}


@dataclass(frozen=True)
class Job:
    name: str  # the handler's name in app.py, as Lambda calls it (app.<name>)
    expression: str  # "rate(5 minutes)" or "cron(0 7 * * ? *)", EventBridge's syntax


def scheduled_jobs(chalice_app: Any) -> list[Job]:
    """Every schedule the app registers, with the expression the deployment gives EventBridge."""
    from chalice.app import ScheduledEventConfig

    return [
        Job(
            s.name,
            s.schedule_expression if isinstance(s.schedule_expression, str) else s.schedule_expression.to_string(),
        )
        for s in chalice_app.event_sources
        if isinstance(s, ScheduledEventConfig)
    ]


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    """One cron field: *, ?, n, a-b, a,b, */n, a/n, a-b/n (names for days and months). EventBridge's
    L, W and # are refused: a schedule the local stack cannot honour must not silently never fire."""
    if field in ("*", "?"):
        return set(range(low, high + 1))
    found: set[int] = set()
    for part in field.upper().split(","):
        for name, number in (names or {}).items():
            part = part.replace(name, str(number))
        span, _, step = part.partition("/")
        if span == "*":
            start, end = low, high
        elif "-" in span:
            start, end = (int(x) for x in span.split("-"))
        elif span.isdigit():
            start, end = int(span), (high if step else int(span))
        else:
            raise ValueError(f"cron field {field!r} is not supported by the local scheduler")
        found.update(range(start, end + 1, int(step or 1)))
    return found


def next_run(expression: str, after: datetime, started: datetime) -> datetime:
    """The first time strictly after `after` the schedule fires (UTC). A rate counts from `started`,
    as EventBridge counts from the rule's creation."""
    if m := RATE.match(expression):
        unit = m.group(2).rstrip("s") + "s"
        every = timedelta(**{unit: int(m.group(1))})
        return started + every * ((after - started) // every + 1)
    m = CRON.match(expression)
    if not m:
        raise ValueError(f"unknown schedule expression {expression!r}")
    minute, hour, dom, month, dow, year = m.groups()
    minutes, hours = _values(minute, 0, 59), _values(hour, 0, 23)
    doms, months, years = _values(dom, 1, 31), _values(month, 1, 12, MONTH_NAMES), _values(year, 1970, 2199)
    dows = _values(dow, 1, 7, DAY_NAMES)  # EventBridge: 1 = Sunday
    day = after.replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(366 * 5):
        if day.year in years and day.month in months and day.day in doms and (day.isoweekday() % 7 + 1) in dows:
            for h in sorted(hours):
                for mi in sorted(minutes):
                    at = day.replace(hour=h, minute=mi)
                    if at > after:
                        return at
        day += timedelta(days=1)
    raise ValueError(f"{expression!r} never fires within five years")


class Schedule:
    """When each job is due: its own expression, or a fixed interval given for tests."""

    def __init__(self, jobs: list[Job], every_s: dict[str, float], now: datetime):
        unknown = set(every_s) - {j.name for j in jobs}
        if unknown:
            raise ValueError(f"no scheduled job named {', '.join(sorted(unknown))} in app.py")
        self.jobs, self._every, self._started = jobs, every_s, now
        self.due = {j.name: self._next(j, now) for j in jobs}

    def _next(self, job: Job, after: datetime) -> datetime:
        if job.name in self._every:
            return after + timedelta(seconds=self._every[job.name])
        return next_run(job.expression, after, self._started)

    def how(self, job: Job) -> str:
        return f"every {self._every[job.name]:g} s (local override)" if job.name in self._every else job.expression

    def pop_due(self, now: datetime) -> list[Job]:
        """The jobs due at `now`, each moved to its next time (a late run is not repeated: EventBridge
        does not queue missed runs either)."""
        ready = [j for j in self.jobs if self.due[j.name] <= now]
        for j in ready:
            self.due[j.name] = self._next(j, now)
        return ready


class LambdaContext:
    """What the Lambda runtime passes; enough for Chalice and Powertools."""

    memory_limit_in_mb = 512

    def __init__(self, function: str = "build_dossier") -> None:
        self.function_name = f"opco-dossier-local-{function}"
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{self.function_name}"
        self.aws_request_id = str(uuid.uuid4())

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 120_000


def scheduled_event(name: str) -> dict[str, Any]:
    """What EventBridge passes a schedule handler (Chalice's CloudWatchEvent reads every key)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "detail": {},
        "resources": [f"arn:aws:events:{REGION}:123456789012:rule/opco-dossier-local-{name}"],
    }


def invoke(name: str, log: Callable[[str], None] = print) -> Any:
    """Call app.<name> as Lambda does for a schedule: EventBridge's event, a Lambda context."""
    import app  # the handlers as app.py wires them

    began = time.monotonic()
    try:
        result = getattr(app, name)(scheduled_event(name), LambdaContext(name))
    except Exception as exc:  # as a failed Lambda invocation: logged, the next run still comes
        log(f"schedule: {name} failed after {time.monotonic() - began:.2f} s: {type(exc).__name__}: {exc}")
        traceback.print_exc()
        return None
    log(f"schedule: {name} ran in {time.monotonic() - began:.2f} s: {result}")
    return result


def run(stop: Any, every_s: dict[str, float], run_now: list[str]) -> None:
    """The local EventBridge: a process of its own (started by local_stack.main), until `stop` is set."""
    import signal

    import app

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it through `stop`

    def log(line: str) -> None:
        print(line, flush=True)

    schedule = Schedule(scheduled_jobs(app.app), every_s, datetime.now(UTC))
    for job in schedule.jobs:
        log(f"schedule: {job.name} {schedule.how(job)}, next at {schedule.due[job.name]:%Y-%m-%d %H:%M:%S} UTC")
    names = [j.name for j in schedule.jobs] if "all" in run_now else run_now
    for name in names:
        invoke(name, log)
    while not stop.is_set():
        for job in schedule.pop_due(datetime.now(UTC)):
            invoke(job.name, log)
        # Sleep, then look at `stop`: never wait on it. A process waiting on an Event that then dies
        # (a SIGTERM to the whole group) leaves the parent's set() waiting for its wake-up forever.
        time.sleep(min(1.0, max(0.05, (min(schedule.due.values()) - datetime.now(UTC)).total_seconds())))
