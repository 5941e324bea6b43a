"""The collector paused while bpr builds what it keeps, and what a paused block leaves alive frozen (bpr's process)."""

from __future__ import annotations

import contextlib
import gc
import importlib

import pytest

from bpr import collector

from conftest import generate

# Every module that pauses the collector, by the name it imported collector_paused under.
PAUSING = ("bpr.inventory.loader", "bpr.analysis.pipeline", "bpr.export.workbook")


@pytest.fixture
def unfrozen():
    """Leave the test's process with no frozen object, whatever the test froze."""
    yield
    gc.unfreeze()


def test_a_paused_block_freezes_what_it_leaves_only_in_bpr_s_own_process(monkeypatch, unfrozen):
    before = gc.get_freeze_count()
    with collector.collector_paused():
        kept = [[index] for index in range(1000)]
    assert gc.get_freeze_count() == before and gc.isenabled()  # an embedding process: as it was
    monkeypatch.setattr(collector, "_freezing", False)
    collector.freeze_after_pauses()
    with collector.collector_paused():
        kept += [[index] for index in range(1000)]
    assert gc.get_freeze_count() >= before + 2000 and gc.isenabled()
    gc.disable()
    with collector.collector_paused():
        pass
    assert not gc.isenabled()  # off before, off after: nothing to give back
    gc.enable()


def test_what_paused_blocks_leave_behind_does_not_grow_with_the_inventory(monkeypatch, tmp_path):
    """What freezing keeps until the process ends: cycles made and dropped inside a paused block.

    A few hundred objects, the same whatever the inventory's size: the worker pool's (futures, queues, threads)
    and openpyxl's (a workbook's parts point back at it). The procedures, their models and scores leave none.
    """
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.config import Config
    from bpr.export.workbook import write_workbook
    from bpr.inventory.loader import load_inventory

    left: list[int] = []
    paused = collector.collector_paused

    @contextlib.contextmanager
    def counted():
        with paused():
            yield
        left.append(gc.collect())

    for name in PAUSING:
        monkeypatch.setattr(importlib.import_module(name), "collector_paused", counted)
    totals = []
    for procedures in (200, 200, 2000):  # the first run also imports what the others find imported
        folder = generate(tmp_path / str(len(totals)), procedures, 8)
        left.clear()
        gc.collect()
        inventory, _ = load_inventory([folder], use_cache=False)
        write_workbook(analyse_inventory(inventory, Config()), tmp_path / f"roadmap-{len(totals)}.xlsx")
        assert len(left) > len(inventory.files)  # each file's block, the analysis, the workbook
        totals.append(sum(left))
    assert totals[2] < 1000
    assert abs(totals[2] - totals[1]) < 100  # ten times the procedures, not more left behind
