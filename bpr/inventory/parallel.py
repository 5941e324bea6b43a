"""Running independent per-file tasks on every core, in order, where a pool pays, falling back to one process.

A pool pays when the work saved exceeds what starting it costs, and that depends on how its workers
start. A forked worker starts in milliseconds with bpr already imported, so a pool pays from about
256 KiB of YAML (docs/performance.md). A spawned worker (Windows and macOS always, Linux when the
process runs threads) starts a new interpreter and imports pydantic, ruamel.yaml and the models again:
on 2 cores, 2,000 procedures (3 MB) loaded in 1.05 s by a spawned pool against 1.08 s in one process.
So a spawned pool starts only from :data:`MIN_BYTES`'s larger figure. Workers speak the language of
the run that starts them.
"""

from __future__ import annotations

import collections
import gc
import multiprocessing
import multiprocessing.context
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from bpr.i18n import current_language, set_language

T = TypeVar("T")
R = TypeVar("R")

WORKERS_ENV = "BPR_WORKERS"
START_METHOD_ENV = "BPR_START_METHOD"
START_METHODS = ("fork", "forkserver", "spawn")
# Tasks in flight per worker in `map_as_done`: enough that a worker never waits for the next, few enough that
# results finished ahead of the caller stay a handful of files.
WINDOW_PER_WORKER = 4
# The least work (bytes of YAML) for which a pool of workers started each way finishes clearly before
# one process. On 2 cores a pool saves at most a quarter of the time (the parent unpacks every result:
# 0.81 s forked against 1.08 s alone for 3 MB), and a spawned worker's start costs what loading about
# 0.65 MB does (0.42 s of CPU to import the loader, against 0.64 s per MB): a spawned pool breaks even
# near 3 MB, as measured, and from 8 MiB it saves a fifth, with room for Windows's slower process start.
# More cores only make a pool pay sooner. forkserver's workers import bpr as spawned ones do.
MIN_BYTES = {"fork": 256 * 1024, "forkserver": 8 * 1024 * 1024, "spawn": 8 * 1024 * 1024}


def available_cores() -> int:
    """Return the number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def worker_count() -> int:
    """Return the number of worker processes to use: BPR_WORKERS when set to a positive number, else the cores."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value.isascii() and value.isdigit() and int(value) > 0:
        return int(value)
    return available_cores()


def start_method() -> str:
    """Return how workers would start: BPR_START_METHOD when this system has it, else fork where it is safe, else spawn."""
    chosen = os.environ.get(START_METHOD_ENV, "").strip().lower()
    if chosen in START_METHODS and chosen in multiprocessing.get_all_start_methods():
        return chosen
    # Fork is only safe without other threads, and only on Linux (macOS frameworks do not survive a fork).
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


def pool_pays(sizes: Sequence[int], workers: int, method: str) -> bool:
    """Tell whether a pool of `workers` processes started by `method` finishes tasks of these sizes before one process."""
    return workers > 1 and len(sizes) > 1 and sum(sizes) >= MIN_BYTES[method]


def map_in_order(function: Callable[[T], R], tasks: Sequence[T], workers: int, sizes: Sequence[int]) -> list[R]:
    """Return [function(task) for task in tasks], computed by `workers` processes where that pays, biggest task first."""
    results: list[R | None] = [None] * len(tasks)
    for index, result in map_as_done(function, tasks, workers, sizes):
        results[index] = result
    return results  # type: ignore[return-value]


def map_as_done(
    function: Callable[[T], R], tasks: Sequence[T], workers: int, sizes: Sequence[int]
) -> Iterator[tuple[int, R]]:
    """Yield (index, function(task)) for every task once, computed by `workers` processes where that pays.

    Results come biggest task first, each as soon as it is done, so that the caller works on one while the
    workers compute the next (the parent unpacks and scores a file while the workers parse others).
    """
    method = start_method()
    if not pool_pays(sizes, workers, method):
        for index, task in enumerate(tasks):
            yield index, function(task)
        return
    # A task the pool could not run (no pool could start, or a worker died) runs in this process, so the
    # results are always complete.
    done = [False] * len(tasks)
    order = sorted(range(len(tasks)), key=lambda index: -sizes[index])
    try:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)),
            mp_context=multiprocessing.get_context(method),
            initializer=start_worker,
            initargs=(current_language(),),
        )
        with pool:
            # A window of tasks in flight, each submitted as an earlier one is taken, and none kept once taken:
            # results cannot pile up ahead of a slower caller (a million procedures streamed would hold every
            # file's models, pickled, in its futures).
            waiting = iter(order)
            flight: collections.deque[tuple[int, Future[R]]] = collections.deque()

            def submit_next() -> None:
                index = next(waiting, None)
                if index is not None:
                    flight.append((index, pool.submit(function, tasks[index])))

            for _ in range(WINDOW_PER_WORKER * workers):
                submit_next()
            while flight:
                index, future = flight.popleft()
                try:
                    result = future.result()
                except BrokenProcessPool:
                    break
                del future
                submit_next()  # before the caller takes this one: the workers go on meanwhile
                done[index] = True
                yield index, result
    except (OSError, BrokenProcessPool, RuntimeError):
        pass  # no pool on this system (no /dev/shm, no fork, process limit): finish in this process below
    for index, task in enumerate(tasks):
        if not done[index]:
            yield index, function(task)


def start_worker(language: str) -> None:
    """Prepare a worker: the collector on, and the language of the run that started it."""
    # A forked worker inherits the caller's collector state, which a loader may have paused; a spawned
    # one imports bpr.i18n afresh, which speaks BPR_LANG's language or Japanese, not --lang's.
    gc.enable()
    set_language(language)
