"""`bpr survey export --worklist`: the skeleton procedures carrying 90 % of their cases, largest first (issue 20, item 7).

The inventories are made as a city makes its first one: `bpr import survey` on a small CSV in the
national survey's columns (the helpers of tests/test_import_survey.py). At a population of 12,450,000
the city's annual volume is a tenth of the national count, so the volumes below are exact.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_import_survey import SHARED_SURVEY, row, write_csv
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.inventory.enums import FlowSource
from bpr.inventory.loader import load_inventory
from bpr.inventory.records import Inventory
from bpr.survey.sheets.export import make_worklist
from bpr.survey.sheets.layout import FIRST_ROW, PROCEDURE_COLUMNS, PROCEDURE_SHEET

from conftest import INVENTORIES

POPULATION = "12450000"  # a tenth of the national population: 5,000 national cases are 500 in the city
LAWS = {
    "shimin": ("総務省", "住民基本台帳法"),
    "kosodate": ("こども家庭庁", "児童手当法"),
    "norin": ("農林水産省", "森林法"),
}
# (counter, national id, name, national cases): the city's cases are a tenth.
PROCEDURES = [
    ("shimin", "101", "住民票の写しの交付", 5000),
    ("kosodate", "201", "児童手当の認定", 2000),
    ("norin", "301", "森林の立入許可", 1000),
    ("shimin", "102", "転入届", 1000),
    ("kosodate", "203", "児童手当の現況届", 1000),
    ("kosodate", "202", "児童手当の額の改定", 0),
    ("shimin", "103", "住民票の記載事項の訂正", 0),
    # Edited after the import: the city does not handle it (handled: false) …
    ("shimin", "104", "国の機関に回す届", 100000),
    # … and its flow was surveyed (flow_source: surveyed): neither is on a worklist, whatever their cases.
    ("kosodate", "204", "児童手当の受給事由消滅届", 90000),
]
# The skeleton procedures the city handles, in the worklist's order: cases descending, ties by id.
RANKED = ["shimin-101", "kosodate-201", "kosodate-203", "norin-301", "shimin-102"]
CASES = {"shimin-101": 500, "kosodate-201": 200, "kosodate-203": 100, "norin-301": 100, "shimin-102": 100}


def _csv_row(counter: str, national_id: str, name: str, cases: int) -> list[str]:
    ministry, law = LAWS[counter]
    return row(
        **{"手続ID": national_id, "所管府省庁": ministry, "手続名": name, "法令名": law, "総手続件数": str(cases)}
    )


def _insert_after(text: str, anchor: str, line: str) -> str:
    assert text.count(anchor) == 1, anchor
    return text.replace(anchor, anchor + line)


def make_inventory(runner: CliRunner, folder: Path, procedures: list[tuple[str, str, str, int]] = PROCEDURES) -> Path:
    """Import a small survey CSV into folder/inventory; mark shimin-104 handled: false and kosodate-204 surveyed."""
    source = write_csv(folder / "survey.csv", [_csv_row(*item) for item in procedures])
    inventory = folder / "inventory"
    result = runner.invoke(app, ["import", "national", str(source), "--population", POPULATION, "-o", str(inventory)])
    assert result.exit_code == 0, result.output
    shimin = inventory / "shimin.yaml"
    if shimin.exists() and "shimin-104" in shimin.read_text(encoding="utf-8"):
        text = _insert_after(shimin.read_text(encoding="utf-8"), '    national_id: "104"\n', "    handled: false\n")
        shimin.write_text(text, encoding="utf-8")
    kosodate = inventory / "kosodate.yaml"
    if kosodate.exists() and "kosodate-204" in kosodate.read_text(encoding="utf-8"):
        text = kosodate.read_text(encoding="utf-8")
        head, tail = text.split("  - id: kosodate-204\n")
        tail = tail.replace("flow_source: skeleton", "flow_source: surveyed", 1)
        kosodate.write_text(head + "  - id: kosodate-204\n" + tail, encoding="utf-8")
    return inventory


def loaded(folder: Path) -> Inventory:
    inventory, problems = load_inventory([folder], use_cache=False)
    assert problems == []
    assert not [p for p in inventory.problems if p.severity == "error"], inventory.problems
    return inventory


@pytest.fixture
def inventory(runner: CliRunner, tmp_path: Path) -> Path:
    folder = make_inventory(runner, tmp_path)
    # The fixture is what the tests below assume: volumes a tenth of the national counts, one procedure not
    # handled, one surveyed, every other a skeleton.
    found = {p.id: p for _, p, _ in loaded(folder).entries()}
    assert {pid: p.annual_volume for pid, p in found.items()} == {
        **CASES,
        "kosodate-202": 0,
        "shimin-103": 0,
        "shimin-104": 10000,
        "kosodate-204": 9000,
    }
    assert not found["shimin-104"].handled and found["kosodate-204"].flow_source is FlowSource.SURVEYED
    assert [pid for pid, p in found.items() if p.flow_source is FlowSource.SKELETON and p.handled] == [
        "kosodate-201",
        "kosodate-203",
        "kosodate-202",
        "norin-301",
        "shimin-101",
        "shimin-102",
        "shimin-103",
    ]
    return folder


def export(runner: CliRunner, *args: str) -> object:
    return runner.invoke(app, ["survey", "export", *args], catch_exceptions=False)


def workbook_ids(path: Path) -> list[str]:
    """Return the procedure ids of a 調査票's 手続一覧, top to bottom."""
    column = next(i for i, c in enumerate(PROCEDURE_COLUMNS) if c.path == ("id",)) + 1
    workbook = load_workbook(path, read_only=True)
    try:
        sheet = workbook[PROCEDURE_SHEET]
        ids = [r[0] for r in sheet.iter_rows(min_row=FIRST_ROW, min_col=column, max_col=column, values_only=True)]
        keywords = workbook.properties.keywords
    finally:
        workbook.close()
    assert "worklist" in keywords.split(), keywords
    return [str(value) for value in ids if value]


