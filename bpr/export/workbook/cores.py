"""The table sheets laid out and filled on two cores: a forked process takes about half of the tables.

After the analysis, `bpr roadmap` has one core's work left, and the machine usually has two. Two parts of
it split by table: laying out a table's rows (`plan_sheets`: phrase breaking and row heights, about 1.6 s
of the workbook's 4 s on 10,000 procedures) depends on the table alone, and once a table's sheet frames
are written and every format its cells use is registered (`frame_table`), its rows go into its own files
and nothing else. So where a process can be forked safely (the conditions of the loader's pool: Linux, no
other thread, BPR_WORKERS not 1, BPR_START_METHOD not another method), a child process is forked before
the layout: this one lays out the first table (優先順位, the longest), the child starts on the second, and
whichever is free takes the next, in order, until none is left. Each process
fills the tables it laid out: the child sends back of each of its tables what this process needs to write
the workbook's other sheets and the tables' frames (`Outline`: widths, rows' heights, pages, formats), not
its rows, and waits; when the frames are written, this process sends it where each of its sheets is and
the style index of every format, and both fill their tables. Elsewhere every table is laid out and filled
here. The files are the same either way (the tests compare the two).

Given a folder (`deflate_into`), each process also compresses the sheets it filled, as the archive would
(`deflate_file`), into that folder, so that writing the archive copies them (`deflated`) rather than
compressing 45 MB of sheets on one core: the archive is the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO, NoReturn

from bpr.export.openpyxl_adapter import Deflated, deflate_file, sheet_file
from bpr.export.workbook.sheet_rows import SheetFile
from bpr.export.workbook.styles import CellFormat, CellStyles
from bpr.export.workbook.table import SheetPlan, Table, TableSheets, fill_table, plan_sheets


@dataclass(frozen=True)
class Outline:
    """A table laid out by the child: its plan without the table (this process has it) and without its rows."""

    index: int
    plan: SheetPlan  # `table` and `laid` are None: the child keeps the rows and fills them

    def plan_of(self, table: Table) -> SheetPlan:
        """Return the plan with this process's table: enough to write the frames, never to fill the rows."""
        return _with_table(self.plan, table)


@dataclass(frozen=True)
class Frames:
    """What the child needs, once the frames are written, to fill its tables: their sheets' files, the style indices."""

    sheets: dict[int, list[tuple[SheetFile, int, str | None]]]  # table index → each sheet, rows, text when empty
    indices: dict[CellFormat, int | None]


