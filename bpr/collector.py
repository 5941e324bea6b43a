"""The cyclic garbage collector, paused while bpr builds or writes many objects that reference counting frees.

Loading an inventory and writing a workbook allocate millions of short-lived objects; each time enough have
been allocated the collector would walk every live object (the loaded inventory, its analysis) again: 0.6 s
of the 5 s of a 10,000-procedure workbook. Nothing bpr makes there forms a cycle that must be freed sooner.

In bpr's own process (`freeze_after_pauses`, called by the command line's `main`), a paused block ends by
freezing what it left alive (`gc.freeze`): everything allocated while paused is still in the youngest
generation, so the first collections after it walked the whole inventory, then the whole analysis (0.5 s and
0.25 s of a 10,000-procedure roadmap). What a block leaves alive is what the command keeps (the inventory,
the analysis); frozen, no collection walks it, and reference counting still frees it. A cycle left
unreachable inside a block would be kept until the process ends: the 204 paused blocks of a 10,000-procedure
roadmap leave none, and what any leaves (a worker pool's, openpyxl's: a few hundred objects) does not grow
with the inventory (tests/test_collector.py). A program that embeds bpr (the tests' runner) keeps the
collector as it was.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_freezing = False


def freeze_after_pauses() -> None:
    """Have every paused block end by freezing what it left alive: for bpr's own process, not an embedding one."""
    global _freezing
    _freezing = True


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (it stays off if it was off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if _freezing:
                gc.freeze()
            gc.enable()
