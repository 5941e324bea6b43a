"""Scoring every procedure of an inventory, choosing its measures, and ranking them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bpr.analysis.economics import measure_cost, payback_years, standard_systems, yen_value
from bpr.analysis.figures import compute_figures
from bpr.analysis.graph import ProcessGraph, build_process_graph
from bpr.analysis.labels import MEASURE_LABELS, channels_text, city_rule_text
from bpr.analysis.results import CandidateStep, Figures, MeasurePlan, Role, ScoredProcedure, Scores
from bpr.analysis.scores import (
    CANDIDATE_ORDER,
    MeasureGain,
    ai_ocr_gain,
    bpr_gain,
    online_gain,
    online_share,
    rpa_gain,
    score_gain,
    staff_hours_by_step,
    staff_text,
    within,
)
from bpr.config import ScoringConfig, StandardizationConfig
from bpr.fiscal import reiwa
from bpr.inventory.enums import Measure, OnlineStatus
from bpr.inventory.models import Counter, Procedure


def score_procedure(
    counter: Counter,
    procedure: Procedure,
    file: str,
    config: ScoringConfig,
    standardization: StandardizationConfig | None = None,
) -> ScoredProcedure:
    """Return the figures, scores, measures, recommendation and reasons of one procedure (rank unset)."""
    standard = standardization if standardization is not None else StandardizationConfig()
    process = build_process_graph(procedure)
    figures = compute_figures(process, config.travel_minutes_per_visit)
    share = online_share(procedure, config)
    # Each measure alone on today's flow: these are the scores, comparable across procedures and years.
    gains: dict[Measure, MeasureGain] = {
        Measure.ONLINE: online_gain(procedure, figures, config),
        Measure.RPA: rpa_gain(process, figures, config, online_fraction=share),
        Measure.AI_OCR: ai_ocr_gain(process, figures, config, paper_fraction=1.0 - share),
        Measure.BPR: bpr_gain(procedure, figures, config),
    }
    scores = {measure: score_gain(gain, config) for measure, gain in gains.items()}
    passing = [m for m in CANDIDATE_ORDER if scores[m] >= config.recommend_threshold and gains[m].expected_hours > 0]
    if passing:
        # Recommend by expected hours; ties go to the measure listed first.
        recommendation = max(passing, key=lambda m: (gains[m].expected_hours, -CANDIDATE_ORDER.index(m)))
    elif gains[Measure.BPR].hours > 0:
        recommendation = Measure.BPR
    else:
        recommendation = Measure.NONE
    if procedure.online.online_gated and gains[Measure.BPR].hours > 0:
        # Property 4 before property 5: where a law requires presence, the citizen's burden goes to BPR
        # (予約・書かない窓口); RPA and AI-OCR may still come as complements.
        recommendation = Measure.BPR
    plans = _measures(process, figures, procedure, config, gains, scores, recommendation, share, standard)
    if recommendation is Measure.NONE:
        priority = max(g.expected_hours for g in gains.values())
    else:
        priority = gains[recommendation].expected_hours
    return ScoredProcedure(
        counter=counter,
        procedure=procedure,
        file=file,
        figures=figures,
        scores=Scores(online=scores[Measure.ONLINE], rpa=scores[Measure.RPA], ai_ocr=scores[Measure.AI_OCR]),
        feasibility={m.value: round(g.feasibility, 4) for m, g in gains.items()},
        hours_saved={m.value: round(g.hours, 1) for m, g in gains.items()},
        hours_saved_staff={m.value: round(g.staff_hours, 1) for m, g in gains.items()},
        hours_saved_citizen={m.value: round(g.citizen_hours, 1) for m, g in gains.items()},
        recommendation=recommendation,
        priority_hours=round(priority, 1),
        reasons=_reasons(procedure, plans, gains, config, standard),
        candidates=_candidates(gains, plans),
        expected_hours={m.value: round(g.expected_hours, 1) for m, g in gains.items()},
        measures=tuple(plan for plan, _ in plans),
        online_share=share,
    )


def _measures(
    process: ProcessGraph,
    figures: Figures,
    procedure: Procedure,
    config: ScoringConfig,
    gains: dict[Measure, MeasureGain],
    scores: dict[Measure, float],
    primary: Measure,
    share: float,
    standard: StandardizationConfig,
) -> list[tuple[MeasurePlan, MeasureGain]]:
    """Return the primary measure and the complements that pass the threshold on what the primary leaves.

    After going online, RPA transcribes the applications that now arrive online (the share of cases
    online after the measure, expected) and AI-OCR reads the paper share that stays. Staff hours of a
    step are claimed once: a later measure gets only what earlier ones left of that step.
    """
    out: list[tuple[MeasurePlan, MeasureGain]] = []
    if primary is not Measure.NONE:
        out.append((_plan(procedure, gains[primary], Role.PRIMARY, scores[primary], config, standard), gains[primary]))
    online_after = share
    if primary is Measure.ONLINE:
        # Model v3, property 1: the channel (new, or one that exists) moves its expected uptake of the cases left.
        gain = gains[Measure.ONLINE]
        online_after = share + (1.0 - share) * (gain.uptake or 0.0) * gain.feasibility
    online_after_primary = gains[Measure.ONLINE]
    if primary is Measure.BPR and procedure.annual_volume > 0 and share < 1:
        # Never counted twice (property 2): a case that moves online after the counter reform saves only
        # the citizen minutes the reform left it.
        removed = gains[Measure.BPR].citizen_hours * 60 / (procedure.annual_volume * (1.0 - share))
        online_after_primary = online_gain(procedure, figures, config, removed_per_case=removed)
    if online_after == share:
        # The shares of today: the gains are today's (each is a function of its arguments alone), not computed again.
        after = {**gains, Measure.ONLINE: online_after_primary}
    else:
        after = {
            Measure.ONLINE: online_after_primary,
            Measure.RPA: rpa_gain(process, figures, config, online_fraction=online_after),
            Measure.AI_OCR: ai_ocr_gain(process, figures, config, paper_fraction=1.0 - online_after),
            # Property 2: the cases that stay at the counter are served there (書かない窓口・予約).
            Measure.BPR: bpr_gain(procedure, figures, config, stay=1.0 - online_after),
        }
    today = staff_hours_by_step(procedure, figures)
    claimed: dict[str, float] = dict(gains[primary].staff_by_step) if out else {}
    citizen_left = figures.citizen_hours - (gains[primary].citizen_hours if out else 0.0)
    rest = [m for m in (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR) if m is not primary and out]
    rest.sort(key=lambda m: (-after[m].expected_hours, CANDIDATE_ORDER.index(m)))
    for measure in rest:
        gain = within(after[measure], claimed, today, citizen_left)
        score = score_gain(gain, config)
        if score < config.recommend_threshold or gain.expected_hours <= 0:
            continue
        for node, hours in gain.staff_by_step.items():
            claimed[node] = claimed.get(node, 0.0) + hours
        citizen_left -= gain.citizen_hours
        # Model v3, property 7: with a requirement the city set itself, the BPR complement is its 見直し.
        role = Role.REVIEW if measure is Measure.BPR and procedure.online.city_rules else Role.COMPLEMENT
        out.append((_plan(procedure, gain, role, score, config, standard), gain))
    chosen = {plan.measure for plan, _ in out}
    if requires_national_online(procedure) and Measure.ONLINE not in chosen:
        # The national plan requires it online whatever it saves: its hours are what the others leave.
        gain = within(after[Measure.ONLINE], claimed, today, citizen_left)
        out.append((_plan(procedure, gain, Role.NATIONAL, score_gain(gain, config), config, standard), gain))
        for node, hours in gain.staff_by_step.items():
            claimed[node] = claimed.get(node, 0.0) + hours
        citizen_left -= gain.citizen_hours
    if procedure.online.city_rules and Measure.BPR not in chosen:
        # Model v3, property 7: a presence or seal the city required itself is a 見直し (BPR) measure, whatever
        # it saves by itself: going online stays open behind it.
        gain = within(gains[Measure.BPR], claimed, today, citizen_left)
        out.append((_plan(procedure, gain, Role.REVIEW, score_gain(gain, config), config, standard), gain))
    return out


def requires_national_online(procedure: Procedure) -> bool:
    """Tell whether the national plan still needs a new online measure for a procedure.

    Not when it is fully online or startable from マイナポータル already (uptake, no slot), nor when a law
    requires the citizen's presence (property 4: no online measure; the KPI shows it as not met).
    """
    online = procedure.online
    return (
        procedure.national_priority
        and online.status is not OnlineStatus.FULL
        and not online.on_mynaportal
        and not online.online_gated
    )


def _plan(
    procedure: Procedure,
    gain: MeasureGain,
    role: Role,
    score: float,
    config: ScoringConfig,
    standard: StandardizationConfig,
) -> MeasurePlan:
    """Return a measure as the procedure carries it, with its cost, what it is worth and its payback (model v3)."""
    uptake = gain.measure is Measure.ONLINE and bool(procedure.online.existing_channels)
    kind = gain.cost_kind or gain.measure.value
    if gain.measure is Measure.ONLINE and requires_national_online(procedure):
        kind = "national_package"  # property 5: the national-priority procedures go through ぴったりサービス
    cost = measure_cost(procedure, gain.measure, kind, config)
    staff = gain.staff_hours * gain.feasibility
    citizen = gain.citizen_hours * gain.feasibility
    worth = yen_value(staff, citizen, config)
    net = worth - cost.annual
    return MeasurePlan(
        measure=gain.measure,
        role=role,
        hours=round(gain.hours, 1),
        staff_hours=round(gain.staff_hours, 1),
        citizen_hours=round(gain.citizen_hours, 1),
        expected_hours=round(gain.expected_hours, 1),
        score=score,
        uptake=uptake,
        uptake_share=None if gain.uptake is None else round(gain.uptake, 4),
        cost_initial=round(cost.initial, 1),
        cost_annual=round(cost.annual, 1),
        cost_source=cost.source,
        staff_thousand_yen=round(staff * config.staff_cost_per_hour / 1000, 1),
        net_benefit=round(net, 1),
        payback_years=payback_years(cost.initial, net),
        standard_systems=standard_systems((c.system for c in gain.candidates if c.hours_per_year > 0), standard)
        if gain.measure in (Measure.RPA, Measure.AI_OCR)
        else (),
        expected_staff_hours=round(staff, 1),
        expected_citizen_hours=round(citizen, 1),
    )


def _reasons(
    procedure: Procedure,
    plans: list[tuple[MeasurePlan, MeasureGain]],
    gains: dict[Measure, MeasureGain],
    config: ScoringConfig,
    standard: StandardizationConfig,
) -> tuple[str, ...]:
    reasons: list[str] = []
    shown: set[Measure] = set()
    for plan, gain in plans:
        if plan.role is Role.PRIMARY:
            reasons.extend(gain.reasons)
            others = [
                f"{MEASURE_LABELS[m]} {gains[m].expected_hours:,.0f}"
                for m in CANDIDATE_ORDER
                if m is not plan.measure and gains[m].expected_hours > 0
            ]
            versus = f"; 他は{'・'.join(others)}時間" if others else ""
            what = MEASURE_LABELS[plan.measure] + (_uptake_text(procedure) if plan.uptake else "")
            reasons.append(
                f"推奨 {what}: 期待削減 {gain.expected_hours:,.0f}時間/年 "
                f"(削減 {gain.hours:,.0f}時間 × 実現性 {gain.feasibility:.2f}{versus})"
            )
            reasons.append(cost_text(plan))
        elif plan.role is Role.COMPLEMENT:
            steps = "・".join(dict.fromkeys(c.step_name for c in gain.candidates if c.hours_per_year > 0))
            where = f" ({steps})" if steps else ""
            uptake = _uptake_text(procedure) if plan.uptake else ""
            reasons.append(
                f"併せて {MEASURE_LABELS[plan.measure]}{uptake}{where}: 主施策の残りに対し{_split(gain, config)}、"
                f"期待削減 {gain.expected_hours:,.0f}時間/年"
            )
        elif plan.role is Role.REVIEW:
            rules = "・".join(city_rule_text(what, level) for what, level in procedure.online.city_rules)
            reasons.append(
                f"見直し ({MEASURE_LABELS[plan.measure]}): {rules}。市の判断で見直す"
                f" (他の施策の残りに対し{_split(gain, config)}、期待削減 {gain.expected_hours:,.0f}時間/年)"
            )
        else:
            reasons.append(
                f"国の優先手続のためオンライン化も計画: 他の施策の残りに対し{_split(gain, config)}、"
                f"期待削減 {gain.expected_hours:,.0f}時間/年"
            )
        shown.add(plan.measure)
    for plan, _ in plans:
        if plan.standard_systems:
            reasons.append(standardization_text(plan, standard))
    for measure in CANDIDATE_ORDER:
        if measure not in shown:
            reasons.extend(gains[measure].reasons)
    if procedure.online.online_gated:
        gate = gains[Measure.ONLINE].reasons
        reasons = [*gate, *(r for r in reasons if r not in gate)]
    if procedure.national_priority:
        reasons.insert(1 if reasons else 0, "国の優先手続 (マイナポータルからのオンライン化が求められる)")
    if not reasons:
        reasons.append("削減できる時間が見当たらない")
    return tuple(dict.fromkeys(reasons))


COST_SOURCES = {
    "plan": "手続の plan.cost",
    "online": "既定値: オンライン化",
    "national_package": "既定値: ぴったりサービス",
    "uptake": "既定値: 利用促進",
    "rpa": "既定値: RPA",
    "ai_ocr": "既定値: AI-OCR",
    "bpr": "既定値: 業務改善",
    "counter": "既定値: 書かない窓口・予約",
}


def cost_text(plan: MeasurePlan) -> str:
    """Say a measure's cost and what it returns: '費用 初期500千円・年200千円 (…) → 職員分 70千円/年、純便益 -130千円/年: 回収できない'."""
    if plan.payback_years is None:
        why = "職員の時間は減らない: 効果は住民の時間" if plan.staff_thousand_yen <= 0 else "職員分が年間費用に届かない"
        pays = f"費用は回収できない ({why})"
    elif plan.payback_years < 0.1:
        pays = "回収 0.1年未満" if plan.cost_initial > 0 else "初期費用なし"
    else:
        pays = f"回収 {plan.payback_years:g}年"
    return (
        f"費用 初期{plan.cost_initial:,.0f}千円・年{plan.cost_annual:,.0f}千円 ({COST_SOURCES.get(plan.cost_source, plan.cost_source)})"
        f" → 職員分 {plan.staff_thousand_yen:,.0f}千円/年、純便益 {plan.net_benefit:,.0f}千円/年: {pays}"
    )


