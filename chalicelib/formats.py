"""French formats for everything a user reads: 26/11/2026, 1 234,50 €. Pure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # narrow no-break space: French thousands separator and before « : ; ! ? »
CENT = Decimal("0.01")
# Regions of the French numbering plan: dialled from France with the 10-digit national number
# (06 12 34 56 78, 0692 12 34 56); any other number reads in international format.
FRENCH_PLAN_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"})


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def fr_date(value: date | datetime | str | None, empty: str = "à préciser") -> str:
    if value is None or value == "":
        return empty
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def fr_number(value: Decimal | int | float | str, decimals: int = 2) -> str:
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NNBSP.join(groups) or "0"
    return f"{sign}{text},{frac}" if decimals else f"{sign}{text}"


def fr_money(value: Decimal | int | float | str | None, empty: str = "à préciser") -> str:
    if value is None:
        return empty
    return f"{fr_number(value)}{NNBSP}€"


def fr_hours(value: Decimal | int | float | str) -> str:
    d = Decimal(str(value))
    return f"{fr_number(d, 0 if d == d.to_integral_value() else 1)}{NNBSP}h"


def fr_percent(share: float) -> str:
    """0.859 -> '85,9 %' (narrow no-break space)."""
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}{NNBSP}%"


def fr_phone(value: str | None, empty: str = "—") -> str:
    """A stored E.164 number as a French reader dials it: '+33612345678' -> '06 12 34 56 78',
    '+3222345678' -> '+32 2 234 56 78'; anything unparseable is shown as stored."""
    import phonenumbers

    if not value:
        return empty
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    french = phonenumbers.region_code_for_number(number) in FRENCH_PLAN_REGIONS
    style = phonenumbers.PhoneNumberFormat.NATIONAL if french else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return str(phonenumbers.format_number(number, style))


# The French formats as Jinja filters, one vocabulary for the pack's documents and the pages:
# {{ amount | money }}, {{ day | date }}, {{ lead.phone | phone }}...
FILTERS: dict[str, Callable[..., str]] = {
    "date": fr_date,
    "money": fr_money,
    "hours": fr_hours,
    "number": fr_number,
    "phone": fr_phone,
}