# --- the selection ---------------------------------------------------------------------------------------------


def test_the_worklist_takes_the_largest_until_90_percent(inventory: Path) -> None:
    worklist = make_worklist(loaded(inventory))
    # 500, 700, 800, 900 of 1,000 cases: 90 % reached with the fourth; ties at 100 by id.
    assert worklist.procedure_ids() == ["shimin-101", "kosodate-201", "kosodate-203", "norin-301"]
    assert [e.rank for e in worklist.entries] == [1, 2, 3, 4]
    assert [e.cumulative_cases for e in worklist.entries] == [500, 700, 800, 900]
    assert [e.counter.id for e in worklist.entries] == ["shimin", "kosodate", "kosodate", "norin"]
    # The handled: false procedure (10,000 cases) and the surveyed one (9,000) count nowhere.
    assert (worklist.skeleton_procedures, worklist.skeleton_cases, worklist.cases) == (7, 1000, 900)
    assert (worklist.left, worklist.without_cases, worklist.not_handled) == (3, 2, 1)
    assert worklist.covered == 0.9


@pytest.mark.parametrize(
    ("share", "count"),
    [
        (0.0001, 1),
        (0.5, 1),  # 500 of 1,000 is 50 %: the first is enough
        (0.7, 2),  # 700 of 1,000 is exactly 70 % (0.7 × 1000 is 700.0000000000001 in floating point)
        (0.71, 3),
        (0.9, 4),
        (0.95, 5),
        (1.0, 5),  # every procedure with cases, never one with none
    ],
)
def test_the_share_decides_where_the_list_stops(inventory: Path, share: float, count: int) -> None:
    assert make_worklist(loaded(inventory), share).procedure_ids() == RANKED[:count]


@pytest.mark.parametrize("share", [0.0, -0.1, 1.01, math.nan])
def test_a_share_out_of_range_is_refused(inventory: Path, share: float) -> None:
    with pytest.raises(ValueError, match="share"):
        make_worklist(loaded(inventory), share)


def test_counters_limit_the_worklist_and_its_share(inventory: Path) -> None:
    worklist = make_worklist(loaded(inventory), 0.9, {"shimin", "norin"})
    # 500 + 100 + 100 + 0 = 700 cases; 630 reached with the third (norin-301 before shimin-102: ties by id).
    assert worklist.procedure_ids() == ["shimin-101", "norin-301", "shimin-102"]
    assert (worklist.skeleton_procedures, worklist.skeleton_cases, worklist.left) == (4, 700, 1)


# --- the command -------------------------------------------------------------------------------------------------


