"""Who is the client's OPCO: IDCC first, then the registry's IDCCs, then weak NAF/sector hints."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

from chalicelib.formats import fr_date, fr_percent

from ._data import IdccRow, idcc_meta, idcc_table, opco_names, sector_keywords
from .models import Candidate, Confidence, OpcoMatch, OpcoRef
from .naf import clean_naf, naf_hint, naf_label
from .rules import portal_url
from .wording import de

_IDCC_PREFIX = re.compile(r"^\s*idcc\s*(?:n\s*°|no\.?|n°)?\s*[:#-]?\s*", re.IGNORECASE)
# Below this SIRO share an ambiguous majority is only a weak guess.
_MEDIUM_SHARE = 0.5
_CHECK = "Quel est mon OPCO (France compétences, par SIRET) : https://quel-est-mon-opco.francecompetences.fr"


def normalize_idcc(raw: object) -> str | None:
    """' 16', '0016', '01486', 'IDCC 1486', 'idcc: 1486' -> '0016' / '1486'; None or '' -> None."""
    if raw is None or isinstance(raw, bool):
        return None if raw is None else _invalid(raw)
    text = str(raw) if isinstance(raw, int) else raw
    if not isinstance(text, str):
        return _invalid(raw)
    digits = _IDCC_PREFIX.sub("", text.strip()).strip()
    if not digits and not text.strip():
        return None
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 5:
        return _invalid(raw)
    if len(digits) == 5:
        if digits[0] != "0":
            return _invalid(raw)
        digits = digits[1:]
    if int(digits) == 0:
        return _invalid(raw)
    return digits.zfill(4)


def _invalid(raw: object) -> str:
    raise ValueError(f"IDCC invalide : « {raw} ». Un IDCC compte 1 à 4 chiffres (ex. 1486).")


def resolve_opco(
    idcc: str | None = None,
    naf: str | None = None,
    sector: str | None = None,
    registry_idccs: Sequence[str] = (),
) -> OpcoMatch:
    """The client's OPCO with its confidence and a French explanation. Raises ValueError on a bad IDCC."""
    declared = normalize_idcc(idcc)
    if declared:
        return _from_idcc(declared, "idcc")
    registry = [code for code in map(_quiet_normalize, registry_idccs or ()) if code]
    if registry:
        return _from_registry(registry)
    return _from_naf(naf) or _from_sector(sector) or _nothing()


def _quiet_normalize(raw: object) -> str | None:
    try:
        return normalize_idcc(raw)
    except ValueError:
        return None


def _data_date() -> str:
    return str(idcc_meta().get("siro_date") or "")


def _siro_date_fr() -> str:
    raw = _data_date()
    return fr_date(date.fromisoformat(raw)) if raw else "date inconnue"


def _ref(code: str) -> OpcoRef:
    return OpcoRef(code=code, name=opco_names()[code], portal_url=portal_url(code))


def _match(row: IdccRow | None, code: str, **fields: object) -> OpcoMatch:
    base: dict[str, Any] = {
        "data_date": _data_date(),
        "idcc": code,
        "idcc_label": (row.title or None) if row else None,
        "candidates": [],
    }
    return OpcoMatch(**(base | fields))


def _chain(code: str) -> list[str]:
    """code, then its DARES successors while the convention is no longer active."""
    table, chain = idcc_table(), [code]
    row = table.get(code)
    while row and row.active == "0" and row.successor and row.successor not in chain:
        chain.append(row.successor)
        row = table.get(row.successor)
    return chain


def _from_idcc(code: str, source: str) -> OpcoMatch:
    table = idcc_table()
    row = table.get(code)
    if row is None:
        return _match(
            None,
            code,
            opco=None,
            confidence="none",
            source="none",
            explanation=(
                f"IDCC {code} inconnu de la liste DARES et de la table SIRO : vérifiez le numéro "
                f"sur le bulletin de paie. {_CHECK}"
            ),
        )
    if row.method == "no_agreement":
        return _match(
            row,
            code,
            opco=None,
            confidence="none",
            source="none",
            explanation=(
                f"IDCC {code} ({row.title}) : aucune convention collective, l'OPCO ne se déduit donc "
                f"pas de l'IDCC. {_CHECK}"
            ),
        )
    chain = _chain(code)
    if row.method.startswith("successor:") and row.method[10:] in chain:
        # The chain stops at the first successor SIRO answers clearly (7515 for 5508, not 1486).
        chain = chain[: chain.index(row.method[10:]) + 1]
    final = table.get(chain[-1])
    # SIRO first: the DARES successor decides only for an IDCC SIRO says nothing clear about (the
    # table's method column records which source answered each IDCC).
    if row.method.startswith("successor:") and final and final.opco:
        return _via_successor(row, final, chain, source)
    return _from_row(row, source, chain)


def _via_successor(row: IdccRow, final: IdccRow, chain: list[str], source: str) -> OpcoMatch:
    clear = final.method == "siro" and not final.ambiguous
    confidence: Confidence = "high" if clear else "medium"
    steps = " puis ".join(chain[1:])
    text = (
        f"IDCC {row.idcc} remplacé par {steps} ({final.title}) : {opco_names()[final.opco]} "
        "(aucun établissement déclaré sous l'ancien IDCC dans la table SIRO)."
    )
    return _match(
        row,
        row.idcc,
        opco=_ref(final.opco),
        confidence=confidence,
        source="registry" if source == "registry" else "idcc_successor",
        explanation=text,
        successor_chain=chain,
        candidates=_candidates(final),
    )


