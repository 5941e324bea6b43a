"""The report's diagrams made ready to embed by worker processes while this process writes the pages.

Sanitising each SVG that Graphviz drew (`svg.py`) is the largest part of bpr's own work in a report
drawn for the first time (docs/performance.md), and it is pure Python: in the process that also makes
the DOT sources and fills the templates, it runs under one interpreter lock with them, however many
cores there are. Here worker processes sanitise the diagrams already drawn, a bounded window ahead of
the page being written (so that at most `WINDOW_PER_WORKER` markups a worker wait in memory), and keep
them in the markup cache as this process would (`MarkupCache.entry`). Each comes back without its title
and with its styles named by their place (`markup_cache.entry_of`); this process hands out the report's
class names in page order (`markup_cache.named`), so the pages are the same bytes as when every diagram
is sanitised here. Workers are spawned, not forked: this process runs threads (dot's, the drawing).

Without workers, or once the pool cannot go on (it could not start, a worker died), the diagrams are
sanitised in this process, as `diagram_markup` does.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType

from markupsafe import Markup

from bpr.export.diagram import diagram_file_name
from bpr.export.report.markup_cache import Entry, MarkupCache, entry_of, named
from bpr.export.report.svg import SvgStyles, UnsafeSvg, diagram_markup

WINDOW_PER_WORKER = 16
MAX_WORKERS = 4
# Starting a spawned worker costs about what sanitising 200 diagrams does (0.8 s of CPU to import bpr).
MIN_DIAGRAMS = 400

# What a worker says of one SVG: ("ok", entry, whether it stored anything in the cache so far),
# ("missing", "", False) when there is no such file, ("unreadable" | "unsafe", reason, False).
Outcome = tuple[str, Entry | str, bool]


def sanitising_workers(diagrams: int, cores: int) -> int:
    """Return how many processes should sanitise this many diagrams beside this one: none for a few, else a core each but one."""
    if diagrams < MIN_DIAGRAMS or cores < 2:
        return 0
    return min(MAX_WORKERS, cores - 1)


class DiagramMarkups:
    """The procedures' diagrams from a folder of SVGs, sanitised by `workers` processes ahead of the pages (0: here)."""

    def __init__(self, folder: Path | None, workers: int = 0) -> None:
        self.folder = folder
        self.cache = MarkupCache.open() if folder is not None else None
        self.window = max(1, workers) * WINDOW_PER_WORKER
        self.pending: dict[str, Future[Outcome]] = {}
        self.pool: ProcessPoolExecutor | None = None
        if folder is not None and workers > 0:
            try:
                self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
            except (OSError, RuntimeError, ValueError):
                self.pool = None  # no processes on this system: sanitise here

    def __enter__(self) -> DiagramMarkups:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop()
        if kind is None and self.cache is not None:
            self.cache.prune()

    def ahead(self, stems: Sequence[str], start: int, drawn: Callable[[str], bool]) -> None:
        """Hand the workers the diagrams of stems[start:] that are drawn, in order, as far as the window reaches.

        stems[start] is the diagram of the page about to be written: it is taken as drawn.
        """
        if self.pool is None:
            return
        for index in range(start, min(len(stems), start + self.window)):
            stem = stems[index]
            if stem in self.pending:
                continue
            if index != start and not drawn(stem):
                break
            assert self.folder is not None
            try:
                cached = self.cache is not None
                self.pending[stem] = self.pool.submit(sanitised, str(self.folder / f"{stem}.svg"), cached)
            except (BrokenProcessPool, RuntimeError):
                self._stop()
                return

    def markup(self, procedure_id: str, title: str, styles: SvgStyles) -> Markup | None:
        """Return a procedure's diagram ready to embed, or None when it has no SVG; raise UnsafeSvg or OSError when unusable."""
        future = self.pending.pop(diagram_file_name(procedure_id), None)
        if future is not None:
            try:
                outcome = future.result()
            except BrokenProcessPool:
                self._stop()  # a worker died: this diagram and the rest are sanitised here
            else:
                return self._taken(outcome, title, styles)
        made = self.cache.markup if self.cache is not None else None
        return diagram_markup(self.folder, procedure_id, title, styles, made)

    def _taken(self, outcome: Outcome, title: str, styles: SvgStyles) -> Markup | None:
        state, found, stored = outcome
        if state == "missing":
            return None
        if state == "unsafe":
            raise UnsafeSvg(str(found))
        if state == "unreadable":
            raise OSError(str(found))
        assert not isinstance(found, str)
        if stored and self.cache is not None:
            self.cache.stored = True  # a worker kept entries: the cache's cap is checked at the end
        return named(found, title, styles)

    def _stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.pending.clear()


_worker_caches: dict[bool, MarkupCache | None] = {}


def sanitised(path: str, cached: bool) -> Outcome:
    """Sanitise one SVG (in a worker): its entry, through the markup cache when `cached`, or why there is none."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return "missing", "", False
    except OSError as error:
        return "unreadable", str(error), False
    if cached and cached not in _worker_caches:
        _worker_caches[cached] = MarkupCache.open()
    cache = _worker_caches.get(cached) if cached else None
    try:
        if cache is None:
            return "ok", entry_of(raw), False
        return "ok", cache.entry(raw), cache.stored
    except UnsafeSvg as error:
        return "unsafe", str(error), False
