"""The three suitability scores (online, RPA, AI-OCR), simple reforms, and the recommendation.

Each score is an absolute scale: log-scaled hours saved a year times a feasibility factor, computed
from one procedure and the config alone. The formulas are explained in docs/scoring.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bpr.analysis.figures import STAFF_ACTORS
from bpr.analysis.graph import ProcessGraph
from bpr.analysis.results import CandidateStep, Figures, Scores
from bpr.config import ScoringConfig
from bpr.inventory.models import Action, Actor, Measure, Medium, OnlineStatus, Payment, Procedure, Source, Step

MEASURE_ORDER = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR)


@dataclass(frozen=True)
class MeasureGain:
    """Hours a measure saves a year, its feasibility (0–1) and the reasons behind both."""

    hours: float
    feasibility: float
    reasons: tuple[str, ...]
    candidates: tuple[CandidateStep, ...] = ()
    citizen_hours: float = 0.0  # the citizen's share of `hours`; the rest is staff time

    @property
    def staff_hours(self) -> float:
        """Return the staff's share of the hours saved."""
        return self.hours - self.citizen_hours

    @property
    def expected_hours(self) -> float:
        """Return the hours saved weighted by feasibility."""
        return self.hours * self.feasibility


def hours_to_score(hours: float, full_hours: float) -> float:
    """Map hours saved a year onto 0–100: log10(1 + hours), 100 at full_hours and above."""
    if hours <= 0:
        return 0.0
    return min(100.0, 100.0 * math.log10(1.0 + hours) / math.log10(1.0 + full_hours))


def online_gain(procedure: Procedure, figures: Figures, config: ScoringConfig) -> MeasureGain:
    """Return what putting a procedure online saves: the citizen's burden and counter reception work."""
    if procedure.online.status is OnlineStatus.FULL:
        return MeasureGain(0.0, 0.0, ("すでに全てオンライン化済み (オンライン化スコア 0)",))
    cfg = config.online
    volume = procedure.annual_volume
    handwritten, seals, in_person = citizen_marks(procedure)
    burden = (
        figures.citizen_minutes_per_case
        + handwritten * cfg.minutes_per_handwritten_step
        + seals * cfg.minutes_per_seal_step
        + in_person * cfg.minutes_per_in_person_step
    )
    counter_minutes = _counter_minutes(procedure, figures) * cfg.removed_share
    citizen_hours = volume * burden / 60
    staff_hours = volume * counter_minutes / 60
    hours = cfg.citizen_weight * citizen_hours + cfg.staff_weight * staff_hours
    reasons: list[str] = []
    if figures.visits:
        reasons.append(
            f"年間{volume:,}件 × 来庁{figures.visits}回 (往復{config.travel_minutes_per_visit:g}分) → 住民の時間 {figures.citizen_hours:,.0f}時間/年"
        )
    elif figures.citizen_hours > 0:
        reasons.append(
            f"年間{volume:,}件 × 住民の手間 {figures.citizen_minutes_per_case:g}分/件 → {figures.citizen_hours:,.0f}時間/年"
        )
    marks = [
        f"{label}{count}工程"
        for label, count in (("手書き", handwritten), ("押印", seals), ("対面", in_person))
        if count
    ]
    if marks:
        extra = burden - figures.citizen_minutes_per_case
        reasons.append("・".join(marks) + f" (書かせない・来させない: +{extra:g}分/件)")
    if staff_hours > 0:
        reasons.append(f"窓口受付 {counter_minutes:g}分/件の削減 → 職員 {staff_hours:,.0f}時間/年")
    feasibility = 1.0
    if procedure.online.in_person_required_by_law:
        feasibility *= cfg.law_requires_in_person_factor
        reasons.append(f"法令で本人の来庁が必要 (実現性 ×{cfg.law_requires_in_person_factor:g})")
    if procedure.online.status is OnlineStatus.PARTIAL:
        feasibility *= cfg.partial_online_factor
        reasons.append(f"一部オンライン化済み (残る効果 ×{cfg.partial_online_factor:g})")
    paper = [a for a in procedure.attachments if not a.electronic and a.source is not Source.SELF]
    if paper:
        factor = max(cfg.min_attachment_factor, cfg.paper_attachment_factor ** len(paper))
        feasibility *= factor
        reasons.append(f"電子化できない添付書類 {len(paper)}件 (実現性 ×{factor:.2f})")
    if procedure.fee.amount > 0 and set(procedure.fee.payment or [Payment.CASH]) <= {Payment.CASH}:
        feasibility *= cfg.cash_only_fee_factor
        reasons.append(f"手数料{procedure.fee.amount:,}円が現金のみ (実現性 ×{cfg.cash_only_fee_factor:g})")
    return MeasureGain(hours, feasibility, tuple(reasons), citizen_hours=cfg.citizen_weight * citizen_hours)


def citizen_marks(procedure: Procedure) -> tuple[int, int, int]:
    """Count the handwritten, seal and in-person steps the citizen bears (書かせない・来させない).

    Handwriting and seals count where the citizen does them (a citizen step, or a step they attend in
    person); a form a clinic fills in by hand is no burden that going online removes from the citizen.
    """
    handwritten = seals = in_person = 0
    for step in procedure.steps:
        citizen = step.actor is Actor.CITIZEN or step.in_person
        handwritten += step.handwritten and citizen
        seals += step.seal and citizen
        in_person += step.in_person
    return handwritten, seals, in_person


