"""The 調査票 carries format 1.2's 窓口数 and 受付時間; a form without those lines reads as before and keeps the file's."""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from bpr.cli.main import app

from conftest import INVENTORIES


def export(runner: CliRunner, tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "inventories"
    folder.mkdir()
    shutil.copy(INVENTORIES / "shimin.yaml", folder / "shimin.yaml")
    forms = tmp_path / "forms"
    assert runner.invoke(app, ["survey", "export", str(folder), "-o", str(forms)]).exit_code == 0
    return folder, forms / "shimin.xlsx"


def counter_lines(path: Path) -> dict[str, object]:
    sheet = load_workbook(path)["窓口"]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=4, max_col=2, values_only=True) if row[0]}


def test_the_form_shows_the_windows_and_opening_hours(runner: CliRunner, tmp_path: Path) -> None:
    _folder, form = export(runner, tmp_path)
    lines = counter_lines(form)
    assert lines["窓口数"] == 9 and lines["受付時間"] == "08:30-17:15"


def test_a_changed_window_count_comes_back(runner: CliRunner, tmp_path: Path) -> None:
    folder, form = export(runner, tmp_path)
    book = load_workbook(form)
    sheet = book["窓口"]
    row = next(r for r in range(4, 20) if sheet.cell(r, 1).value == "窓口数")
    sheet.cell(row, 2).value = 10
    book.save(form)
    result = runner.invoke(app, ["survey", "import", str(form), "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert "  windows: 10\n" in (folder / "shimin.yaml").read_text(encoding="utf-8")


def test_a_form_from_before_format_1_2_keeps_the_files_windows(runner: CliRunner, tmp_path: Path) -> None:
    folder, form = export(runner, tmp_path)
    before = (folder / "shimin.yaml").read_bytes()
    book = load_workbook(form)
    sheet = book["窓口"]
    for header in ("受付時間", "窓口数"):
        row = next(r for r in range(4, 20) if sheet.cell(r, 1).value == header)
        sheet.delete_rows(row)
    book.save(form)
    result = runner.invoke(app, ["survey", "import", str(form), "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "shimin.yaml").read_bytes() == before
