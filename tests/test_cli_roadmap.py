"""`bpr roadmap`: the workbook, one per section, the JSON schedule, the KPI status and the exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_workbook import write_inventory
from typer.testing import CliRunner

from bpr.cli.main import app

ITEM_KEYS = {"procedure", "measure", "fy", "fixed"}
KPI_KEYS = {"name", "target", "by_fy", "planned", "met"}


@pytest.fixture
def inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a folder with the two-counter test inventory, working in tmp_path with a private cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    return write_inventory(tmp_path / "inventories")


def test_writes_the_workbook_and_prints_the_kpi_status(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["roadmap", str(inventory), "-o", "out/roadmap.xlsx"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "out" / "roadmap.xlsx"
    assert load_workbook(path).sheetnames == ["概要", "優先順位", "ロードマップ", "AI-OCR・RPA候補", "課題一覧"]
    assert "wrote out/roadmap.xlsx: 5 procedures" in result.stdout
    assert "AI-OCR・RPA導入業務数 令和5年度まで: 目標10件 / 計画1件 未達 (不足9件)" in result.stdout


def test_default_paths_are_the_inventories_folder(runner: CliRunner, inventory: Path) -> None:
    result = runner.invoke(app, ["roadmap", "-o", "roadmap.xlsx"])
    assert result.exit_code == 0, result.output


def test_split_by_section_writes_one_workbook_per_section(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["roadmap", str(inventory), "--split-by", "section", "-o", "chiefs"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "chiefs").iterdir()) == ["子育て_支援課.xlsx", "市民課.xlsx"]
    assert "2 workbooks in chiefs" in result.stdout


def test_json_prints_the_schedule(runner: CliRunner, inventory: Path) -> None:
    result = runner.invoke(app, ["roadmap", str(inventory), "--format", "json", "--start-fy", "2023", "--years", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["start_fy"] == 2023 and data["years"] == 3
    assert data["items"] and all(set(item) >= ITEM_KEYS for item in data["items"])
    assert all(2023 <= item["fy"] <= 2025 or item["fixed"] for item in data["items"])
    assert [set(kpi) >= KPI_KEYS for kpi in data["kpis"]] == [True, True, True]
    assert isinstance(data["shortfalls"], list) and isinstance(data["unscheduled"], list)
    assert {"procedure": "shimin-inkan", "measure": "rpa", "fy": 2023, "fixed": True} in data["items"]


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
