"""効果検証 (model v3, property 10) through the outputs: roadmap JSON, the workbook's sheet and bpr diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from openpyxl import load_workbook

from bpr.cli.main import app

from conftest import INVENTORIES

PLANNED = "plan: {measure: rpa, target_fy: 2022, progress: in_progress}"
MEASURED = (
    "plan: {measure: rpa, target_fy: 2022, done_fy: 2022,"
    " actual: {measured_fy: 2024, staff_minutes_per_case: 30, cases: 96, note: 4〜6月の実測}}"
)


def measured_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "inventories"
    shutil.copytree(INVENTORIES, folder)
    shuno = folder / "shuno.yaml"
    text = shuno.read_text(encoding="utf-8")
    assert PLANNED in text, "the sample changed"
    shuno.write_text(text.replace(PLANNED, MEASURED), encoding="utf-8")
    return folder


def test_the_roadmap_json_compares_the_measured_effect_with_the_expected_one(runner, tmp_path) -> None:
    result = runner.invoke(app, ["roadmap", str(measured_copy(tmp_path)), "--format", "json"])
    assert result.exit_code == 0, result.output
    verification = json.loads(result.stdout)["verification"]
    (measure,) = verification["measures"]
    assert measure["procedure"] == "shuno-keshikomi" and measure["measure"] == "rpa"
    minutes = measure["staff_minutes_per_case"]
    assert minutes["measured"] == 30 and minutes["expected"] < minutes["today"]
    expected_saving = minutes["today"] - minutes["expected"]
    assert measure["ratio"] == round((minutes["today"] - 30) / expected_saving, 3)
    (kind,) = verification["by_kind"]
    assert kind["measure"] == "rpa" and kind["count"] == 1
    assert kind["expected_hours"] == round(96 * expected_saving / 60, 1)
    # Without a measurement the key is absent: the sample has none.
    plain = runner.invoke(app, ["roadmap", str(INVENTORIES), "--format", "json"])
    assert "verification" not in json.loads(plain.stdout)


def test_the_workbook_has_a_sheet_of_effects_only_when_one_was_measured(runner, tmp_path) -> None:
    book = tmp_path / "measured.xlsx"
    assert runner.invoke(app, ["roadmap", str(measured_copy(tmp_path)), "-o", str(book)]).exit_code == 0
    sheet = load_workbook(book)["効果検証"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    rows = [row for row in values if row[2] == "令和6年度"]
    assert rows and rows[0][0] == "口座振替結果データの収納消込" and rows[0][7] == 30 and rows[0][11] == "4〜6月の実測"
    assert any(str(row[0]).startswith("計 RPA (1件)") for row in values)
    plain = tmp_path / "plain.xlsx"
    assert runner.invoke(app, ["roadmap", str(INVENTORIES), "-o", str(plain)]).exit_code == 0
    assert "効果検証" not in load_workbook(plain).sheetnames


def test_diff_reports_an_effect_measured_between_two_years(runner, tmp_path) -> None:
    new = measured_copy(tmp_path)
    result = runner.invoke(app, ["diff", str(INVENTORIES), str(new), "--format", "json"])
    assert result.exit_code == 0, result.output
    (verified,) = json.loads(result.stdout)["verified"]
    assert verified["id"] == "shuno-keshikomi" and verified["measured_fy"] == 2024
    text = runner.invoke(app, ["--lang", "ja", "diff", str(INVENTORIES), str(new)]).stdout
    assert "効果検証（実測と見込み）" in text and "令和6年度に測定" in text
    change = next(line for line in text.splitlines() if "plan.actual" in line or "効果の実測" in line)
    assert change
    markdown = runner.invoke(app, ["diff", str(INVENTORIES), str(new), "--format", "markdown"]).stdout
    assert "Effects measured (plan.actual) against what was expected" in markdown


def test_a_returned_form_keeps_the_uptake_the_cost_and_the_measurement_it_does_not_carry(runner, tmp_path) -> None:
    # The DX team sets online.uptake, plan.cost and plan.actual; the 調査票 does not carry them, so an
    # unchanged form coming back must leave them as the file holds them (and the mapping's keys as written).
    folder = measured_copy(tmp_path)
    shuno = folder / "shuno.yaml"
    text = shuno.read_text(encoding="utf-8").replace(
        "channels: [smartphone_payment], identity_check: none}",
        "channels: [smartphone_payment], uptake: {1: 0.1, 3: 0.4}, identity_check: none}",
    )
    text = text.replace("done_fy: 2022,", "done_fy: 2022, cost: {initial: 800, annual: 300},")
    shuno.write_text(text, encoding="utf-8")
    forms = tmp_path / "forms"
    assert runner.invoke(app, ["survey", "export", str(folder), "-o", str(forms)]).exit_code == 0
    result = runner.invoke(app, ["survey", "import", str(forms / "shuno.xlsx"), "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert shuno.read_text(encoding="utf-8") == text
