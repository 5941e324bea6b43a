"""`bpr score` and `bpr config` through the CLI: shapes, exit codes, determinism."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from bpr.cli.main import app

from conftest import INVENTORIES, VALID

SPEC_KEYS = {
    "id",
    "counter",
    "section",
    "name",
    "annual_volume",
    "rank",
    "scores",
    "recommendation",
    "staff_hours",
    "citizen_hours",
    "visits",
    "paper_steps",
    "seal_steps",
    "in_person_steps",
    "handoffs",
    "lead_time_minutes",
    "reasons",
}


def test_score_json_has_the_spec_shape(runner):
    result = runner.invoke(app, ["score", str(VALID), "--format", "json"])
    assert result.exit_code == 0, result.output
    procedures = json.loads(result.stdout)["procedures"]
    assert procedures and set(procedures[0]) >= SPEC_KEYS
    first = procedures[0]
    assert set(first["scores"]) == {"online", "rpa", "ai_ocr"}
    assert first["recommendation"] in {"online", "rpa", "ai_ocr", "bpr", "none"}
    assert [p["rank"] for p in procedures] == list(range(1, len(procedures) + 1))
    assert all(isinstance(r, str) and r for r in first["reasons"])


def test_score_json_is_identical_byte_for_byte(runner, tmp_path):
    first = runner.invoke(app, ["score", str(INVENTORIES), "--format", "json"]).stdout
    # The same files in another folder, found in another order by the file system, give the same ranks.
    copy = tmp_path / "copy"
    shutil.copytree(INVENTORIES, copy)
    second = runner.invoke(app, ["score", str(copy), "--format", "json"]).stdout
    assert first == runner.invoke(app, ["score", str(INVENTORIES), "--format", "json"]).stdout
    strip = lambda text: [{k: v for k, v in p.items() if k != "file"} for p in json.loads(text)["procedures"]]  # noqa: E731
    assert strip(first) == strip(second)


def test_score_csv_has_a_header_and_a_row_per_procedure(runner):
    result = runner.invoke(app, ["score", str(INVENTORIES), "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"rank", "id", "online", "rpa", "ai_ocr", "recommendation", "reasons"} <= set(rows[0])
    assert len({row["id"] for row in rows}) == len(rows)


def test_score_table_shows_the_top_and_the_kpis(runner):
    result = runner.invoke(app, ["score", str(INVENTORIES), "--top", "5"])
    assert result.exit_code == 0
    assert "Priority: top 5 of 69" in result.stdout and "KPI (FY2022 to FY2025)" in result.stdout
    # FY2023 has passed with nothing recorded done: judged by what was done (model v3, property 8).
    line = "  AI-OCR・RPA導入業務数 by FY2023: target 10 / planned 4: not met, the year has passed (short by 10)"
    assert line in result.stdout.splitlines()


def test_score_table_in_japanese_reads_as_before(runner):
    result = runner.invoke(app, ["--lang", "ja", "score", str(INVENTORIES), "--top", "5"])
    assert result.exit_code == 0
    assert "優先順位 上位5件 / 全69件" in result.stdout and "KPI (令和4年度〜令和7年度)" in result.stdout
    assert (
        "  AI-OCR・RPA導入業務数 令和5年度まで: 目標10件 / 計画4件 未達（期限経過） (不足10件)"
        in result.stdout.splitlines()
    )
    assert "期待削減 時間/年" in result.stdout and "+業務改善(BPR)" in result.stdout


def test_score_refuses_an_invalid_inventory(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncounter: {id: x, name: x, section: x}\nprocedures: []\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(bad)])
    assert result.exit_code == 1
    assert "bad.yaml:3:13: error invalid-value" in result.stderr


def test_score_missing_path_is_a_usage_error(runner, tmp_path):
    assert runner.invoke(app, ["score", str(tmp_path / "nowhere")]).exit_code == 2


def test_bad_config_is_a_usage_error_with_its_position(runner, tmp_path):
    config = tmp_path / "bpr.yaml"
    config.write_text("scoring:\n  travel_minutes_per_visit: -5\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(INVENTORIES), "--config", str(config)])
    assert result.exit_code == 2
    assert f"{config}:2:29: error invalid-value" in result.stderr


def test_config_changes_scores(runner, tmp_path):
    config = tmp_path / "bpr.yaml"
    config.write_text("scoring:\n  travel_minutes_per_visit: 180\n", encoding="utf-8")
    default = json.loads(runner.invoke(app, ["score", str(INVENTORIES), "--format", "json"]).stdout)
    farther = json.loads(
        runner.invoke(app, ["score", str(INVENTORIES), "--format", "json", "--config", str(config)]).stdout
    )
    by_id = {p["id"]: p for p in default["procedures"]}
    visited = [p for p in farther["procedures"] if p["visits"] > 0]
    assert visited and all(p["citizen_hours"] > by_id[p["id"]]["citizen_hours"] for p in visited)


def test_config_defaults_prints_the_commented_file(runner):
    result = runner.invoke(app, ["config", "--defaults"])
    assert result.exit_code == 0
    assert "travel_minutes_per_visit: 60" in result.stdout and result.stdout.startswith("#")


def test_config_prints_the_config_in_force(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("bpr.yaml").write_text("roadmap:\n  start_fy: 2026\n", encoding="utf-8")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["roadmap"]["start_fy"] == 2026


def test_terminal_lists_ten_procedure_shortfalls_and_counts_the_rest():
    from rich.console import Console

    from bpr.analysis.results import Roadmap, Shortfall
    from bpr.cli.terminal import print_kpi_status
    from bpr.i18n import set_language

    shortfalls = (
        Shortfall("枠が足りない"),
        *(Shortfall(f"手続{n}: 期限に間に合わない", f"p{n}", "deadline") for n in range(25)),
    )
    console = Console(record=True, width=200)
    print_kpi_status(console, Roadmap(2022, 4, (), (), (), shortfalls))
    text = console.export_text()
    assert "枠が足りない" in text and "手続9: 期限" in text and "手続10: 期限" not in text
    assert "  ! 15 more procedures (the shortfalls of `bpr roadmap --format json`)" in text.splitlines()
    set_language("ja")
    console = Console(record=True, width=200)
    print_kpi_status(console, Roadmap(2022, 4, (), (), (), shortfalls))
    assert "  ! ほか 15件の手続 (`bpr roadmap --format json` の shortfalls)" in console.export_text().splitlines()


def test_terminal_reads_a_kpi_over_nothing_as_a_warning_never_met():
    from rich.console import Console

    from bpr.analysis.results import KpiStatus, Roadmap, Shortfall
    from bpr.cli.terminal import print_kpi_status
    from bpr.i18n import set_language

    warning = "対象の手続がない (national_priority の手続が棚卸にない): 達成とは言えない"
    kpis = (
        KpiStatus("国の優先手続のオンライン化", 0, 2025, 0, False, population=0, warning=warning),
        KpiStatus("AI-OCR・RPA導入業務数", 10, 2023, 12, True),
    )
    shortfalls = (Shortfall(f"KPI「国の優先手続のオンライン化」: {warning}", kind="kpi"),)
    console = Console(record=True, width=200)
    print_kpi_status(console, Roadmap(2022, 4, (), kpis, (), shortfalls))
    lines = console.export_text().splitlines()
    assert "  国の優先手続のオンライン化 by FY2025: target 0 / planned 0: nothing to count" in lines
    assert "  AI-OCR・RPA導入業務数 by FY2023: target 10 / planned 12: met by the plan" in lines
    # The warning is the analysis' Japanese, said once, under its KPI.
    assert sum(warning in line for line in lines) == 1
    set_language("ja")
    console = Console(record=True, width=200)
    print_kpi_status(console, Roadmap(2022, 4, (), kpis, (), shortfalls))
    lines = console.export_text().splitlines()
    assert "  国の優先手続のオンライン化 令和7年度まで: 目標0件 / 計画0件 対象なし" in lines
    assert "  AI-OCR・RPA導入業務数 令和5年度まで: 目標10件 / 計画12件 計画で達成" in lines
    assert sum(warning in line for line in lines) == 1


def test_score_table_shows_expected_hours_and_complements(runner):
    result = runner.invoke(app, ["score", str(INVENTORIES), "--top", "10"])
    assert result.exit_code == 0
    assert "Expected saving" in result.stdout and "+AI-OCR" in result.stdout


# Text a spreadsheet would evaluate, or that would split a row, in every text column the CSV writes.
FORMULA_NAMES = (
    '=HYPERLINK("http://example.com","x")',
    "@SUM(1)",
    "+1+2",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\n-1",
    "＝1+1",
    "前\r後",
    "前\r\n後",
)
FORMULA_INVENTORY = "\n".join(
    [
        "version: 1",
        "counter: {id: formula, name: 窓口, section: " + json.dumps("=cmd|' /C calc'!A0") + "}",
        "procedures:",
        *(
            f"  - {{id: p{index}, name: {json.dumps(name)}, annual_volume: {100 + index},"
            " steps: [{id: s, name: 受付, actor: counter, medium: paper, effort: 5m}]}"
            for index, name in enumerate(FORMULA_NAMES)
        ),
        "",
    ]
)
SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def test_score_csv_never_writes_a_formula_nor_splits_a_row(runner, tmp_path):
    (tmp_path / "formula.yaml").write_text(FORMULA_INVENTORY, encoding="utf-8")
    result = runner.invoke(app, ["score", str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    # A spreadsheet ends a row at any CR or LF outside quotes: none may appear there.
    assert "\r" not in result.stdout
    outside_quotes = result.stdout.split('"')[::2]
    assert sum(part.count("\n") for part in outside_quotes) == len(FORMULA_NAMES) + 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(FORMULA_NAMES)
    for row in rows:
        for column in ("name", "section", "counter", "reasons", "complements"):
            assert not row[column].lstrip(" \n").startswith(SPREADSHEET_TRIGGERS), (column, row[column])
    names = {row["id"]: row["name"] for row in rows}
    # Shown as typed, after the quote mark spreadsheets hide; line breaks inside a field are LF.
    assert names["p0"] == "'" + FORMULA_NAMES[0]
    assert names["p4"] == "'\t=1+1"
    assert names["p9"] == "前\n後" and names["p10"] == "前\n後"
    assert {row["section"] for row in rows} == {"'=cmd|' /C calc'!A0"}


def test_score_csv_keeps_numbers_as_numbers(runner, tmp_path):
    (tmp_path / "formula.yaml").write_text(FORMULA_INVENTORY, encoding="utf-8")
    result = runner.invoke(app, ["score", str(tmp_path), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    for row in rows:
        for column in ("rank", "annual_volume", "online", "staff_hours", "visits"):
            float(row[column])
            assert not row[column].startswith("'")


def test_score_csv_line_separators_stay_in_quoted_fields_and_nul_is_replaced(runner, tmp_path):
    names = ("行\x0b区切り", "段\x0c落", "次\x85行", "行\u2028区切り", "段\u2029落", "ヌル\x00文字", "ベル\x07")
    inventory = FORMULA_INVENTORY.split("procedures:\n")[0] + "procedures:\n"
    inventory += "".join(
        f"  - {{id: q{index}, name: {json.dumps(name)}, annual_volume: {10 + index},"
        " steps: [{id: s, name: 受付, actor: counter, medium: paper, effort: 5m}]}\n"
        for index, name in enumerate(names)
    )
    (tmp_path / "lines.yaml").write_text(inventory, encoding="utf-8")
    result = runner.invoke(app, ["score", str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    # Python's splitlines, and readers built on it, end a line at each of these.
    outside_quotes = "".join(result.stdout.split('"')[::2])
    assert len(outside_quotes.splitlines()) == len(names) + 1
    rows = {row["id"]: row["name"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["q0"] == "行\n区切り" and rows["q3"] == "行\n区切り"
    assert rows["q5"] == "ヌル\ufffd文字" and rows["q6"] == "ベル\ufffd"


def test_the_table_reads_on_an_80_column_terminal() -> None:
    import io
    from pathlib import Path

    from rich.console import Console

    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.terminal import top_table
    from bpr.config import Config
    from bpr.inventory.loader import load_inventory

    inventory, _ = load_inventory([Path(__file__).resolve().parents[1] / "inventories"], use_cache=False)
    analysis = analyse_inventory(inventory, Config())
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=False, color_system=None)
    console.print(top_table(analysis, 5, console.width))
    text = out.getvalue()
    assert max(console.measure(line).maximum for line in text.splitlines()) <= 80
    # Names are wrapped, not cut to a few characters: the first name is there whole.
    flat = text.replace("\n", "").replace("│", "").replace(" ", "")
    assert "住民票の写し等の交付請求" in flat and "…" not in text
    assert "Main reason" not in text and f"{analysis.procedures[0].priority_hours:,.0f}" in text