def test_export_worklist_writes_only_the_worklist_and_lists_it(
    runner: CliRunner, inventory: Path, tmp_path: Path
) -> None:
    out = tmp_path / "forms"
    result = export(runner, str(inventory), "--worklist", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["kosodate.xlsx", "norin.xlsx", "shimin.xlsx"]
    # One 調査票 per counter holding only its worklist procedures, largest first.
    assert workbook_ids(out / "shimin.xlsx") == ["shimin-101"]
    assert workbook_ids(out / "kosodate.xlsx") == ["kosodate-201", "kosodate-203"]
    assert workbook_ids(out / "norin.xlsx") == ["norin-301"]
    assert result.stdout.splitlines() == [
        "Worklist: the skeleton procedures carrying 90% of their annual cases, largest first",
        # Columns as wide as their widest cell on a terminal, where a kanji takes two columns.
        "Rank  Annual cases  Cumulative  Counter (section)        Procedure ID  Procedure",
        "   1           500       50.0%  shimin (市民課)          shimin-101    住民票の写しの交付",
        "   2           200       70.0%  kosodate (子育て支援課)  kosodate-201  児童手当の認定",
        "   3           100       80.0%  kosodate (子育て支援課)  kosodate-203  児童手当の現況届",
        "   4           100       90.0%  norin (農林課)           norin-301     森林の立入許可",
        "4 procedures carry 90.0% of the skeleton procedures' annual cases (900 of 1,000); "
        "3 skeleton procedures are left for later (2 of them with no cases)",
        "1 skeleton procedure marked handled: false is left out",
        f"wrote 3 survey forms (調査票) into {out}: kosodate.xlsx, norin.xlsx, shimin.xlsx",
    ]


def test_worklist_share_and_counters(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    out = tmp_path / "forms"
    args = [str(inventory), "--worklist", "--worklist-share", "0.5", "-c", "kosodate", "-c", "norin", "-o", str(out)]
    result = export(runner, *args)
    assert result.exit_code == 0, result.output
    # kosodate and norin: 200 + 100 + 100 + 0 = 400 cases; 200 is 50 %.
    assert [p.name for p in out.glob("*.xlsx")] == ["kosodate.xlsx"]
    assert workbook_ids(out / "kosodate.xlsx") == ["kosodate-201"]
    assert "1 procedure carries 50.0% of the skeleton procedures' annual cases (200 of 400); " in result.stdout


def test_the_summary_in_japanese(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    result = export(runner, "--lang", "ja", str(inventory), "--worklist", "-o", str(tmp_path / "forms"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "作業リスト: 骨組みの手続の年間件数の 90% を占める手続（件数の多い順）"
    assert lines[-3:-1] == [
        "4手続で骨組みの手続の年間件数の 90.0%（1,000件のうち 900件）。残る骨組みの手続 3件は後回し（うち年間件数 0 が 2件）",
        "handled: false の骨組みの手続 1件は対象外",
    ]


def test_quiet_writes_the_worklist_and_prints_nothing(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    result = export(runner, "-q", str(inventory), "--worklist", "-o", str(tmp_path / "forms"))
    assert (result.exit_code, result.stdout) == (0, "")
    assert sorted(p.name for p in (tmp_path / "forms").glob("*.xlsx")) == ["kosodate.xlsx", "norin.xlsx", "shimin.xlsx"]


def test_without_worklist_the_export_is_unchanged(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    out = tmp_path / "forms"
    assert export(runner, str(inventory), "-o", str(out), "-c", "shimin").exit_code == 0
    workbook = load_workbook(out / "shimin.xlsx", read_only=True)
    keywords = workbook.properties.keywords
    workbook.close()
    assert keywords == "bpr-survey counter=shimin"
    column = next(i for i, c in enumerate(PROCEDURE_COLUMNS) if c.path == ("id",)) + 1
    sheet = load_workbook(out / "shimin.xlsx")[PROCEDURE_SHEET]
    ids = [sheet.cell(r, column).value for r in range(FIRST_ROW, FIRST_ROW + 4)]
    assert ids == ["shimin-101", "shimin-102", "shimin-103", "shimin-104"]


@pytest.mark.parametrize(
    "args",
    [
        ["--worklist-share", "0.9"],  # without --worklist
        ["--worklist", "--worklist-share", "0"],
        ["--worklist", "--worklist-share", "1.5"],
        ["--worklist", "--worklist-share", "nan"],
        ["--worklist", "--worklist-share", "ninety"],
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    runner: CliRunner, inventory: Path, tmp_path: Path, args: list[str]
) -> None:
    result = export(runner, str(inventory), "-o", str(tmp_path / "forms"), *args)
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "forms").exists()


def test_no_skeleton_with_cases_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    zero = make_inventory(runner, tmp_path, [item for item in PROCEDURES if item[3] == 0])
    result = export(runner, str(zero), "--worklist", "-o", str(tmp_path / "forms"))
    assert (result.exit_code, result.stdout) == (
        0,
        "the 2 skeleton procedures have no annual cases: no survey form written\n",
    )
    assert not (tmp_path / "forms").exists()
    surveyed = export(runner, str(INVENTORIES), "--worklist", "-o", str(tmp_path / "forms"))
    assert surveyed.exit_code == 0
    assert (
        surveyed.stdout
        == "no procedure has a skeleton flow (flow_source: skeleton) to survey: no survey form written\n"
    )
    assert not (tmp_path / "forms").exists()


def test_the_inventory_errors_still_refuse_the_export(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    shimin = inventory / "shimin.yaml"
    shimin.write_text(shimin.read_text(encoding="utf-8").replace("annual_volume: 500", "annual_volume: -5"), "utf-8")
    result = export(runner, str(inventory), "--worklist", "-o", str(tmp_path / "forms"))
    assert result.exit_code == 1
    assert "the inventory has 1 error" in result.stderr
    assert not (tmp_path / "forms").exists()


# --- the national survey ------------------------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_SURVEY.exists(), reason=f"{SHARED_SURVEY} is not here")
def test_the_worklist_of_the_national_survey(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "national"
    result = runner.invoke(app, ["import", "national", str(SHARED_SURVEY), "--population", "78000", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    inventory = loaded(folder)
    worklist = make_worklist(inventory)
    entries = worklist.entries
    skeletons = [p for _, p, _ in inventory.entries() if p.flow_source is FlowSource.SKELETON and p.handled]
    assert worklist.skeleton_cases == sum(p.annual_volume for p in skeletons) > 0
    # Largest first, ties by id; no procedure without cases; 90 % reached by the last and not before it.
    assert [(-e.procedure.annual_volume, e.procedure.id) for e in entries] == sorted(
        (-e.procedure.annual_volume, e.procedure.id) for e in entries
    )
    assert all(e.procedure.annual_volume > 0 for e in entries)
    assert entries[-1].cumulative_cases >= 0.9 * worklist.skeleton_cases > entries[-2].cumulative_cases
    # Nothing left out is larger than the smallest taken: the list is a prefix of the ranking.
    taken = set(worklist.procedure_ids())
    assert max(p.annual_volume for p in skeletons if p.id not in taken) <= entries[-1].procedure.annual_volume
    # 住民票の写しの交付請求 carries the most cases of a city.
    assert entries[0].procedure.id == "shimin-9108"
    out = tmp_path / "forms"
    exported = export(runner, str(folder), "--worklist", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    lines = exported.stdout.splitlines()
    # A heading, a header, a line per procedure, what it covers, (what handled: false leaves out,) the files.
    assert len(lines) == len(entries) + 4 + (1 if worklist.not_handled else 0)
    assert [line.split()[1] for line in lines[2 : 2 + len(entries)]] == [
        f"{e.procedure.annual_volume:,}" for e in entries
    ]
    assert lines[2 + len(entries)].startswith(f"{len(entries)} procedures carry ")
    listed = sorted(workbook for path in out.glob("*.xlsx") for workbook in workbook_ids(path))
    assert listed == sorted(taken)


# --- a worklist 調査票 comes back --------------------------------------------------------------------------------


def counter_ids(folder: Path) -> dict[str, list[str]]:
    """Return each counter's procedure ids, in file order."""
    ids: dict[str, list[str]] = {}
    for counter, procedure, _ in loaded(folder).entries():
        ids.setdefault(counter.id, []).append(procedure.id)
    return ids


def test_an_imported_worklist_removes_no_procedure_and_applies_its_edits(
    runner: CliRunner, inventory: Path, tmp_path: Path
) -> None:
    out = tmp_path / "forms"
    assert export(runner, str(inventory), "--worklist", "-o", str(out)).exit_code == 0
    before = {path.name: path.read_bytes() for path in inventory.iterdir()}
    ids = counter_ids(inventory)
    assert ids["shimin"] == ["shimin-101", "shimin-102", "shimin-103", "shimin-104"]
    # Back unchanged: the counters' other procedures stay, and no file changes.
    result = runner.invoke(app, ["survey", "import", str(out), "-o", str(inventory)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "removed" not in result.stdout and "0 files written" in result.stdout, result.stdout
    assert {path.name: path.read_bytes() for path in inventory.iterdir()} == before
    # A value filled in on the worklist form is applied to its procedure; still nothing is removed.
    form = out / "shimin.xlsx"
    notes = next(i for i, c in enumerate(PROCEDURE_COLUMNS) if c.path == ("notes",)) + 1
    workbook = load_workbook(form)
    sheet = workbook[PROCEDURE_SHEET]
    sheet.cell(row=FIRST_ROW, column=notes, value="窓口で聞き取り済み")
    workbook.save(form)
    result = runner.invoke(app, ["survey", "import", str(form), "-o", str(inventory)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "removed" not in result.stdout and "1 file written" in result.stdout, result.stdout
    assert counter_ids(inventory) == ids
    found = {p.id: p for _, p, _ in loaded(inventory).entries()}
    assert found["shimin-101"].notes == "窓口で聞き取り済み"
    assert {path.name: path.read_bytes() for path in inventory.iterdir() if path.name != "shimin.yaml"} == {
        name: data for name, data in before.items() if name != "shimin.yaml"
    }
