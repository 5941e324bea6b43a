"""A diff as JSON (the shape of the CLI contract, extended), as text for a terminal, or as Markdown (markdown.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from bpr.diff.labels import (
    RENAME_REASONS,
    field_label,
    kpi_target,
    measure_label,
    met_label,
    online_summary,
    reiwa,
    scores_summary,
    show_value,
    signed,
    steps_summary,
)
from bpr.diff.markdown import render_markdown
from bpr.diff.results import InventoryDiff, ProcedureRef, Side, StepChanges

# Control characters (ANSI escapes start with one), line and paragraph separators, and the bidirectional
# overrides that can make a terminal show text in another order than it is (CVE-2021-42574).
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def diff_record(diff: InventoryDiff) -> dict[str, Any]:
    """Return the diff in the `bpr diff --format json` shape: the contract's keys first, then the additions."""
    mentioned: dict[str, ProcedureRef] = {}
    for ref in (*diff.added, *diff.removed, *(c.procedure for c in diff.changed)):
        mentioned[ref.id] = ref
    for rename in diff.renamed:
        mentioned[rename.old.id], mentioned[rename.new.id] = rename.old, rename.new
    return {
        "old": diff.old.label,
        "new": diff.new.label,
        "added": [ref.id for ref in diff.added],
        "removed": [ref.id for ref in diff.removed],
        "changed": [
            {
                "id": change.procedure.id,
                "fields": list(change.fields),
                "changes": [{"field": v.field, "old": v.old, "new": v.new} for v in change.values],
                **({"steps": _steps_record(change.steps)} if change.steps is not None else {}),
            }
            for change in diff.changed
        ],
        "online_now": [move.procedure.id for move in diff.online_now],
        "kpis": [
            {
                "name": kpi.name,
                "by_fy": kpi.by_fy,
                "old": kpi.old,
                "new": kpi.new,
                "target": kpi.target,
                "old_target": kpi.old_target,
                "old_met": kpi.old_met,
                "new_met": kpi.new_met,
            }
            for kpi in diff.kpis
        ],
        "renamed": [{"old": r.old.id, "new": r.new.id, "by": r.by} for r in diff.renamed],
        "online": [
            {
                "id": m.procedure.id,
                "old_status": m.old_status,
                "new_status": m.new_status,
                "old_share": m.old_share,
                "new_share": m.new_share,
                "old_mynaportal": m.old_mynaportal,
                "new_mynaportal": m.new_mynaportal,
                "plan_done": m.plan_done,
            }
            for m in diff.online_now
        ],
        "volumes": [{"id": v.procedure.id, "old": v.old, "new": v.new} for v in diff.volumes],
        "scores": [
            {
                "id": s.procedure.id,
                "old": s.old_scores,
                "new": s.new_scores,
                "old_rank": s.old_rank,
                "new_rank": s.new_rank,
                "old_hours": s.old_hours,
                "new_hours": s.new_hours,
                "rank_only": not s.own,
            }
            for s in diff.scores
        ],
        "recommendations": [{"id": r.procedure.id, "old": r.old, "new": r.new} for r in diff.recommendations],
        "realised": [
            {
                "id": r.procedure.id,
                "measure": r.measure,
                "expected_hours": r.expected_hours,
                "target_fy": r.target_fy,
                "done_fy": r.done_fy,
            }
            for r in diff.realised
        ],
        "hours_realised": diff.hours_realised,
        "sources": {"old": _side_record(diff.old), "new": _side_record(diff.new)},
        "procedures": {
            ident: {"name": ref.name, "counter": ref.counter, "section": ref.section}
            for ident, ref in sorted(mentioned.items())
        },
    }


def _steps_record(steps: StepChanges) -> dict[str, Any]:
    return {
        "added": list(steps.added),
        "removed": list(steps.removed),
        "changed": [{"id": ident, "fields": list(fields)} for ident, fields in steps.changed],
        "reordered": steps.reordered,
    }


def _side_record(side: Side) -> dict[str, Any]:
    return {
        "kind": side.kind,
        "commit": side.commit,
        "files": side.files,
        "procedures": side.procedures,
        "annual_volume": side.annual_volume,
    }


def render_json(diff: InventoryDiff) -> str:
    """Return the diff as one JSON object, deterministic byte for byte."""
    return json.dumps(diff_record(diff), ensure_ascii=False, indent=2) + "\n"


