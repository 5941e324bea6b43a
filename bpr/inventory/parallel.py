"""Running independent per-file tasks on every core, in order, falling back to one process when a pool cannot start."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.context
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS_ENV = "BPR_WORKERS"


def available_cores() -> int:
    """Return the number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def worker_count() -> int:
    """Return the number of worker processes to use: BPR_WORKERS when set to a positive number, else the cores."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return available_cores()


def _context() -> multiprocessing.context.BaseContext:
    # Fork starts a worker in milliseconds with bpr already imported; it is only safe without other threads,
    # and only on Linux (macOS frameworks do not survive a fork).
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def map_in_order(function: Callable[[T], R], tasks: Sequence[T], workers: int, sizes: Sequence[int]) -> list[R]:
    """Return [function(task) for task in tasks], computed by `workers` processes, biggest task first."""
    # A task the pool could not run (no pool could start, or a worker died) runs in this process, so the
    # results are always complete and in the order of the tasks.
    results: list[R | None] = [None] * len(tasks)
    done = [False] * len(tasks)
    order = sorted(range(len(tasks)), key=lambda index: -sizes[index])
    try:
        # A forked worker inherits the caller's collector state, which a loader may have paused: start it on.
        pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=_context(), initializer=gc.enable)
        with pool:
            futures: list[tuple[int, Future[R]]] = [(index, pool.submit(function, tasks[index])) for index in order]
            for index, future in futures:
                try:
                    results[index] = future.result()
                    done[index] = True
                except BrokenProcessPool:
                    break
    except (OSError, BrokenProcessPool, RuntimeError):
        pass  # no pool on this system (no /dev/shm, no fork, process limit): finish in this process below
    for index, task in enumerate(tasks):
        if not done[index]:
            results[index] = function(task)
    return results  # type: ignore[return-value]
