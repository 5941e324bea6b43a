"""Derived figures on hand-computed examples, and the scores' properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import step_strategy

from bpr.analysis.figures import compute_figures
from bpr.analysis.graph import build_process_graph
from bpr.analysis.ranking import rank_procedures, score_procedure
from bpr.config import Config, ScoringConfig
from bpr.inventory.enums import Measure
from bpr.inventory.models import Counter, Procedure

COUNTER = Counter(id="c", name="窓口", section="市民課")
CONFIG = ScoringConfig()


def make(steps: list[dict[str, Any]], volume: int = 100, **fields: Any) -> Procedure:
    """Return a procedure from step dicts (id and name filled in from the position)."""
    full = [{"id": f"s{i}", "name": f"工程{i}", **step} for i, step in enumerate(steps)]
    return Procedure.model_validate({"id": "p", "name": "手続", "annual_volume": volume, "steps": full, **fields})


def figures_of(procedure: Procedure, travel: float = 60.0):
    return compute_figures(build_process_graph(procedure), travel)


def test_linear_flow_figures():
    p = make(
        [
            {
                "actor": "citizen",
                "action": "write",
                "medium": "paper",
                "handwritten": True,
                "in_person": True,
                "effort": 10,
                "wait": 20,
            },
            {"actor": "counter", "action": "receive", "medium": "paper", "effort": "5m"},
            {"actor": "back_office", "action": "enter", "medium": "paper", "effort": "0.5h"},
        ],
        volume=120,
    )
    f = figures_of(p)
    assert f.main_path == ("s0", "s1", "s2")
    assert (f.visits, f.paper_steps, f.handwritten_steps, f.in_person_steps, f.handoffs) == (1, 3, 1, 1, 2)
    assert f.lead_time_minutes == 65
    assert f.staff_hours == pytest.approx(120 * 35 / 60)
    # citizen: 10 min writing + 20 min waiting at the counter + one 60-minute trip
    assert f.citizen_hours == pytest.approx(120 * 90 / 60)


def test_branch_without_shares_takes_the_first_written():
    # Format 1.1: with no share written, the first successor is the normal case and takes every case;
    # the longer branch (s2, a day's wait) no longer makes the main path.
    p = make(
        [
            {"actor": "counter", "effort": 5, "next": ["s1", "s2"]},
            {"actor": "back_office", "effort": 10, "next": []},
            {"actor": "back_office", "effort": 30, "wait": "1d"},
            {"actor": "system", "effort": 1},
        ]
    )
    f = figures_of(p)
    assert f.main_path == ("s0", "s1")
    assert f.lead_time_minutes == 5 + 10
    assert f.handoffs == 1
    assert f.staff_hours == pytest.approx(100 * 15 / 60)


def test_rework_loop_is_cut():
    p = make(
        [
            {"actor": "citizen", "in_person": True, "effort": 15},
            {"actor": "counter", "effort": 10},
            {"actor": "back_office", "effort": 5, "wait": "3d", "next": ["s3", "s0"]},
            {"actor": "back_office", "effort": 3},
        ]
    )
    process = build_process_graph(p)
    assert process.rework_edges == (("s2", "s0"),)
    assert process.graph.edges["s2", "s0"]["rework"] is True
    f = compute_figures(process, 60)
    assert f.main_path == ("s0", "s1", "s2", "s3")
    assert f.visits == 1
    assert f.lead_time_minutes == 15 + 10 + 5 + 4320 + 3


def test_two_visits_separated_by_a_multi_day_wait():
    p = make(
        [
            {"actor": "citizen", "in_person": True, "effort": 10, "wait": 15},
            {"actor": "back_office", "effort": 20, "wait": "2d"},
            {"actor": "counter", "effort": 5},
            {"actor": "citizen", "in_person": True, "effort": 5, "wait": 10},
        ],
        volume=60,
    )
    f = figures_of(p, travel=90)
    assert f.visits == 2
    # citizen: effort 10 + 5, counter waits 15 + 10, two trips of 90 minutes
    assert f.citizen_hours == pytest.approx(60 * (15 + 25 + 180) / 60)


def test_in_person_steps_within_a_day_are_one_trip():
    steps = [
        {"actor": "citizen", "in_person": True},
        {"actor": "counter", "wait": 600},
        {"actor": "citizen", "in_person": True, "wait": 30},
    ]
    assert figures_of(make(steps)).visits == 1
    steps[2]["wait"] = "1d"
    assert figures_of(make(steps)).visits == 2


def test_procedure_with_no_citizen_step():
    p = make(
        [
            {"actor": "system", "action": "receive", "medium": "electronic", "effort": 0},
            {"actor": "back_office", "action": "enter", "medium": "electronic", "rule_based": True, "effort": 6},
            {"actor": "back_office", "action": "check", "medium": "electronic", "rule_based": True, "effort": 4},
        ],
        volume=3000,
    )
    scored = score_procedure(COUNTER, p, "f.yaml", CONFIG)
    assert scored.figures.visits == 0
    assert scored.figures.citizen_hours == 0
    assert scored.scores.online == 0
    assert scored.scores.rpa > 50
    assert scored.recommendation is Measure.RPA
    assert [c.step_id for c in scored.candidates] == ["s1", "s2"]


def test_fully_online_scores_zero_and_law_is_a_gate():
    steps = [
        {
            "actor": "citizen",
            "action": "write",
            "medium": "paper",
            "handwritten": True,
            "in_person": True,
            "effort": 15,
        },
        {"actor": "counter", "action": "receive", "effort": 10},
    ]
    full = score_procedure(COUNTER, make(steps, 50_000, online={"status": "full"}), "f", CONFIG)
    assert full.scores.online == 0
    by_law = score_procedure(COUNTER, make(steps, 50_000, online={"in_person_required_by_law": True}), "f", CONFIG)
    free = score_procedure(COUNTER, make(steps, 50_000), "f", CONFIG)
    assert free.scores.online > 80
    # A law that requires presence is a gate: no online score, and the burden goes to BPR (予約・書かない窓口).
    assert by_law.scores.online == 0
    assert by_law.recommendation is Measure.BPR
    assert any("予約" in r and "書かない窓口" in r for r in by_law.reasons)


def test_judgement_steps_do_not_count_for_rpa():
    step = {"actor": "back_office", "action": "check", "medium": "electronic", "effort": 30}
    judged = score_procedure(COUNTER, make([{**step, "rule_based": False}], 5000), "f", CONFIG)
    ruled = score_procedure(COUNTER, make([{**step, "rule_based": True}], 5000), "f", CONFIG)
    assert judged.scores.rpa == 0
    assert ruled.scores.rpa > 0


def test_seal_only_procedure_is_a_simple_reform():
    p = make([{"actor": "citizen", "action": "submit", "medium": "paper", "seal": True, "effort": 1}], volume=10)
    scored = score_procedure(COUNTER, p, "f", CONFIG)
    assert scored.recommendation is Measure.BPR
    assert any("押印" in r for r in scored.reasons)


# Properties ---------------------------------------------------------------------------------------

linear_steps = st.lists(step_strategy, min_size=1, max_size=8)
volumes = st.integers(0, 200_000)


def scores_of(steps: list[dict[str, Any]], volume: int, **fields: Any) -> tuple[float, float, float]:
    s = score_procedure(COUNTER, make(steps, volume, **fields), "f", CONFIG).scores
    return s.online, s.rpa, s.ai_ocr


@settings(max_examples=60, deadline=None)
@given(linear_steps, volumes, volumes)
def test_scores_never_fall_with_volume(steps, a, b):
    low, high = sorted((a, b))
    assert all(x <= y for x, y in zip(scores_of(steps, low), scores_of(steps, high), strict=True))


@settings(max_examples=60, deadline=None)
@given(linear_steps, volumes, st.data())
def test_more_paper_seal_or_in_person_never_lowers_online(steps, volume, data):
    index = data.draw(st.integers(0, len(steps) - 1))
    flag = data.draw(st.sampled_from(["seal", "in_person", "handwritten"]))
    before = scores_of(steps, volume)[0]
    changed = [dict(s) for s in steps]
    changed[index][flag] = True
    assert scores_of(changed, volume)[0] >= before


@settings(max_examples=60, deadline=None)
@given(linear_steps, volumes, st.data())
def test_more_staff_minutes_never_lower_any_score(steps, volume, data):
    index = data.draw(st.integers(0, len(steps) - 1))
    extra = data.draw(st.integers(1, 60))
    before = scores_of(steps, volume)
    changed = [dict(s) for s in steps]
    changed[index]["effort"] += extra
    after = scores_of(changed, volume)
    assert all(y >= x for x, y in zip(before, after, strict=True))


@settings(max_examples=40, deadline=None)
@given(linear_steps, volumes, st.lists(st.tuples(linear_steps, volumes), max_size=4))
def test_scores_are_independent_of_the_rest_of_the_inventory(steps, volume, others):
    alone = score_procedure(COUNTER, make(steps, volume), "f", CONFIG)
    crowd = [
        score_procedure(COUNTER, make(s, v).model_copy(update={"id": f"o{i}"}), "f", CONFIG)
        for i, (s, v) in enumerate(others)
    ]
    ranked = rank_procedures([alone, *crowd])
    mine = next(item for item in ranked if item.id == "p")
    assert mine.scores == alone.scores
    assert mine.recommendation is alone.recommendation


@settings(max_examples=60, deadline=None)
@given(linear_steps, volumes)
def test_scores_stay_within_bounds(steps, volume):
    assert all(0 <= s <= 100 for s in scores_of(steps, volume))


def test_ranking_is_deterministic_with_ties():
    steps = [{"actor": "counter", "effort": 5}]
    items = [score_procedure(COUNTER, make(steps, 10).model_copy(update={"id": name}), "f", CONFIG) for name in "cab"]
    assert [i.id for i in rank_procedures(items)] == ["a", "b", "c"]
    assert [i.id for i in rank_procedures(reversed(items))] == ["a", "b", "c"]
    assert [i.rank for i in rank_procedures(items)] == [1, 2, 3]


def test_config_defaults_file_matches_the_model():
    from ruamel.yaml import YAML

    from bpr.config import defaults_text

    assert Config.model_validate(YAML(typ="safe").load(defaults_text())) == Config()
