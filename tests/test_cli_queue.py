"""`bpr queue`: the terminal's heat map and roadmap, the JSON with its assumptions, and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bpr.cli.main import app

from conftest import INVENTORIES


def test_help_works(runner: CliRunner) -> None:
    result = runner.invoke(app, ["queue", "--help"], env={"BPR_LANG": "en"})
    assert result.exit_code == 0
    assert "--month" in result.stdout and "--counter" in result.stdout


def test_the_terminal_shows_the_heat_map_the_simulated_day_and_the_years(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["queue", str(INVENTORIES), "--counter", "shimin", "--month", "4"], env={"BPR_LANG": "ja", "COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "市民課 住民記録窓口 (shimin): 窓口 9" in out
    assert "月・時間帯別の平均待ち時間 (Erlang C、分)" in out
    assert "超過" in out and "14 (+5)" in out  # April: 14 windows needed against 9
    assert "4月の平均的な日のシミュレーション (窓口 9、40日分)" in out
    assert "令和5年度" in out and "定常" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_json_carries_the_assumptions_inputs_and_the_april_figures(runner: CliRunner) -> None:
    result = runner.invoke(app, ["queue", str(INVENTORIES), "--counter", "shimin", "--month", "4", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["target_wait_minutes"] == 15 and data["config"] is None
    keys = {a["key"] for a in data["assumptions"]}
    assert {"arrivals", "service", "erlang_c", "simulation", "target", "hourly_profile", "reservation"} <= keys
    assert "monthly_profile:住民異動" in keys
    (counter,) = data["counters"]
    assert counter["id"] == "shimin" and counter["windows"] == 9
    assert len(counter["months"]) == 12 and counter["inputs"]["procedures"]
    april = counter["months"][3]
    assert april["month"] == 4 and april["windows_needed"] == 14 and april["overloaded"] is True
    ten = next(hour for hour in april["hours"] if hour["hour"] == 10)
    assert ten["load"] == 12.53 and ten["wait"] is None and ten["overloaded"] is True
    assert counter["simulation"]["month"] == 4 and counter["simulation"]["windows"] == 9
    assert 30 <= counter["simulation"]["mean_wait"] <= 50
    assert [year["fy"] for year in counter["years"]] == [2022, 2023, 2024, 2025, None]
    assert counter["years"][-1]["state"] == "steady"
    assert {m["kind"] for m in counter["measures"]} == {"uptake", "reservation", "no_writing"}


def test_an_unknown_counter_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["queue", str(INVENTORIES), "--counter", "nosuch"])
    assert result.exit_code == 2
    assert "nosuch" in result.stderr


def test_a_month_out_of_range_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["queue", str(INVENTORIES), "--month", "13"])
    assert result.exit_code == 2


def test_a_counter_without_counter_effort_is_named_not_silently_dropped(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "imported.yaml").write_text(
        "version: 1\n"
        "counter: {id: koseki, name: 戸籍窓口, section: 市民課, windows: 2}\n"
        "procedures:\n"
        "  - id: koseki-tohon\n"
        "    name: 戸籍謄本\n"
        "    annual_volume: 1000\n"
        "    steps:\n"
        "      - {id: apply, name: 請求, actor: citizen, in_person: true}\n"
        "      - {id: receive, name: 受付, actor: counter}\n",
        encoding="utf-8",
    )
    data = json.loads(runner.invoke(app, ["queue", str(tmp_path), "--format", "json"]).stdout)
    assert data["counters"] == [] and data["left_out"] == ["koseki"]
    text = runner.invoke(app, ["queue", str(tmp_path)], env={"BPR_LANG": "en"})
    assert text.exit_code == 0 and "No wait for koseki" in text.stdout
