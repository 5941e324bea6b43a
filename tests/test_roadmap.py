"""The roadmap schedule: fixed plans, national deadlines, capacity, KPIs and shortfalls."""

from __future__ import annotations

from typing import Any

from bpr.analysis.ranking import rank_procedures, score_procedure
from bpr.analysis.roadmap import plan_roadmap
from bpr.config import CapacityConfig, KpiTarget, RoadmapConfig, ScoringConfig
from bpr.export.workbook.labels import kpi_status_label
from bpr.fiscal import reiwa
from bpr.inventory.enums import Measure
from bpr.inventory.models import Counter, Procedure

COUNTER = Counter(id="c", name="窓口", section="市民課")
VISIT = {"actor": "citizen", "action": "write", "medium": "paper", "handwritten": True, "in_person": True, "effort": 15}
PAPER_KEYING = {"actor": "back_office", "action": "enter", "medium": "paper", "effort": 20}
RPA_WORK = {"actor": "back_office", "action": "enter", "medium": "electronic", "rule_based": True, "effort": 20}


def proc(pid: str, steps: list[dict[str, Any]], volume: int = 1000, **fields: Any) -> Procedure:
    full = [{"id": f"s{i}", "name": f"工程{i}", **s} for i, s in enumerate(steps)]
    return Procedure.model_validate({"id": pid, "name": f"手続{pid}", "annual_volume": volume, "steps": full, **fields})


def ranked(*procedures: Procedure):
    return rank_procedures(score_procedure(COUNTER, p, "f", ScoringConfig()) for p in procedures)


def config(**overrides: Any) -> RoadmapConfig:
    # Judged in FY2022 unless a test says otherwise: KPIs are then read against the plan (model v3, property 8).
    return RoadmapConfig(**{"current_fy": 2022, **overrides})


def test_reiwa_labels():
    assert reiwa(2022) == "令和4年度"
    assert reiwa(2026) == "令和8年度"
    # The first year of an era is 元年, as official documents write it.
    assert reiwa(2019) == "令和元年度"
    assert reiwa(2020) == "令和2年度"
    assert reiwa(2018) == "平成30年度"
    assert reiwa(1989) == "平成元年度"


def test_measures_fill_years_in_rank_order_within_capacity():
    items = ranked(*(proc(f"p{i}", [RPA_WORK], volume=1000 * (i + 1)) for i in range(5)))
    roadmap = plan_roadmap(items, config(capacity=CapacityConfig(rpa=2), kpis=[]))
    placed = [(i.procedure, i.fy) for i in roadmap.items]
    assert placed == [("p4", 2022), ("p3", 2022), ("p2", 2023), ("p1", 2023), ("p0", 2024)]


def test_fixed_plan_wins_and_counts_against_capacity():
    planned = proc(
        "fixed", [RPA_WORK], volume=10, plan={"measure": "ai_ocr", "target_fy": 2023, "progress": "in_progress"}
    )
    items = ranked(planned, proc("other", [PAPER_KEYING], volume=5000))
    roadmap = plan_roadmap(items, config(capacity=CapacityConfig(ai_ocr=1), kpis=[]))
    by_id = {i.procedure: i for i in roadmap.items}
    assert by_id["fixed"].measure is Measure.AI_OCR and by_id["fixed"].fy == 2023 and by_id["fixed"].fixed
    assert by_id["other"].fy == 2022 and not by_id["other"].fixed


def test_plan_none_keeps_a_procedure_off_the_roadmap():
    items = ranked(proc("p", [RPA_WORK], plan={"measure": "none", "target_fy": 2022}))
    assert plan_roadmap(items, config(kpis=[])).items == ()


def test_national_priority_goes_online_by_the_deadline_whatever_its_recommendation():
    p = proc("np", [PAPER_KEYING], volume=3000, national_priority=True)
    items = ranked(p)
    assert items[0].recommendation is Measure.AI_OCR
    roadmap = plan_roadmap(items, config(kpis=[]))
    measures = {(i.measure, i.fy) for i in roadmap.items if i.procedure == "np"}
    assert (Measure.ONLINE, 2022) in measures and (Measure.AI_OCR, 2022) in measures


