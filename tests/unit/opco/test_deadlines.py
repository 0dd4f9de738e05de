from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.opco import filing_deadline
from chalicelib.opco.deadlines import easter, french_holidays

TODAY = date(2026, 11, 26)


def test_easter_is_computed_for_known_years():
    assert [easter(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
    ]


def test_movable_holidays_follow_easter():
    holidays = french_holidays(2026)
    assert {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)} <= holidays
    assert len(holidays) == 11


def test_working_days_skip_whit_monday_and_ascension():
    deadline = filing_deadline(opco_code="constructys", start_date=date(2026, 5, 26), today=TODAY)
    assert deadline.deposit_before == date(2026, 4, 29) and deadline.late


def test_unknown_start_asks_for_a_date():
    deadline = filing_deadline(opco_code="atlas", start_date=None, today=TODAY)
    assert deadline.deposit_before is None and "Date de début à préciser" in deadline.explanation


def test_unknown_lead_time_means_before_the_first_day():
    deadline = filing_deadline(opco_code="opco_mobilites", start_date=date(2026, 12, 10), today=TODAY)
    assert deadline.deposit_before == date(2026, 12, 9) and deadline.lead_time_kind == "unknown"
    assert "aucun délai publié" in deadline.explanation


def test_month_lead_time_clamps_to_month_end():
    deadline = filing_deadline(opco_code="afdas", start_date=date(2027, 3, 31), today=TODAY)
    assert deadline.deposit_before == date(2027, 2, 28)


def test_french_date_format_in_explanation():
    deadline = filing_deadline(opco_code="akto", start_date=date(2027, 1, 15), today=TODAY)
    assert "16/12/2026" in deadline.explanation


@given(
    st.sampled_from([None, "atlas", "akto", "constructys", "afdas", "ocapiat", "nope"]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
)
def test_deadline_is_never_after_the_start(code, start):
    deadline = filing_deadline(opco_code=code, start_date=start, today=TODAY)
    assert deadline.deposit_before <= start
