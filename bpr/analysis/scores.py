"""What each measure saves (online, RPA, AI-OCR, BPR), its feasibility, its score and the reasons.

Model v2 (docs/scoring.md): a measure removes a share (≤ 1) of minutes that today's flow spends, on the
cases it concerns, so its savings never exceed today's hours. What is left to gain and every
feasibility factor act on hours: expected hours `E = hours × feasibility`; the 0–100 score is an
absolute, monotonic function of `E` alone. The gates and feasibility factors are declarations
(bpr/analysis/factors.py), applied here in the registry's order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from bpr.analysis.economics import uptake_at, uptake_source
from bpr.analysis.factor import Subject
from bpr.analysis.factors import feasibility_of, first_gate
from bpr.analysis.figures import STAFF_ACTORS
from bpr.analysis.graph import ProcessGraph
from bpr.analysis.labels import channels_text, city_rule_text
from bpr.analysis.results import CandidateStep, Figures
from bpr.config import ScoringConfig
from bpr.inventory.enums import Action, Actor, Measure, Medium, OnlineStatus, Source
from bpr.inventory.models import Procedure

# Ties of expected hours go to the measure written first here.
CANDIDATE_ORDER = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR)


@dataclass(frozen=True)
class MeasureGain:
    """Hours a measure saves a year (staff by step, citizen), its feasibility (0–1) and the reasons."""

    measure: Measure
    staff_by_step: dict[str, float]
    citizen_hours: float
    feasibility: float
    reasons: tuple[str, ...]
    candidates: tuple[CandidateStep, ...] = ()
    citizen_weight: float = 1.0
    staff_weight: float = 1.0
    # Model v3: the share of the cases left at the counter that the channel moves (steady state), for online.
    uptake: float | None = None
    # The cost kind of the measure (scoring.costs): online, uptake, rpa, ai_ocr, bpr or counter.
    cost_kind: str = ""

    @property
    def staff_hours(self) -> float:
        """Return the staff hours saved a year."""
        return sum(self.staff_by_step.values())

    @property
    def hours(self) -> float:
        """Return the hours saved a year, staff and citizen together."""
        return self.staff_hours + self.citizen_hours

    @property
    def expected_hours(self) -> float:
        """Return the weighted hours saved a year times feasibility: what ranks and recommends."""
        weighted = self.staff_weight * self.staff_hours + self.citizen_weight * self.citizen_hours
        return weighted * self.feasibility


def no_gain(measure: Measure, *reasons: str) -> MeasureGain:
    """Return a gain of nothing, with the reasons why."""
    return MeasureGain(measure, {}, 0.0, 0.0, tuple(reasons))


def hours_to_score(expected_hours: float, full_hours: float) -> float:
    """Map expected hours a year onto 0–100: 100 × log10(1 + E) / log10(1 + full_hours), at most 100."""
    if not expected_hours > 0:
        return 0.0
    return min(100.0, 100.0 * math.log10(1.0 + expected_hours) / math.log10(1.0 + full_hours))


def score_gain(gain: MeasureGain, config: ScoringConfig) -> float:
    """Return the 0–100 score of a measure's expected hours, rounded to two decimals."""
    return round(hours_to_score(gain.expected_hours, config.scale.full_hours), 2)


def online_share(procedure: Procedure, config: ScoringConfig) -> float:
    """Return the share of cases already handled without a visit."""
    return procedure.online.online_share(config.default_online_share)


