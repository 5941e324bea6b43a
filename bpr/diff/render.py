"""A diff as JSON (the shape of the CLI contract, extended), as text for a terminal, or as Markdown (markdown.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bpr.diff.labels import (
    field_title,
    fiscal_year,
    joined,
    kpi_target,
    measure_label,
    met_label,
    online_summary,
    rename_reason,
    scores_summary,
    show_value,
    side_text,
    signed,
    steps_summary,
    verified_line,
)
from bpr.diff.markdown import render_markdown
from bpr.diff.results import InventoryDiff, ProcedureRef, Side, StepChanges
from bpr.i18n import _, ngettext
from bpr.textsafe import terminal_text


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
        "verified": [
            {
                "id": v.procedure.id,
                "measure": v.measure,
                "measured_fy": v.measured_fy,
                "staff_minutes_saved": {"expected": v.expected_saving, "measured": v.measured_saving},
                "ratio": v.ratio,
                "online_share": {"expected": v.online_expected, "measured": v.online_measured},
            }
            for v in diff.verified
        ],
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


def _who(ref: ProcedureRef) -> str:
    return terminal_text(f"{ref.id}  {ref.name}  ({ref.section})")


def _side_text(side: Side) -> str:
    return terminal_text(side_text(side, side.label, f" {side.commit[:12]}" if side.commit else ""))


def render_text(diff: InventoryDiff) -> str:
    """Return the diff for a terminal: a summary line, then each kind of change with its procedures."""
    out = [_("Inventory diff: {old} → {new}").format(old=_side_text(diff.old), new=_side_text(diff.new))]
    out.append(
        _("added {added} / removed {removed} / new id {renamed} / changed {changed}").format(
            added=len(diff.added), removed=len(diff.removed), renamed=len(diff.renamed), changed=len(diff.changed)
        )
    )
    if diff.empty:
        out.append(_("no procedure was added, removed or changed"))

    def section(title: str, lines: list[str]) -> None:
        if lines:
            out.extend(["", title, *lines])

    section(_("Added procedures"), [f"  + {_who(ref)}" for ref in diff.added])
    section(_("Removed procedures"), [f"  - {_who(ref)}" for ref in diff.removed])
    section(
        _("Procedures with a new id"),
        [f"  {r.old.id} → {_who(r.new)}  [{rename_reason(r.by)}]" for r in diff.renamed],
    )
    changed: list[str] = []
    for change in diff.changed:
        changed.append(f"  {_who(change.procedure)}")
        for value in change.values:
            old, new = show_value(value.field, value.old), show_value(value.field, value.new)
            changed.append(terminal_text(f"    {field_title(value.field)}: {old} → {new}"))
        if change.steps is not None:
            changed.append(f"    {field_title('steps')}: {steps_summary(change.steps)}")
    section(_("Changed procedures"), changed)
    section(_("Procedures further online"), [f"  {_who(m.procedure)}: {online_summary(m)}" for m in diff.online_now])
    if diff.volumes:
        total = _("in all {old} → {new} a year").format(
            old=f"{diff.old.annual_volume:,}", new=f"{diff.new.annual_volume:,}"
        )
        section(
            f"{_('Annual volume changes')} ({total})",
            [f"  {_who(v.procedure)}: {v.old:,} → {v.new:,} ({signed(v.new - v.old)})" for v in diff.volumes],
        )
    own = [s for s in diff.scores if s.own]
    shifted = len(diff.scores) - len(own)
    section(
        _("Score and rank changes (in the new order of rank)"),
        [f"  {_who(s.procedure)}: {_score_line(s.old_rank, s.new_rank, scores_summary(s))}" for s in own]
        + (
            [
                "  "
                + ngettext(
                    "{count} other moved in rank only, as other procedures changed (all of them: --format json)",
                    "{count} others moved in rank only, as other procedures changed (all of them: --format json)",
                    shifted,
                ).format(count=shifted)
            ]
            if shifted
            else []
        ),
    )
    section(
        _("Recommended measure changes"),
        [f"  {_who(r.procedure)}: {measure_label(r.old)} → {measure_label(r.new)}" for r in diff.recommendations],
    )
    section(
        _("Plans done (hours saved in all: {hours} hours/year)").format(hours=f"{diff.hours_realised:,.0f}"),
        [
            f"  {_who(r.procedure)}: {_realised_line(r.measure, r.expected_hours, r.target_fy, r.done_fy)}"
            for r in diff.realised
        ],
    )
    section(
        _("Effects measured (plan.actual) against what was expected"),
        [f"  {_who(v.procedure)}: {verified_line(v)}" for v in diff.verified],
    )
    section(
        _("KPIs (procedures with a plan)"),
        [
            "  "
            + _("{name} by {year}, target {target}: planned {old} → {new} ({old_met} → {new_met})").format(
                name=terminal_text(k.name),
                year=fiscal_year(k.by_fy),
                target=kpi_target(k),
                old=k.old,
                new=k.new,
                old_met=met_label(k.old_met),
                new_met=met_label(k.new_met),
            )
            for k in diff.kpis
        ],
    )
    return "\n".join(out) + "\n"


def _score_line(old_rank: int, new_rank: int, summary: str) -> str:
    rank = _("rank {old} → {new}").format(old=old_rank, new=new_rank)
    return joined([rank, summary]) if summary else rank


def _realised_line(measure: str, hours: float, target_fy: int, done_fy: int | None) -> str:
    fields = {"measure": measure_label(measure), "hours": f"{hours:,.0f}", "planned": fiscal_year(target_fy)}
    if done_fy is None:
        return _("{measure} {hours} hours/year (planned {planned})").format(**fields)
    return _("{measure} {hours} hours/year (planned {planned}, done {done})").format(
        **fields, done=fiscal_year(done_fy)
    )


RENDERERS_BY_NAME: dict[str, Callable[[InventoryDiff], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
# Written as UTF-8 whatever the console's encoding: they go to files, comments and programs.
MACHINE_FORMATS = frozenset({"markdown", "json"})
