"""The table sheets' rows on two cores: a forked process writes about half of them.

After the analysis, `bpr roadmap` has one core's work left, and the machine usually has two. Once a
table's sheet frames are written and every format its cells use is registered in the workbook
(`frame_table`), its rows go into its own files and nothing else: tables can be filled in any order, by
any process that shares the workbook's state. So where a process can be forked safely (the conditions
of the loader's pool: Linux, no other thread, BPR_WORKERS not 1, BPR_START_METHOD not another method),
a child process and this one take the tables one at a time, largest first, until none is left. On
10,000 procedures that saves about 0.8 s of the 3 s the workbook takes on one core. Elsewhere every
table is filled here. The files are the same either way (the tests compare the two).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import tempfile
from collections.abc import Sequence
from types import TracebackType
from typing import IO, NoReturn

from bpr.export.workbook.styles import CellStyles
from bpr.export.workbook.table import TableSheets, fill_table


class PendingRows:
    """Tables waiting for their rows (`write_table(..., pending)`), filled on leaving the `with` block."""

    def __init__(self, styles: CellStyles) -> None:
        self.styles = styles
        self.tables: list[TableSheets] = []

    def add(self, waiting: TableSheets) -> None:
        """Add a table whose frames are written, to be filled on leaving."""
        self.tables.append(waiting)

    def __enter__(self) -> PendingRows:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if kind is None:
            fill_tables(self.tables, self.styles)


def fill_tables(tables: Sequence[TableSheets], styles: CellStyles) -> None:
    """Fill every table's rows: here and, where one can be, in a forked process, each taking the next table."""
    if len(tables) < 2 or not can_fork():
        for waiting in tables:
            fill_table(waiting, styles)
        return
    # The tables are handed out one at a time, largest first, through a pipe both processes read a byte
    # (a table's index) from: whichever is free takes the next, so neither waits long for the other.
    order = sorted(range(len(tables)), key=lambda index: -tables[index].cells)
    queue, feed = os.pipe()
    try:
        os.write(feed, bytes(order))  # 7 tables at most: far under what a pipe holds, and under 256
    finally:
        os.close(feed)  # closed before the fork: once the pipe is empty, a read says so to both
    # The child's exception, pickled, if it fails: a file, not a pipe, so that writing it can never block.
    with tempfile.TemporaryFile() as failure:
        try:
            pid = os.fork()
            if pid == 0:
                _fill_in_child(tables, queue, styles, failure)
            try:
                _fill_from(tables, queue, styles)
            finally:
                _, status = os.waitpid(pid, 0)
        finally:
            os.close(queue)
        if status != 0:
            failure.seek(0)
            raise _child_error(failure.read(), status)


def can_fork() -> bool:
    """Tell whether a second process may fill tables: fork is safe here and a second core is allowed."""
    from bpr.inventory.parallel import start_method, worker_count

    return hasattr(os, "fork") and worker_count() > 1 and start_method() == "fork"


def _fill_from(tables: Sequence[TableSheets], queue: int, styles: CellStyles) -> None:
    """Fill the tables whose indices this process reads from the queue, until it is empty."""
    while index := os.read(queue, 1):
        fill_table(tables[index[0]], styles)


def _fill_in_child(tables: Sequence[TableSheets], queue: int, styles: CellStyles, failure: IO[bytes]) -> NoReturn:
    """Fill tables from the queue in the forked child and leave with its status, never returning to the caller."""
    code = 0
    try:
        styles.frozen = True  # a format registered here would be unknown to the parent, which writes the styles
        _fill_from(tables, queue, styles)
    except BaseException as error:  # every failure, Ctrl-C included, goes back to the parent
        code = 1
        with contextlib.suppress(BaseException):
            try:
                failure.write(pickle.dumps(error))
            except Exception:  # an exception that does not pickle: its text
                failure.write(pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}")))
            failure.flush()
    finally:
        # Straight out: no atexit handler (openpyxl's would delete the parent's temporary files), no flush
        # of output buffered by the parent.
        os._exit(code)


def _child_error(data: bytes, status: int) -> BaseException:
    """Return the exception that stopped the child, or one that says how it ended."""
    if data:
        # Written by this process's own child, into a file only the two of them hold.
        error = pickle.loads(data)
        if isinstance(error, BaseException):
            return error
    if os.WIFSIGNALED(status):
        how = f"was stopped by {signal.Signals(os.WTERMSIG(status)).name}"
    else:
        how = f"exited with status {os.waitstatus_to_exitcode(status)}"
    return RuntimeError(f"the process writing the workbook's tables {how}: some sheets have no rows")
