"""scripts/refresh_opco.py on tiny fixtures: a SIRO CSV and a DARES xlsx built here with zipfile."""

import csv
import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).with_name("fixtures")
spec = importlib.util.spec_from_file_location("refresh_opco", ROOT / "scripts" / "refresh_opco.py")
refresh = importlib.util.module_from_spec(spec)
sys.modules["refresh_opco"] = refresh
spec.loader.exec_module(refresh)

HEADERS = ["IDCC", "Libellé", "Régime", "IDCCactif", "NouvIDCC", "LibelléCourt"]
ROWS = [
    ["01486", "Bureaux d'études", "Général", 1, "", "Bureaux d'études techniques"],
    ["03248", "Métallurgie", "Général", 1, "", "Métallurgie"],
    ["00054", "Métallurgie Région Parisienne", "Général", 0, "03248", "Métallurgie RP"],
    ["03203", "Pêche de loisir", "Général", 1, "", "Pêche loisir"],
    ["02668", "Secours minières cadres", "Général", 1, "", "Secours minières"],
    ["08114", "Champignonnières", "Agricole", 1, "", "Champignonnières"],
]


def _cell(ref, value, strings):
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    strings.append(value)
    return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'


def make_xlsx(path: Path) -> None:
    strings: list[str] = []
    rows = []
    for r, row in enumerate([HEADERS, *ROWS], start=1):
        cells = "".join(_cell(f"{chr(65 + c)}{r}", v, strings) for c, v in enumerate(row) if v != "")
        rows.append(f'<row r="{r}">{cells}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            f'<sheet name="Conventions de branche" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        book.writestr(
            "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
        )
        sis = "".join(f"<si><t>{s.replace('&', '&amp;')}</t></si>" for s in strings)
        book.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{sis}</sst>')


@pytest.fixture
def table(tmp_path):
    xlsx = tmp_path / "dares.xlsx"
    make_xlsx(xlsx)
    t2019 = tmp_path / "t2019.json"
    t2019.write_text(json.dumps({"mapping": {"3203": "ocapiat", "2668": "cohesion-sociale"}}))
    out = tmp_path / "idcc_opco.csv"
    assert (
        refresh.main(
            [
                "--siro",
                str(FIXTURES / "siro_tiny.csv"),
                "--siro-date",
                "2026-08-11",
                "--dares",
                str(xlsx),
                "--table2019",
                str(t2019),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    with out.open(encoding="utf-8") as handle:
        return {row["idcc"]: row for row in csv.DictReader(handle)}


def test_stdlib_xlsx_reader_reads_the_branch_sheet(tmp_path):
    xlsx = tmp_path / "dares.xlsx"
    make_xlsx(xlsx)
    rows = refresh.dares_from_xlsx(str(xlsx))
    assert rows["0054"] == {"title": "Métallurgie RP", "active": "0", "successor": "3248"}


def test_clear_siro_majority_resolves_directly(table):
    assert table["1486"]["opco"] == "atlas" and table["1486"]["method"] == "siro"
    assert table["1486"]["establishments"] == "3"  # "01486" counted with "1486"


def test_replaced_idcc_follows_the_dares_successor(table):
    assert table["0054"]["opco"] == "opco2i" and table["0054"]["method"] == "successor:3248"


def test_split_branch_keeps_candidates_with_shares_and_uses_the_2019_table(table):
    row = table["3203"]
    assert row["ambiguous"] == "1" and row["method"] == "table2019" and row["opco"] == "ocapiat"
    assert row["candidates"] == "uniformation:0.6667|ocapiat:0.3333"


def test_2019_table_fills_idccs_missing_from_siro(table):
    assert table["2668"]["opco"] == "uniformation"


def test_unmapped_idcc_is_kept_without_opco(table):
    assert table["8114"]["opco"] == "" and table["8114"]["method"] == "none"


def test_no_agreement_codes_are_marked(table):
    assert table["9999"]["method"] == "no_agreement" and table["9999"]["opco"] == ""


def test_meta_file_records_the_data_date(table, tmp_path):
    meta = json.loads((tmp_path / "idcc_opco_meta.json").read_text())
    assert meta["siro_date"] == "2026-08-11"


def test_the_siro_stream_reports_its_progress_on_stderr(monkeypatch, capsys):
    monkeypatch.setattr(refresh, "PROGRESS_EVERY", 4)  # the fixture has 9 rows; the real file 3.6 M
    refresh.siro_from_csv(str(FIXTURES / "siro_tiny.csv"), refresh.alias_map())
    err = capsys.readouterr().err.splitlines()
    assert [line.split(" rows")[0] for line in err] == ["SIRO: 4", "SIRO: 8"]


def test_a_refresh_says_what_it_reads_before_it_writes(capsys, table):
    err = capsys.readouterr().err
    assert "SIRO: reading" in err and "DARES:" in err and "assembling" in err
