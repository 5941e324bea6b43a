"""A diff as Markdown for a pull-request comment: a summary table, the KPIs, then details in <details> blocks.

Inventory text is hostile: every name and value is escaped for GitHub Flavored Markdown (HTML characters
as entities, inline Markdown punctuation with a backslash, `|` so that a table keeps its columns, line breaks
as spaces, `@` so that no one is mentioned), and it stands only in table cells. Only ids (slugs) and field
paths go into code spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

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
from bpr.diff.results import InventoryDiff, ProcedureRef, Side

# GitHub refuses a comment longer than 65,536 characters: the details are cut to fit under this.
MAX_MARKDOWN_CHARS = 60_000
_ROW_LIMITS = (None, 200, 50, 10, 0)
MAX_TEXT_CHARS = 120
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Hostile text only ever stands inside a table cell, where block syntax (#, -, 1.) has no effect: the
# inline syntax is escaped (emphasis, code, links, tables, strikethrough, math); HTML as entities.
_BACKSLASHED = frozenset("\\`*_[]|~$")
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]+")
Item = TypeVar("Item")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def md(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Return inventory text as Markdown that shows it as typed, on one line, cut at `limit` characters."""
    flat = _UNSAFE.sub("\ufffd", _LINE_BREAKS.sub(" ", text))
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    out = []
    for char in flat:
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char in _BACKSLASHED:
            out.append("\\" + char)
        elif char == "@":
            out.append("@\u2060")  # a word joiner: '@name' mentions no one
        else:
            out.append(char)
    return "".join(out)


def code(ident: str) -> str:
    """Return an id or a field path in a code span (they hold no backtick, pipe or line break; else escaped text)."""
    return f"`{ident}`" if re.fullmatch(r"[A-Za-z0-9_.~^/\-]+", ident) else md(ident)


def render_markdown(diff: InventoryDiff) -> str:
    """Return the diff as a pull-request comment, its details cut so that it stays under GitHub's limit."""
    text = ""
    for limit in _ROW_LIMITS:
        text = _render(diff, limit)
        if len(text) <= MAX_MARKDOWN_CHARS:
            break
    return text


def _side(side: Side) -> str:
    commit = f" {code(side.commit[:12])}" if side.commit else ""
    return f"{code(side.label)}{commit} ({side.files}ファイル・{side.procedures}手続)"


def _render(diff: InventoryDiff, limit: int | None) -> str:
    out = [f"## 棚卸の差分: {_side(diff.old)} → {_side(diff.new)}", ""]
    own = [s for s in diff.scores if s.own]
    volume = f"{diff.old.annual_volume:,} → {diff.new.annual_volume:,} ({signed(diff.new.annual_volume - diff.old.annual_volume)})"
    realised = f"{len(diff.realised)} (実現した削減 {diff.hours_realised:,.0f}時間/年)"
    out += _table(
        ["項目", "件数"],
        [
            ["追加された手続", str(len(diff.added))],
            ["削除された手続", str(len(diff.removed))],
            ["IDが変わった手続", str(len(diff.renamed))],
            ["変更された手続", str(len(diff.changed))],
            ["オンライン化が進んだ手続", str(len(diff.online_now))],
            ["年間件数が変わった手続", str(len(diff.volumes))],
            ["年間件数の合計", volume],
            ["スコアが変わった手続", str(len(own))],
            ["順位だけが移動した手続", str(len(diff.scores) - len(own))],
            ["推奨施策が変わった手続", str(len(diff.recommendations))],
            ["完了した計画", realised],
        ],
        align="-:",
    )
    if diff.kpis:
        out += ["", "### KPI (計画に置かれた手続の数)", ""]
        out += _table(
            ["KPI", "期限", "目標", "変更前", "変更後", "達成"],
            [
                [
                    md(k.name),
                    reiwa(k.by_fy),
                    kpi_target(k),
                    str(k.old),
                    f"{k.new} ({signed(k.new - k.old)})",
                    f"{met_label(k.old_met)} → {met_label(k.new_met)}",
                ]
                for k in diff.kpis
            ],
            align="--:::-",
        )
    out += _procedures_block(diff, limit)
    out += _block(
        "オンライン化が進んだ手続",
        diff.online_now,
        limit,
        ["手続ID", "手続名", "所管課", "変化"],
        lambda m: [*_ref_cells(m.procedure), online_summary(m)],
    )
    out += _block(
        "年間件数の変化",
        diff.volumes,
        limit,
        ["手続ID", "手続名", "所管課", "変更前", "変更後", "増減"],
        lambda v: [*_ref_cells(v.procedure), f"{v.old:,}", f"{v.new:,}", signed(v.new - v.old)],
        note=f"合計 {diff.old.annual_volume:,} → {diff.new.annual_volume:,}",
    )
    out += _block(
        "スコアの変化",
        own,
        limit,
        ["手続ID", "手続名", "所管課", "順位", "変化"],
        lambda s: [*_ref_cells(s.procedure), f"{s.old_rank} → {s.new_rank}", scores_summary(s)],
        note="新しい順位順",
    )
    out += _block(
        "順位だけが移動した手続",
        [s for s in diff.scores if not s.own],
        limit,
        ["手続ID", "手続名", "所管課", "順位"],
        lambda s: [*_ref_cells(s.procedure), f"{s.old_rank} → {s.new_rank}"],
        note="他の手続の変化による",
    )
    out += _block(
        "推奨施策の変化",
        diff.recommendations,
        limit,
        ["手続ID", "手続名", "所管課", "変更前", "変更後"],
        lambda r: [*_ref_cells(r.procedure), measure_label(r.old), measure_label(r.new)],
    )
    done_fy = any(r.done_fy is not None for r in diff.realised)  # a column only where the inventory says
    out += _block(
        "完了した計画",
        diff.realised,
        limit,
        ["手続ID", "手続名", "所管課", "施策", "期待削減 時間/年", "計画年度", *(["完了年度"] if done_fy else [])],
        lambda r: [
            *_ref_cells(r.procedure),
            measure_label(r.measure),
            f"{r.expected_hours:,.0f}",
            reiwa(r.target_fy),
            *([reiwa(r.done_fy) if r.done_fy is not None else ""] if done_fy else []),
        ],
        note=f"実現した削減 {diff.hours_realised:,.0f}時間/年",
    )
    out += ["", f"<sub>bpr diff {md(diff.old.label, 60)} {md(diff.new.label, 60)} で作成</sub>"]
    return "\n".join(out) + "\n"


