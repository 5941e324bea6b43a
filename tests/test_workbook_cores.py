"""The table sheets' rows on two cores (bpr/export/workbook/cores.py): the same file, and a child's failure reported."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

import bpr.export.workbook.cores as cores
from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis
from bpr.config import Config
from bpr.export.workbook import write_workbook
from bpr.export.workbook.styles import TEXT, CellFormat, CellStyles
from bpr.export.workbook.table import TableSheets
from bpr.inventory.loader import load_inventory

from conftest import generate

needs_fork = pytest.mark.skipif(not cores.can_fork(), reason="a second process is forked on Linux with two cores")


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    """Return the analysis of a small generated inventory."""
    folder = generate(tmp_path_factory.mktemp("generated"), 12, 2)
    inventory, _ = load_inventory([folder], use_cache=False)
    return analyse_inventory(inventory, Config.model_validate({"roadmap": {"current_fy": 2023}}))


@needs_fork
def test_tables_filled_here_or_by_two_processes_give_the_same_bytes(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forks = []
    real_fork = os.fork

    def counted_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counted_fork)
    write_workbook(analysis, tmp_path / "two.xlsx")
    assert forks == [1]
    monkeypatch.setattr(cores, "can_fork", lambda: False)
    write_workbook(analysis, tmp_path / "one.xlsx")
    assert forks == [1]
    assert (tmp_path / "two.xlsx").read_bytes() == (tmp_path / "one.xlsx").read_bytes()


def test_one_worker_or_another_start_method_fills_every_table_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BPR_WORKERS", "1")
    assert not cores.can_fork()
    monkeypatch.setenv("BPR_WORKERS", "2")
    monkeypatch.setenv("BPR_START_METHOD", "spawn")
    assert not cores.can_fork()


@needs_fork
def test_the_childs_exception_is_raised_here_and_no_workbook_is_left(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real_fill = cores.fill_table

    def full_disk_in_the_child(waiting: TableSheets, styles: CellStyles) -> None:
        if os.getpid() != parent:
            raise OSError(28, "No space left on device", waiting.table.title)
        real_fill(waiting, styles)

    monkeypatch.setattr(cores, "fill_table", full_disk_in_the_child)
    with pytest.raises(OSError, match="No space left on device") as raised:
        write_workbook(analysis, tmp_path / "roadmap.xlsx")
    assert raised.value.errno == 28
    assert list(tmp_path.iterdir()) == []


@needs_fork
def test_a_child_that_dies_is_reported(analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real_fill = cores.fill_table

    def killed_in_the_child(waiting: TableSheets, styles: CellStyles) -> None:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        real_fill(waiting, styles)

    monkeypatch.setattr(cores, "fill_table", killed_in_the_child)
    with pytest.raises(RuntimeError, match="was stopped by SIGKILL: some sheets have no rows"):
        write_workbook(analysis, tmp_path / "roadmap.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_process_that_writes_rows_only_refuses_a_format_registered_nowhere() -> None:
    from openpyxl import Workbook

    sheet = Workbook(write_only=True).create_sheet("表")
    styles = CellStyles()
    registered = styles.style_index(sheet, TEXT)
    styles.frozen = True
    assert styles.style_index(sheet, TEXT) == registered
    with pytest.raises(RuntimeError, match="not registered"):
        styles.style_index(sheet, CellFormat(bold=True))