class TableWork:
    """Tables laid out on entering (`plans`), here and in a forked child, and filled on leaving the `with` block.

    `add` (the `Pending` of `write_table`) takes each table once its frames are written. `meanwhile` is
    work only this process needs afterwards (概要's summaries): it runs first, while the child starts on the tables.
    With `deflate_into`, on two cores, `deflated` gives on leaving every table sheet compressed there, by its file.
    """

    def __init__(
        self,
        tables: Sequence[Table],
        row_limit: int,
        paper: str,
        styles: CellStyles,
        meanwhile: Callable[[], object] | None = None,
        deflate_into: str | None = None,
    ) -> None:
        self.tables = list(tables)
        self.meanwhile = meanwhile
        self.row_limit = row_limit
        self.paper = paper
        self.styles = styles
        self.deflate_into = deflate_into
        self.plans: list[SheetPlan] = []
        self.deflated: dict[str, Deflated] = {}  # by sheet file: the sheets compressed ahead of the archive
        self._waiting: list[TableSheets] = []
        self._theirs: set[int] = set()  # the tables the child laid out, and fills
        self._two_cores = False
        self._pid: int | None = None  # the child's, until it has been waited for
        self._go: int | None = None  # write end: the frames, to the child
        self._failure: IO[bytes] | None = None
        self._compressed: IO[bytes] | None = None  # the child's `deflated`, written before it exits

    def add(self, waiting: TableSheets) -> None:
        """Add a table whose frames are written, to be filled on leaving."""
        self._waiting.append(waiting)

    def __enter__(self) -> TableWork:
        if len(self.tables) < 2 or not can_fork():
            if self.meanwhile is not None:
                self.meanwhile()
            self.plans = [plan_sheets(table, self.row_limit, self.paper) for table in self.tables]
            return self
        self._two_cores = True
        self._failure = tempfile.TemporaryFile()
        self._compressed = tempfile.TemporaryFile()
        try:
            self._lay_out_on_two_cores()
        except BaseException:
            self._end_child()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if not self._two_cores:
            if kind is None:
                for waiting in self._waiting:
                    fill_table(waiting, self.styles)
            return
        if kind is not None:
            self._end_child()  # the child is told nothing: it reads the end of its pipe and leaves
            return
        try:
            self._fill_on_two_cores()
        except BaseException:
            self._end_child()
            raise
        self._end_child(check=True)
        compressed, self._compressed = self._compressed, None
        if compressed is not None:
            with compressed:
                compressed.seek(0)
                self.deflated.update(pickle.load(compressed))

    def _lay_out_on_two_cores(self) -> None:
        """Fork the child; lay out the tables this process takes from the queue, then take the child's outlines."""
        # This process lays out the first table (優先順位, the longest to lay out and to fill: most columns
        # and wrapped texts) and makes `meanwhile`, while the child starts on the others. The rest are handed
        # out one at a time, in order, through a pipe both processes read a byte (a table's index) from:
        # whichever is free takes the next, so neither waits long for the other.
        queue, feed = os.pipe()
        try:
            os.write(feed, bytes(range(1, len(self.tables))))  # ten tables at most: far under what a pipe holds
        finally:
            os.close(feed)  # closed before the fork: once the pipe is empty, a read says so to both
        outlines, outlined = os.pipe()  # the child's outlines, to this process
        go, told = os.pipe()  # the frames, to the child
        here = [queue, outlines, outlined, go, told]  # the ends this process closes
        try:
            pid = os.fork()
            if pid == 0:
                os.close(outlines)
                os.close(told)
                assert self._failure is not None and self._compressed is not None
                self._child(queue, outlined, go, self._failure, self._compressed)
            self._pid, self._go = pid, told
            here.remove(told)  # closed by _end_child, or by the message that tells the child its frames
            del here[2:]
            os.close(outlined)
            os.close(go)
            mine = {}
            try:
                mine[0] = plan_sheets(self.tables[0], self.row_limit, self.paper)
                if self.meanwhile is not None:
                    self.meanwhile()
                while taken := os.read(queue, 1):
                    mine[taken[0]] = plan_sheets(self.tables[taken[0]], self.row_limit, self.paper)
            except BaseException:
                while os.read(queue, 1):  # no more tables for the child either: it stops after its current one
                    pass
                raise
            with os.fdopen(here.pop(), "rb") as stream:
                try:
                    theirs: list[Outline] = pickle.load(stream)
                except EOFError:  # the child stopped before it sent them
                    raise self._child_failed() from None
        finally:
            for end in here:
                os.close(end)
        for outline in theirs:
            mine[outline.index] = outline.plan_of(self.tables[outline.index])
            self._theirs.add(outline.index)
        self.plans = [mine[index] for index in range(len(self.tables))]

    def _fill_on_two_cores(self) -> None:
        """Send the child its sheets and the style indices, fill this process's tables, and wait for the child."""
        from bpr.export.openpyxl_adapter import sheet_file

        by_table = {id(waiting.table): waiting for waiting in self._waiting}
        sheets = {
            index: [
                (SheetFile(sheet_file(sheet), sheet.title), count, empty)
                for sheet, count, empty in by_table[id(self.tables[index])].sheets
            ]
            for index in sorted(self._theirs)
        }
        assert self._go is not None
        try:
            with os.fdopen(self._go, "wb") as stream:
                self._go = None
                pickle.dump(Frames(sheets, self.styles.registered()), stream, pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            raise self._child_failed() from None
        for index, table in enumerate(self.tables):
            if index not in self._theirs:
                fill_table(by_table[id(table)], self.styles)
                self.deflated.update(self._deflate(by_table[id(table)]))

    def _deflate(self, waiting: TableSheets) -> dict[str, Deflated]:
        """Compress a filled table's sheets into the folder, when there is one; return them by sheet file."""
        if self.deflate_into is None:
            return {}
        files = [sheet.path if isinstance(sheet, SheetFile) else sheet_file(sheet) for sheet, _, _ in waiting.sheets]
        return {
            file: deflate_file(file, os.path.join(self.deflate_into, os.path.basename(file) + ".deflated"))
            for file in files
        }

    def _child(self, queue: int, outlined: int, go: int, failure: IO[bytes], compressed: IO[bytes]) -> NoReturn:
        """Lay out tables from the queue, send their outlines, then fill them once told where: never returns."""
        code = 0
        try:
            plans = {}
            while taken := os.read(queue, 1):
                plans[taken[0]] = plan_sheets(self.tables[taken[0]], self.row_limit, self.paper)
            os.close(queue)
            with os.fdopen(outlined, "wb") as stream:
                outlines = [Outline(index, _without_rows(plan)) for index, plan in plans.items()]
                pickle.dump(outlines, stream, pickle.HIGHEST_PROTOCOL)
            frames: Frames | None = None
            with os.fdopen(go, "rb") as stream, contextlib.suppress(EOFError):
                frames = pickle.load(stream)  # the end of the pipe: the parent stopped, nothing to fill
            if frames is not None:
                # A format registered here would be unknown to the parent, which writes the styles.
                self.styles.adopt(frames.indices)
                deflated = {}
                for index, plan in plans.items():
                    waiting = _waiting(plan, frames.sheets[index])
                    fill_table(waiting, self.styles)
                    deflated.update(self._deflate(waiting))
                pickle.dump(deflated, compressed, pickle.HIGHEST_PROTOCOL)
                compressed.flush()
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

    def _child_failed(self) -> BaseException:
        """Wait for a child that stopped early and return what stopped it."""
        try:
            self._end_child(check=True)
        except BaseException as error:
            return error
        return RuntimeError("the process writing the workbook's tables stopped early: some sheets have no rows")

    def _end_child(self, check: bool = False) -> None:
        """Tell the child to stop if it waits for its frames, wait for it, and raise its failure when `check`."""
        if self._go is not None:
            os.close(self._go)
            self._go = None
        status = self._reap()
        if not check or status != 0:
            compressed, self._compressed = self._compressed, None
            if compressed is not None:
                compressed.close()
        failure, self._failure = self._failure, None
        if failure is None:
            return
        with failure:
            if check and status != 0:
                failure.seek(0)
                raise _child_error(failure.read(), status)

    def _reap(self) -> int:
        """Wait for the child (once) and return its status; 0 when there is none."""
        if self._pid is None:
            return 0
        pid, self._pid = self._pid, None
        _, status = os.waitpid(pid, 0)
        return status


def can_fork() -> bool:
    """Tell whether a second process may lay out and fill tables: fork is safe here and a second core is allowed."""
    from bpr.inventory.parallel import start_method, worker_count

    return hasattr(os, "fork") and worker_count() > 1 and start_method() == "fork"


def _waiting(plan: SheetPlan, sheets: list[tuple[SheetFile, int, str | None]]) -> TableSheets:
    """Return a table laid out here, whose frames another process wrote, waiting for its rows."""
    return TableSheets(
        plan.table, plan.measured.widths, plan.title_rows, plan.laid, plan.heights, plan.folded, list(sheets)
    )


def _without_rows(plan: SheetPlan) -> SheetPlan:
    """Return a plan without its table and its rows: what the parent needs of a table the child fills."""
    return _with_table(plan, None)


def _with_table(plan: SheetPlan, table: Table | None) -> SheetPlan:
    from dataclasses import replace

    # The table's rows callable cannot be pickled; the rows stay with the process that fills them.
    return replace(plan, table=table, laid=None, measured=plan.measured._replace(rows=None))  # type: ignore[arg-type]


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
