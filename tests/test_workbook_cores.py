"""The table sheets laid out and filled on two cores (bpr/export/workbook/cores.py): the same file, failures reported."""

from __future__ import annotations

import os
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import bpr.export.workbook.cores as cores
from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis
from bpr.config import Config
from bpr.export.openpyxl_adapter import Deflated, StampedZip
from bpr.export.workbook import write_workbook
from bpr.export.workbook.styles import TEXT, CellFormat, CellStyles
from bpr.export.workbook.table import SheetPlan, Table, TableSheets
from bpr.inventory.loader import load_inventory

from conftest import generate

needs_fork = pytest.mark.skipif(not cores.can_fork(), reason="a second process is forked on Linux with two cores")


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    """Return the analysis of a small generated inventory."""
    folder = generate(tmp_path_factory.mktemp("generated"), 12, 2)
    inventory, _ = load_inventory([folder], use_cache=False)
    return analyse_inventory(inventory, Config.model_validate({"roadmap": {"current_fy": 2023}}))


@pytest.fixture
def child_takes_a_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make this process's first layout wait until the child has taken a table: a small inventory is laid out fast."""
    parent = os.getpid()
    real_plan = cores.plan_sheets
    started, start = os.pipe()
    waited = []

    def plan_once_the_child_has_one(table: Table, row_limit: int, paper: str = "a4") -> SheetPlan:
        if os.getpid() != parent:
            os.write(start, b"!")
        elif not waited:
            waited.append(os.read(started, 1))
        return real_plan(table, row_limit, paper)

    monkeypatch.setattr(cores, "plan_sheets", plan_once_the_child_has_one)
    yield
    os.close(started)
    os.close(start)


@needs_fork
@pytest.mark.usefixtures("child_takes_a_table")
def test_tables_laid_out_and_filled_here_or_by_two_processes_give_the_same_bytes(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forks = []
    real_fork = os.fork

    def counted_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counted_fork)
    copied = []
    real_copy = StampedZip._write_deflated

    def counted_copy(archive: StampedZip, name: str, ready: Deflated) -> None:
        copied.append(name)
        real_copy(archive, name, ready)

    monkeypatch.setattr(StampedZip, "_write_deflated", counted_copy)
    write_workbook(analysis, tmp_path / "two.xlsx")
    assert forks == [1]
    # Every table sheet was compressed by the process that filled it; 概要 and 算定方法 by the archive.
    with zipfile.ZipFile(tmp_path / "two.xlsx") as book:
        sheets = [name for name in book.namelist() if name.startswith("xl/worksheets/sheet")]
    in_order = sorted(sheets, key=lambda name: int(name.removeprefix("xl/worksheets/sheet").removesuffix(".xml")))
    assert len(in_order) > 2
    assert sorted(copied) == sorted(in_order[1:-1])
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
@pytest.mark.usefixtures("child_takes_a_table")
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
@pytest.mark.usefixtures("child_takes_a_table")
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


@needs_fork
def test_the_childs_exception_while_laying_out_is_raised_here(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    parent = os.getpid()
    real_plan = cores.plan_sheets
    failed, fail = os.pipe()
    waited = []

    def failing_in_the_child(table: Table, row_limit: int, paper: str = "a4") -> SheetPlan:
        if os.getpid() != parent:
            os.write(fail, b"!")  # this process's first layout waits for this: the child surely takes a table
            raise ValueError(f"cannot lay out {table.title}")
        if not waited:
            waited.append(os.read(failed, 1))
        return real_plan(table, row_limit, paper)

    monkeypatch.setattr(cores, "plan_sheets", failing_in_the_child)
    with pytest.raises(ValueError, match="cannot lay out"):
        write_workbook(analysis, tmp_path / "roadmap.xlsx")
    assert list(tmp_path.iterdir()) == []
    _no_child_left(forked)
    os.close(failed)
    os.close(fail)


@needs_fork
def test_a_failure_here_while_the_child_waits_ends_the_child(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    import bpr.export.workbook as workbook_module

    def no_frames(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook_module, "write_table", no_frames)
    with pytest.raises(OSError, match="No space left on device"):
        write_workbook(analysis, tmp_path / "roadmap.xlsx")
    assert list(tmp_path.iterdir()) == []
    _no_child_left(forked)


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Return the processes the workbook forks in this test, as they are forked."""
    pids: list[int] = []
    real_fork = os.fork

    def recording() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording)
    return pids


def _no_child_left(forked: list[int]) -> None:
    """Assert that the workbook forked a process and waited for it (other tests' helpers, such as
    multiprocessing's resource tracker, may still run: only this test's children count)."""
    assert forked
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_a_process_that_writes_rows_only_takes_the_indices_of_another() -> None:
    from openpyxl import Workbook

    sheet = Workbook(write_only=True).create_sheet("表")
    styles = CellStyles()
    styles.style_index(sheet, CellFormat(bold=True))
    registered = styles.style_index(sheet, TEXT)
    writer = CellStyles()
    writer.adopt(styles.registered())
    assert writer.style_index(sheet, TEXT) == registered
    with pytest.raises(RuntimeError, match="not registered"):
        writer.style_index(sheet, CellFormat(wrap=True))


def test_a_process_that_writes_rows_only_refuses_a_format_registered_nowhere() -> None:
    from openpyxl import Workbook

    sheet = Workbook(write_only=True).create_sheet("表")
    styles = CellStyles()
    registered = styles.style_index(sheet, TEXT)
    styles.frozen = True
    assert styles.style_index(sheet, TEXT) == registered
    with pytest.raises(RuntimeError, match="not registered"):
        styles.style_index(sheet, CellFormat(bold=True))
