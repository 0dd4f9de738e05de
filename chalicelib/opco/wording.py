"""French wording shared by the OPCO room: elisions of OPCO names."""

from __future__ import annotations

_VOWELS = tuple("AEIOUYÉÈÊaeiouyéèê")


def de(name: str) -> str:
    """'de' before an OPCO name, elided before a vowel: d'OCAPIAT, d'Afdas, de Constructys."""
    return f"d'{name}" if name.startswith(_VOWELS) else f"de {name}"
