"""`bpr new`: a commented starter file that passes `bpr validate` with its placeholders warned, and never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.cli.new import TEMPLATE
from bpr.inventory.loader import load_inventory

from conftest import ROOT

MODELINE = "# yaml-language-server: $schema="


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a working folder laid out like the repository: a schema/ folder beside inventories/."""
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "inventory.schema.json").write_bytes(
        (ROOT / "schema" / "inventory.schema.json").read_bytes()
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_template_starts_with_the_modeline_and_has_comments() -> None:
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == MODELINE + "../schema/inventory.schema.json"
    assert sum(line.lstrip().startswith("#") for line in lines) >= 20


def codes(output: str) -> list[str]:
    return [line.split()[2] for line in output.splitlines() if ": warning " in line or ": error " in line]


def test_new_writes_a_file_that_passes_with_its_placeholders_warned(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(app, ["new", "shimin"])
    assert result.exit_code == 0, result.output
    assert "inventories/shimin.yaml" in result.stdout
    written = workdir / "inventories" / "shimin.yaml"
    assert written.read_text(encoding="utf-8").splitlines()[0] == MODELINE + "../schema/inventory.schema.json"
    check = runner.invoke(app, ["validate", "inventories/shimin.yaml"])
    assert check.exit_code == 0
    # Every 〇〇 left is warned (counter name and section, procedure name, a step, its system, an issue), and the
    # volume is 0 until the real figure is written: the untouched starter never gets a slot in the roadmap.
    assert codes(check.stdout) == ["placeholder"] * 3 + ["zero-volume"] + ["placeholder"] * 3
    assert check.stdout.endswith("1 file, 1 procedure: 0 errors, 7 warnings\n")
    assert runner.invoke(app, ["validate", "--strict", "inventories/shimin.yaml"]).exit_code == 1
    filled = (
        written.read_text(encoding="utf-8")
        .replace("〇〇課 窓口", "市民課 窓口")
        .replace("〇〇課", "市民課")
        .replace("〇〇システム", "住民記録システム")
        .replace("〇〇の申請", "住民票の写しの交付請求")
        .replace("      - 〇〇\n", "      - 窓口が混雑する\n")
        .replace("    annual_volume: 0 ", "    annual_volume: 900 ")
    )
    written.write_text(filled, encoding="utf-8")
    check = runner.invoke(app, ["validate", "--strict", "inventories/shimin.yaml"])
    assert check.exit_code == 0, check.stdout
    assert check.stdout == "1 file, 1 procedure: 0 errors, 0 warnings\n"


def test_new_fills_in_name_and_section(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(app, ["new", "kosodate", "--name", "子育て支援課: 窓口 #1", "--section", "子育て支援課"])
    assert result.exit_code == 0, result.output
    inventory, _ = load_inventory([workdir / "inventories"])
    (loaded,) = inventory.files
    # The counter given its real name and section has no placeholder left; the procedure's are warned.
    assert {problem.code for problem in loaded.problems} == {"placeholder", "zero-volume"}
    assert all(problem.procedure == "kosodate-example" for problem in loaded.problems)
    assert loaded.counter is not None
    assert (loaded.counter.id, loaded.counter.name, loaded.counter.section) == (
        "kosodate",
        "子育て支援課: 窓口 #1",
        "子育て支援課",
    )
    assert [procedure.id for _, procedure in loaded.procedures] == ["kosodate-example"]


def test_two_new_counters_validate_together(runner: CliRunner, workdir: Path) -> None:
    assert runner.invoke(app, ["new", "shimin"]).exit_code == 0
    assert runner.invoke(app, ["new", "zeimu"]).exit_code == 0
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert result.stdout.endswith("2 files, 2 procedures: 0 errors, 14 warnings\n")


def test_new_into_another_folder_points_the_modeline_at_the_schema(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(app, ["new", "bosai", "-o", "inventories/branches"])
    assert result.exit_code == 0, result.output
    first = (workdir / "inventories" / "branches" / "bosai.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE + "../../schema/inventory.schema.json"
    assert runner.invoke(app, ["validate", "inventories/branches"]).exit_code == 0


def test_new_never_overwrites(runner: CliRunner, workdir: Path) -> None:
    target = workdir / "inventories" / "shimin.yaml"
    target.parent.mkdir()
    target.write_text("# mine\n", encoding="utf-8")
    result = runner.invoke(app, ["new", "shimin"])
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert target.read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.parametrize("counter_id", ["Shimin", "shimin ka", "-shimin", "市民課", "shimin/../x", ""])
def test_new_refuses_an_id_that_is_no_slug(runner: CliRunner, workdir: Path, counter_id: str) -> None:
    result = runner.invoke(app, ["new", "--", counter_id])
    assert result.exit_code == 2
    assert "not a valid counter id" in result.stderr
    assert not (workdir / "inventories").exists()


def test_new_into_an_unwritable_place_exits_2(runner: CliRunner, workdir: Path) -> None:
    (workdir / "file").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["new", "shimin", "--dir", "file/sub"])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_the_template_ships_inside_the_wheel_and_new_finds_it_there(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parents[1]
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "w"), str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {built.stderr.strip()[-200:]}")
    (wheel,) = (tmp_path / "w").glob("bpr_madoguchi-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        inside = archive.namelist()
        assert "bpr/templates/counter.yaml" in inside
        archive.extractall(tmp_path / "site")
    # The docs travel in the wheel too (build_docs.py), for `bpr docs` on a PC with no checkout.
    shipped = {"bpr/docs/README.md"} | {f"bpr/docs/{path.name}" for path in (root / "docs").glob("*.md")}
    assert shipped <= set(inside)
    # Run from the unpacked wheel (as a user install would), in a folder without the checkout's files.
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    result = subprocess.run(
        [sys.executable, "-m", "bpr", "new", "kankyo", "--dir", "inv"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (work / "inv" / "kankyo.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server")
    listed = subprocess.run(
        [sys.executable, "-m", "bpr", "docs"], cwd=work, env=env | {"BPR_LANG": "en"}, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0] == str(tmp_path / "site" / "bpr" / "docs")
    offline = subprocess.run(
        [sys.executable, "-m", "bpr", "docs", "offline"], cwd=work, env=env, capture_output=True, text=True
    )
    assert offline.stdout == f"{tmp_path / 'site' / 'bpr' / 'docs' / 'offline.md'}\n"
    # The README's links into docs/ point at the shipped copies beside it.
    readme = (tmp_path / "site" / "bpr" / "docs" / "README.md").read_text(encoding="utf-8")
    assert "](docs/" not in readme and "](offline.md)" in readme
