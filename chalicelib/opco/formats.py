"""French display formats for user-facing strings (26/11/2026, 1 234,50 €, 85,9 %)."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # narrow no-break space: French thousands separator and before € / %
CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def fr_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def fr_money(amount: Decimal) -> str:
    """1234.5 -> '1 234,50 €' (narrow no-break spaces); whole amounts keep their cents."""
    text = f"{to_cents(amount):,.2f}".replace(",", NNBSP).replace(".", ",")
    return f"{text}{NNBSP}€"


def fr_percent(share: float) -> str:
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}{NNBSP}%"
