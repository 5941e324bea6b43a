"""Model v3, properties 1–6: uptake by year, the cases that stay, channels that exist, cost and payback,
budget, and 標準化 — hand-computed cases as docs/scoring.md §7 states them, and the invariants."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_model_v2 import flows

from bpr.analysis.economics import curve_share, payback_years, round_half_up, standard_systems
from bpr.analysis.ranking import rank_procedures, score_procedure
from bpr.analysis.roadmap import plan_roadmap
from bpr.config import (
    CapacityConfig,
    RoadmapConfig,
    ScoringConfig,
    StandardizationConfig,
    UptakeConfig,
)
from bpr.inventory.enums import Measure
from bpr.inventory.models import Counter, Procedure

COUNTER = Counter(id="shimin", name="市民課", section="市民課")
# A visit with a 20-minute wait, a handwritten form of 10 minutes, and 5 minutes of reception.
VISIT = [
    {"id": "write", "name": "申請書の記入", "actor": "citizen", "action": "write", "medium": "paper",
     "handwritten": True, "in_person": True, "effort": 10, "wait": 20},
    {"id": "receive", "name": "受付", "actor": "counter", "action": "receive", "medium": "paper", "effort": 5},
]  # fmt: skip
RPA_ON_RESIDENTS = {
    "id": "enter", "name": "住民記録システムへの再入力", "actor": "back_office", "action": "enter",
    "medium": "electronic", "rule_based": True, "effort": 20, "system": "住民記録システム",
}  # fmt: skip
LINEAR_3 = ScoringConfig(uptake=UptakeConfig(share=0.3, years=3, curve="linear"))


def make(pid: str = "p", steps: list[dict[str, Any]] | None = None, volume: int = 1000, **fields: Any) -> Procedure:
    return Procedure.model_validate(
        {"id": pid, "name": f"手続{pid}", "annual_volume": volume, "steps": steps or VISIT, **fields}
    )


def scored(procedure: Procedure, config: ScoringConfig = LINEAR_3, standard: StandardizationConfig | None = None):
    return score_procedure(COUNTER, procedure, "f.yaml", config, standard)


def roadmap_of(*procedures: Procedure, config: ScoringConfig = LINEAR_3, **roadmap: Any):
    standard = roadmap.pop("standardization", None)
    ranked = rank_procedures(scored(p, config, standard) for p in procedures)
    settings_ = RoadmapConfig(**{"start_fy": 2022, "years": 4, "current_fy": 2022, "kpis": [], **roadmap})
    return plan_roadmap(ranked, settings_, scoring=config, standardization=standard)


# Property 1: expected, not potential ---------------------------------------------------------------


def test_thirty_percent_uptake_over_three_years_gives_the_documented_figures_by_year() -> None:
    # Citizen: trip 60 + wait 20 + handwriting 10 × 0.8 = 88 minutes a case that moves; staff: 5 × 0.7.
    # Steady state: 1,000 × 0.3 × 88 / 60 = 440 h and 1,000 × 0.3 × 3.5 / 60 = 17.5 h. Built in 令和4年度,
    # it saves nothing that year, then 0.1, 0.2 and 0.3 of the cases (linear over 3 years).
    roadmap = roadmap_of(make(online={"uptake": 0.3}))
    (online,) = [i for i in roadmap.items if i.measure is Measure.ONLINE]
    assert online.fy == 2022
    assert (online.steady_citizen_hours, online.steady_staff_hours) == (440.0, 17.5)
    assert online.savings == ((2022, 0.0, 0.0), (2023, 5.8, 146.7), (2024, 11.7, 293.3), (2025, 17.5, 440.0))


def test_a_mapping_gives_each_year_after_launch_and_keeps_the_last_listed() -> None:
    roadmap = roadmap_of(make(online={"uptake": {1: 0.05, 3: 0.3}}))
    (online,) = [i for i in roadmap.items if i.measure is Measure.ONLINE]
    # Year 2 is not listed: it keeps year 1's 5 %.
    assert [citizen for _, _, citizen in online.savings] == [0.0, 73.3, 73.3, 440.0]


def test_the_card_holding_rate_of_the_year_multiplies_the_uptake_of_procedures_that_need_the_card() -> None:
    config = ScoringConfig(uptake=UptakeConfig(share=0.3, years=3, card_holding={2023: 0.5, 2025: 0.8}))
    # Nothing handwritten and no wait: nothing for the counter reform, online stays the primary.
    plain = [{**VISIT[0], "handwritten": False, "wait": 0}, VISIT[1]]
    card = make(steps=plain, online={"identity_check": "my_number_card"})
    # Citizen minutes a moved case saves: trip 60 + half of 10 = 65; steady share 0.3 × the latest rate
    # 0.8 = 0.24: 1,000 × 0.24 × 65 / 60 = 260 h.
    assert scored(card, config).hours_saved_citizen["online"] == 260.0
    (online,) = [i for i in roadmap_of(card, config=config).items if i.measure is Measure.ONLINE]
    # 令和5年度: 0.1 × 0.5; 令和6年度: 0.2 × 0.5 (2024 not listed keeps 2023's); 令和7年度: 0.3 × 0.8.
    steady = 1000 * 65 / 60
    assert [c for _, _, c in online.savings] == [0.0, round(steady * 0.05, 1), round(steady * 0.1, 1), 260.0]
    # Without a card the rate does not apply.
    other = make(steps=plain, online={"identity_check": "none"})
    assert scored(other, config).hours_saved_citizen["online"] == 325.0


@given(share=st.floats(0, 1), years=st.integers(1, 10), curve=st.sampled_from(["linear", "logistic"]))
def test_the_curve_starts_at_zero_rises_and_reaches_its_share(share: float, years: int, curve: str) -> None:
    values = [curve_share(share, years, curve, t) for t in range(0, years + 3)]
    assert values[0] == 0.0 and values[years] == share and values[-1] == share
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(values))


# Property 2: the cases that stay are served at the counter ------------------------------------------


def test_the_cases_that_stay_get_the_counter_reform_never_counted_twice() -> None:
    item = scored(make())
    assert item.recommendation is Measure.ONLINE
    online = item.measures[0]
    assert online.citizen_hours == pytest.approx(1000 * 0.3 * 88 / 60, abs=0.05)  # 440 h
    (stay,) = [m for m in item.measures if m.measure is Measure.BPR]
    # 70 % stay: 予約 removes 80 % of the 20-minute wait, 書かない窓口 80 % of the 10 minutes written.
    assert stay.role == "complement" and stay.citizen_hours == pytest.approx(1000 * 0.7 * 24 / 60, abs=0.05)
    assert stay.cost_source == "counter"
    total = sum(m.citizen_hours for m in item.measures)
    assert total <= item.figures.citizen_hours


# Property 3: a channel that exists is uptake --------------------------------------------------------


def test_a_convenience_store_procedure_takes_no_slot_and_shows_its_uptake_figure() -> None:
    store = make("store", online={"status": "partial", "share": 0.1, "channels": ["convenience_store"]})
    roadmap = roadmap_of(store)
    assert not [i for i in roadmap.items if i.measure is Measure.ONLINE]
    (uptake,) = roadmap.uptake_items
    # 90 % still come to the counter; 30 % of them move: 1,000 × 0.9 × 0.3 × 88 / 60 = 396 h.
    assert uptake.procedure == "store" and uptake.steady_citizen_hours == 396.0
    assert (uptake.cost_initial, uptake.cost_annual) == (100.0, 0.0)  # scoring.costs.uptake
    assert roadmap.uptake == (("store", 0.9),)


# Property 4: cost, net benefit and payback ---------------------------------------------------------


def test_payback_is_initial_over_net_benefit_rounded_half_up_to_a_tenth() -> None:
    # RPA re-keys 20 minutes of 1,000 cases at 90 %: 300 h = 1,200 千円 a year at 4,000 円 an hour; the
    # default RPA costs 1,000 千円 once and 500 千円 a year: net 700 千円, payback 1,000 / 700 = 1.43 → 1.4.
    item = scored(make("rpa", [RPA_ON_RESIDENTS]))
    rpa = item.measures[0]
    assert rpa.measure is Measure.RPA and rpa.staff_hours == 300.0
    assert (rpa.staff_thousand_yen, rpa.cost_initial, rpa.cost_annual) == (1200.0, 1000.0, 500.0)
    assert (rpa.net_benefit, rpa.payback_years) == (700.0, 1.4)
    # plan.cost overrides the kind's default: 1,050 / 700 = 1.5 exactly.
    own = scored(make("rpa", [RPA_ON_RESIDENTS], plan={"measure": "rpa", "target_fy": 2024,
                                                       "cost": {"initial": 1050, "annual": 500}}))  # fmt: skip
    assert (own.measures[0].cost_source, own.measures[0].payback_years) == ("plan", 1.5)
    assert payback_years(225, 100) == 2.3 and round_half_up(2.25) == 2.3
    assert payback_years(0, 0) == 0.0 and payback_years(100, 0) is None and payback_years(100, -5) is None


def test_citizens_hours_are_never_yen_unless_the_config_says_so() -> None:
    plain = scored(make())
    assert plain.measures[0].staff_thousand_yen == pytest.approx(17.5 * 4, abs=0.05)
    assert plain.measures[0].net_benefit == pytest.approx(70 - 200, abs=0.05)  # online: 200 千円 a year
    valued = ScoringConfig(
        uptake=LINEAR_3.uptake, costs=LINEAR_3.costs.model_copy(update={"citizen_yen_per_hour": 1000})
    )
    assert scored(make(), valued).measures[0].net_benefit == pytest.approx(70 + 440 - 200, abs=0.05)


# Property 5: a budget beside the slots --------------------------------------------------------------


def test_a_budget_a_year_places_as_many_measures_as_their_initial_costs_allow() -> None:
    robots = [make(f"r{i}", [RPA_ON_RESIDENTS | {"system": "財務会計システム"}], volume=1000 + i) for i in range(3)]
    roadmap = roadmap_of(*robots, budget=1500, capacity=CapacityConfig(rpa=4))
    assert [(i.procedure, i.fy) for i in roadmap.items] == [("r2", 2022), ("r1", 2023), ("r0", 2024)]
    assert [y.initial for y in roadmap.by_year] == [1000.0, 1000.0, 1000.0, 0.0]
    assert all(y.initial <= (y.budget or 0) for y in roadmap.by_year)


# Property 6: 標準化 first ---------------------------------------------------------------------------


def test_an_rpa_on_the_resident_register_is_placed_after_the_migration() -> None:
    item = scored(make("jumin", [RPA_ON_RESIDENTS]))
    assert item.measures[0].standard_systems == ("住民基本台帳",)
    roadmap = roadmap_of(make("jumin", [RPA_ON_RESIDENTS]), start_fy=2024, years=4)
    (rpa,) = roadmap.items
    assert rpa.fy == 2026 and rpa.deferred  # migration_fy 2025: built after it
    within = roadmap_of(make("jumin", [RPA_ON_RESIDENTS]))  # 令和4〜7年度: no year after the migration
    assert within.items == () and [s.kind for s in within.shortfalls] == ["standardization"]


def test_flag_places_it_now_and_counts_the_rebuild_after_the_migration() -> None:
    flag = StandardizationConfig(mode="flag")
    roadmap = roadmap_of(make("jumin", [RPA_ON_RESIDENTS]), start_fy=2024, years=4, standardization=flag)
    (rpa,) = roadmap.items
    assert (rpa.fy, rpa.deferred, rpa.rebuild_cost) == (2024, False, 1000.0)
    assert [y.initial for y in roadmap.by_year] == [1000.0, 0.0, 1000.0, 0.0]  # rebuilt in 令和8年度


def test_systems_match_by_words_whatever_the_width_and_spacing() -> None:
    standard = StandardizationConfig()
    assert standard_systems(["住民記録システム（印鑑登録）"], standard) == ("住民基本台帳", "印鑑登録")
    assert standard_systems(["国保 システム"], standard) == ("国民健康保険",)
    assert standard_systems(["財務会計システム", None], standard) == ()


# The invariants, on any flow -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    steps=flows(),
    volume=st.integers(0, 200_000),
    share=st.floats(0, 1),
    years=st.integers(1, 6),
    curve=st.sampled_from(["linear", "logistic"]),
)
def test_no_year_saves_more_than_the_steady_state_nor_than_today(steps, volume, share, years, curve) -> None:
    config = ScoringConfig(uptake=UptakeConfig(share=share, years=years, curve=curve))
    full = [{"id": f"s{i}", "name": f"工程{i}", **step} for i, step in enumerate(steps)]
    procedure = make(steps=full, volume=volume)
    item = scored(procedure, config)
    today = item.figures.staff_hours + item.figures.citizen_hours
    # Each measure's hours are rounded to a tenth.
    assert sum(m.hours for m in item.measures) <= today + 0.05 * len(item.measures) + 1e-6
    roadmap = roadmap_of(procedure, config=config)
    for placed in (*roadmap.items, *roadmap.uptake_items):
        for _, staff, citizen in placed.savings:
            assert staff <= placed.steady_staff_hours + 0.1 and citizen <= placed.steady_citizen_hours + 0.1
    for year in roadmap.by_year:
        assert year.staff_hours <= item.figures.staff_hours + 0.5
        assert year.citizen_hours <= item.figures.citizen_hours + 0.5


def test_a_case_that_moves_online_after_the_counter_reform_saves_only_what_the_reform_left() -> None:
    # Two documents the city issues itself (30 min each) make BPR the primary; online comes as a complement
    # for 30 % of the cases, each of which has 88 + 60 = 148 minutes today... less the BPR's minutes.
    attachments = [{"name": "住民票", "source": "self"}, {"name": "課税証明書", "source": "self"}]
    item = scored(make(attachments=attachments))
    assert item.recommendation is Measure.BPR
    bpr, online = item.measures[0], next(m for m in item.measures if m.measure is Measure.ONLINE)
    per_case = item.figures.citizen_minutes_per_case  # 60 trip + 20 wait + 10 written = 90
    reform = bpr.citizen_hours * 60 / 1000  # 2 × 30 + 20 × 0.8 + 10 × 0.8 = 84, capped at 90
    assert reform == pytest.approx(84.0)
    # Online alone would save 88 minutes a moved case; after the reform only 90 − 84 = 6 are left.
    assert online.citizen_hours == pytest.approx(1000 * 0.3 * (per_case - reform) / 60, abs=0.05)
    assert bpr.citizen_hours + online.citizen_hours <= item.figures.citizen_hours


# Property 10: 効果検証 --------------------------------------------------------------------------------


def test_a_done_measure_with_what_was_measured_is_compared_with_what_was_expected() -> None:
    from bpr.analysis.verification import by_kind, verify

    robot = RPA_ON_RESIDENTS | {"system": "財務会計システム"}
    plan = {"measure": "rpa", "target_fy": 2023, "done_fy": 2023,
            "actual": {"measured_fy": 2024, "staff_minutes_per_case": 8, "cases": 900, "note": "3か月の実測"}}  # fmt: skip
    done = make("robot", [robot], plan=plan)
    ranked = rank_procedures([scored(done)])
    roadmap = plan_roadmap(ranked, RoadmapConfig(current_fy=2025, kpis=[]), scoring=LINEAR_3)
    (v,) = verify(ranked, roadmap.items)
    # Today 20 staff minutes a case; the model expected RPA to save 20 × 0.9 = 18 (300 h on 1,000 cases):
    # 2 left. Measured 8: a saving of 12, two thirds of what was expected.
    assert (v.staff_minutes_today, v.staff_minutes_expected, v.staff_minutes_measured) == (20.0, 2.0, 8.0)
    assert v.ratio == pytest.approx(2 / 3) and v.note == "3か月の実測"
    (kind,) = by_kind([v])
    # At the 900 cases measured: 900 × 18 / 60 = 270 h expected, 900 × 12 / 60 = 180 h measured.
    assert (kind.measure, kind.count, kind.expected_hours, kind.measured_hours) == (Measure.RPA, 1, 270.0, 180.0)
    # Planned, or done without a measurement: nothing to verify.
    planned = make("robot", [robot], plan={"measure": "rpa", "target_fy": 2023})
    assert verify(rank_procedures([scored(planned)]), roadmap.items) == ()


def test_a_done_online_measure_compares_the_share_online_with_the_expected_uptake() -> None:
    from bpr.analysis.verification import verify

    plan = {"measure": "online", "target_fy": 2022, "done_fy": 2022,
            "actual": {"measured_fy": 2024, "online_share": 0.12}}  # fmt: skip
    ranked = rank_procedures([scored(make("form", plan=plan))])
    roadmap = plan_roadmap(ranked, RoadmapConfig(current_fy=2025, kpis=[]), scoring=LINEAR_3)
    (v,) = verify(ranked, roadmap.items)
    # Nothing online today; the uptake expected in the steady state is 30 % (feasibility 1).
    assert (v.online_share_expected, v.online_share_measured) == (0.3, 0.12)
    assert v.ratio is None  # no staff minutes measured


def test_a_config_written_for_model_2_keeps_working_with_model_3_defaults(tmp_path) -> None:
    from bpr.config import Config, load_config

    from conftest import ROOT

    # The commented defaults bpr printed under model 2 (bpr config --defaults at d5f8c4d), as a city copied them.
    old = load_config(ROOT / "tests" / "data" / "config-model2.yaml")
    assert old.scoring.uptake == Config().scoring.uptake and old.standardization == Config().standardization
    assert old.roadmap.budget is None and old.scoring.costs == Config().scoring.costs
