"""`bpr survey export|import`: the section staff's Excel 調査票, written from the inventory and read back into it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.inventory.loader import load_inventory
from bpr.inventory.models import Branch
from bpr.inventory.problem import Problem, Severity
from bpr.survey.sheets.export import counter_file_names
from bpr.survey.sheets.layout import BASE_SHEET, FIRST_ROW, HEADER_ROW, REQUIRED_MARK, SHEET_ORDER
from bpr.survey.sheets.successors import SuccessorTextError, parse_successors, successors_text

from conftest import INVENTORIES

SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: `bash scripts/dev test` installs it"
)


# --- helpers -----------------------------------------------------------------------------------------


def run(runner: CliRunner, *args: str) -> Any:
    """Run `bpr ARGS` and return the result."""
    return runner.invoke(app, list(args), catch_exceptions=False)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def column(sheet: Worksheet, header: str) -> str:
    """Return the letter of the column whose header (without ※) is `header`."""
    for cell in sheet[HEADER_ROW]:
        if isinstance(cell.value, str) and cell.value.removeprefix(REQUIRED_MARK) == header:
            return str(cell.column_letter)
    raise AssertionError(f"no column {header} on {sheet.title}")


def row_of(sheet: Worksheet, **where: str) -> int:
    """Return the first data row whose cells under the given headers hold the given values."""
    letters = {column(sheet, header): value for header, value in where.items()}
    for number in range(FIRST_ROW, sheet.max_row + 1):
        if all(sheet[f"{letter}{number}"].value == value for letter, value in letters.items()):
            return number
    raise AssertionError(f"no row {where} on {sheet.title}")


def first_empty_row(sheet: Worksheet, header: str) -> int:
    """Return the first data row whose cell under `header` is empty (a spare row)."""
    letter = column(sheet, header)
    number = FIRST_ROW
    while sheet[f"{letter}{number}"].value not in (None, ""):
        number += 1
    return number


def edit(path: Path, change: Callable[[Any], None]) -> None:
    """Open a workbook, change it, and save it as Excel would."""
    workbook = load_workbook(path)
    change(workbook)
    workbook.save(path)


def set_cells(sheet: Worksheet, number: int, **values: object) -> None:
    """Set the cells of a row by header."""
    for header, value in values.items():
        sheet[f"{column(sheet, header)}{number}"] = value


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder holding the 調査票 of the sample inventory, written once for the module."""
    folder = tmp_path_factory.mktemp("exported")
    result = run(CliRunner(), "survey", "export", str(INVENTORIES), "-o", str(folder))
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    """Return a copy of the sample inventory to import into."""
    folder = tmp_path / "inventories"
    shutil.copytree(INVENTORIES, folder)
    return folder


@pytest.fixture
def workbooks(exported: Path, tmp_path: Path) -> Path:
    """Return a copy of the exported 調査票, free to edit."""
    folder = tmp_path / "workbooks"
    shutil.copytree(exported, folder)
    return folder


# --- export ----------------------------------------------------------------------------------------------


def test_export_writes_one_workbook_per_counter_named_by_its_id(exported: Path) -> None:
    inventory, _ = load_inventory([INVENTORIES], use_cache=False)
    ids = sorted(loaded.counter.id for loaded in inventory.files if loaded.counter is not None)
    assert sorted(p.name for p in exported.iterdir()) == [
        ".bpr-survey-forms",
        *(f"{counter_id}.xlsx" for counter_id in ids),
    ]
    workbook = load_workbook(exported / "shimin.xlsx")
    # The visible sheets, then the very hidden base of the three-way merge (the procedures as exported).
    assert workbook.sheetnames == [*SHEET_ORDER, BASE_SHEET]
    assert workbook[BASE_SHEET].sheet_state == "veryHidden"


def test_file_names_are_never_reserved_or_hidden() -> None:
    assert counter_file_names(["con", "shimin", "nul", "aux-1", "lpt1"]) == [
        "_con.xlsx",
        "shimin.xlsx",
        "_nul.xlsx",
        "aux-1.xlsx",
        "_lpt1.xlsx",
    ]