def online_gain(
    procedure: Procedure, figures: Figures, config: ScoringConfig, removed_per_case: float = 0.0
) -> MeasureGain:
    """Return what putting the cases still at the counter online saves: the citizen's trip, wait and forms, and reception.

    `removed_per_case`: citizen minutes a case has lost already to a measure before this one (a BPR
    primary's 予約, 書かない窓口, seals): a case that moves saves at most what it has left.
    """
    online = procedure.online
    volume = procedure.annual_volume
    share = online_share(procedure, config)
    left = 1.0 - share
    subject = Subject(procedure, figures, config, volume * left)
    gated = first_gate(Measure.ONLINE, subject)
    if gated is not None:
        return no_gain(Measure.ONLINE, *([] if gated.reason is None else [str(gated.reason)]))
    cfg = config.online
    # Model v3, property 1: of the cases left at the counter, only the uptake moves (steady state).
    uptake = uptake_at(procedure, config, None)
    moved = left * uptake
    plain = figures.citizen_effort_minutes - figures.handwritten_minutes
    citizen_minutes = (
        figures.travel_minutes
        + figures.counter_wait_minutes
        + plain * cfg.citizen_effort_removed_share
        + figures.handwritten_minutes * cfg.handwritten_effort_removed_share
    )
    if removed_per_case > 0:
        citizen_minutes = max(0.0, min(citizen_minutes, figures.citizen_minutes_per_case - removed_per_case))
    citizen_hours = volume * moved * citizen_minutes / 60
    staff_by_step = {
        node: volume * moved * n * process_step.effort * cfg.removed_share / 60
        for node, n, process_step in _passes(procedure, figures)
        if process_step.actor is Actor.COUNTER and n * process_step.effort > 0
    }
    reasons: list[str] = []
    cases = (
        f"年間{volume:,}件" if share == 0 else f"窓口に残る年間{volume * left:,.0f}件 (全{volume:,}件の{percent(left)})"
    )
    parts = []
    if figures.visits:
        parts.append(f"来庁{_count(figures.visits)}回 (往復{config.travel_minutes_per_visit:g}分)")
    if figures.counter_wait_minutes:
        parts.append(f"窓口の待ち{figures.counter_wait_minutes:.3g}分")
    if figures.citizen_effort_minutes:
        written = "記入" if not figures.handwritten_minutes else "手書き・押印の記入"
        parts.append(f"{written}{figures.citizen_effort_minutes:.3g}分")
    where = channels_text(online.existing_channels) if online.existing_channels else "オンライン"
    moving = f"{cases}の{percent(uptake)}が{where}へ (利用率: {uptake_source(procedure, config)})"
    if citizen_hours > 0:
        reasons.append(f"{moving} × ({'・'.join(parts)}) → 住民の時間 {citizen_hours:,.0f}時間/年を削減")
    elif volume and uptake == 0:
        reasons.append(f"{moving}: 削減なし")
    staff_hours = sum(staff_by_step.values())
    if staff_hours > 0:
        reasons.append(
            f"窓口受付 {figures.counter_minutes_per_case:.3g}分/件の{cfg.removed_share:.0%} → {staff_text(staff_hours, config)}"
        )
    if online.status is OnlineStatus.PARTIAL:
        source = "" if online.share is not None else " (割合の記載がなく既定値)"
        reasons.append(f"一部オンライン化済み: {percent(share)} は来庁不要{source}、残る{percent(left)}の件数で計算")
    for what, level in online.city_rules:
        # Model v3, property 7: a requirement the city set itself does not gate; it is reviewed (見直し).
        reasons.append(f"{city_rule_text(what, level)}: 見直せばオンライン化できる")
    if online.existing_channels:
        reasons.append(
            f"{channels_text(online.existing_channels)}から申請可能: 残るのは利用率の向上"
            f" (窓口に残る{percent(left)}、新たな枠は不要)"
        )
    feasibility, factors = feasibility_of(Measure.ONLINE, subject)
    reasons.extend(str(reason) for reason in factors)
    return MeasureGain(
        Measure.ONLINE,
        staff_by_step,
        citizen_hours,
        feasibility,
        tuple(reasons),
        citizen_weight=cfg.citizen_weight,
        staff_weight=cfg.staff_weight,
        uptake=uptake,
        cost_kind="uptake" if online.existing_channels else "online",
    )


