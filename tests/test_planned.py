"""推奨, 併せて and 予定年度 read from the roadmap: a fixed plan wins on every output that names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpr.analysis.planned import planned_measures
from bpr.analysis.results import Analysis
from bpr.inventory.enums import Measure

from conftest import INVENTORIES


@pytest.fixture(scope="module")
def sample() -> Analysis:
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.config import Config
    from bpr.inventory.loader import load_inventory

    inventory, _ = load_inventory([Path(INVENTORIES)])
    return analyse_inventory(inventory, Config())


def roadmap_measures(analysis: Analysis, procedure_id: str) -> set[Measure]:
    held = (*analysis.roadmap.items, *analysis.roadmap.unscheduled, *analysis.roadmap.uptake_items)
    return {item.measure for item in held if item.procedure == procedure_id}


def test_every_measure_shown_is_one_the_roadmap_holds(sample: Analysis) -> None:
    planned = planned_measures(sample.procedures, sample.roadmap)
    for item in sample.procedures:
        shown = set(planned[item.id].measures) - {Measure.NONE}
        assert shown <= roadmap_measures(sample, item.id), item.id


def test_a_fixed_plan_replaces_the_computed_recommendation(sample: Analysis) -> None:
    planned = planned_measures(sample.procedures, sample.roadmap)
    by_id = {item.id: item for item in sample.procedures}
    # 国保 高額療養費: plan BPR (令和5年度); the model also computes AI-OCR, RPA and online, which the roadmap
    # does not hold: they are not 併せて, and the model's words are kept as 'overridden'.
    kogaku = planned["hoken-kokuho-kogaku"]
    assert kogaku.fixed and kogaku.primary is Measure.BPR and kogaku.added == ()
    assert set(by_id["hoken-kokuho-kogaku"].complements) == {Measure.AI_OCR, Measure.RPA, Measure.ONLINE}
    assert kogaku.overridden[0] is Measure.BPR and Measure.RPA in kogaku.overridden
    # 転出届: plan online; no 併せて RPA on any page.
    tenshutsu = planned["shimin-tenshutsu"]
    assert tenshutsu.fixed and tenshutsu.measures == (Measure.ONLINE,)
    # A procedure without a plan keeps the model's measures.
    kouki = planned["hoken-kouki-kogaku"]
    assert not kouki.fixed and kouki.measures == (Measure.ONLINE, Measure.BPR, Measure.AI_OCR)


def test_the_diagram_title_and_the_terminal_name_the_plan(sample: Analysis) -> None:
    from bpr.cli.terminal import top_table
    from bpr.export.diagram.title import swimlane_title

    item = next(i for i in sample.procedures if i.id == "shimin-tenshutsu")
    title = swimlane_title(item, 1800, sample.roadmap)
    assert "計画（決定済み）: オンライン化" in title
    cell = title.split("計画（決定済み）")[1].split("計算上の推奨")[0]
    assert "RPA" not in cell and "AI-OCR" not in cell  # named only as the overridden recommendation
    assert "計算上の推奨は" in title

    from io import StringIO

    from rich.console import Console

    console = Console(file=StringIO(), width=200)
    console.print(top_table(sample, 20, 200))
    row = next(line for line in console.file.getvalue().splitlines() if "転出届" in line)  # type: ignore[attr-defined]
    assert "RPA" not in row and "BPR" not in row