def test_missed_deadline_is_stated():
    items = ranked(*(proc(f"n{i}", [VISIT], national_priority=True) for i in range(3)))
    roadmap = plan_roadmap(items, config(start_fy=2026, years=2, capacity=CapacityConfig(online=1), kpis=[]))
    # The three go online through the same channel (ぴったりサービス): one package, one slot (model v3
    # property 5), placed in the first year, after the deadline: each is stated late.
    assert {s.procedure for s in roadmap.shortfalls if "間に合わない" in s.message} == {"n0", "n1", "n2"}
    online = [i for i in roadmap.items if i.measure is Measure.ONLINE]
    assert {i.fy for i in online} == {2026} and len(online) == 3
    assert not [i for i in roadmap.unscheduled if i.measure is Measure.ONLINE]


def test_kpis_count_distinct_procedures_by_the_year_and_state_the_gap():
    items = ranked(*(proc(f"r{i}", [RPA_WORK], volume=2000) for i in range(3)))
    target = KpiTarget(name="AI-OCR・RPA導入業務数", measures=[Measure.RPA, Measure.AI_OCR], target=10, by_fy=2023)
    roadmap = plan_roadmap(items, config(capacity=CapacityConfig(rpa=1), kpis=[target]))
    kpi = roadmap.kpis[0]
    assert (kpi.planned, kpi.met, kpi.gap) == (2, False, 8)
    assert any("8件不足" in s.message and s.kind == "kpi" for s in roadmap.shortfalls)


def test_national_priority_kpi_counts_already_online_procedures():
    items = ranked(
        proc("done", [VISIT], national_priority=True, online={"status": "full"}),
        proc("todo", [VISIT], national_priority=True),
    )
    target = KpiTarget(
        name="国の優先手続のオンライン化", measures=[Measure.ONLINE], by_fy=2025, national_priority_only=True
    )
    kpi = plan_roadmap(items, config(kpis=[target])).kpis[0]
    assert (kpi.target, kpi.planned, kpi.met) == (2, 2, True)


def test_horizon_moves_with_start_fy_and_years():
    items = ranked(proc("p", [RPA_WORK]))
    roadmap = plan_roadmap(items, config(kpis=[]), start_fy=2026, years=5)
    assert roadmap.fiscal_years == [2026, 2027, 2028, 2029, 2030]
    assert roadmap.items[0].fy == 2026


def test_high_ranks_go_first_while_slots_stay_for_the_national_deadline():
    ordinary = [proc(f"big{i}", [VISIT], volume=50_000 - i) for i in range(3)]
    national = [proc(f"np{i}", [VISIT], volume=100 + i, national_priority=True) for i in range(3)]
    items = ranked(*ordinary, *national)
    roadmap = plan_roadmap(items, config(start_fy=2024, years=4, capacity=CapacityConfig(online=2), kpis=[]))
    fy = {i.procedure: i.fy for i in roadmap.items}
    # Two slots a year; the three national procedures are one package taking one slot (model v3 property 5),
    # kept free until the deadline FY2025: the ordinary procedures take three slots of FY2024-2025 by rank.
    assert fy["big0"] == fy["big1"] == 2024
    assert fy["big2"] == 2025
    assert len({fy[f"np{i}"] for i in range(3)}) == 1 and fy["np0"] <= 2025
    assert roadmap.deadline_fy == 2025
    assert not [s for s in roadmap.shortfalls if s.kind == "deadline"]


def test_roadmap_without_national_procedures_has_no_deadline():
    assert plan_roadmap(ranked(proc("p", [RPA_WORK])), config(kpis=[])).deadline_fy is None