def _successor_context(row: IdccRow, chain: list[str]) -> tuple[str, list[Candidate]]:
    """An inactive IDCC's successor, shown as context next to SIRO's own answer."""
    final = idcc_table().get(chain[-1]) if len(chain) > 1 else None
    if final is None or not final.opco:
        return "", []
    name = opco_names()[final.opco]
    text = f" Convention remplacée par l'IDCC {' puis '.join(chain[1:])} ({final.title}, {name})"
    if final.opco == row.opco:
        return text + ".", []
    text += (
        f" : les établissements encore déclarés en {row.idcc} relèvent {de(opco_names()[row.opco])} "
        "selon la table SIRO de France compétences, qui fait foi."
    )
    return text, [Candidate(code=final.opco, name=name)]


def _from_row(row: IdccRow, source: str, chain: list[str]) -> OpcoMatch:
    label = f"IDCC {row.idcc}" + (f" ({row.title})" if row.title else "")
    src = "registry" if source == "registry" else "idcc"
    if not row.opco:
        return _match(
            row,
            row.idcc,
            opco=None,
            confidence="none",
            source="none",
            explanation=(f"{label} : aucun OPCO rattaché dans la table SIRO ni par un successeur. {_CHECK}"),
        )
    name = opco_names()[row.opco]
    if row.method == "siro" or row.method.startswith("successor:"):
        share = f"{fr_percent(row.share)} des établissements, " if row.share else ""
        text = f"{label} : {name} ({share}table SIRO du {_siro_date_fr()})."
        if row.method.startswith("successor:"):
            text = f"{label} : {name}, d'après son successeur {row.method.split(':')[1]}."
            src = "registry" if source == "registry" else "idcc_successor"
        context, others = _successor_context(row, chain) if row.method == "siro" else ("", [])
        return _match(
            row,
            row.idcc,
            opco=_ref(row.opco),
            confidence="high",
            source=src,
            explanation=text + context,
            candidates=[Candidate(code=row.opco, name=name, share=row.share), *others] if others else [],
            successor_chain=chain if len(chain) > 1 else [],
        )
    return _ambiguous(row, label, name, src)


def _ambiguous(row: IdccRow, label: str, name: str, src: str) -> OpcoMatch:
    if row.method == "table2019":
        confidence: Confidence = "low" if row.ambiguous else "medium"
        text = f"{label} : {name} d'après la table IDCC-OPCO du ministère de 2019 (ancienne)"
        text += (
            " ; la table SIRO est partagée entre plusieurs OPCO : à vérifier." if row.ambiguous else " : à vérifier."
        )
    else:
        confidence = "medium" if (row.share or 0) >= _MEDIUM_SHARE else "low"
        share = f" ({fr_percent(row.share)} des établissements)" if row.share else ""
        text = f"{label} : branche partagée entre plusieurs OPCO ; majoritaire : {name}{share}, à vérifier."
    return _match(
        row,
        row.idcc,
        opco=_ref(row.opco),
        confidence=confidence,
        source=src,
        explanation=f"{text} {_CHECK}",
        candidates=_candidates(row),
    )


def _candidates(row: IdccRow) -> list[Candidate]:
    names = opco_names()
    return [Candidate(code=c, name=names[c], share=s) for c, s in row.candidates if c in names]


def _from_registry(codes: list[str]) -> OpcoMatch:
    """IDCCs listed by the company registry; several IDCCs that disagree lower the confidence."""
    matches = [_from_idcc(code, "registry") for code in dict.fromkeys(codes)]
    found = [m for m in matches if m.opco]
    if not found:
        return matches[0]
    first = found[0]
    others = {m.opco.code for m in found if m.opco} - {first.opco.code if first.opco else ""}
    text = f"D'après le registre des entreprises : {first.explanation}"
    if not others:
        return first.model_copy(update={"source": "registry", "explanation": text})
    names = ", ".join(sorted(opco_names()[c] for c in others))
    candidates = [Candidate(code=m.opco.code, name=m.opco.name) for m in found if m.opco]
    return first.model_copy(
        update={
            "source": "registry",
            "confidence": "low" if first.confidence != "high" else "medium",
            "candidates": list({c.code: c for c in candidates}.values()),
            "explanation": f"{text} Autres conventions de l'entreprise : {names} ; à vérifier.",
        }
    )


def _from_naf(raw: object) -> OpcoMatch | None:
    code = clean_naf(raw)
    found = naf_hint(code) if code else None
    if not code or not found:
        return None
    _prefix, hint = found
    name = opco_names()[hint.opco]
    text = (
        f"Indice seulement, d'après le code NAF {code} ({naf_label(code)}) : {hint.reason}. "
        f"Probablement {name}, à confirmer avec l'IDCC du bulletin de paie."
    )
    return OpcoMatch(
        opco=_ref(hint.opco), confidence="low", source="naf", explanation=text, data_date=_data_date(), candidates=[]
    )


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c))


def _from_sector(raw: object) -> OpcoMatch | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    folded = f" {re.sub(r'[^a-z0-9]+', ' ', _fold(raw))} "
    for keyword, hint in sector_keywords().items():
        if f" {re.sub(r'[^a-z0-9]+', ' ', keyword)} " in folded:
            name = opco_names()[hint.opco]
            return OpcoMatch(
                opco=_ref(hint.opco),
                confidence="low",
                source="sector",
                data_date=_data_date(),
                explanation=(
                    f"Indice seulement, d'après le secteur déclaré (« {keyword} ») : "
                    f"probablement {name}, à confirmer avec l'IDCC du bulletin de paie."
                ),
            )
    return None


def _nothing() -> OpcoMatch:
    return OpcoMatch(
        opco=None,
        confidence="none",
        source="none",
        data_date=_data_date(),
        explanation=(
            "OPCO inconnu : ni IDCC, ni code NAF ou secteur exploitable. "
            f"Demandez l'IDCC figurant sur le bulletin de paie. {_CHECK}"
        ),
    )
