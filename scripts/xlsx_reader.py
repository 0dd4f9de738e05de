"""Read one sheet of an .xlsx file with the standard library only (zipfile + xml.etree).

Enough for the DARES "Suivi historique des conventions collectives" workbook: shared strings,
inline strings, numbers. Formulas are read as their cached values.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree as ET

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_COL = re.compile(r"[A-Z]+")


def _col_index(ref: str) -> int:
    letters = _COL.match(ref)
    index = 0
    for char in letters.group(0) if letters else "A":
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _text(node: ET.Element) -> str:
    return "".join(t.text or "" for t in node.iter(f"{{{_NS['m']}}}t"))


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    root = ET.fromstring(book.read("xl/sharedStrings.xml"))
    return [_text(si) for si in root.findall("m:si", _NS)]


def _sheet_path(book: zipfile.ZipFile, sheet_name: str) -> str:
    workbook = ET.fromstring(book.read("xl/workbook.xml"))
    rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("pr:Relationship", _NS)}
    for sheet in workbook.iterfind("m:sheets/m:sheet", _NS):
        if sheet.get("name") == sheet_name:
            target = targets[sheet.get(f"{{{_NS['r']}}}id")]
            return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    raise KeyError(f"sheet {sheet_name!r} not found")


def _cell_value(cell: ET.Element, strings: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        inline = cell.find("m:is", _NS)
        return _text(inline) if inline is not None else ""
    value = cell.find("m:v", _NS)
    if value is None or value.text is None:
        return ""
    return strings[int(value.text)] if kind == "s" else value.text


def iter_rows(path: str, sheet_name: str) -> Iterator[list[str]]:
    """Yield each row of the sheet as a list of strings (missing cells are "")."""
    with zipfile.ZipFile(path) as book:
        strings = _shared_strings(book)
        root = ET.fromstring(book.read(_sheet_path(book, sheet_name)))
    for row in root.iterfind("m:sheetData/m:row", _NS):
        values: list[str] = []
        for position, cell in enumerate(row.findall("m:c", _NS)):
            index = _col_index(cell.get("r", "")) if cell.get("r") else position
            values.extend([""] * (index - len(values) + 1))
            values[index] = _cell_value(cell, strings)
        yield values


def read_sheet(path: str, sheet_name: str) -> list[dict[str, str]]:
    """The sheet as dicts keyed by the first row's headers."""
    rows = iter_rows(path, sheet_name)
    headers = [h.strip() for h in next(rows, [])]
    return [
        {h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(headers) if h}
        for r in rows
        if any(v.strip() for v in r)
    ]
