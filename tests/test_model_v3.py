"""Model v3 (../shared/spec/scoring.md): the properties built so far, each shown by a test.

Property 3 (a channel that exists is uptake) and 5 (the ぴったりサービス package, no slot for 0 hours) are
tested with the national import in test_real_data_path.py; property 8 (KPIs by results) in test_roadmap.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpr.analysis.ranking import rank_procedures, score_procedure
from bpr.analysis.roadmap import plan_roadmap
from bpr.config import KpiTarget, RoadmapConfig, ScoringConfig
from bpr.inventory.enums import LegalLevel, Measure
from bpr.inventory.models import Counter, Procedure

COUNTER = Counter(id="shimin", name="市民課", section="市民課")
STEPS = [
    {"id": "write", "name": "申請書の記入", "actor": "citizen", "action": "submit", "medium": "paper",
     "handwritten": True, "in_person": True, "seal": True, "effort": 10},
    {"id": "receive", "name": "受付", "actor": "counter", "action": "receive", "medium": "paper", "effort": 5},
]  # fmt: skip
CITY_LEVELS = [LegalLevel.ORDINANCE, LegalLevel.RULE, LegalLevel.GUIDELINE, LegalLevel.PRACTICE]
NATIONAL = [LegalLevel.LAW, LegalLevel.CABINET_ORDER, LegalLevel.MINISTERIAL_ORDINANCE]


def scored(online: dict[str, Any], **fields: Any):
    procedure = Procedure.model_validate(
        {"id": "p", "name": "印鑑登録申請", "annual_volume": 1000, "steps": STEPS, "online": online, **fields}
    )
    return score_procedure(COUNTER, procedure, "f", ScoringConfig())


def test_a_guideline_requiring_presence_is_not_a_gate_and_yields_a_review() -> None:
    # Property 7, hand-computed: 1,000 cases × (60 min trip + 10 min handwritten, sealed form) are the
    # citizen's 70,000 min; online removes the trip and 80 % of the handwriting for the 30 % that move
    # (property 1, the default uptake): 0.3 × (60 + 8) × 1,000 / 60 = 340 h, and 70 % of 5 min
    # reception: 0.3 × 58.3 = 17.5 h. The 要綱 is reviewed (見直し), a BPR measure naming its level.
    item = scored({"in_person_required_by_law": True, "presence_basis": "guideline"})
    assert item.recommendation is Measure.ONLINE
    assert item.hours_saved_citizen["online"] == pytest.approx(340.0, abs=0.05)
    assert item.hours_saved_staff["online"] == pytest.approx(17.5, abs=0.05)
    review = [m for m in item.measures if m.role == "review"]
    assert [m.measure for m in review] == [Measure.BPR]
    assert any("本人の来庁の義務は要綱・要領によるもの（市が定めたもの）" in r for r in item.reasons)
    assert any(r.startswith("見直し (業務改善(BPR)): 本人の来庁の義務は要綱・要領によるもの") for r in item.reasons)


@pytest.mark.parametrize("level", NATIONAL)
def test_a_national_rule_requiring_presence_gates_going_online(level: LegalLevel) -> None:
    item = scored({"in_person_required_by_law": True, "presence_basis": level.value})
    assert item.expected_hours["online"] == 0 and item.recommendation is Measure.BPR
    assert not [m for m in item.measures if m.role == "review"]


def test_the_flag_of_format_1_0_alone_means_a_law() -> None:
    assert scored({"in_person_required_by_law": True}).expected_hours["online"] == 0
    assert scored({"in_person_required_by_law": True}).reasons[0] == "法令で本人の来庁が必要: オンライン化の対象外"


def test_a_seal_the_city_asks_for_itself_is_reviewed_and_one_a_law_asks_for_gates() -> None:
    by_city = scored({"seal_basis": "practice"})
    assert by_city.recommendation is Measure.ONLINE
    assert any("押印の義務は慣行によるもの（市が定めたもの）" in r for r in by_city.reasons)
    by_law = scored({"seal_basis": "ministerial_ordinance"})
    assert by_law.expected_hours["online"] == 0
    assert by_law.reasons[0] == "省令で押印が必要: オンライン化の対象外 (改正されるまで)"


def test_a_national_priority_procedure_kept_in_person_by_a_guideline_still_needs_going_online() -> None:
    item = scored({"presence_basis": "guideline"}, national_priority=True)
    target = KpiTarget(name="国の優先", measures=[Measure.ONLINE], by_fy=2025, national_priority_only=True)
    roadmap = plan_roadmap(rank_procedures([item]), RoadmapConfig(current_fy=2022, kpis=[target]))
    assert [i.measure for i in roadmap.items if i.procedure == "p"].count(Measure.ONLINE) == 1
    assert roadmap.kpis[0].met and not [s for s in roadmap.shortfalls if s.kind == "deadline"]


@given(
    presence=st.sampled_from([None, *LegalLevel]),
    seal=st.sampled_from([None, *LegalLevel]),
    flag=st.booleans(),
)
def test_only_national_levels_gate_and_city_levels_are_always_reviewed(
    presence: LegalLevel | None, seal: LegalLevel | None, flag: bool
) -> None:
    online: dict[str, Any] = {"in_person_required_by_law": flag}
    if presence is not None:
        online["presence_basis"] = presence.value
    if seal is not None:
        online["seal_basis"] = seal.value
    item = scored(online)
    level = presence if presence is not None else (LegalLevel.LAW if flag else None)
    gated = level in NATIONAL or seal in NATIONAL
    assert (item.expected_hours["online"] == 0) is gated
    city = (level in CITY_LEVELS) or (seal in CITY_LEVELS)
    assert any(m.role == "review" for m in item.measures) is (city and item.recommendation is not Measure.BPR)
    # No saving above today's hours, whatever the levels.
    for measure in item.measures:
        assert measure.hours <= item.figures.staff_hours + item.figures.citizen_hours + 1e-6