def test_overdue_national_measures_take_the_first_slots():
    ordinary = [proc(f"big{i}", [VISIT], volume=50_000 - i) for i in range(2)]
    national = [proc(f"np{i}", [VISIT], volume=100 + i, national_priority=True) for i in range(2)]
    roadmap = plan_roadmap(ranked(*ordinary, *national), config(capacity=CapacityConfig(online=2), kpis=[]), 2026, 3)
    fy = {i.procedure: i.fy for i in roadmap.items}
    assert fy["np0"] == fy["np1"] == 2026  # overdue: the package goes first, in one slot
    assert fy["big0"] == 2026 and fy["big1"] == 2027
    late = [s for s in roadmap.shortfalls if s.kind == "deadline"]
    assert not [s for s in roadmap.shortfalls if s.kind == "kpi"]  # no KPI configured
    assert {s.procedure for s in late} == {"np0", "np1"}
    assert all("令和7年度 に間に合わない" in s.message for s in late)


def test_a_kpi_due_before_the_horizon_says_so():
    target = KpiTarget(name="AI-OCR・RPA導入業務数", measures=[Measure.RPA], target=10, by_fy=2023)
    roadmap = plan_roadmap(ranked(proc("r", [RPA_WORK])), config(kpis=[target]), start_fy=2026)
    (kpi,) = [s for s in roadmap.shortfalls if s.kind == "kpi"]
    assert "計画期間 令和8年度〜 より前" in kpi.message


def test_a_kpi_whose_year_has_passed_is_judged_by_what_was_done():
    # Model v3, property 8: 計画16, 実績0 after the KPI's year is 未達（期限経過）, never green from a plan alone.
    items = ranked(*(proc(f"r{i}", [RPA_WORK], volume=2000) for i in range(3)))
    target = KpiTarget(name="AI-OCR・RPA導入業務数", measures=[Measure.RPA, Measure.AI_OCR], target=2, by_fy=2023)
    before = plan_roadmap(items, config(current_fy=2023, capacity=CapacityConfig(rpa=1), kpis=[target])).kpis[0]
    assert (before.planned, before.done, before.met, before.judged_on_results) == (2, 0, True, False)
    assert kpi_status_label(before) == "計画で達成"
    after = plan_roadmap(items, config(current_fy=2024, capacity=CapacityConfig(rpa=1), kpis=[target]))
    kpi = after.kpis[0]
    assert (kpi.planned, kpi.done, kpi.met, kpi.gap, kpi.judged_on_results) == (2, 0, False, 2, True)
    assert kpi_status_label(kpi) == "未達（期限経過）"
    assert any("期限が過ぎ、目標2件に対し実績0件: 2件不足" in s.message for s in after.shortfalls)


def test_a_kpi_met_by_what_was_done_reads_so():
    done = [proc(f"d{i}", [RPA_WORK], volume=2000, plan={"measure": "rpa", "target_fy": 2022, "done_fy": 2022})
            for i in range(2)]  # fmt: skip
    target = KpiTarget(name="AI-OCR・RPA導入業務数", measures=[Measure.RPA, Measure.AI_OCR], target=2, by_fy=2023)
    kpi = plan_roadmap(ranked(*done), config(current_fy=2025, kpis=[target])).kpis[0]
    assert (kpi.done, kpi.met, kpi.judged_on_results) == (2, True, True)
    assert kpi_status_label(kpi) == "実績で達成"


def test_the_kpi_table_of_docs_scoring_is_the_codes():
    # docs/scoring.md shows the sample's KPIs judged in 令和5年度 and today: the code gives that table.
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.config import Config
    from bpr.inventory.loader import load_inventory

    from conftest import INVENTORIES, ROOT

    inventory = load_inventory([INVENTORIES], use_cache=False)[0]
    then = analyse_inventory(inventory, Config.model_validate({"roadmap": {"current_fy": 2023}})).roadmap.kpis
    now = analyse_inventory(inventory, Config()).roadmap.kpis
    doc = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    for before, today in zip(then, now, strict=True):
        population = "—" if today.population is None else str(today.population)
        row = (
            f"| {today.name} | {reiwa(today.by_fy)} | {today.target} | {today.planned} | {today.done} | {population}"
            f" | {kpi_status_label(before)} | {kpi_status_label(today)} |"
        )
        assert row in doc, row