def _procedures_block(diff: InventoryDiff, limit: int | None) -> list[str]:
    total = len(diff.added) + len(diff.removed) + len(diff.renamed) + len(diff.changed)
    if not total:
        return []
    body: list[str] = []
    header = ["手続ID", "手続名", "所管課"]
    if diff.added:
        body += _part(f"追加 ({len(diff.added)}件)", header, [_ref_cells(r) for r in diff.added], limit)
    if diff.removed:
        body += _part(f"削除 ({len(diff.removed)}件)", header, [_ref_cells(r) for r in diff.removed], limit)
    if diff.renamed:
        rows = [[code(r.old.id), *_ref_cells(r.new), RENAME_REASONS[r.by]] for r in diff.renamed]
        body += _part(f"IDの変更 ({len(diff.renamed)}件)", ["旧ID", "新ID", "手続名", "所管課", "判定"], rows, limit)
    if diff.changed:
        rows = []
        for change in diff.changed[:limit]:
            cells = _ref_cells(change.procedure)
            for value in change.values:
                label = field_label(value.field)
                what = f"{label} {code(value.field)}" if label else code(value.field)
                rows.append(
                    [*cells, what, md(show_value(value.field, value.old)), md(show_value(value.field, value.new))]
                )
                cells = ["", "", ""]
            if change.steps is not None:
                rows.append([*cells, f"業務フロー {code('steps')}", "", md(steps_summary(change.steps))])
        more = len(diff.changed) - len(diff.changed[:limit])
        body += _part(
            f"変更 ({len(diff.changed)}件)",
            ["手続ID", "手続名", "所管課", "項目", "変更前", "変更後"],
            rows,
            None,
            more,
        )
    return _details(f"追加・削除・変更された手続 ({total}件)", body)


def _block(
    title: str,
    items: Sequence[Item],
    limit: int | None,
    header: list[str],
    row: Callable[[Item], list[str]],
    note: str = "",
) -> list[str]:
    if not items:
        return []
    body = _part("", header, [row(item) for item in items[:limit]], None, len(items) - len(items[:limit]))
    return _details(f"{title} ({len(items)}件{'、' + note if note else ''})", body)


def _part(title: str, header: list[str], rows: list[list[str]], limit: int | None, more: int = 0) -> list[str]:
    shown = rows[:limit]
    more += len(rows) - len(shown)
    out = [f"#### {title}", ""] if title else []
    out += _table(header, shown) if shown else []
    if more:
        out += ["", f"ほか{more}件 (全件は `bpr diff --format json` で)"]
    return [*out, ""]


def _details(summary: str, body: list[str]) -> list[str]:
    # The blank line after <summary> makes GitHub read the body as Markdown.
    return ["", f"<details><summary>{summary}</summary>", "", *body, "</details>"]


def _ref_cells(ref: ProcedureRef) -> list[str]:
    return [code(ref.id), md(ref.name), md(ref.section)]


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    marks = [":" if align[i : i + 1] == ":" else "-" for i in range(len(header))]
    rule = ["---:" if mark == ":" else "---" for mark in marks]
    return [_row(header), _row(rule), *(_row(cells) for cells in rows)]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell or " " for cell in cells) + " |"
