"""The workbook section chiefs receive: sheets, headers, layout, formula safety, atomic writes and splitting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

import bpr.export.workbook as workbook_module
from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis, Shortfall
from bpr.analysis.summary import Summary, summarise
from bpr.config import Config
from bpr.export.atomic import atomic_write
from bpr.export.celltext import csv_field, looks_like_formula, spreadsheet_text
from bpr.export.report.files import section_pages
from bpr.export.tables.overview import COUNT_COLUMNS as OVERVIEW_COUNT_COLUMNS
from bpr.export.tables.priority import first_clause
from bpr.export.workbook import (
    document_time,
    section_file_names,
    write_section_workbooks,
    write_workbook,
)
from bpr.export.workbook.labels import kpi_status_label
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import WRAPPED, header_footer_text, row_height, text_width, wrapped_lines
from bpr.export.workbook.table import Column, Table, continuation_title, sheet_titles
from bpr.inventory.enums import Measure
from bpr.inventory.loader import load_inventory

from conftest import ROOT

SHEETS = ["概要", "優先順位", "ロードマップ", "AI-OCR・RPA候補", "課題一覧", "算定方法"]
PRIORITY_HEADERS = [
    "順位", "課", "手続名", "年間\n件数", "国の\n優先", "推奨施策", "期待削減\n(時間/年)",
    "職員\n削減\n(人工)", "職員\n削減\n(千円)", "初期\n費用\n(千円)", "回収\n(年)", "予定年度", "理由",
    "併せて行う\n施策", "理由 (全文)", "窓口", "オンライン\n化スコア", "RPA\nスコア", "AI-OCR\nスコア",
    "現状 職員\n(時間/年)", "現状 住民\n(時間/年)", "来庁\n回数", "紙の\n工程数", "押印の\n工程数",
    "対面の\n工程数", "手続ID",
]  # fmt: skip
CANDIDATE_HEADER_ROW = 4  # under the title and two lines of explanation
HOSTILE = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tタブで始まる課題"]

SHIMIN = """\
version: 1
counter:
  id: shimin
  name: 市民課 & 窓口
  section: 市民課
  surveyed_on: 2022-07-15
procedures:
  - id: shimin-juminhyo
    name: '=HYPERLINK("http://x")'
    kind: certificate
    annual_volume: 20000
    steps:
      - {id: write, name: 申請書の記入, actor: citizen, action: write, medium: paper, handwritten: true, in_person: true, effort: 5, wait: 20}
      - {id: receive, name: '@SUM(A1)', actor: counter, action: receive, medium: paper, effort: 5}
      - {id: enter, name: '-1', actor: back_office, action: enter, medium: paper, rule_based: true, system: '+1', effort: 4}
      - {id: issue, name: 交付, actor: counter, action: issue, medium: paper, effort: 2}
    issues:
      - '+1'
      - '-1'
      - '@SUM(A1)'
      - "\\tタブで始まる課題"
      - '=HYPERLINK("http://x")'
  - id: shimin-tenshutsu
    name: 転出届
    kind: notification
    annual_volume: 3000
    national_priority: true
    steps:
      - {id: write, name: 届出書の記入, actor: citizen, action: write, medium: paper, in_person: true, effort: 10, wait: 15}
      - {id: check, name: 確認, actor: counter, action: check, medium: paper, effort: 10}
      - {id: enter, name: システム入力, actor: back_office, action: enter, medium: electronic, rule_based: true, effort: 6}
  - id: shimin-inkan
    name: 印鑑登録
    kind: registration
    annual_volume: 1500
    plan: {measure: rpa, target_fy: 2023, progress: in_progress}
    steps:
      - {id: write, name: 申請書の記入, actor: citizen, action: write, medium: paper, seal: true, in_person: true, effort: 5}
      - {id: enter, name: 登録入力, actor: back_office, action: enter, medium: electronic, rule_based: true, effort: 8}
"""
KOSODATE = """\
version: 1
counter:
  id: kosodate
  name: 子育て窓口
  section: 子育て/支援課
  surveyed_on: 2022-08-02
procedures:
  - id: kosodate-teate
    name: 児童手当 認定請求
    kind: application
    annual_volume: 900
    national_priority: true
    steps:
      - {id: write, name: 請求書の記入, actor: citizen, action: write, medium: paper, handwritten: true, in_person: true, effort: 15, wait: 20}
      - {id: receive, name: 受付, actor: counter, action: receive, medium: paper, effort: 10}
      - {id: enter, name: 児童手当システムへの入力, actor: back_office, action: enter, medium: paper, system: 児童手当システム, effort: 12}
    issues:
      - 住民票の写しを別の窓口で取得している
  - id: kosodate-soudan
    name: 子育て相談
    kind: consultation
    annual_volume: 0
    steps:
      - {id: talk, name: 相談, actor: counter, action: other, medium: verbal, effort: 30}
"""


def write_inventory(folder: Path) -> Path:
    """Write the two-counter test inventory into a folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shimin.yaml").write_text(SHIMIN, encoding="utf-8")
    (folder / "kosodate.yaml").write_text(KOSODATE, encoding="utf-8")
    return folder


@pytest.fixture
def analysis(tmp_path: Path) -> Analysis:
    """Return the analysis of the test inventory."""
    inventory, problems = load_inventory([write_inventory(tmp_path / "inventories")], use_cache=False)
    assert not problems and not [p for p in inventory.problems if p.severity.value == "error"]
    return analyse_inventory(inventory, Config())


@pytest.fixture
def book(analysis: Analysis, tmp_path: Path) -> Path:
    """Return the path of the workbook of the test inventory."""
    path = tmp_path / "roadmap.xlsx"
    write_workbook(analysis, path)
    return path


def header_row(sheet: Worksheet) -> int:
    """Return the row of a table sheet's header: the last of the rows printed on every page."""
    return int(str(sheet.print_title_rows).split(":")[-1].strip("$"))