def _counter_minutes(procedure: Procedure, figures: Figures) -> float:
    steps = {step.id: step for step in procedure.steps}
    return sum(steps[s].effort for s in figures.main_path if steps[s].actor is Actor.COUNTER)


def _path_steps(process: ProcessGraph, figures: Figures) -> list[Step]:
    return [process.step(step_id) for step_id in figures.main_path]


def rpa_gain(process: ProcessGraph, figures: Figures, config: ScoringConfig) -> MeasureGain:
    """Return what RPA saves: staff minutes in rule-based steps on electronic data, re-keying above all."""
    cfg = config.rpa
    volume = process.procedure.annual_volume
    candidates: list[CandidateStep] = []
    minutes_total = 0.0
    for step in _path_steps(process, figures):
        if not (step.actor in STAFF_ACTORS and step.rule_based and step.medium is Medium.ELECTRONIC):
            continue
        if step.action.value not in cfg.actions or step.effort <= 0:
            continue
        weight = cfg.rekeying_weight if step.action is Action.ENTER else 1.0
        minutes = step.effort * weight * cfg.automation_share
        minutes_total += minutes
        candidates.append(
            CandidateStep(Measure.RPA, step.id, step.name, step.system, step.effort, volume * minutes / 60)
        )
    hours = volume * minutes_total / 60
    reasons: tuple[str, ...] = ()
    if candidates:
        names = "・".join(c.step_name for c in candidates[:3])
        rekey = sum(c.minutes_per_case for c in candidates if process.step(c.step_id).action is Action.ENTER)
        detail = f" (うち電子データの再入力 {rekey:g}分)" if rekey else ""
        reasons = (
            f"電子データの定型処理 {sum(c.minutes_per_case for c in candidates):g}分/件{detail}: {names} → {hours:,.0f}時間/年",
        )
    return MeasureGain(hours, 1.0, reasons, tuple(candidates))


def ai_ocr_gain(process: ProcessGraph, figures: Figures, config: ScoringConfig) -> MeasureGain:
    """Return what AI-OCR saves: staff minutes keying paper into systems."""
    cfg = config.ai_ocr
    procedure = process.procedure
    volume = procedure.annual_volume
    candidates: list[CandidateStep] = []
    minutes_total = 0.0
    for step in _path_steps(process, figures):
        if (
            step.actor in STAFF_ACTORS
            and step.action is Action.ENTER
            and step.medium is Medium.PAPER
            and step.effort > 0
        ):
            minutes = step.effort * cfg.automation_share
            minutes_total += minutes
            candidates.append(
                CandidateStep(Measure.AI_OCR, step.id, step.name, step.system, step.effort, volume * minutes / 60)
            )
    hours = volume * minutes_total / 60
    if not candidates:
        return MeasureGain(0.0, 0.0, ())
    feasibility = volume / (volume + cfg.half_volume) if volume + cfg.half_volume > 0 else 0.0
    keyed = sum(c.minutes_per_case for c in candidates)
    reasons = [f"紙からの手入力 {keyed:g}分/件 × 年間{volume:,}件 → {hours:,.0f}時間/年"]
    if figures.handwritten_steps:
        feasibility *= cfg.handwritten_factor
        reasons.append(f"手書きの帳票 (読取の実現性 ×{cfg.handwritten_factor:g})")
    if volume < 4 * cfg.half_volume:
        reasons.append(f"件数が少ない (実現性 ×{volume / (volume + cfg.half_volume):.2f})")
    return MeasureGain(hours, feasibility, tuple(reasons), tuple(candidates))


def bpr_gain(procedure: Procedure, figures: Figures, config: ScoringConfig) -> MeasureGain:
    """Return what simple reforms save: drop seals, drop self-issued attachments, merge visits."""
    cfg = config.bpr
    volume = procedure.annual_volume
    minutes = 0.0
    reasons: list[str] = []
    if figures.seal_steps:
        minutes += figures.seal_steps * cfg.minutes_per_seal
        reasons.append(f"押印{figures.seal_steps}工程の廃止")
    own = [a.name for a in procedure.attachments if a.source is Source.SELF]
    if own:
        minutes += len(own) * cfg.minutes_per_self_issued_attachment
        reasons.append(f"市が発行する添付書類の省略 ({'・'.join(own)})")
    if figures.visits > 1:
        minutes += (figures.visits - 1) * config.travel_minutes_per_visit
        reasons.append(f"来庁{figures.visits}回を1回に (結果の郵送など)")
    hours = volume * minutes / 60
    return MeasureGain(hours, 1.0 if minutes else 0.0, tuple(reasons), citizen_hours=hours)


def score_gain(gain: MeasureGain, config: ScoringConfig) -> float:
    """Return the 0–100 score of a measure's gain, rounded to one decimal."""
    return round(hours_to_score(gain.hours, config.scale.full_hours) * gain.feasibility, 1)


def recommend(scores: Scores, bpr: MeasureGain, config: ScoringConfig) -> Measure:
    """Return the best measure when it passes the threshold, `bpr` when only simple reforms apply, else `none`."""
    values = scores.as_dict()
    best = max(MEASURE_ORDER, key=lambda m: values[m.value])  # ties go to the earlier measure
    if values[best.value] >= config.recommend_threshold:
        return best
    if bpr.hours > 0:
        return Measure.BPR
    return Measure.NONE
