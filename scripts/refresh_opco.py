"""Rebuild chalicelib/opco/data/idcc_opco.csv from the official downloads.

Inputs (file paths, nothing is fetched):
  --siro       France compétences "Table SIRET-OPCO" CSV (data.gouv, ~3.6 M rows; streamed)
  --siro-json  or an already aggregated IDCC -> OPCO JSON ({"idcc": {idcc: {"opco", "part", "candidats"}}})
  --dares      DARES "Suivi historique des conventions collectives" xlsx
  --table2019  optional: the Ministry's 2019 IDCC -> OPCO table as JSON (mapping {idcc: slug})

Progress goes to stderr (the SIRO CSV takes minutes); the summary to stdout.

Resolution order (chalicelib/opco/data/SOURCES.md):
  1. SIRO clear majority (>= 90 % of establishments)        method "siro"
  2. DARES NouvIDCC chain to an IDCC with a clear SIRO result method "successor:<idcc>"
  3. the 2019 Ministry table                                 method "table2019"
  4. the SIRO majority although below 90 % (ambiguous)       method "siro_majority"
  5. nothing                                                 method "none"
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xlsx_reader import read_sheet

NAMES_CSV = Path(__file__).resolve().parents[1] / "chalicelib" / "opco" / "data" / "opco_names.csv"
# Same threshold as the independently assembled table (SOURCES.md) and the ia-entrepreneur grouping script.
CLEAR_SHARE = 0.9
# DSN escape codes: 9999 = no collective agreement, 9998 = agreement not yet in force (net-entreprises).
NO_AGREEMENT = {"9999": "Sans convention collective", "9998": "Convention non encore en vigueur"}
FIELDS = [
    "idcc",
    "title",
    "active",
    "successor",
    "opco",
    "share",
    "establishments",
    "ambiguous",
    "candidates",
    "method",
]
# Sheet -> (code column, active column, successor column). The second sheet holds the
# statutes and agreements (5xxx) that some branch chains pass through (0014 -> 5561 -> 3097).
DARES_SHEETS = {
    "Conventions de branche": ("IDCC", "IDCCactif", "NouvIDCC"),
    "Accords et statuts": ("CODE", "CODEactif", "NouvCODE"),
}


@dataclass
class SiroStat:
    establishments: int
    shares: list[tuple[str, float | None]] = field(default_factory=list)  # majority first

    @property
    def clear(self) -> bool:
        top = self.shares[0][1] if self.shares else None
        return top is not None and top >= CLEAR_SHARE


def alias_map() -> dict[str, str]:
    with NAMES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    aliases = {row["code"].casefold(): row["code"] for row in rows}
    for row in rows:
        for alias in row["aliases"].split("|"):
            aliases[alias.strip().casefold()] = row["code"]
    return aliases


def to_code(name: str, aliases: dict[str, str]) -> str | None:
    return aliases.get(name.strip().casefold()) if name and name.strip() else None


def clean_idcc(raw: str) -> str | None:
    digits = raw.strip()
    if not digits.isdigit():
        return None
    if len(digits) == 5 and digits.startswith("0"):
        digits = digits[1:]
    return digits.zfill(4) if len(digits) <= 4 else None


PROGRESS_EVERY = 500_000  # SIRO rows between two progress lines


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def siro_from_csv(path: str, aliases: dict[str, str]) -> dict[str, SiroStat]:
    """Stream the official SIRO CSV and count establishments per IDCC and OPCO."""
    counts: dict[str, Counter[str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        header = [h.strip().upper() for h in next(csv.reader([first], delimiter=delimiter))]
        idcc_at, opco_at = header.index("IDCC"), header.index("OPCO_PROPRIETAIRE")
        for n, row in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
            if n % PROGRESS_EVERY == 0:
                progress(f"SIRO: {n:,} rows read, {len(counts):,} IDCC so far")
            if len(row) <= max(idcc_at, opco_at):
                continue
            idcc, code = clean_idcc(row[idcc_at]), to_code(row[opco_at], aliases)
            if idcc and code:
                counts.setdefault(idcc, Counter())[code] += 1
    return {idcc: _stat(counter) for idcc, counter in counts.items()}


def _stat(counter: Counter[str]) -> SiroStat:
    total = sum(counter.values())
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return SiroStat(total, [(code, round(n / total, 4)) for code, n in ranked])


def siro_from_json(path: str, aliases: dict[str, str]) -> dict[str, SiroStat]:
    """Read the aggregated JSON: only the majority share is known, candidates come without shares."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    stats: dict[str, SiroStat] = {}
    for raw_idcc, entry in data["idcc"].items():
        idcc, code = clean_idcc(raw_idcc), to_code(entry["opco"], aliases)
        if not idcc or not code:
            continue
        share = float(entry.get("confiance", 1.0))
        others = [to_code(c, aliases) for c in entry.get("candidats", [])]
        shares = [(code, share)] + [(c, None) for c in others if c and c != code]
        stats[idcc] = SiroStat(int(entry.get("etablissements", 0)), shares)
    return stats


