"""When the funding request must reach the OPCO, and how much of the budget year is left."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from chalicelib.formats import fr_date

from .rules import STATUS_FR, OpcoProfile, known_profile


class FilingDeadline(BaseModel):
    model_config = ConfigDict(frozen=True)

    opco_code: str | None
    deposit_before: date | None  # last day on which the complete request may reach the OPCO
    recommended_by: date | None = None  # last working day before deposit_before when that is a day off
    lead_time_days: int | None
    lead_time_kind: str  # calendar | working | month | unknown
    late: bool | None
    budget_year: int | None
    days_left_in_budget_year: int | None
    explanation: str
    lead_time_text: str = ""  # the OPCO's own lead time, said the way its source says it
    source: str | None

    @property
    def wording(self) -> str:
        """The one way a deadline is printed: 'à déposer au plus tard le …' (+ the working day before)."""
        if self.deposit_before is None:
            return "date de dépôt à fixer avec la date de début"
        text = f"à déposer au plus tard le {fr_date(self.deposit_before)}"
        if self.recommended_by:
            off = _day_off(self.deposit_before)
            text += f" ({off} : dépôt conseillé le {fr_date(self.recommended_by)}, dernier jour ouvré avant)"
        return text


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.cache
def french_holidays(year: int) -> frozenset[date]:
    """The 11 metropolitan public holidays (C. trav. L3133-1), movable ones from Easter."""
    sunday = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [sunday + timedelta(days=n) for n in (1, 39, 50)]  # Easter Monday, Ascension, Whit Monday
    return frozenset([date(year, m, d) for m, d in fixed] + movable)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in french_holidays(day.year)


def working_days_before(start: date, count: int) -> date:
    day, left = start, count
    while left > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def _months_before(start: date, months: int) -> date:
    month_index = start.year * 12 + start.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _deposit_before(start: date, profile: OpcoProfile | None) -> date:
    lead = profile.lead_time if profile else None
    if lead is None or lead.kind == "unknown" or lead.value is None:
        return start - timedelta(days=1)
    if lead.unit == "month":
        return _months_before(start, int(lead.value))
    if lead.kind == "working":
        return working_days_before(start, int(lead.value))
    return start - timedelta(days=int(lead.value))


def _days_left(start: date, today: date) -> int:
    """Days of the start's budget year still to come, today and 31 December included."""
    year_end = date(start.year, 12, 31)
    origin = max(today, date(start.year, 1, 1))
    return max((year_end - origin).days + 1, 0)


def last_working_day(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _day_off(day: date) -> str:
    return "jour férié" if day in french_holidays(day.year) else ("samedi" if day.weekday() == 5 else "dimanche")


def _lead_text(profile: OpcoProfile | None) -> str:
    if profile is None:
        return "OPCO à confirmer : la demande est à déposer avant le premier jour de formation"
    lead = profile.lead_time
    if lead.kind == "unknown" or lead.value is None:
        return (
            f"{profile.name} : aucun délai publié, demande à déposer avant le premier jour de formation ({lead.note})"
        )
    plural = "s" if lead.value > 1 else ""
    unit = (
        "mois"
        if lead.unit == "month"
        else f"jour{plural} ouvré{plural}"
        if lead.kind == "working"
        else f"jour{plural} calendaire{plural}"
    )
    delay = f"{lead.value} {unit}"
    if lead.unit == "day" and lead.kind == "calendar" and lead.value <= 1:
        delay = "au plus tard la veille du début" if lead.value == 1 else "au plus tard le premier jour"
    return f"{profile.name} : {lead.note} ({delay} ; {lead.year}, {STATUS_FR[lead.status]})"


def filing_deadline(*, opco_code: str | None, start_date: date | None, today: date) -> FilingDeadline:
    """Deadline to file the request on the OPCO's portal. `today` is a parameter: no clock here."""
    profile = known_profile(opco_code)
    lead = profile.lead_time if profile else None
    kind = "unknown" if lead is None or lead.value is None else ("month" if lead.unit == "month" else lead.kind)
    days = int(lead.value) if lead and lead.value is not None and kind != "month" else None
    base: dict[str, Any] = {
        "opco_code": opco_code,
        "lead_time_days": days,
        "lead_time_kind": kind,
        "source": lead.source if lead else None,
        "lead_time_text": _lead_text(profile),
    }
    if start_date is None:
        return FilingDeadline(
            **base,
            deposit_before=None,
            late=None,
            budget_year=None,
            days_left_in_budget_year=None,
            explanation=f"Date de début à préciser. {_lead_text(profile)}.",
        )
    deposit = _deposit_before(start_date, profile)
    late = today > deposit
    recommended = last_working_day(deposit)
    deadline = FilingDeadline(
        **base,
        deposit_before=deposit,
        recommended_by=None if recommended == deposit else recommended,
        late=late,
        budget_year=start_date.year,
        days_left_in_budget_year=_days_left(start_date, today),
        explanation="",
    )
    text = f"Demande complète {deadline.wording}. {_lead_text(profile)}."
    if late:
        text = (
            f"En retard : la demande complète était {deadline.wording} ; "
            f"décalez la date de début ou vérifiez auprès de l'OPCO. {_lead_text(profile)}."
        )
    return deadline.model_copy(update={"explanation": text})