def rows(sheet: Worksheet, first: int = 1) -> list[tuple[object, ...]]:
    """Return the values of a sheet's rows from a 1-based row."""
    return [tuple(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def column(sheet: Worksheet, header: str, header_row: int = 1) -> list[object]:
    """Return the values under a header."""
    headers = [cell.value for cell in sheet[header_row]]
    index = headers.index(header)
    return [row[index] for row in rows(sheet, header_row + 1)]


def test_sheets_in_order_with_the_priority_headers(book: Path) -> None:
    wb = load_workbook(book)
    assert wb.sheetnames == SHEETS
    assert [cell.value for cell in wb["優先順位"][1]] == PRIORITY_HEADERS


def test_every_procedure_ranked_once_in_order(book: Path, analysis: Analysis) -> None:
    sheet = load_workbook(book)["優先順位"]
    assert column(sheet, "手続ID") == [p.id for p in analysis.procedures]
    assert column(sheet, "順位") == list(range(1, len(analysis.procedures) + 1))
    assert set(column(sheet, "推奨施策")) <= {"オンライン化", "利用促進", "RPA", "AI-OCR", "業務改善(BPR)", "対象外"}


def test_frozen_header_filter_number_formats_and_colour_scales(book: Path, analysis: Analysis) -> None:
    sheet = load_workbook(book)["優先順位"]
    last = len(analysis.procedures) + 1
    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref == f"A1:Z{last}"
    assert sheet.print_area == f"'優先順位'!$A$1:$M${last}"  # up to 理由; the figures and the id on screen only
    assert sheet["D2"].number_format == "#,##0"
    assert sheet["H2"].number_format == "[<0.005]0.0;[<0.1]0.00;#,##0.0"  # 人工, as the reasons round it
    assert sheet["Q2"].number_format == "0.0"
    assert sheet["V2"].number_format == "#,##0.00"  # expected visits such as 1.11, two decimals in every row
    ranges = {str(rng.sqref) for rng in sheet.conditional_formatting}
    assert {f"Q2:Q{last}", f"R2:R{last}", f"S2:S{last}"} <= ranges
    # Japanese names get about two units a character: 手続名 is wider than 順位.
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_print_layout_and_properties(book: Path) -> None:
    wb = load_workbook(book)
    pages = 0
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9
        # A scale of its own (8 pt or more on paper) rather than "fit to the width", and a break before each page.
        assert int(sheet.page_setup.scale) >= 80 and not sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(sheet.page_setup.firstPageNumber) == pages + 1 and sheet.page_setup.useFirstPageNumber
        pages += len(sheet.row_breaks.brk) + 1
        assert sheet.oddFooter.left.text == "棚卸日 2022-07-15〜2022-08-02"
    assert all(sheet.oddFooter.center.text == f"&P / {pages} ページ" for sheet in wb.worksheets)
    assert wb["優先順位"].print_title_rows == "$1:$1"
    # The legend prints on every page of the Gantt; the candidates' explanation on the first only.
    assert wb["ロードマップ"].print_title_rows.startswith("$1:")
    assert wb["AI-OCR・RPA候補"].print_title_rows == f"${CANDIDATE_HEADER_ROW}:${CANDIDATE_HEADER_ROW}"
    assert wb.properties.creator == "DX検討班"  # the config's workbook.author: the document is the DX team's
    assert wb.properties.title == "窓口手続の業務改革ロードマップ"
    with zipfile.ZipFile(book) as archive:
        names = archive.namelist()
    assert "xl/charts/chart1.xml" in names and "xl/charts/chart2.xml" in names
    assert not [n for n in names if "vbaProject" in n or "externalLink" in n]


def test_roadmap_labels_fiscal_years_in_reiwa_and_marks_fixed_plans_and_deadlines(book: Path) -> None:
    sheet = load_workbook(book)["ロードマップ"]
    gantt_header = header_row(sheet)
    headers = [cell.value for cell in sheet[gantt_header]]
    assert headers[2:6] == ["令和4年度\n(2022)", "令和5年度\n(2023)", "令和6年度\n(2024)", "令和7年度\n(2025)\n◆期限"]
    by_name = {row[1]: row for row in rows(sheet, gantt_header + 1)}
    assert by_name["印鑑登録"][3] == "RPA(確定・実施中)"
    first = gantt_header + 1
    assert sheet.cell(row=first + list(by_name).index("印鑑登録"), column=4).border.left.style == "medium"
    assert by_name["転出届"][5] == "◆期限"
    assert "国の優先手続" in by_name["転出届"][-2]
    assert by_name["転出届"][-1] == "市民課"  # the section, on screen only
    # Going online is the primary measure (unmarked); RPA transcribes the online applications (補完), and
    # the cases that stay at the counter get 書かない窓口・予約 (業務改善, 補完: model v3, property 2).
    assert by_name["転出届"][2] == "オンライン化\nRPA(補完)\n業務改善(BPR)(補完)"
    planned = column(load_workbook(book)["優先順位"], "予定年度")
    assert all(re.fullmatch(r"令和\d+年度", str(label)) for label in planned if label)


def test_a_short_horizon_wraps_the_legend_and_keeps_every_entry(tmp_path: Path) -> None:
    inventory, _ = load_inventory([write_inventory(tmp_path / "inventories")], use_cache=False)
    short = analyse_inventory(inventory, Config(), start_fy=2024, years=1)
    path = tmp_path / "short.xlsx"
    write_workbook(short, path)
    sheet = load_workbook(path)["ロードマップ"]
    legend = [v for row in rows(sheet)[1 : header_row(sheet) - 1] if row[1] in ("凡例", None) for v in row[2:] if v]
    assert legend == ["オンライン化", "RPA", "AI-OCR", "業務改善(BPR)", "確定"]
    assert [cell.value for cell in sheet[header_row(sheet)]][2] == "令和6年度\n(2024)"


def test_hostile_text_stays_text_shown_as_typed(book: Path) -> None:
    wb = load_workbook(book)
    cells = [cell for sheet in wb.worksheets for row in sheet.iter_rows() for cell in row]
    for text in HOSTILE[:3]:  # a procedure's name, a step's system, a step's name
        found = [cell for cell in cells if cell.value == text]
        assert found, text
        assert all(cell.data_type == "s" for cell in found), text
    # 課題一覧 lists a procedure's issues in one cell, each after a bullet: text there too, as typed.
    issues = str(column(wb["課題一覧"], "内容")[0]).replace("\n", "")
    assert all(f"・{text}" in issues for text in HOSTILE)
    with zipfile.ZipFile(book) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
    assert not [xml for xml in sheets if b"<f>" in xml or b"<f " in xml]


def test_issues_and_warnings_per_procedure(book: Path, analysis: Analysis) -> None:
    sheet = load_workbook(book)["課題一覧"]
    listed = list(zip(column(sheet, "手続名"), column(sheet, "種別"), column(sheet, "内容"), strict=True))
    folded = [sheet.row_dimensions[number].hidden for number in range(2, len(listed) + 2)]
    for item in analysis.procedures:
        # A row of the procedure's issues, each after a bullet, lines broken between them or between phrases.
        issues = [text for name, kind, text in listed if (name, kind) == (item.procedure.name, "課題")]
        assert len(issues) == (1 if item.procedure.issues else 0)
        for issue in item.procedure.issues:
            assert f"・{issue}" in str(issues[0]).replace("\n", "")
    names = {p.id: p.procedure.name for p in analysis.procedures}
    warnings = {name: str(text).split("\n") for name, kind, text in listed if kind == "警告"}
    assert any(line.startswith("押印: ") for line in warnings[names["shimin-inkan"]])
    assert any(line.startswith("年間件数が0件: ") for line in warnings[names["kosodate-soudan"]])
    # The warnings are folded (on screen, the ＋ opens them; one a line), the issues print.
    assert [hidden for hidden, (_, kind, _) in zip(folded, listed, strict=True)] == [
        kind == "警告" for _, kind, _ in listed
    ]
    # In Japanese, with the steps' Japanese names, never an id such as 'write'.
    assert not [line for lines in warnings.values() for line in lines if "step '" in line]


def test_candidates_list_the_steps_minutes_and_hours(book: Path, analysis: Analysis) -> None:
    sheet = load_workbook(book)["AI-OCR・RPA候補"]
    listed = list(
        zip(
            column(sheet, "手続名", CANDIDATE_HEADER_ROW),
            column(sheet, "候補", CANDIDATE_HEADER_ROW),
            column(sheet, "工程", CANDIDATE_HEADER_ROW),
            column(sheet, "作業\n時間\n(分/件)", CANDIDATE_HEADER_ROW),
            strict=True,
        )
    )
    expected = [
        (p.procedure.name, MEASURE_LABELS[c.measure], c.step_name, c.minutes_per_case)
        for p in analysis.procedures
        for c in p.candidates
    ]
    assert expected and all(step in listed for step in expected)
    # Rank order: the procedures appear as they are ranked.
    names = [name for name, *_ in listed]
    assert sorted(names, key=[p.procedure.name for p in analysis.procedures].index) == names


def test_candidates_mark_primary_and_complementary_measures_with_their_hours(book: Path, analysis: Analysis) -> None:
    sheet = load_workbook(book)["AI-OCR・RPA候補"]
    table = list(
        zip(
            column(sheet, "手続名", CANDIDATE_HEADER_ROW),
            column(sheet, "候補", CANDIDATE_HEADER_ROW),
            column(sheet, "位置\nづけ", CANDIDATE_HEADER_ROW),
            column(sheet, "施策の\n削減\n(時間/年)", CANDIDATE_HEADER_ROW),
            strict=True,
        )
    )
    carried = [
        (p.procedure.name, MEASURE_LABELS[m.measure], {"primary": "主施策", "complement": "補完"}[m.role], m.hours)
        for p in analysis.procedures
        for m in p.measures
        if m.measure in (Measure.RPA, Measure.AI_OCR)
    ]
    assert any(role == "補完" for _, _, role, _ in carried)
    for name, measure, role, hours in carried:
        rows_of = [row for row in table if row[:2] == (name, measure)]
        assert rows_of and {row[2] for row in rows_of} == {role}
        # The measure's hours once per procedure, so that the column adds up to what the measures save.
        assert [row[3] for row in rows_of if row[3] is not None] == [hours]
    assert {role for _, _, role, _ in table} <= {"主施策", "補完", "参考"}


def test_overview_shows_the_scope_and_the_kpis(book: Path, analysis: Analysis) -> None:
    values = [row for row in rows(load_workbook(book)["概要"]) if any(v is not None for v in row)]
    flat = [v for row in values for v in row if v is not None]
    volume = sum(p.procedure.annual_volume for p in analysis.procedures)
    national = sum(p.procedure.national_priority for p in analysis.procedures)
    # Page 1 says what the workbook covers, in one line under the title.
    assert f"対象: 窓口 2・課 2・手続 {len(analysis.procedures)}（年間 {volume:,}件）・国の優先手続 {national}" in flat
    kpi_rows = [row for row in values if isinstance(row[0], str) and row[0].startswith("AI-OCR・RPA導入業務数 (")]
    assert [(row[1], row[2], row[3], row[4]) for row in kpi_rows] == [
        (k.target, k.planned, k.done, kpi_status_label(k)) for k in analysis.roadmap.kpis if k.name.startswith("AI-OCR")
    ]
    assert "令和4年度 (2022)" in flat


def test_overview_lists_a_few_procedure_shortfalls_and_counts_the_rest(analysis: Analysis, tmp_path: Path) -> None:
    many = tuple(f"転出届 (shimin-tenshutsu): 期限に間に合わない {n}" for n in range(20))
    shortfalls = (
        *(Shortfall(text, "shimin-tenshutsu", "deadline") for text in many),
        Shortfall("計画期間内の枠が足りず未配置"),
    )
    roadmap = dataclasses.replace(analysis.roadmap, shortfalls=shortfalls)
    path = tmp_path / "many.xlsx"
    write_workbook(dataclasses.replace(analysis, roadmap=roadmap), path)
    lines = [row[0] for row in rows(load_workbook(path)["概要"]) if isinstance(row[0], str) and row[0].startswith("・")]
    assert lines[0] == "・計画期間内の枠が足りず未配置"
    assert lines[1:9] == [f"・{text}" for text in many[:8]]
    assert lines[9] == "・ほか 12 件の手続 (「ロードマップ」の備考の欄にあります)"


def test_one_workbook_per_section_with_the_city_wide_kpis(analysis: Analysis, tmp_path: Path) -> None:
    paths = write_section_workbooks(analysis, tmp_path / "sections")
    assert [p.name for p in paths] == ["子育て_支援課.xlsx", "市民課.xlsx"]
    for path, section in zip(paths, ["子育て/支援課", "市民課"], strict=True):
        wb = load_workbook(path)
        assert [str(name).replace("\n", "") for name in column(wb["優先順位"], "課")] == [
            p.counter.section for p in analysis.procedures if p.counter.section == section
        ]
        kpis = [
            row for row in rows(wb["概要"]) if isinstance(row[0], str) and re.search(r"\(令和\d+年度まで\)$", row[0])
        ]
        assert [row[2] for row in kpis] == [k.planned for k in analysis.roadmap.kpis]
        assert wb.properties.title == f"窓口手続の業務改革ロードマップ ({section})"


def test_a_section_lists_only_its_own_candidates(analysis: Analysis, tmp_path: Path) -> None:
    path = tmp_path / "one.xlsx"
    write_workbook(analysis, path, sections={"子育て/支援課"})
    sheet = load_workbook(path)["AI-OCR・RPA候補"]
    steps = column(sheet, "工程", CANDIDATE_HEADER_ROW)
    assert "児童手当システムへの入力" in steps
    assert set(column(sheet, "課", CANDIDATE_HEADER_ROW)) == {"子育て/支援課"}


def test_long_tables_continue_on_numbered_sheets(sample: Analysis, tmp_path: Path) -> None:
    analysis = sample
    path = tmp_path / "split.xlsx"
    write_workbook(analysis, path, row_limit=40)  # the header and 39 procedures a sheet
    wb = load_workbook(path)
    assert wb.sheetnames[:4] == ["概要", "優先順位", "優先順位 (2)", "ロードマップ"]
    ids = [pid for name in ("優先順位", "優先順位 (2)") for pid in column(wb[name], "手続ID")]
    assert ids == [p.id for p in analysis.procedures]
    assert [wb[name].freeze_panes for name in ("優先順位", "優先順位 (2)")] == ["D2", "D2"]
    assert [cell.value for cell in wb["優先順位 (2)"][1]] == PRIORITY_HEADERS
    gantt = [name for name in wb.sheetnames if name.startswith("ロードマップ")]
    # Each sheet of the Gantt has the legend and the header over its procedures.
    assert len(gantt) > 1 and len({header_row(wb[name]) for name in gantt}) == 1
    listed = [str(row[1]).replace("\n", "") for name in gantt for row in rows(wb[name], header_row(wb[name]) + 1)]
    placed = {i.procedure for i in analysis.roadmap.items} | {i.procedure for i in analysis.roadmap.unscheduled}
    placed |= {pid for pid, _ in analysis.roadmap.uptake}
    assert listed == [p.procedure.name for p in analysis.procedures if p.id in placed]
    notes = [row[0] for row in rows(wb["概要"]) if isinstance(row[0], str) and "枚のシートに分けています" in row[0]]
    assert any("優先順位 (2)" in note for note in notes)


def test_sheet_titles_and_continuation_names() -> None:
    assert continuation_title("AI-OCR・RPA候補" * 3, 12).endswith(" (12)")
    assert len(continuation_title("AI-OCR・RPA候補" * 3, 12)) == 31
    table = Table("t", (Column("a"),), lambda: iter(()))
    assert sheet_titles(table, 5, 3) == ["t", "t (2)", "t (3)"]
    with pytest.raises(ValueError, match="no room"):
        sheet_titles(table, 5, 1)


def test_same_inventory_same_bytes_and_timestamps(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(analysis, first)
    write_workbook(analysis, second)
    assert first.read_bytes() == second.read_bytes()
    assert load_workbook(first).properties.created == dt.datetime(2022, 8, 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_workbook(analysis, second)
    assert load_workbook(second).properties.modified == dt.datetime(2023, 11, 14, 22, 13, 20)


def test_document_time_sources() -> None:
    assert document_time(None, {}) == dt.datetime(1980, 1, 1)
    assert document_time("2022-07-15", {}) == dt.datetime(2022, 7, 15)
    assert document_time("2022-07-15", {"SOURCE_DATE_EPOCH": "0"}) == dt.datetime(1980, 1, 1)
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        document_time(None, {"SOURCE_DATE_EPOCH": "yesterday"})


def test_a_failure_mid_write_leaves_no_file_and_keeps_the_old_one(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def broken(*args: object) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook_module, "write_table", broken)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError, match="No space"):
        write_workbook(analysis, out / "fresh.xlsx")
    assert list(out.iterdir()) == []
    calls.clear()
    old = out / "old.xlsx"
    old.write_bytes(b"the previous workbook")
    with pytest.raises(OSError):
        write_workbook(analysis, old)
    assert old.read_bytes() == b"the previous workbook"
    assert [p.name for p in out.iterdir()] == ["old.xlsx"]


def test_atomic_write_replaces_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    atomic_write(target, lambda path: path.write_text("{}", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "{}"
    assert target.stat().st_mode & 0o044  # readable by others, as any new file, not 0600 like a temp file
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, lambda path: (path.write_text("half", encoding="utf-8"), _interrupt()))
    assert target.read_text(encoding="utf-8") == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "missing" / "x.json", lambda path: None)


def _interrupt() -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
        ("a\x07b", "a\ufffdb"),
        ("line\r\nnext\rlast", "line\nnext\nlast"),
        ("_x0041_", "_x005F_x0041_"),
        ("x" * 40_000, "x" * (32_767 - len("…(以下省略)")) + "…(以下省略)"),
    ],
)
def test_spreadsheet_text(text: str, expected: str) -> None:
    assert spreadsheet_text(text) == expected


def test_formula_triggers_and_csv_fields() -> None:
    assert all(looks_like_formula(text) for text in HOSTILE)
    assert not looks_like_formula("住民票 = 写し")
    assert csv_field("=1+1") == "'=1+1" and csv_field("住民票") == "住民票"


@pytest.mark.parametrize(
    ("section", "name"),
    [
        ("市民課", "市民課.xlsx"),
        ("子育て/支援課", "子育て_支援課.xlsx"),
        ('a<b>:"c"|?*', "a_b___c____.xlsx"),
        ("CON", "_CON.xlsx"),
        (" . ", "section.xlsx"),
        ("　市民課　", "市民課.xlsx"),  # ideographic spaces around the name
        ("\u30ab\u3099課", "\u30ac課.xlsx"),  # NFD (as macOS writes file names) becomes NFC: ガ課
        ("課" * 200, "課" * 67 + ".c1094335f524.xlsx"),
    ],
)
def test_section_file_names_are_safe_everywhere(section: str, name: str) -> None:
    assert section_file_names([section]) == [name]


def test_section_file_names_are_unique() -> None:
    assert section_file_names(["a/b", "a_b", "A_B"]) == ["a_b.xlsx", "a_b-2.xlsx", "A_B-3.xlsx"]


# A section named in full, longer than a file name may be (80 characters): 104 characters.
LONG_SECTION = "保険年金課（国民健康保険・国民年金・後期高齢者医療・福祉医療・特定健診担当）" * 3


def test_a_long_section_name_keeps_its_beginning_and_gets_a_hash_of_the_whole_name(tmp_path: Path) -> None:
    """Two long names with one beginning are two files, each the same whatever other sections there are.

    Cutting the names at 80 characters made them one name, told apart by a number that depended on the
    sections sorted before them; the hash depends on the name alone (docs/workbook.md, `--split-by section`).
    """
    annex = LONG_SECTION + "分室"
    names = section_file_names([LONG_SECTION, annex])
    stems = [name.removesuffix(".xlsx") for name in names]
    assert all(len(stem) <= 80 and stem.startswith(LONG_SECTION[:60]) for stem in stems)
    assert stems[0] != stems[1] and not stems[1].endswith("-2")
    assert section_file_names([annex]) == names[1:] and section_file_names([LONG_SECTION, "市民課"])[0] == names[0]
    assert names[0] == LONG_SECTION[:67] + ".1e94143e2cf4.xlsx"  # stable from one release to the next
    assert names[0].split("・")[-1] in (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8")  # its example
    analysis = analysis_with_sections(tmp_path, [LONG_SECTION, annex])
    written = write_section_workbooks(analysis, tmp_path / "sections")
    assert sorted(path.name for path in written) == sorted(names)
    assert sorted(section_pages([LONG_SECTION, annex]).values()) == sorted(f"{stem}.html" for stem in stems)


def test_header_and_footer_text_keeps_ampersands_literal() -> None:
    assert header_footer_text("市民課&窓口") == "市民課&&窓口"
    assert len(header_footer_text("課" * 300)) == 240


def test_widths_count_east_asian_characters_twice() -> None:
    assert text_width("住民票") == 6
    assert text_width("ｼﾞｭｳﾐﾝ") == 6  # half-width katakana are narrow
    assert text_width("ＡＢ") == 4
    assert text_width("abc\n住民") == 4
    assert text_width(1234567) == len("1,234,567")
    assert wrapped_lines("住民" * 10, 21.5) == 2
    assert row_height([("短い", WRAPPED, 20.0)]) is None
    assert (row_height([("長い" * 30, WRAPPED, 20.0)]) or 0) > 40


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n")))
def test_width_is_between_one_and_two_units_a_character(text: str) -> None:
    assert len(text) <= text_width(text) <= 2 * len(text)


def test_scope_of_a_section_keeps_its_own_items(analysis: Analysis) -> None:
    scope = Scope.of(analysis, {"市民課"})
    assert {p.counter.section for p in scope.procedures} == {"市民課"}
    assert set(scope.items) <= {p.id for p in scope.procedures}
    assert scope.planned_label("shimin-inkan") == "令和5年度"


def test_libreoffice_converts_the_workbook_to_pdf_pages(book: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("BPR_SKIP_LIBREOFFICE") == "1":
            pytest.skip("LibreOffice is not installed and BPR_SKIP_LIBREOFFICE=1")
        pytest.fail("LibreOffice (soffice) is needed to check the workbook prints; set BPR_SKIP_LIBREOFFICE=1 to skip")
    out = tmp_path / "pdf"
    # A profile of its own, so that a LibreOffice already running elsewhere does not swallow the job.
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(book),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    pdf = out / "roadmap.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
    assert pages >= len(SHEETS)


# --- 概要 adds up (model v2, property 10) -------------------------------------------------------------

COUNT_COLUMNS = tuple(column.lines for column in OVERVIEW_COUNT_COLUMNS[1:])  # after 施策
LABEL_MEASURES = {label: measure for measure, label in MEASURE_LABELS.items()}
SCHEDULED_LABELS = [MEASURE_LABELS[m] for m in (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    """Return the analysis of the sample inventory (inventories/)."""
    inventory, _ = load_inventory([Path(__file__).resolve().parents[1] / "inventories"], use_cache=False)
    return analyse_inventory(inventory, Config())


def overview_table(sheet: Worksheet, *header: str) -> dict[str, dict[str, object]]:
    """Return the 概要 table whose header starts with `header`, as {first cell: {column header: value}}."""
    values = rows(sheet)
    for index, row in enumerate(values):
        if tuple(row[: len(header)]) == header:
            names = [str(v) for v in row]
            table = {}
            for body in values[index + 1 :]:
                if body[0] is None or all(v is None for v in body[1:]):
                    return table
                table[str(body[0])] = dict(zip(names, body, strict=True))
            return table
    raise AssertionError(f"no table headed {header}")


def gantt_counts(sheet: Worksheet) -> dict[str, int]:
    """Return how many measures of each kind the ロードマップ sheet shows within the horizon's years."""
    header_row = int(sheet.print_title_rows.split(":")[-1].strip("$"))
    headers = [cell.value for cell in sheet[header_row]]
    years = [i for i, text in enumerate(headers) if isinstance(text, str) and re.match(r"令和\d+年度\n\(\d{4}\)", text)]
    counts = dict.fromkeys(SCHEDULED_LABELS, 0)
    for row in rows(sheet, header_row + 1):
        for index in years:
            # A measure and its marks, 業務改善(BPR)(補完), one a line, a line broken where the column is narrow.
            text = str(row[index] or "").replace("\n", "")
            for label in counts:
                counts[label] += text.count(label)
    return counts


def assert_overview_adds_up(path: Path, expected: Summary) -> None:
    """Assert that every count on 概要 adds up, equals the summary, and matches the ロードマップ sheet."""
    wb = load_workbook(path)
    overview = wb["概要"]
    counts = overview_table(overview, "施策", *COUNT_COLUMNS[:2])
    hours = overview_table(overview, "施策", "施策数")
    years = overview_table(overview, "年度", *SCHEDULED_LABELS[:1])
    gantt = gantt_counts(wb["ロードマップ"])
    assert list(counts) == [*SCHEDULED_LABELS, MEASURE_LABELS[Measure.NONE]]
    for label in SCHEDULED_LABELS:
        row = [counts[label][name] for name in COUNT_COLUMNS]
        recommended, with_plan, uptake, complement, national, fixed, scheduled, placed, outside, unplaced = row
        assert all(isinstance(value, int) and value >= 0 for value in row), (label, row)
        assert recommended - with_plan - uptake + complement + national + fixed == scheduled, label  # type: ignore[operator]
        assert scheduled == placed + outside + unplaced, label  # type: ignore[operator]
        assert with_plan + uptake <= recommended, label  # type: ignore[operator]
        # "Placed" is one number everywhere: counts, hours, years and the Gantt.
        assert hours[label]["施策数"] == placed, label
        assert sum(year[label] for year in years.values()) == placed, label  # type: ignore[misc]
        assert gantt[label] == placed, label
        mine = expected.of(LABEL_MEASURES[label])
        assert row == [
            mine.recommended,
            mine.with_plan,
            mine.uptake,
            mine.complement,
            mine.national,
            mine.fixed,
            mine.scheduled,
            mine.placed,
            mine.placed_outside,
            mine.unplaced,
        ], label
    recommended_total = sum(counts[label][COUNT_COLUMNS[0]] for label in counts)  # type: ignore[misc]
    assert recommended_total == expected.procedures
    # Hours: the total is the sum of the measures, and savings never exceed today's hours.
    total, today = hours["合計"], hours["参考: 現状の時間 (対象の手続すべて)"]
    for name in ("削減時間\n(時間/年)", "うち職員\n(時間/年)", "うち住民\n(時間/年)", "期待削減\n(時間/年)"):
        assert total[name] == pytest.approx(sum(hours[label][name] for label in SCHEDULED_LABELS), abs=0.2)  # type: ignore[misc]
    assert total["うち職員\n(時間/年)"] <= today["うち職員\n(時間/年)"]  # type: ignore[operator]
    assert total["うち住民\n(時間/年)"] <= today["うち住民\n(時間/年)"]  # type: ignore[operator]
    assert total["削減時間\n(時間/年)"] == expected.total_placed.hours
    assert today["うち職員\n(時間/年)"] == expected.today_staff_hours


def test_overview_adds_up_for_the_sample_inventory(sample: Analysis, tmp_path: Path) -> None:
    path = tmp_path / "roadmap.xlsx"
    write_workbook(sample, path)
    summary = summarise(sample)
    assert summary.of(Measure.RPA).complement > 0 and summary.of(Measure.ONLINE).uptake > 0  # the sample covers v2
    assert_overview_adds_up(path, summary)
    sections = overview_table(load_workbook(path)["概要"], "課", "窓口数")
    assert sum(row["手続数"] for row in sections.values()) == summary.procedures  # type: ignore[misc]
    for section, row in sections.items():
        own = summarise(sample, [p.id for p in sample.procedures if p.counter.section == section])
        assert (row["手続数"], row["施策を\n配置した\n手続"], row["削減時間\n(時間/年)"]) == (
            own.procedures,
            own.procedures_placed,
            own.total_placed.hours,
        )


def test_overview_of_each_section_adds_up_with_its_own_numbers(sample: Analysis, tmp_path: Path) -> None:
    paths = write_section_workbooks(sample, tmp_path / "sections")
    sections = sorted({p.counter.section for p in sample.procedures})
    city = summarise(sample)
    for path, section in zip(paths, sections, strict=True):
        own = summarise(sample, [p.id for p in sample.procedures if p.counter.section == section])
        assert own.procedures < city.procedures
        assert_overview_adds_up(path, own)
        lines = [row[0] for row in rows(load_workbook(path)["概要"]) if isinstance(row[0], str)]
        assert any(line.startswith(f"対象: 窓口 {own.counters}・課 1・手続 {own.procedures}（") for line in lines)


def test_a_section_with_measures_placed_shows_hours_not_zeros(sample: Analysis, tmp_path: Path) -> None:
    paths = write_section_workbooks(sample, tmp_path / "sections")
    for path in paths:
        hours = overview_table(load_workbook(path)["概要"], "施策", "施策数")
        placed = sum(hours[label]["施策数"] for label in SCHEDULED_LABELS)  # type: ignore[misc]
        assert placed > 0, path.name
        assert hours["合計"]["削減時間\n(時間/年)"] > 0, path.name  # type: ignore[operator]


def test_overview_adds_up_for_the_test_inventory(analysis: Analysis, book: Path) -> None:
    assert_overview_adds_up(book, summarise(analysis))


def test_a_kpi_over_no_procedure_is_never_met_on_the_overview(tmp_path: Path) -> None:
    folder = write_inventory(tmp_path / "inventories")
    for path in folder.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("national_priority: true", ""), encoding="utf-8")
    inventory, _ = load_inventory([folder], use_cache=False)
    analysis = analyse_inventory(inventory, Config())
    kpi = next(k for k in analysis.roadmap.kpis if k.name == "国の優先手続のオンライン化")
    assert kpi.population == 0 and kpi.warning and not kpi.met
    path = tmp_path / "roadmap.xlsx"
    write_workbook(analysis, path)
    overview = load_workbook(path)["概要"]
    table = overview_table(overview, "指標", "目標")
    row = table["国の優先手続のオンライン化 (令和7年度まで)"]
    assert row["判定"] == "対象なし" and row["対象の手続"] == 0
    assert "達成" not in row.values()
    lines = [r[0] for r in rows(overview) if isinstance(r[0], str)]
    assert f"・国の優先手続のオンライン化 (令和7年度まで) は対象なし: {kpi.warning}" in lines
    assert sum(kpi.warning in line for line in lines) == 1  # stated once, with the KPI, not again as a shortfall


def test_overview_prints_at_eight_points_or_more(book: Path) -> None:
    sheet = load_workbook(book)["概要"]
    # Its own scale, at which its columns fit the width of A4 landscape (297 mm less the margins): a unit of
    # width prints 7 pixels at 96 dpi in Excel, 7.43 in LibreOffice (tests/test_workbook_print.py renders it).
    scale = int(sheet.page_setup.scale) / 100
    printable = (297 / 25.4 - sheet.page_margins.left - sheet.page_margins.right) * 96
    pixels = sum(sheet.column_dimensions[letter].width * 7.43 for letter in "ABCDEFGHIJK")
    assert pixels * scale <= printable
    sizes = {cell.font.sz for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert min(sizes) * scale >= 8, (min(sizes), scale)
    assert sheet.page_setup.orientation == "landscape"


def test_priority_shows_expected_hours_people_money_and_complements(sample: Analysis, tmp_path: Path) -> None:
    from bpr.analysis.scope import Scope

    scope = Scope.of(sample)
    path = tmp_path / "roadmap.xlsx"
    write_workbook(sample, path)
    sheet = load_workbook(path)["優先順位"]
    table = {row[-1]: dict(zip(PRIORITY_HEADERS, row, strict=True)) for row in rows(sheet, 2)}
    for item in sample.procedures:
        row = table[item.id]
        planned = scope.planned[item.id]
        # What the roadmap holds: the model's primary, or a fixed plan that replaced it (issue 23).
        primary = planned.plan
        assert row["国の\n優先"] == ("○" if item.procedure.national_priority else None)
        assert row["来庁\n回数"] == round(item.figures.visits, 2)
        # The reasons in full (in a comment on 理由 too); 理由 prints their first clause on one line. A fixed
        # plan that replaced the model's recommendation says so first.
        reasons = item.reasons if not planned.overridden else (str(row["理由 (全文)"]).split("\n")[0], *item.reasons)
        assert reasons[0].startswith("棚卸の計画（決定済み）が優先") or not planned.overridden
        assert row["理由 (全文)"] == "\n".join(reasons)
        assert "\n" not in str(row["理由"]) and first_clause(reasons).startswith(str(row["理由"]).rstrip("…"))
        if primary is None:
            assert row["期待削減\n(時間/年)"] is None and row["職員\n削減\n(人工)"] is None
            continue
        assert row["期待削減\n(時間/年)"] == planned.hours(item)
        # Unrounded: the cell shows it as the reasons round it (one decimal, two under 0.1).
        assert row["職員\n削減\n(人工)"] == pytest.approx(primary.staff_hours / sample.hours_per_fte)
        assert row["職員\n削減\n(千円)"] == round(primary.staff_hours * sample.staff_cost_per_hour / 1000)
        # Model v3, property 4: the primary's initial cost, and its payback as the reasons say it.
        assert row["初期\n費用\n(千円)"] == primary.cost_initial
        payback = row["回収\n(年)"]
        assert payback == ("—" if primary.payback_years is None else payback) and (
            primary.payback_years is None or payback in ("0", "0.1未満") or float(payback) == primary.payback_years
        )
        # 併せて: what the roadmap holds beside the primary; a fixed plan wins (issue 23), and says so first.
        planned = scope.planned[item.id]
        for measure, _ in planned.added:
            assert MEASURE_LABELS[measure] in str(row["併せて行う\n施策"])
        if planned.overridden:
            assert row["併せて行う\n施策"] is None and str(row["理由"]).startswith("棚卸の計画（決定済み）が優先")
    assert any(isinstance(row["来庁\n回数"], float) and row["来庁\n回数"] % 1 for row in table.values())


def test_roadmap_marks_complements_national_measures_and_uptake(sample: Analysis, tmp_path: Path) -> None:
    path = tmp_path / "roadmap.xlsx"
    write_workbook(sample, path)
    sheet = load_workbook(path)["ロードマップ"]
    header_row = int(sheet.print_title_rows.split(":")[-1].strip("$"))
    cells = "\n".join(str(v) for row in rows(sheet, header_row + 1) for v in row if v is not None)
    roles = {i.role for i in sample.roadmap.items}
    assert "(補完)" in cells and "complement" in roles
    assert ("(国の優先)" in cells) == ("national" in roles)
    by_name = {str(row[1]).replace("\n", ""): row for row in rows(sheet, header_row + 1)}
    names = {p.id: p.procedure.name for p in sample.procedures}
    assert sample.roadmap.uptake
    for pid, share in sample.roadmap.uptake:
        # Broken into lines where the column is narrow: at a space, which the break replaces.
        remarks = str(by_name[names[pid]][-2]).replace("\n", "").replace(" ", "")
        assert f"利用促進(窓口に残る{share:.0%})" in remarks


@pytest.mark.parametrize(
    ("section", "name"),
    [
        (".hidden", "_.hidden.xlsx"),
        ("-rf", "_-rf.xlsx"),
        ("--help", "_--help.xlsx"),
        (" .課", "_.課.xlsx"),
        ("- 課", "_- 課.xlsx"),
        ("課-1.", "課-1.xlsx"),
    ],
)
def test_section_file_names_never_start_with_a_dot_or_a_dash(section: str, name: str) -> None:
    """A name starting with '.' is hidden, one starting with '-' reads as an option to the commands given it."""
    assert section_file_names([section]) == [name]


def test_section_file_names_fit_in_255_bytes() -> None:
    (name,) = section_file_names(["𠮷" * 200])
    assert len(name.encode("utf-8")) <= 255 and name.startswith("𠮷") and name.endswith(".xlsx")


def test_section_workbooks_of_dot_and_dash_sections_are_visible_files(tmp_path: Path) -> None:
    analysis = analysis_with_sections(tmp_path, [".hidden", "-rf"])
    written = write_section_workbooks(analysis, tmp_path / "sections")
    assert sorted(p.name for p in written) == ["_-rf.xlsx", "_.hidden.xlsx"]
    assert all(p.is_file() for p in written)


def analysis_with_sections(tmp_path: Path, sections: list[str]) -> Analysis:
    """Return the analysis of one counter, with one procedure, per section."""
    folder = tmp_path / "inv"
    folder.mkdir()
    for index, section in enumerate(sections):
        (folder / f"c{index}.yaml").write_text(
            f'version: 1\ncounter: {{id: c{index}, name: 窓口, section: "{section}"}}\nprocedures:\n'
            f"  - {{id: p{index}, name: 手続, annual_volume: 10,"
            " steps: [{id: s, name: 受付, actor: counter, medium: paper, effort: 5m}]}\n",
            encoding="utf-8",
        )
    inventory, problems = load_inventory([folder], use_cache=False)
    assert not problems and not [p for p in inventory.problems if p.severity.value == "error"]
    return analyse_inventory(inventory, Config())


def test_a_section_with_a_control_character_gives_a_workbook_that_opens(tmp_path: Path) -> None:
    """The section goes into the document title (docProps/core.xml), where XML forbids control characters."""
    analysis = analysis_with_sections(tmp_path, ["市民課\\x01\\x1f"])
    (written,) = write_section_workbooks(analysis, tmp_path / "sections")
    book = load_workbook(written)
    assert "市民課\ufffd\ufffd" in (book.properties.title or "")
    book.close()


def test_the_counter_column_does_not_repeat_the_section() -> None:
    from bpr.export.presentation import counter_label
    from bpr.inventory.models import Counter

    def label(name: str, section: str = "市民課") -> str:
        return counter_label(Counter(id="c", name=name, section=section))

    assert label("市民課 住民記録窓口") == "住民記録窓口"
    assert label("市民課　戸籍窓口") == "戸籍窓口"
    assert label("住民記録窓口") == "住民記録窓口"
    assert label("市民課") == "市民課"  # nothing left: the name as it is


def test_every_warning_code_of_the_rules_has_a_japanese_form(sample: Analysis) -> None:
    from bpr.export.presentation import warning_lines
    from bpr.i18n import translate
    from bpr.inventory.codes import CODES, TITLES
    from bpr.inventory.problem import Severity

    warning_codes = {code for code, (severity, _) in CODES.items() if severity is Severity.WARNING}
    assert warning_codes == set(TITLES)
    assert all(translate(title, "ja") != title for title in TITLES.values())
    shown = 0
    for item in sample.procedures:
        found = sample.warnings_by_procedure.get(item.id, ())
        said = warning_lines(found)
        shown += len(said)
        # One line a warning, each headed by its code's Japanese title, said from the rule's own phrase.
        assert [label for label, _ in said] == [translate(TITLES[w.code], "ja") for w in found]
        assert all(w.phrase is not None for w in found)
        # Steps are named by their names, as a chief reads them, not by the ids of the YAML.
        assert not [text for _, text in said if "'" in text]
    assert shown > 10


def test_page_one_says_what_to_do_this_year_the_kpis_and_the_top_ten(sample: Analysis, tmp_path: Path) -> None:
    from bpr.export.workbook.first_page import this_year
    from bpr.export.workbook.scope import Scope
    from bpr.fiscal import reiwa

    path = tmp_path / "city.xlsx"
    write_workbook(sample, path)
    sheet = load_workbook(path)["概要"]
    first_break = min(b.id for b in sheet.row_breaks.brk)
    page_one = [row for row in rows(sheet)[:first_break] if any(v is not None for v in row)]
    headings = [row[0] for row in page_one if isinstance(row[0], str) and row[0].startswith("■")]
    fy = this_year(Scope.of(sample))
    assert headings[0].startswith(f"■ {reiwa(fy)}に行うこと")
    assert headings[1] == "■ KPI (市全体の計画)"
    assert headings[2] == "■ 期待削減の大きい手続 上位10件"
    top = [p for p in sample.procedures if p.recommendation is not Measure.NONE][:10]
    start = next(i for i, row in enumerate(page_one) if row[0] == headings[2]) + 2
    assert [row[0] for row in page_one[start : start + 10]] == [p.procedure.name for p in top]
    assert [row[4] for row in page_one[start : start + 10]] == [round(p.priority_hours) for p in top]
    placed = [i for i in sample.roadmap.items if i.fy == fy]
    assert placed, "the sample places measures in the year page 1 speaks of"


def test_a_section_workbook_lists_its_measures_without_room(sample: Analysis, tmp_path: Path) -> None:
    section = next(
        p.counter.section for p in sample.procedures if p.id in {i.procedure for i in sample.roadmap.unscheduled}
    )
    path = tmp_path / "section.xlsx"
    write_workbook(sample, path, sections={section})
    values = [row[0] for row in rows(load_workbook(path)["概要"])]
    assert "■ この課の手続で計画期間内に枠がない施策" in values


def test_the_issuer_the_issue_date_and_a3_come_from_the_config(tmp_path: Path) -> None:
    import datetime as dt

    from bpr.config import Config, WorkbookConfig
    from bpr.fiscal import japanese_date

    config = Config(workbook=WorkbookConfig(author="市民課 DX推進係", issued_on=dt.date(2026, 12, 1), paper="a3"))
    inventory, _ = load_inventory([Path(__file__).resolve().parents[1] / "inventories"], use_cache=False)
    path = tmp_path / "a3.xlsx"
    write_workbook(analyse_inventory(inventory, config), path)
    wb = load_workbook(path)
    assert wb.properties.creator == "市民課 DX推進係"
    for sheet in wb.worksheets:
        assert sheet.page_setup.paperSize == 8  # A3
        assert sheet.oddHeader.center.text == "発行 市民課 DX推進係 令和8年12月1日"
    assert japanese_date(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert japanese_date(dt.date(2019, 4, 30)) == "平成31年4月30日"


def test_contents_link_every_sheet_and_the_method_shows_the_settings_in_force(tmp_path: Path) -> None:
    from bpr.config import Config, ScoringConfig

    inventory, _ = load_inventory([Path(__file__).resolve().parents[1] / "inventories"], use_cache=False)
    config = Config(scoring=ScoringConfig(travel_minutes_per_visit=45))
    path = tmp_path / "method.xlsx"
    write_workbook(analyse_inventory(inventory, config), path)
    wb = load_workbook(path)
    # 目次 is on page 1 of 概要, where a reader finds it: each sheet, the pages it prints on, a link to it.
    overview = wb["概要"]
    page_one = min(b.id for b in overview.row_breaks.brk)
    linked = {
        cell.value: cell.hyperlink.location
        for row in overview.iter_rows(max_row=page_one)
        for cell in row
        if cell.hyperlink
    }
    firsts, page = [], 1
    for sheet in wb.worksheets:
        firsts.append(page)
        page += len(sheet.row_breaks.brk) + 1
    expected = {
        f"{sheet.title}　{first}" + ("" if not sheet.row_breaks.brk else f"〜{first + len(sheet.row_breaks.brk)}")
        for sheet, first in zip(wb.worksheets, firsts, strict=True)
    }
    assert set(linked) == expected
    assert all(location == f"'{str(text).split('　')[0]}'!A1" for text, location in linked.items())
    assert f"目次（A4 横 全 {page - 1} ページ）" in [row[0] for row in rows(overview)]
    method = {row[0]: row[1] for row in rows(wb["算定方法"]) if row[0]}
    assert method["移動時間"] == "45分/回"
    assert method["実現性: 印鑑証明・届出印"] == "×0.7"


def test_openpyxl_writes_through_lxml() -> None:
    # Without lxml openpyxl falls back to the standard library's XML writer, twice as slow on a
    # 10,000-procedure workbook (docs/performance.md): the dependency is there for this.
    from openpyxl.xml import LXML

    assert LXML


def test_build_links_each_procedure_of_the_priority_sheet_to_its_diagram(sample: Analysis, tmp_path: Path) -> None:
    from bpr.export.workbook import write_workbook

    analysis = sample
    links = {item.id: f"diagrams/{item.id}.svg" for item in analysis.procedures[:3]}
    write_workbook(analysis, tmp_path / "linked.xlsx", diagram_links=links)
    write_workbook(analysis, tmp_path / "plain.xlsx")
    linked = load_workbook(tmp_path / "linked.xlsx")["優先順位"]
    plain = load_workbook(tmp_path / "plain.xlsx")["優先順位"]
    found = {row[-1].value: row[-1].hyperlink.target for row in linked.iter_rows(min_row=2) if row[-1].hyperlink}
    assert found == links
    assert not any(row[-1].hyperlink for row in plain.iter_rows(min_row=2))
    assert [[c.value for c in r] for r in linked.iter_rows()] == [[c.value for c in r] for r in plain.iter_rows()]


def test_page_one_totals_say_whose_hours_they_are(book: Path, analysis: Analysis) -> None:
    # Model v3, property 9: staff and citizens apart, never one added headline.
    total = summarise(analysis).total_placed
    texts = [c for row in rows(load_workbook(book)["概要"])[:6] for c in row if isinstance(c, str)]
    assert (
        f"削減見込み（計画期間内に配置した施策、1年あたり）: 職員 {total.staff:,.0f} 時間"
        f"（{total.fte:,.2f} 人工・{total.thousand_yen:,.0f} 千円）、住民 {total.citizen:,.0f} 時間"
    ) in texts
    assert total.staff > 0 and total.citizen > 0
