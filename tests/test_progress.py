"""Progress against the plan: `plan.done_fy`, plans behind, and KPIs that count what was done (issue 12, item 6)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bpr.cli.main import app

PLANS = """\
version: 1
counter: {id: zeimu, name: 税務課 窓口, section: 税務課}
procedures:
  - id: on-time
    name: 給与支払報告書の入力
    annual_volume: 1000
    plan: {measure: rpa, target_fy: 2022, done_fy: 2022}
    steps: [{id: enter, name: 入力, actor: back_office, action: enter, medium: electronic, rule_based: true, effort: 5}]
  - id: done-late
    name: 申告書の入力
    annual_volume: 1000
    plan: {measure: ai_ocr, target_fy: 2022, progress: done, done_fy: 2024}
    steps: [{id: enter, name: 入力, actor: back_office, action: enter, medium: paper, effort: 5}]
  - id: not-yet
    name: 異動届の入力
    annual_volume: 1000
    plan: {measure: rpa, target_fy: 2023, progress: in_progress}
    steps: [{id: enter, name: 入力, actor: back_office, action: enter, medium: electronic, rule_based: true, effort: 5}]
"""


def schedule(runner: CliRunner, tmp_path: Path, current_fy: int) -> dict:
    (tmp_path / "inv").mkdir(exist_ok=True)
    (tmp_path / "inv" / "zeimu.yaml").write_text(PLANS, encoding="utf-8")
    config = tmp_path / "bpr.yaml"
    config.write_text(f"roadmap:\n  current_fy: {current_fy}\n", encoding="utf-8")
    result = runner.invoke(app, ["roadmap", str(tmp_path / "inv"), "--format", "json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_done_fy_alone_means_done_and_plans_behind_are_flagged(runner: CliRunner, tmp_path: Path) -> None:
    data = schedule(runner, tmp_path, 2025)
    assert data["current_fy"] == 2025
    items = {item["procedure"]: item for item in data["items"] if item["fixed"]}
    assert items["on-time"]["progress"] == "done" and items["on-time"]["behind"] is False
    assert items["done-late"]["done_fy"] == 2024 and items["done-late"]["behind"] is True
    assert items["not-yet"]["behind"] is True  # 2023 has passed and it is not done


def test_a_plan_of_this_year_is_not_behind_yet(runner: CliRunner, tmp_path: Path) -> None:
    items = {i["procedure"]: i for i in schedule(runner, tmp_path, 2023)["items"] if i["fixed"]}
    assert items["not-yet"]["behind"] is False


def test_kpis_count_done_apart_from_planned(runner: CliRunner, tmp_path: Path) -> None:
    kpis = {(k["name"], k["by_fy"]): k for k in schedule(runner, tmp_path, 2025)["kpis"]}
    by_2023 = kpis[("AI-OCR・RPA導入業務数", 2023)]
    by_2025 = kpis[("AI-OCR・RPA導入業務数", 2025)]
    # Planned by the plans' years: all three are due by 2023. Done by 2023: only the one done in 2022.
    assert (by_2023["planned"], by_2023["done"]) == (3, 1)
    assert (by_2025["planned"], by_2025["done"]) == (3, 2)


def test_the_roadmap_sheet_shows_progress_beside_the_plan_in_red_when_behind(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    schedule(runner, tmp_path, 2025)
    book = tmp_path / "roadmap.xlsx"
    result = runner.invoke(
        app, ["roadmap", str(tmp_path / "inv"), "-o", str(book), "--config", str(tmp_path / "bpr.yaml"), "--lang", "ja"]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(book)["ロードマップ"]
    # A cell's lines are broken where the column is narrow (at a space, which the break takes): read as one.
    cells = {
        cell.value.replace("\n", "").replace(" ", ""): cell
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    assert "実績" in cells
    behind = cells["遅れ（計画令和5年度・実施中）"]
    assert behind.font.b and behind.font.color.rgb.endswith("C00000")
    assert "完了令和4年度" in cells and not cells["完了令和4年度"].font.color
    assert "完了令和6年度（計画令和4年度）" in cells
    assert "計画16件" not in result.stdout and "(実績1件)" in result.stdout


def test_the_gantt_marks_this_fiscal_year(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    schedule(runner, tmp_path, 2023)
    book = tmp_path / "roadmap.xlsx"
    result = runner.invoke(
        app, ["roadmap", str(tmp_path / "inv"), "-o", str(book), "--config", str(tmp_path / "bpr.yaml")]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(book)["ロードマップ"]
    header = int(str(sheet.print_title_rows).split(":")[-1].strip("$"))
    headers = [cell.value for cell in sheet[header] if isinstance(cell.value, str)]
    marked = [h for h in headers if "▼今年度" in h and "(" in h]
    assert marked == ["令和5年度\n(2023)\n▼今年度"]
    # The legend says what the mark means, with the year.
    legend = [cell.value for row in sheet.iter_rows(max_row=header - 1) for cell in row if isinstance(cell.value, str)]
    assert any("▼今年度: 令和5年度" in line for line in legend)
    widths = {sheet.column_dimensions[letter].width for letter in "CDEF"}
    assert len(widths) == 1  # equal year columns
