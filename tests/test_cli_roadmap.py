"""`bpr roadmap`: the workbook, one per section, the JSON schedule, the KPI status and the exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_workbook import write_inventory
from typer.testing import CliRunner

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis
from bpr.analysis.summary import summarise
from bpr.cli.main import app
from bpr.config import Config
from bpr.inventory.enums import Measure
from bpr.inventory.loader import load_inventory

ITEM_KEYS = {"procedure", "measure", "fy", "fixed"}
KPI_KEYS = {"name", "target", "by_fy", "planned", "met"}


@pytest.fixture
def inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a folder with the two-counter test inventory, working in tmp_path with a private cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    return write_inventory(tmp_path / "inventories")


def analyse(folder: Path) -> Analysis:
    """Return the analysis of an inventory folder, as the command computes it."""
    inventory, _ = load_inventory([folder], use_cache=False)
    return analyse_inventory(inventory, Config())


def test_writes_the_workbook_and_prints_the_kpi_status(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["roadmap", str(inventory), "-o", "out/roadmap.xlsx", "--lang", "ja"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "out" / "roadmap.xlsx"
    assert load_workbook(path).sheetnames == [
        "概要",
        "優先順位",
        "ロードマップ",
        "AI-OCR・RPA候補",
        "課題一覧",
        "算定方法",
    ]
    assert "出力: out/roadmap.xlsx (警告 2件は「課題一覧」に)" in result.stdout
    analysis = analyse(inventory)
    summary = summarise(analysis)
    # The counts are the summary's, as on the workbook's 概要: recommended per measure, then placed.
    recommended = " / ".join(f"{MEASURE_LABELS[c.measure]} {c.recommended}" for c in summary.by_measure)
    assert f"手続 5件 の推奨: {recommended} / 対象外 {summary.not_recommended}" in result.stdout
    placed = ", ".join(
        f"{MEASURE_LABELS[c.measure]} {c.placed}/{c.placed_outside}/{c.unplaced}" for c in summary.by_measure
    )
    assert f"(計画期間内/期間外の確定計画/枠不足で未配置): {placed}" in result.stdout
    # A KPI counts distinct procedures with an RPA or AI-OCR measure placed by its year, fixed plans included.
    counted = {
        i.procedure for i in analysis.roadmap.items if i.measure in (Measure.RPA, Measure.AI_OCR) and i.fy <= 2023
    }
    assert "shimin-inkan" in counted and 0 < len(counted) < 10
    # Their years have passed (today is after 令和7年度) and nothing is recorded done: judged by what was done
    # (model v3, property 8), never by the plan alone.
    line = f"AI-OCR・RPA導入業務数 令和5年度まで: 目標10件 / 計画{len(counted)}件 未達（期限経過） (不足10件)"
    assert line in result.stdout
    assert "国の優先手続のオンライン化 令和7年度まで: 目標2件 / 計画2件 未達（期限経過） (不足2件)" in result.stdout


def test_a_kpi_over_no_procedure_reads_as_a_warning_never_met(runner: CliRunner, inventory: Path) -> None:
    for path in inventory.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("national_priority: true", ""), encoding="utf-8")
    result = runner.invoke(app, ["roadmap", str(inventory), "-o", "roadmap.xlsx", "--lang", "ja"])
    assert result.exit_code == 0, result.output
    line = next(text for text in result.stdout.splitlines() if "国の優先手続のオンライン化" in text)
    assert line.strip() == "国の優先手続のオンライン化 令和7年度まで: 目標0件 / 計画0件 対象なし"
    assert "達成" not in line
    assert "! 対象の手続がない (national_priority の手続が棚卸にない): 達成とは言えない" in result.stdout
    assert result.stdout.count("対象の手続がない") == 1  # under the KPI, not repeated among the shortfalls


def test_default_paths_are_the_inventories_folder(runner: CliRunner, inventory: Path) -> None:
    result = runner.invoke(app, ["roadmap", "-o", "roadmap.xlsx"])
    assert result.exit_code == 0, result.output


def test_split_by_section_writes_one_workbook_per_section(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["roadmap", str(inventory), "--split-by", "section", "-o", "chiefs", "--lang", "ja"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "chiefs").iterdir()) == ["子育て_支援課.xlsx", "市民課.xlsx"]
    assert f"出力: chiefs{os.sep} の課ごとのワークブック 2件" in result.stdout


def test_json_prints_the_schedule(runner: CliRunner, inventory: Path) -> None:
    result = runner.invoke(app, ["roadmap", str(inventory), "--format", "json", "--start-fy", "2023", "--years", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["start_fy"] == 2023 and data["years"] == 3
    assert data["items"] and all(set(item) >= ITEM_KEYS for item in data["items"])
    assert all(2023 <= item["fy"] <= 2025 or item["fixed"] for item in data["items"])
    assert [set(kpi) >= KPI_KEYS for kpi in data["kpis"]] == [True, True, True]
    assert isinstance(data["shortfalls"], list) and isinstance(data["unscheduled"], list)
    fixed = next(item for item in data["items"] if item["procedure"] == "shimin-inkan")
    assert {k: fixed[k] for k in ("measure", "fy", "fixed", "role", "progress")} == {
        "measure": "rpa",
        "fy": 2023,
        "fixed": True,
        "role": "fixed",
        "progress": "in_progress",
    }
    # A plan whose year has passed and is not done is behind (judged at today's fiscal year, 2023 is past).
    assert fixed["behind"] == (data["current_fy"] > 2023)
    assert {item["role"] for item in data["items"]} == {"fixed", "primary", "complement"}


def test_json_to_a_file(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["roadmap", str(inventory), "-f", "json", "-o", "plan/roadmap.json"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads((tmp_path / "plan" / "roadmap.json").read_text(encoding="utf-8"))["years"] == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "/proc/bpr-roadmap.xlsx"], "cannot write"),
        (["-o", "a-file.txt/roadmap.xlsx"], "it is a file, not a folder"),
        (["-o", "a-file.txt/deeper/roadmap.xlsx"], "cannot create the folder"),
        (["--split-by", "section", "-o", "a-file.txt"], "is a file"),
        ([], "say where to write the workbook"),
        (["-o", "roadmap.csv"], "must end in .xlsx"),
        (["-o", "inventories/shimin.yaml"], "must end in .xlsx"),
        (["-f", "json", "--split-by", "section", "-o", "x"], "cannot be used with --format json"),
        (["-f", "json", "-o", "inventories/shimin.yaml"], "must end in .json"),
        (["-f", "pdf", "-o", "x.xlsx"], "not one of xlsx, json"),
        (["--years", "0", "-o", "x.xlsx"], "--years"),
        (["--split-by", "counter", "-o", "x"], "not one of section"),
    ],
)
def test_usage_and_output_problems_exit_2_and_write_nothing(
    runner: CliRunner, inventory: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "a-file.txt").write_text("not a folder", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if "cache-home" not in p.parts)
    result = runner.invoke(app, ["roadmap", str(inventory), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if "cache-home" not in p.parts)
    assert after == before
    assert (inventory / "shimin.yaml").read_text(encoding="utf-8").startswith("version: 1")


def test_an_existing_workbook_survives_a_failed_write(
    runner: CliRunner, inventory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bpr.export.workbook as workbook_module

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    target = tmp_path / "roadmap.xlsx"
    target.write_bytes(b"last week's workbook")
    monkeypatch.setattr(workbook_module, "write_table", broken)
    result = runner.invoke(app, ["roadmap", str(inventory), "-o", str(target)])
    assert result.exit_code == 2
    assert "No space left on device" in result.output
    assert target.read_bytes() == b"last week's workbook"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["roadmap.xlsx"]


def test_a_bad_source_date_epoch_exits_2(runner: CliRunner, inventory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "last tuesday")
    result = runner.invoke(app, ["roadmap", str(inventory), "-o", "roadmap.xlsx"])
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.output


def test_an_inventory_with_errors_exits_1(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    (inventory / "broken.yaml").write_text("version: 1\ncounter: {id: x}\n", encoding="utf-8")
    result = runner.invoke(app, ["roadmap", str(inventory), "-o", "roadmap.xlsx"])
    assert result.exit_code == 1
    assert not (tmp_path / "roadmap.xlsx").exists()


def test_missing_inventory_exits_2(runner: CliRunner, inventory: Path) -> None:
    result = runner.invoke(app, ["roadmap", "no-such-folder", "-o", "roadmap.xlsx"])
    assert result.exit_code == 2
    assert "no-such-folder" in result.output


def test_help_does_not_import_openpyxl(tmp_path: Path) -> None:
    probe = "import sys\nfrom typer.testing import CliRunner\nfrom bpr.cli.main import app\n"
    probe += "CliRunner().invoke(app, ['roadmap', '--help'])\nprint('openpyxl' in sys.modules)\n"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert result.stdout.strip() == "False"


def test_the_exit_after_a_workbook_walks_no_object_for_cycles(inventory: Path, tmp_path: Path) -> None:
    # An exit handler registered before the run runs after the run's: it sees what the exit's collection walks.
    probe = "import atexit, gc, sys\n"
    probe += "atexit.register(lambda: print(len(gc.get_objects()), gc.get_freeze_count() > 0, flush=True))\n"
    probe += "sys.argv = ['bpr', 'roadmap', sys.argv[1], '-o', 'out.xlsx', '-q']\n"
    probe += "from bpr.cli.main import main\nmain()\n"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run(
        [sys.executable, "-c", probe, str(inventory)], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert run.returncode == 0, run.stderr
    walked, frozen = run.stdout.split()
    assert (walked, frozen) == ("0", "True")
    assert (tmp_path / "out.xlsx").is_file()