def rpa_gain(process: ProcessGraph, figures: Figures, config: ScoringConfig, online_fraction: float) -> MeasureGain:
    """Return what RPA saves: rule-based staff work on electronic data, and transcribing online applications.

    `online_fraction` is the share of cases that arrive online: their rule-based paper `enter` steps become
    the transcription of electronic data into the core system (judgement steps never count).
    """
    cfg = config.rpa
    procedure = process.procedure
    volume = procedure.annual_volume
    candidates: list[CandidateStep] = []
    staff_by_step: dict[str, float] = {}
    rekeyed = transcribed = 0.0
    for node, n, step in _passes(procedure, figures):
        if step.actor not in STAFF_ACTORS or n * step.effort <= 0:
            continue
        if step.medium is Medium.ELECTRONIC and step.rule_based and step.action in cfg.actions:
            share = cfg.rekeying_share if step.action is Action.ENTER else cfg.automation_share
            cases = float(volume)
            rekeyed += n * step.effort if step.action is Action.ENTER else 0.0
        elif step.medium is Medium.PAPER and step.action is Action.ENTER and step.rule_based and online_fraction > 0:
            share = cfg.rekeying_share
            cases = volume * online_fraction
            transcribed += n * step.effort
        else:
            continue
        hours = cases * n * step.effort * share / 60
        staff_by_step[node] = hours
        candidates.append(CandidateStep(Measure.RPA, node, step.name, step.system, n * step.effort, hours))
    if not candidates:
        return no_gain(Measure.RPA)
    total = sum(staff_by_step.values())
    names = "・".join(c.step_name for c in candidates[:3])
    detail = []
    if rekeyed:
        detail.append(f"うち電子データの再入力 {rekeyed:.3g}分")
    if transcribed:
        detail.append(f"オンライン申請{percent(online_fraction)}の基幹システムへの転記 {transcribed:.3g}分")
    extra = f" ({'、'.join(detail)})" if detail else ""
    minutes = sum(c.minutes_per_case for c in candidates)
    reasons = (f"電子データの定型処理 {minutes:.3g}分/件{extra}: {names} → {staff_text(total, config)}",)
    return MeasureGain(Measure.RPA, staff_by_step, 0.0, 1.0, reasons, tuple(candidates), cost_kind="rpa")


def ai_ocr_gain(process: ProcessGraph, figures: Figures, config: ScoringConfig, paper_fraction: float) -> MeasureGain:
    """Return what AI-OCR saves: staff minutes keying the paper cases (`paper_fraction` of all) into systems."""
    cfg = config.ai_ocr
    procedure = process.procedure
    paper_cases = procedure.annual_volume * paper_fraction
    candidates: list[CandidateStep] = []
    staff_by_step: dict[str, float] = {}
    for node, n, step in _passes(procedure, figures):
        if step.actor in STAFF_ACTORS and step.action is Action.ENTER and step.medium is Medium.PAPER:
            if n * step.effort <= 0:
                continue
            hours = paper_cases * n * step.effort * cfg.automation_share / 60
            staff_by_step[node] = hours
            candidates.append(CandidateStep(Measure.AI_OCR, node, step.name, step.system, n * step.effort, hours))
    if not candidates or paper_cases <= 0:
        return no_gain(Measure.AI_OCR)
    total = sum(staff_by_step.values())
    keyed = sum(c.minutes_per_case for c in candidates)
    share = "" if paper_fraction >= 1 else f" (紙で残る{percent(paper_fraction)})"
    reasons = [f"紙からの手入力 {keyed:.3g}分/件 × 年間{paper_cases:,.0f}件{share} → {staff_text(total, config)}"]
    feasibility, factors = feasibility_of(Measure.AI_OCR, Subject(procedure, figures, config, paper_cases))
    reasons.extend(str(reason) for reason in factors)
    return MeasureGain(
        Measure.AI_OCR, staff_by_step, 0.0, feasibility, tuple(reasons), tuple(candidates), cost_kind="ai_ocr"
    )