def test_export_prefills_the_inventory(exported: Path) -> None:
    workbook = load_workbook(exported / "shimin.xlsx")
    counter = workbook["窓口"]
    assert [counter[f"B{n}"].value for n in range(FIRST_ROW, FIRST_ROW + 3)] == [
        "shimin",
        "市民課 住民記録窓口",
        "市民課",
    ]
    procedures = workbook["手続一覧"]
    number = row_of(procedures, 手続ID="shimin-juminhyo")
    assert procedures[f"{column(procedures, '手続名')}{number}"].value == "住民票の写し等の交付請求"
    assert procedures[f"{column(procedures, '手続類型')}{number}"].value == "証明書交付"
    assert procedures[f"{column(procedures, '年間件数')}{number}"].value == 77368
    assert procedures[f"{column(procedures, 'ライフイベント')}{number}"].value == "引越し、住まい、自動車、その他"
    assert procedures[f"{column(procedures, 'オンライン割合')}{number}"].value == 0.1
    assert procedures[f"{column(procedures, '納付方法')}{number}"].value == "現金、QRコード"
    assert procedures[f"{column(procedures, '国の手続ID')}{number}"].value == "9108"
    steps = workbook["業務フロー"]
    check = row_of(steps, 手続ID="shimin-juminhyo", 工程ID="check")
    assert steps[f"{column(steps, '次の工程')}{check}"].value == "print(99.5%)、refuse(0.5%:正当な理由のない第三者請求)"
    assert steps[f"{column(steps, '担当')}{check}"].value == "窓口職員"
    refuse = row_of(steps, 手続ID="shimin-juminhyo", 工程ID="refuse")
    assert steps[f"{column(steps, '次の工程')}{refuse}"].value == "終了"
    write = row_of(steps, 手続ID="shimin-juminhyo", 工程ID="write")
    assert steps[f"{column(steps, '手書き')}{write}"].value == "○"
    assert steps[f"{column(steps, '押印')}{write}"].value is None
    assert steps[f"{column(steps, '作業時間(分)')}{write}"].value == 5
    answer = row_of(steps, 手続ID="shimin-inkan-toroku", 工程ID="answer")
    assert steps[f"{column(steps, '待ち時間(分)')}{answer}"].value == "3日"
    attachments = load_workbook(exported / "kosodate.xlsx")["添付書類"]
    number = row_of(attachments, 書類名="住民票の写し（児童と別居している場合）")
    assert attachments[f"{column(attachments, '発行元')}{number}"].value == "本市"
    assert attachments[f"{column(attachments, '発行手続')}{number}"].value == "shimin-juminhyo"


def test_export_has_drop_downs_unlocked_inputs_and_protection(exported: Path) -> None:
    workbook = load_workbook(exported / "shimin.xlsx")
    assert workbook.security is not None and workbook.security.lockStructure
    for name in SHEET_ORDER:
        sheet = workbook[name]
        assert sheet.protection.sheet and not sheet.protection.password, name
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9, name
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage, name
    steps = workbook["業務フロー"]
    rules = {str(rule.sqref).split(":")[0]: rule for rule in steps.data_validations.dataValidation}
    actor = rules[f"{column(steps, '担当')}{FIRST_ROW}"]
    assert actor.type == "list" and actor.formula1 == '"住民,窓口職員,担当職員,システム,他機関"'
    assert rules[f"{column(steps, '押印')}{FIRST_ROW}"].formula1 == '"○"'
    owner = rules[f"A{FIRST_ROW}"]
    assert owner.type == "list" and owner.formula1.startswith("'手続一覧'!$A$4:$A$")
    assert rules[f"{column(steps, '次の工程')}{FIRST_ROW}"].prompt.startswith("空欄なら")
    assert steps.freeze_panes == f"{column(steps, '担当')}{FIRST_ROW}"  # ids and names stay in view
    assert steps.print_title_rows == f"$1:${HEADER_ROW}" and steps.print_options.gridLines
    last = steps.max_row
    assert steps[f"D{last}"].value is None and steps[f"D{last}"].protection.locked is False  # a spare row
    assert steps[f"D{FIRST_ROW}"].protection.locked is False
    assert steps[f"D{HEADER_ROW}"].protection.locked is True
    assert workbook["窓口"][f"B{FIRST_ROW}"].protection.locked is True  # the counter id
    assert steps[f"D{FIRST_ROW}"].font.name == "ＭＳ Ｐゴシック"
    procedures = workbook["手続一覧"]
    kinds = [rule for rule in procedures.data_validations.dataValidation if str(rule.sqref).startswith("C")]
    assert kinds and kinds[0].formula1 == '"申請,届出,証明書交付,登録,納付,相談,その他"'
    guide = workbook["記入要領"]
    text = "\n".join(str(cell.value) for row in guide.iter_rows() for cell in row if cell.value)
    for words in ("パスワード", "次の工程", "print(99.5%)", "終了", "手続を追加", "変えないでください", "記入例"):
        assert words in text