def standardization_text(plan: MeasurePlan, standard: StandardizationConfig) -> str:
    """Say that an RPA or AI-OCR measure works on a system that migrates (標準化), and what the roadmap does."""
    systems = "・".join(plan.standard_systems)
    year = reiwa(standard.migration_fy)
    if standard.mode == "defer":
        return f"{MEASURE_LABELS[plan.measure]}は標準化対象（{systems}）のシステム上の作業: 標準準拠システムへの移行（{year}）の後に構築する"
    return (
        f"{MEASURE_LABELS[plan.measure]}は標準化対象（{systems}）のシステム上の作業: 移行（{year}）より前に作ると"
        f"移行後に作り直し (再構築 {plan.cost_initial:,.0f}千円)"
    )


def _uptake_text(procedure: Procedure) -> str:
    """Return ' (マイナポータルの利用率の向上)': the channel that exists, whose uptake is the measure."""
    return f" ({channels_text(procedure.online.existing_channels)}の利用率の向上)"


def _candidates(
    gains: dict[Measure, MeasureGain], plans: list[tuple[MeasurePlan, MeasureGain]]
) -> tuple[CandidateStep, ...]:
    """Return the RPA and AI-OCR steps: as the procedure carries the measure (a complement on what the primary leaves), else alone."""
    carried = {plan.measure: gain for plan, gain in plans}
    out: list[CandidateStep] = []
    for measure in (Measure.RPA, Measure.AI_OCR):
        gain = carried.get(measure, gains[measure])
        out.extend(c for c in gain.candidates if c.hours_per_year > 0 or measure not in carried)
    return tuple(out)


def _split(gain: MeasureGain, config: ScoringConfig) -> str:
    """Return '職員 N時間/年 (人工・千円)・住民 M時間/年' of a gain, leaving out a side that saves nothing."""
    parts = []
    if gain.staff_hours:
        parts.append(staff_text(gain.staff_hours, config))
    if gain.citizen_hours:
        parts.append(f"住民 {gain.citizen_hours:,.0f}時間/年")
    return "・".join(parts) or "0時間/年"


def rank_key(item: ScoredProcedure) -> tuple[bool, float, int, str]:
    """Return the sort key: recommended first, then expected hours saved, volume, id (stable)."""
    return (item.recommendation is Measure.NONE, -item.priority_hours, -item.procedure.annual_volume, item.procedure.id)


def rank_procedures(scored: Iterable[ScoredProcedure]) -> tuple[ScoredProcedure, ...]:
    """Return the procedures sorted by priority with `rank` set from 1."""
    ordered = sorted(scored, key=rank_key)
    return tuple(replace(item, rank=index) for index, item in enumerate(ordered, start=1))
