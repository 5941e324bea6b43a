"""Japanese labels of the fields a diff reports, and values shown as a person reads them."""

from __future__ import annotations

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.roadmap import reiwa
from bpr.diff.results import JsonValue, KpiMove, OnlineMove, ScoreMove, StepChanges
from bpr.inventory.models import Measure

__all__ = [
    "FIELD_LABELS",
    "RENAME_REASONS",
    "field_label",
    "kpi_target",
    "measure_label",
    "met_label",
    "online_summary",
    "reiwa",
    "scores_summary",
    "show_value",
    "signed",
    "step_field_label",
    "steps_summary",
]

FIELD_LABELS: dict[str, str] = {
    "counter": "窓口",
    "name": "手続名",
    "kind": "手続類型",
    "legal_basis": "根拠法令",
    "annual_volume": "年間件数",
    "volume_source": "件数の出典",
    "national_id": "国の手続ID",
    "flow_source": "業務フローの出典",
    "life_events": "ライフイベント",
    "national_priority": "国の優先手続",
    "online.status": "オンライン化の状況",
    "online.channel": "オンラインの手段",
    "online.in_person_required_by_law": "法令上の来庁義務",
    "online.identity_check": "本人確認",
    "online.share": "来庁不要の割合",
    "online.mynaportal": "マイナポータル",
    "fee.amount": "手数料",
    "fee.payment": "支払方法",
    "attachments": "添付書類",
    "plan.measure": "計画の施策",
    "plan.target_fy": "計画の年度",
    "plan.progress": "計画の進捗",
    "plan.done_fy": "完了年度",
    "steps": "業務フロー",
    "issues": "課題",
    "notes": "備考",
    "survey": "国の調査の回答",
}
STEP_FIELD_LABELS: dict[str, str] = {
    "name": "工程名",
    "actor": "担当",
    "action": "作業",
    "medium": "媒体",
    "handwritten": "手書き",
    "seal": "押印",
    "in_person": "来庁",
    "rule_based": "定型",
    "effort": "作業時間",
    "wait": "待ち時間",
    "system": "システム",
    "next": "次の工程",
}
SCORE_NAMES: dict[str, str] = {"online": "オンライン", "rpa": "RPA", "ai_ocr": "AI-OCR"}
RENAME_REASONS: dict[str, str] = {"national_id": "国の手続IDが同じ", "name": "同じ窓口で手続名が同じ"}
MAX_VALUE_CHARS = 80


def field_label(field: str) -> str:
    """Return the Japanese label of a dotted field path (`survey.*` by its block), or '' when it has none."""
    return FIELD_LABELS.get(field) or FIELD_LABELS.get(field.split(".")[0], "")


def step_field_label(field: str) -> str:
    """Return the Japanese label of a step's field, or the field itself."""
    return STEP_FIELD_LABELS.get(field, field)


def measure_label(measure: str) -> str:
    """Return the Japanese label of a measure given by its value ('ai_ocr' → 'AI-OCR')."""
    return MEASURE_LABELS[Measure(measure)]


def show_value(field: str, value: JsonValue) -> str:
    """Return a value as a person reads it: 'なし' for nothing, thousands separators, 和暦 for fiscal years."""
    text = _show(value, fiscal_year=field.endswith("_fy"))
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _show(value: JsonValue, fiscal_year: bool = False) -> str:
    if value is None:
        return "なし"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, int):
        return reiwa(value) if fiscal_year else f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "、".join(_show(item) for item in value) if value else "なし"
    if isinstance(value, dict):
        # An attachment or a branch: its name (or target) first, then what else it says.
        head = value.get("name", value.get("to"))
        rest = [f"{k}={_show(v)}" for k, v in value.items() if k not in ("name", "to") and v not in (None, False)]
        return f"{_show(head)} ({', '.join(rest)})" if rest else _show(head)
    return str(value)


def signed(number: float) -> str:
    """Return a difference with its sign and thousands separators (+2,632, -15, ±0)."""
    if number == 0:
        return "±0"
    return f"{number:+,.1f}".removesuffix(".0")


def steps_summary(steps: StepChanges) -> str:
    """Return how the steps differ in one line: added, removed and changed step ids, and a new order."""
    parts = []
    if steps.added:
        parts.append(f"追加 {'・'.join(steps.added)}")
    if steps.removed:
        parts.append(f"削除 {'・'.join(steps.removed)}")
    if steps.changed:
        changed = (f"{ident} ({'・'.join(step_field_label(f) for f in fields)})" for ident, fields in steps.changed)
        parts.append(f"変更 {'、'.join(changed)}")
    if steps.reordered:
        parts.append("順序の変更")
    return " / ".join(parts)


def online_summary(move: OnlineMove) -> str:
    """Return what moved a procedure further online: status, share of cases, マイナポータル, a plan done."""
    parts = []
    if move.old_status != move.new_status:
        parts.append(f"状況 {move.old_status} → {move.new_status}")
    if move.old_share != move.new_share:
        parts.append(f"来庁不要の割合 {move.old_share:.0%} → {move.new_share:.0%}")
    if move.new_mynaportal and not move.old_mynaportal:
        parts.append("マイナポータル対応")
    if move.plan_done:
        parts.append("オンライン化の計画が完了")
    return "、".join(parts)


def scores_summary(move: ScoreMove) -> str:
    """Return the scores and expected hours that moved, as 'オンライン 80.1 → 20.3'."""
    parts = [
        f"{SCORE_NAMES[key]} {move.old_scores[key]:.1f} → {value:.1f}"
        for key, value in move.new_scores.items()
        if move.old_scores.get(key) != value
    ]
    if move.old_hours != move.new_hours:
        parts.append(f"期待削減 {move.old_hours:,.0f} → {move.new_hours:,.0f}時間/年")
    return "、".join(parts)


def kpi_target(kpi: KpiMove) -> str:
    """Return a KPI's target, as 'old → new' when it moved with its population."""
    return str(kpi.target) if kpi.target == kpi.old_target else f"{kpi.old_target} → {kpi.target}"


def met_label(met: bool) -> str:
    """Return 達成 or 未達."""
    return "達成" if met else "未達"