def test_export_is_deterministic(exported: Path, tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "survey", "export", str(INVENTORIES), "-o", str(tmp_path / "again"))
    assert result.exit_code == 0
    assert tree_bytes(tmp_path / "again") == tree_bytes(exported)


def test_export_refuses_an_inventory_with_errors(tmp_path: Path, runner: CliRunner) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (INVENTORIES / "shimin.yaml").read_text(encoding="utf-8").replace("actor: citizen", "actor: 住民", 1)
    )
    result = run(runner, "survey", "export", str(broken), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "invalid-value" in result.stderr
    assert not (tmp_path / "out").exists()


# --- the 次の工程 text --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "successors"),
    [
        ("終了", []),
        ("check", ["check"]),
        ("enter、fix", ["enter", "fix"]),
        (
            "print(99.5%)、refuse(0.5%:正当な理由のない第三者請求)",
            [{"to": "print", "share": 0.995}, {"to": "refuse", "share": 0.005, "label": "正当な理由のない第三者請求"}],
        ),
        ("fix(:書類不足（補正）、再来庁)", [{"to": "fix", "label": "書類不足（補正）、再来庁"}]),
        ("fix()", [{"to": "fix"}]),
        ("fix(1e-4%)", [{"to": "fix", "share": 1e-06}]),
    ],
)
def test_successor_text_round_trips(text: str, successors: list[Any]) -> None:
    assert parse_successors(text) == successors
    items = [item if isinstance(item, str) else Branch.model_validate(item) for item in successors]
    assert parse_successors(successors_text(items) or "") == successors


def test_successor_text_takes_full_width_marks_and_line_breaks() -> None:
    assert parse_successors("print（９９．５％）\nrefuse（0.5％：第三者請求）") == [
        {"to": "print", "share": 0.995},
        {"to": "refuse", "share": 0.005, "label": "第三者請求"},
    ]
    assert successors_text(None) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("print(99.5)", "percentage with %"),
        ("print(99.5%", "not closed"),
        ("print)", "closing parenthesis"),
        ("print(10%) x", "follows the parentheses"),
        ("check、終了", "alone"),
        ("(10%)", "no step id"),
        ("print(abc%)", "not a percentage"),
    ],
)
def test_successor_text_errors_say_how_to_write_it(text: str, words: str) -> None:
    with pytest.raises(SuccessorTextError, match=words):
        parse_successors(text)


# --- import: round trips -----------------------------------------------------------------------------------


def test_export_then_import_changes_no_byte(exported: Path, inventory: Path, runner: CliRunner) -> None:
    before = tree_bytes(inventory)
    result = run(runner, "survey", "import", str(exported), "-o", str(inventory))
    assert result.exit_code == 0, result.output
    assert tree_bytes(inventory) == before
    assert "0 errors" in result.stdout and "0 files written" in result.stdout
    assert "inventories/shimin.yaml (from" in result.stdout.replace(os.sep, "/")