def table2019_from_json(path: str, aliases: dict[str, str]) -> dict[str, str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    table = {}
    for raw_idcc, slug in data["mapping"].items():
        idcc, code = clean_idcc(raw_idcc), to_code(slug, aliases)
        if idcc and code:
            table[idcc] = code
    return table


def dares_from_xlsx(path: str) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for sheet, (code_col, active_col, next_col) in DARES_SHEETS.items():
        try:
            sheet_rows = read_sheet(path, sheet)
        except KeyError:
            continue  # a fixture or an older edition may lack the statutes sheet
        for row in sheet_rows:
            idcc = clean_idcc(row.get(code_col, ""))
            if idcc and idcc not in rows:
                rows[idcc] = {
                    "title": row.get("LibelléCourt") or row.get("Libellé", ""),
                    "active": "1" if row.get(active_col) == "1" else "0",
                    "successor": clean_idcc(row.get(next_col, "")) or "",
                }
    return rows


def _follow(idcc: str, dares: dict, siro: dict[str, SiroStat]) -> str | None:
    """First IDCC down the DARES successor chain with a clear SIRO result."""
    seen = {idcc}
    current = dares.get(idcc, {}).get("successor")
    while current and current not in seen:
        if current in siro and siro[current].clear:
            return current
        seen.add(current)
        current = dares.get(current, {}).get("successor")
    return None


def resolve_row(idcc: str, dares: dict, siro: dict[str, SiroStat], t2019: dict[str, str]) -> dict:
    stat = siro.get(idcc)
    row = {
        "opco": "",
        "share": "",
        "ambiguous": "0",
        "method": "none",
        "establishments": str(stat.establishments) if stat else "",
        "candidates": _candidates(stat) if stat and not stat.clear else "",
    }
    if stat and stat.clear:
        return row | {"opco": stat.shares[0][0], "share": _fmt(stat.shares[0][1]), "method": "siro"}
    via = _follow(idcc, dares, siro)
    if via:
        top = siro[via].shares[0]
        return row | {"opco": top[0], "share": _fmt(top[1]), "method": f"successor:{via}"}
    ambiguous = "1" if stat else "0"
    if idcc in t2019:
        return row | {"opco": t2019[idcc], "ambiguous": ambiguous, "method": "table2019"}
    if stat:
        top = stat.shares[0]
        return row | {"opco": top[0], "share": _fmt(top[1]), "ambiguous": "1", "method": "siro_majority"}
    return row


def _fmt(share: float | None) -> str:
    return "" if share is None else f"{share:.4f}".rstrip("0").rstrip(".")


def _candidates(stat: SiroStat) -> str:
    return "|".join(f"{code}:{_fmt(share)}" if share is not None else code for code, share in stat.shares)


def assemble(dares: dict, siro: dict[str, SiroStat], t2019: dict[str, str]) -> list[dict]:
    rows = []
    for idcc in sorted(set(dares) | set(siro) | set(t2019) | set(NO_AGREEMENT)):
        base = dares.get(idcc, {"title": "", "active": "", "successor": ""})
        if idcc in NO_AGREEMENT:
            rows.append(
                {
                    **dict.fromkeys(FIELDS, ""),
                    "idcc": idcc,
                    "title": NO_AGREEMENT[idcc],
                    "ambiguous": "0",
                    "method": "no_agreement",
                }
            )
            continue
        rows.append({"idcc": idcc, **base, **resolve_row(idcc, dares, siro, t2019)})
    return rows


def write_table(rows: list[dict], out: str) -> None:
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_meta(args: argparse.Namespace, rows: list[dict]) -> None:
    """Dates of the data next to the table: the resolver reports them in every answer."""
    siro_date = args.siro_date
    if not siro_date and args.siro_json:
        siro_date = json.loads(Path(args.siro_json).read_text(encoding="utf-8")).get("donnee_maj")
    meta = {
        "siro_date": siro_date or "",
        "dares_edition": args.dares_edition,
        "table2019": bool(args.table2019),
        "rows": len(rows),
    }
    Path(args.out).with_name("idcc_opco_meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    siro_source = parser.add_mutually_exclusive_group(required=True)
    siro_source.add_argument("--siro", help="official SIRO CSV (streamed)")
    siro_source.add_argument("--siro-json", help="aggregated IDCC -> OPCO JSON")
    parser.add_argument("--dares", required=True, help="DARES conventions xlsx")
    parser.add_argument("--table2019", help="optional 2019 Ministry table as JSON")
    parser.add_argument("--out", required=True)
    parser.add_argument("--siro-date", help="ISO date of the SIRO data (read from the JSON if given)")
    parser.add_argument("--dares-edition", default="", help="e.g. 2026-06")
    args = parser.parse_args(argv)
    aliases = alias_map()
    progress(f"SIRO: reading {args.siro or args.siro_json}")
    siro = siro_from_csv(args.siro, aliases) if args.siro else siro_from_json(args.siro_json, aliases)
    progress(f"SIRO: {len(siro):,} IDCC; reading the DARES workbook {args.dares}")
    t2019 = table2019_from_json(args.table2019, aliases) if args.table2019 else {}
    dares = dares_from_xlsx(args.dares)
    progress(f"DARES: {len(dares):,} agreements; assembling the table")
    rows = assemble(dares, siro, t2019)
    write_table(rows, args.out)
    write_meta(args, rows)
    methods = Counter(row["method"].split(":")[0] for row in rows)
    print(f"{len(rows)} IDCC written to {args.out}: {dict(methods)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
