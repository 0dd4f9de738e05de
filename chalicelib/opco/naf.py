"""NAF rév. 2 codes: validation and labels for the intake form, and the weak NAF -> OPCO hint."""

from __future__ import annotations

import re

from ._data import Hint, naf_hints, naf_table

_NAF = re.compile(r"^(\d{2})\.?(\d{2})([A-Za-z])$")


def clean_naf(code: object) -> str | None:
    """'62.01Z', '6201z', ' 6201Z ' -> '6201Z'; anything else -> None."""
    if not isinstance(code, str):
        return None
    match = _NAF.match(code.strip())
    return f"{match[1]}{match[2]}{match[3].upper()}" if match else None


def is_known_naf(code: object) -> bool:
    cleaned = clean_naf(code)
    return cleaned is not None and cleaned in naf_table()


def naf_label(code: object) -> str | None:
    cleaned = clean_naf(code)
    entry = naf_table().get(cleaned) if cleaned else None
    return entry[0] if entry else None


def naf_section(code: str) -> str | None:
    entry = naf_table().get(code)
    return entry[1] if entry else None


def naf_hint(code: str) -> tuple[str, Hint] | None:
    """The most specific hint (longest code prefix, else the section) for a clean NAF code."""
    hints = naf_hints()
    for length in (4, 3, 2):
        if code[:length] in hints:
            return code[:length], hints[code[:length]]
    section = naf_section(code)
    return (section, hints[section]) if section in hints else None