def terminal_text(text: str) -> str:
    """Return inventory text a terminal shows as typed: control characters and direction overrides replaced."""
    return _TERMINAL_UNSAFE.sub("\ufffd", text)


def _who(ref: ProcedureRef) -> str:
    return terminal_text(f"{ref.id}  {ref.name}  ({ref.section})")


def _side_text(side: Side) -> str:
    commit = f" {side.commit[:12]}" if side.commit else ""
    return terminal_text(f"{side.label}{commit} ({side.files}ファイル・{side.procedures}手続)")


def render_text(diff: InventoryDiff) -> str:
    """Return the diff for a terminal: a summary line, then each kind of change with its procedures."""
    out = [f"棚卸の差分: {_side_text(diff.old)} → {_side_text(diff.new)}"]
    out.append(
        f"追加 {len(diff.added)}件 / 削除 {len(diff.removed)}件 / ID変更 {len(diff.renamed)}件 / "
        f"変更 {len(diff.changed)}件"
    )
    if diff.empty:
        out.append("手続の追加・削除・変更はありません")

    def section(title: str, lines: list[str]) -> None:
        if lines:
            out.extend(["", title, *lines])

    section("追加された手続", [f"  + {_who(ref)}" for ref in diff.added])
    section("削除された手続", [f"  - {_who(ref)}" for ref in diff.removed])
    section(
        "IDが変わった手続",
        [f"  {r.old.id} → {_who(r.new)}  [{RENAME_REASONS[r.by]}]" for r in diff.renamed],
    )
    changed: list[str] = []
    for change in diff.changed:
        changed.append(f"  {_who(change.procedure)}")
        for value in change.values:
            label = field_label(value.field)
            what = f"{label} {value.field}" if label else value.field
            old, new = show_value(value.field, value.old), show_value(value.field, value.new)
            changed.append(terminal_text(f"    {what}: {old} → {new}"))
        if change.steps is not None:
            changed.append(f"    業務フロー steps: {steps_summary(change.steps)}")
    section("変更された手続", changed)
    section("オンライン化が進んだ手続", [f"  {_who(m.procedure)}: {online_summary(m)}" for m in diff.online_now])
    if diff.volumes:
        total = f"合計 {diff.old.annual_volume:,} → {diff.new.annual_volume:,}件"
        section(
            f"年間件数の変化 ({total})",
            [f"  {_who(v.procedure)}: {v.old:,} → {v.new:,} ({signed(v.new - v.old)})" for v in diff.volumes],
        )
    own = [s for s in diff.scores if s.own]
    shifted = len(diff.scores) - len(own)
    section(
        "スコア・順位の変化 (新しい順位順)",
        [
            f"  {_who(s.procedure)}: 順位 {s.old_rank} → {s.new_rank}"
            + (f"、{summary}" if (summary := scores_summary(s)) else "")
            for s in own
        ]
        + ([f"  ほか{shifted}件は他の手続の変化で順位だけが移動 (全件は --format json)"] if shifted else []),
    )
    section(
        "推奨施策の変化",
        [f"  {_who(r.procedure)}: {measure_label(r.old)} → {measure_label(r.new)}" for r in diff.recommendations],
    )
    section(
        f"完了した計画 (実現した削減時間 合計 {diff.hours_realised:,.0f}時間/年)",
        [
            f"  {_who(r.procedure)}: {measure_label(r.measure)} {r.expected_hours:,.0f}時間/年"
            f" (計画 {reiwa(r.target_fy)}" + (f"、完了 {reiwa(r.done_fy)}" if r.done_fy is not None else "") + ")"
            for r in diff.realised
        ],
    )
    section(
        "KPI (計画に置かれた手続の数)",
        [
            terminal_text(f"  {k.name} {reiwa(k.by_fy)}まで 目標{kpi_target(k)}件: 計画 {k.old} → {k.new}件")
            + f" ({met_label(k.old_met)} → {met_label(k.new_met)})"
            for k in diff.kpis
        ],
    )
    return "\n".join(out) + "\n"


RENDERERS_BY_NAME: dict[str, Callable[[InventoryDiff], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
# Written as UTF-8 whatever the console's encoding: they go to files, comments and programs.
MACHINE_FORMATS = frozenset({"markdown", "json"})