def bpr_gain(procedure: Procedure, figures: Figures, config: ScoringConfig, stay: float | None = None) -> MeasureGain:
    """Return what reforms without a system save the cases at the counter, never more than the citizen's time.

    Drop seals, stop asking for documents the city issues itself, merge visits, and serve the cases that
    stay at the counter with 予約 (less waiting) and 書かない窓口 (staff fill in the form): model v3,
    property 2. `stay` is the share of all cases still at the counter (today's, when None; after going
    online, what the channel's uptake leaves).
    """
    cfg = config.bpr
    volume = procedure.annual_volume
    left = 1.0 - online_share(procedure, config) if stay is None else stay
    minutes = 0.0
    reasons: list[str] = []
    seals = sum(1 for step in procedure.steps if step.seal and (step.actor is Actor.CITIZEN or step.in_person))
    if seals:
        minutes += seals * cfg.minutes_per_seal
        reasons.append(f"押印{seals}工程の廃止")
    own = [a.name for a in procedure.attachments if a.source is Source.SELF]
    if own:
        minutes += len(own) * cfg.minutes_per_self_issued_attachment
        reasons.append(f"市が発行する添付書類の省略 ({'・'.join(own)})")
    if figures.visits > 1:
        minutes += (figures.visits - 1) * config.travel_minutes_per_visit
        reasons.append(f"来庁{_count(figures.visits)}回を1回に (結果の郵送など)")
    for what, level in procedure.online.city_rules:
        reasons.append(f"{city_rule_text(what, level)}: 市の判断で見直す (見直し)")
    reform = (
        figures.counter_wait_minutes * cfg.reservation_wait_removed_share
        + figures.handwritten_minutes * cfg.handwriting_removed_share
    )
    if reform > 0 and figures.citizen_minutes_per_case > 0:
        minutes += reform
        who = "来庁が必要な手続" if procedure.online.presence_gated else "窓口に残る件数"
        reasons.append(f"{who}: 予約で待ち時間を、書かない窓口で記入を減らす")
    capped = min(minutes, figures.citizen_minutes_per_case)
    if capped < minutes and capped > 0:
        reasons.append(f"(今の住民の時間 {figures.citizen_minutes_per_case:.3g}分/件が上限)")
    hours = volume * left * capped / 60
    if hours <= 0:
        return no_gain(Measure.BPR)
    reasons[0] = reasons[0] + f" → 住民 {hours:,.0f}時間/年"
    return MeasureGain(Measure.BPR, {}, hours, 1.0, tuple(reasons), cost_kind="counter" if reform > 0 else "bpr")


def within(gain: MeasureGain, claimed: dict[str, float], today: dict[str, float], citizen_left: float) -> MeasureGain:
    """Return a gain limited to what earlier measures left: staff hours step by step, and the citizen's hours.

    Hours are never counted twice: a complement saves only from the time its primary measure leaves.
    """
    limited = {
        node: max(0.0, min(hours, today.get(node, 0.0) - claimed.get(node, 0.0)))
        for node, hours in gain.staff_by_step.items()
    }
    citizen = max(0.0, min(gain.citizen_hours, citizen_left))
    if limited == gain.staff_by_step and citizen == gain.citizen_hours:
        return gain
    candidates = tuple(replace(c, hours_per_year=limited.get(c.step_id, 0.0)) for c in gain.candidates)
    return replace(gain, staff_by_step=limited, citizen_hours=citizen, candidates=candidates)


def staff_hours_by_step(procedure: Procedure, figures: Figures) -> dict[str, float]:
    """Return today's staff hours a year at each step."""
    return {
        node: procedure.annual_volume * n * step.effort / 60
        for node, n, step in _passes(procedure, figures)
        if step.actor in STAFF_ACTORS
    }


def _passes(procedure: Procedure, figures: Figures):  # type: ignore[no-untyped-def]
    """Yield (step id, expected passes per case, step) for the steps cases reach, in list order."""
    seen: set[str] = set()
    for step in procedure.steps:
        if step.id in seen:
            continue
        seen.add(step.id)
        n = figures.passes.get(step.id, 0.0)
        if n > 0:
            yield step.id, n, step


def percent(value: float) -> str:
    """Return a share as a reader writes it: 90%, 0.5% (never 0% above 0, nor 100% below 1)."""
    if 0 < value < 0.01 or 0.99 < value < 1:
        text = f"{value:.1%}"
        if text == "0.0%":
            return "0.1%未満"
        if text == "100.0%":
            return "99.9%超"
        return text
    return f"{value:.0%}"


def staff_text(hours: float, config: ScoringConfig) -> str:
    """Return staff hours a year with what they are worth: 職員 1,800時間/年 (1.0人工・7,200千円)."""
    fte = hours / config.hours_per_fte
    thousand_yen = hours * config.staff_cost_per_hour / 1000
    return f"職員 {hours:,.0f}時間/年 ({fte:,.{1 if fte >= 0.1 else 2}f}人工・{thousand_yen:,.0f}千円)"


def _count(value: float) -> str:
    """Return an expected count as a reader writes it: 1, 1.2."""
    return f"{value:.0f}" if abs(value - round(value)) < 0.005 else f"{value:.2g}"