def test_import_into_an_empty_folder_creates_counter_files(exported: Path, tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "new"
    result = run(runner, "survey", "import", str(exported / "shimin.xlsx"), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == ["shimin.yaml"]
    assert "created" in result.stdout
    assert run(runner, "validate", str(target)).exit_code == 0
    original, _ = load_inventory([INVENTORIES / "shimin.yaml"], use_cache=False)
    created, _ = load_inventory([target], use_cache=False)
    assert created.files[0].counter == original.files[0].counter
    assert [p for _, p in created.files[0].procedures] == [
        p.model_copy(update={"plan": None}) for _, p in original.files[0].procedures
    ]


@needs_libreoffice
def test_a_workbook_saved_again_by_libreoffice_imports_the_same(
    exported: Path, inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    resaved = tmp_path / "resaved"
    sources = [exported / name for name in ("shimin.xlsx", "kosodate.xlsx", "hoken.xlsx")]
    result = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(resaved),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in resaved.iterdir()) == sorted(p.name for p in sources)
    before = tree_bytes(inventory)
    imported = run(runner, "survey", "import", str(resaved), "-o", str(inventory))
    assert imported.exit_code == 0, imported.output
    assert tree_bytes(inventory) == before


# --- import: located errors, nothing written ------------------------------------------------------------------


def _steps_cell(book: Any, procedure: str, step: str, header: str) -> tuple[Worksheet, str]:
    sheet = book["業務フロー"]
    return sheet, f"{column(sheet, header)}{row_of(sheet, 手続ID=procedure, 工程ID=step)}"


def _break_actor(book: Any) -> str:
    sheet, cell = _steps_cell(book, "shimin-juminhyo", "check", "担当")
    sheet[cell] = "住人"
    return f"業務フロー!{cell}"


def _break_next(book: Any) -> str:
    sheet, cell = _steps_cell(book, "shimin-juminhyo", "print", "次の工程")
    sheet[cell] = "verfy"
    return f"業務フロー!{cell}"


def _break_next_syntax(book: Any) -> str:
    sheet, cell = _steps_cell(book, "shimin-juminhyo", "check", "次の工程")
    sheet[cell] = "print(99.5)、refuse(0.5%)"
    return f"業務フロー!{cell}"


def _blank_step_name(book: Any) -> str:
    sheet, cell = _steps_cell(book, "shimin-juminhyo", "verify", "工程名")
    sheet[cell] = None
    return f"業務フロー!{cell}"


def _blank_volume(book: Any) -> str:
    sheet = book["手続一覧"]
    cell = f"{column(sheet, '年間件数')}{row_of(sheet, 手続ID='shimin-tennyu')}"
    sheet[cell] = None
    return f"手続一覧!{cell}"


def _bad_effort(book: Any) -> str:
    sheet, cell = _steps_cell(book, "shimin-juminhyo", "print", "作業時間(分)")
    sheet[cell] = "たくさん"
    return f"業務フロー!{cell}"


def _bad_flag(book: Any) -> str:
    sheet, cell = _steps_cell(book, "shimin-juminhyo", "print", "押印")
    sheet[cell] = "たぶん"
    return f"業務フロー!{cell}"


def _no_end(book: Any) -> str:
    sheet, cell = _steps_cell(book, "shimin-inkan-shomei", "pay", "次の工程")
    sheet[cell] = "write"
    first = row_of(sheet, 手続ID="shimin-inkan-shomei", 工程ID="write")
    return f"業務フロー!A{first}"


def _endless_loop(book: Any) -> str:
    sheet, cell = _steps_cell(book, "shimin-inkan-shomei", "pay", "次の工程")
    sheet[cell] = "write(100%)、end(0%)"
    spare = first_empty_row(sheet, "手続ID")
    set_cells(sheet, spare, 手続ID="shimin-inkan-shomei", 工程ID="end", 工程名="終わり", 担当="窓口職員")
    return f"業務フロー!{column(sheet, '次の工程')}{row_of(sheet, 手続ID='shimin-inkan-shomei', 工程ID='pay')}"


def _bad_source(book: Any) -> str:
    sheet = book["添付書類"]
    number = first_empty_row(sheet, "手続ID")
    set_cells(sheet, number, 手続ID="shimin-juminhyo", 書類名="委任状", 発行元="本人以外")
    return f"添付書類!{column(sheet, '発行元')}{number}"


def _unknown_issuer(book: Any) -> str:
    sheet = book["添付書類"]
    number = first_empty_row(sheet, "手続ID")
    set_cells(sheet, number, 手続ID="shimin-juminhyo", 書類名="戸籍謄本", 発行元="本市", 発行手続="koseki-tohon-nai")
    return f"添付書類!{column(sheet, '発行手続')}{number}"


def _orphan_step(book: Any) -> str:
    sheet = book["業務フロー"]
    number = first_empty_row(sheet, "手続ID")
    set_cells(sheet, number, 手続ID="shimin-nothing", 工程ID="x", 工程名="どこにも属さない", 担当="住民")
    return f"業務フロー!A{number}"


def _duplicate_procedure(book: Any) -> str:
    sheet = book["手続一覧"]
    number = first_empty_row(sheet, "手続ID")
    set_cells(sheet, number, 手続ID="kosodate-jidoteate-nintei", 手続名="二重", 年間件数=1)
    steps = book["業務フロー"]
    set_cells(
        steps, first_empty_row(steps, "手続ID"), 手続ID="kosodate-jidoteate-nintei", 工程ID="a", 工程名="a", 担当="住民"
    )
    return f"手続一覧!A{number}"


@pytest.mark.parametrize(
    ("breaking", "code"),
    [
        (_break_actor, "invalid-value"),
        (_break_next, "unknown-reference"),
        (_break_next_syntax, "invalid-value"),
        (_blank_step_name, "missing-field"),
        (_blank_volume, "missing-field"),
        (_bad_effort, "invalid-value"),
        (_bad_flag, "invalid-value"),
        (_no_end, "no-end"),
        (_endless_loop, "endless-loop"),
        (_bad_source, "invalid-value"),
        (_unknown_issuer, "unknown-reference"),
        (_orphan_step, "unknown-reference"),
        (_duplicate_procedure, "duplicate-id"),
    ],
    ids=lambda value: getattr(value, "__name__", value).strip("_"),
)
def test_each_error_is_located_at_its_cell_and_nothing_is_written(
    breaking: Callable[[Any], str], code: str, workbooks: Path, inventory: Path, runner: CliRunner
) -> None:
    path = workbooks / "shimin.xlsx"
    where: list[str] = []
    edit(path, lambda book: where.append(breaking(book)))
    before = tree_bytes(inventory)
    result = run(runner, "survey", "import", str(path), "-o", str(inventory), "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    errors = [(p["location"], p["code"]) for p in report["problems"] if p["severity"] == "error"]
    assert (f"{path}!{where[0]}", code) in errors, errors
    assert report["written"] == [] and report["counters"] == []
    assert tree_bytes(inventory) == before


def test_text_report_names_the_cell_and_the_column(workbooks: Path, inventory: Path, runner: CliRunner) -> None:
    path = workbooks / "shimin.xlsx"
    where: list[str] = []
    edit(path, lambda book: where.append(_break_actor(book)))
    result = run(runner, "survey", "import", str(path), "-o", str(inventory))
    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if "invalid-value" in line)
    assert line.startswith(f"{path}!{where[0]}: error invalid-value actor: '住人'")
    assert "choices of 担当: 住民、窓口職員" in line
    assert "nothing was written" in result.stdout


def test_a_file_that_is_no_survey_is_unreadable(tmp_path: Path, inventory: Path, runner: CliRunner) -> None:
    not_a_workbook = tmp_path / "memo.xlsx"
    not_a_workbook.write_text("これは Excel ではありません", encoding="utf-8")
    result = run(runner, "survey", "import", str(not_a_workbook), "-o", str(inventory))
    assert result.exit_code == 1
    assert f"{not_a_workbook}: error file-unreadable" in result.stdout


def test_a_renamed_column_is_reported(workbooks: Path, inventory: Path, runner: CliRunner) -> None:
    path = workbooks / "shimin.xlsx"

    def rename(book: Any) -> None:
        sheet = book["業務フロー"]
        sheet[f"{column(sheet, '担当')}{HEADER_ROW}"] = "担当者"

    edit(path, rename)
    result = run(runner, "survey", "import", str(path), "-o", str(inventory))
    assert result.exit_code == 1
    assert "has no column 担当 in row 3 of the sheet 業務フロー" in result.stdout


def test_missing_files_and_a_file_as_output_are_usage_errors(
    exported: Path, inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    assert run(runner, "survey", "import", str(tmp_path / "nope.xlsx"), "-o", str(inventory)).exit_code == 2
    result = run(runner, "survey", "import", str(exported / "shimin.xlsx"), "-o", str(inventory / "shimin.yaml"))
    assert result.exit_code == 2
    assert run(runner, "survey", "export", str(tmp_path / "none"), "-o", str(tmp_path / "out")).exit_code == 2


# --- import: edits merge into the YAML, comments kept -------------------------------------------------------


def _edit_shimin(book: Any) -> None:
    steps = book["業務フロー"]
    # Change a step's effort.
    set_cells(steps, row_of(steps, 手続ID="shimin-juminhyo", 工程ID="verify"), **{"作業時間(分)": 2})
    # Add a step at the end of a procedure, in a spare row.
    spare = first_empty_row(steps, "手続ID")
    set_cells(
        steps,
        spare,
        手続ID="shimin-inkan-shomei",
        工程ID="survey",
        工程名="満足度アンケートの回収",
        担当="窓口職員",
        作業="受付",
        媒体="紙",
        **{"作業時間(分)": 1.5, "待ち時間(分)": "1.5時間", "次の工程": "終了"},
    )
    # Add a procedure with two steps and an attachment.
    procedures = book["手続一覧"]
    number = first_empty_row(procedures, "手続ID")
    set_cells(
        procedures,
        number,
        手続ID="shimin-kaisei",
        手続名="住民票記載事項の訂正申出",
        手続類型="届出",
        年間件数=120,
        ライフイベント="引越し、結婚",
        オンライン化の状況="未対応",
        課題="窓口でしか受け付けていない",
    )
    for step_id, name, actor in (("write", "申出書の記入", "住民"), ("check", "記載内容の確認", "担当職員")):
        set_cells(
            steps, first_empty_row(steps, "手続ID"), 手続ID="shimin-kaisei", 工程ID=step_id, 工程名=name, 担当=actor
        )
    attachments = book["添付書類"]
    set_cells(
        attachments,
        first_empty_row(attachments, "手続ID"),
        手続ID="shimin-kaisei",
        書類名="本人確認書類",
        発行元="本人",
    )
    # Delete a procedure: clear its row on 手続一覧 and its rows on 業務フロー.
    procedures.delete_rows(row_of(procedures, 手続ID="shimin-setai"))
    for number in reversed(range(FIRST_ROW, steps.max_row + 1)):
        if steps[f"A{number}"].value == "shimin-setai":
            for cell in steps[number]:
                if not str(cell.value or "").startswith("="):
                    cell.value = None


def test_edits_merge_into_the_counter_file_keeping_its_comments(
    workbooks: Path, inventory: Path, runner: CliRunner
) -> None:
    target = inventory / "shimin.yaml"
    text = target.read_text(encoding="utf-8")
    comments = {
        "  - id: shimin-juminhyo\n": "  # 証明書の交付: 令和4年7月に聞き取り\n  - id: shimin-juminhyo\n",
        "      - {id: check, name: 本人確認・請求権限の確認": "      # ここから窓口の工程\n      - {id: check, name: 本人確認・請求権限の確認",
        'effort: "1m", wait: "10m"}\n': 'effort: "1m", wait: "10m"}  # 待ちは繁忙期に30分\n',
        "    legal_basis: 住民基本台帳法第12条\n": "    legal_basis: 住民基本台帳法第12条  # 第1項\n",
    }
    for plain, commented in comments.items():
        assert plain in text
        text = text.replace(plain, commented, 1)
    target.write_text(text, encoding="utf-8")
    others = {name: data for name, data in tree_bytes(inventory).items() if name != "shimin.yaml"}
    edit(workbooks / "shimin.xlsx", _edit_shimin)
    result = run(runner, "survey", "import", str(workbooks / "shimin.xlsx"), "-o", str(inventory))
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if "shimin.yaml" in line)
    assert "added shimin-kaisei" in line
    assert "changed shimin-juminhyo (steps)" in line and "changed shimin-inkan-shomei (steps)" in line
    assert "removed shimin-setai" in line
    merged = target.read_text(encoding="utf-8")
    for commented in comments.values():
        assert commented in merged
    assert merged.startswith("# yaml-language-server: $schema=../schema/inventory.schema.json\n")
    # Only the effort of `verify` changed on its line; the quotes the file uses stay.
    verify = next(line for line in text.splitlines() if "{id: verify," in line)
    assert verify.replace('effort: "1m"', 'effort: "2m"') in merged.splitlines()
    assert "shimin-setai" not in merged
    unchanged = [line for line in text.splitlines() if "id: write, name: 交付請求書の記入（記載台）" in line]
    assert unchanged and unchanged[0] in merged.splitlines()
    assert {name: data for name, data in tree_bytes(inventory).items() if name != "shimin.yaml"} == others
    loaded, _ = load_inventory([inventory], use_cache=False)
    assert not [p for p in loaded.problems if p.severity is Severity.ERROR]
    procedures = {p.id: p for _, _, p in [(c, f, p) for c, p, f in loaded.entries()]}
    added = procedures["shimin-kaisei"]
    assert [step.id for step in added.steps] == ["write", "check"]
    assert [a.name for a in added.attachments] == ["本人確認書類"]
    assert [e.value for e in added.life_events] == ["moving", "marriage"]
    assert added.issues == ["窓口でしか受け付けていない"]
    survey = procedures["shimin-inkan-shomei"].steps[-1]
    assert (survey.id, survey.effort, survey.wait, survey.next) == ("survey", 1.5, 90.0, [])
    # The import is idempotent: the same workbook again changes nothing.
    again = tree_bytes(inventory)
    assert run(runner, "survey", "import", str(workbooks / "shimin.xlsx"), "-o", str(inventory)).exit_code == 0
    assert tree_bytes(inventory) == again


def test_dry_run_says_what_would_change_and_writes_nothing(workbooks: Path, inventory: Path, runner: CliRunner) -> None:
    edit(workbooks / "shimin.xlsx", _edit_shimin)
    before = tree_bytes(inventory)
    result = run(runner, "survey", "import", str(workbooks / "shimin.xlsx"), "-o", str(inventory), "--dry-run")
    assert result.exit_code == 0
    assert "added shimin-kaisei" in result.stdout and "dry run" in result.stdout
    assert tree_bytes(inventory) == before


def test_removing_a_procedure_another_counter_refers_to_is_an_error(
    workbooks: Path, inventory: Path, runner: CliRunner
) -> None:
    def remove(book: Any) -> None:
        procedures = book["手続一覧"]
        procedures.delete_rows(row_of(procedures, 手続ID="shimin-juminhyo"))
        steps = book["業務フロー"]
        for number in reversed(range(FIRST_ROW, steps.max_row + 1)):
            if steps[f"A{number}"].value == "shimin-juminhyo":
                steps.delete_rows(number)

    edit(workbooks / "shimin.xlsx", remove)
    before = tree_bytes(inventory)
    result = run(runner, "survey", "import", str(workbooks / "shimin.xlsx"), "-o", str(inventory))
    assert result.exit_code == 1
    assert "kosodate.yaml" in result.stdout and "unknown-reference" in result.stdout
    assert tree_bytes(inventory) == before


# --- problems keep their old form --------------------------------------------------------------------------


def test_a_problem_without_a_location_prints_as_before() -> None:
    problem = Problem("a.yaml", 3, 5, Severity.ERROR, "invalid-value", "bad")
    assert str(problem) == "a.yaml:3:5: error invalid-value bad"
    assert "location" not in problem.to_dict()
    located = Problem("a.xlsx", 12, 6, Severity.ERROR, "invalid-value", "bad", location="a.xlsx!業務フロー!F12")
    assert str(located) == "a.xlsx!業務フロー!F12: error invalid-value bad"
    assert located.to_dict()["location"] == "a.xlsx!業務フロー!F12"


def test_survey_help_works(runner: CliRunner) -> None:
    for args in (["survey", "--help"], ["survey", "export", "--help"], ["survey", "import", "--help"]):
        assert run(runner, *args).exit_code == 0


def test_cells_typed_in_other_ways_read_the_same(workbooks: Path, inventory: Path, runner: CliRunner) -> None:
    """What Excel or LibreOffice may store for what was written: text for numbers, TRUE, '', full-width digits."""

    def retype(book: Any) -> None:
        counter = book["窓口"]
        counter[f"B{FIRST_ROW + 5}"] = "2022/7/15"  # 調査日, typed as text
        procedures = book["手続一覧"]
        number = row_of(procedures, 手続ID="shimin-juminhyo")
        set_cells(procedures, number, 年間件数="７７,３６８", 国の手続ID=9108, オンライン割合="10%")
        steps = book["業務フロー"]
        write = row_of(steps, 手続ID="shimin-juminhyo", 工程ID="write")
        set_cells(steps, write, 手書き=True, 押印="", 来庁="はい", **{"作業時間(分)": "5"})
        submit = row_of(steps, 手続ID="shimin-juminhyo", 工程ID="submit")
        set_cells(steps, submit, **{"待ち時間(分)": "１０分", "作業時間(分)": 1.0})

    edit(workbooks / "shimin.xlsx", retype)
    before = tree_bytes(inventory)
    result = run(runner, "survey", "import", str(workbooks / "shimin.xlsx"), "-o", str(inventory))
    assert result.exit_code == 0, result.output
    assert "no change" in result.stdout
    assert tree_bytes(inventory) == before


@needs_libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_survey_prints_every_sheet_with_the_looked_up_names(exported: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(exported / "shimin.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "shimin.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    for name in SHEET_ORDER:
        assert any(name in page.splitlines()[0] for page in pages if page.strip()), name  # the page header
    flow = [page for page in pages if page.strip() and "業務フロー" in page.splitlines()[0]]
    # The 手続名 (自動表示) formulas are computed when the workbook opens.
    assert any(re.search(r"shimin-juminhyo\s+住民票の写し等の", page) for page in flow)


@pytest.mark.parametrize("args", [["survey", "--help"], ["survey", "import", "--help"]])
def test_survey_help_imports_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    from test_startup import HEAVY, run_bpr, unwanted

    code, modules = run_bpr(args, tmp_path)
    assert code == 0
    assert unwanted(modules, HEAVY) == []


def test_a_new_counter_file_never_takes_a_reserved_name() -> None:
    from bpr.survey.sheets.merge import counter_file_name

    assert [counter_file_name(name) for name in ("shimin", "con", "lpt1", "console")] == [
        "shimin.yaml",
        "_con.yaml",
        "_lpt1.yaml",
        "console.yaml",
    ]


def test_a_long_counter_id_names_its_file_and_its_form_alike() -> None:
    """The counter file and the 調査票 of an id longer than a file name may be: its beginning and one hash."""
    from bpr.export.filenames import safe_stem
    from bpr.survey.sheets.merge import counter_file_name

    long_id = "shimin-" + "madoguchi-" * 10
    stem = safe_stem(long_id)
    assert len(stem) <= 80 and stem.startswith("shimin-madoguchi-") and stem != long_id[:80]
    assert counter_file_name(long_id) == f"{stem}.yaml" and counter_file_names([long_id]) == [f"{stem}.xlsx"]


def test_a_damaged_workbook_is_unreadable_not_a_crash(
    exported: Path, tmp_path: Path, inventory: Path, runner: CliRunner
) -> None:
    import zipfile

    damaged = tmp_path / "shimin.xlsx"
    with zipfile.ZipFile(exported / "shimin.xlsx") as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, data[: len(data) // 2] if info.filename.startswith("xl/worksheets/") else data)
    result = run(runner, "survey", "import", str(damaged), "-o", str(inventory))
    assert result.exit_code == 1
    assert f"{damaged}: error file-unreadable" in result.stdout


def test_export_of_some_counters(tmp_path: Path, runner: CliRunner) -> None:
    result = run(
        runner, "survey", "export", str(INVENTORIES), "-o", str(tmp_path / "some"), "-c", "shimin", "-c", "hoken"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "some").iterdir()) == [".bpr-survey-forms", "hoken.xlsx", "shimin.xlsx"]
    unknown = run(runner, "survey", "export", str(INVENTORIES), "-o", str(tmp_path / "none"), "-c", "shimim")
    assert unknown.exit_code == 2
    assert "did you mean 'shimin'" in unknown.stderr
    assert not (tmp_path / "none").exists()
