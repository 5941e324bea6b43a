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
    field_title,
    fiscal_year,
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
from bpr.diff.results import InventoryDiff, ProcedureRef, Side
from bpr.i18n import _

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
    # GitHub links bare URLs, www. addresses and owner/repo#N (or #N) references on its own, and backlinks the
    # issue from the other repository: a word joiner breaks each pattern and shows the same text (item 18).
    return _AUTOLINK.sub(_joined, "".join(out))


_AUTOLINK = re.compile(r"://|(?i:www)\.|#(?=\d)")


def _joined(match: re.Match[str]) -> str:
    """Return a link's pattern with a word joiner inside: '://' as ':⁠//', 'www.' as 'www⁠.', '#5' as '#⁠5'."""
    text = match.group()
    return text[0] + "\u2060" + text[1:] if text != "#" else "#\u2060"


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
    return side_text(side, code(side.label), f" {code(side.commit[:12])}" if side.commit else "")


def _ref_header() -> list[str]:
    return [_("Procedure id"), _("Procedure name"), _("Section in charge")]


def _render(diff: InventoryDiff, limit: int | None) -> str:
    out = ["## " + _("Inventory diff: {old} → {new}").format(old=_side(diff.old), new=_side(diff.new)), ""]
    own = [s for s in diff.scores if s.own]
    volume = f"{diff.old.annual_volume:,} → {diff.new.annual_volume:,} ({signed(diff.new.annual_volume - diff.old.annual_volume)})"
    saving = _("saving {hours} hours/year").format(hours=f"{diff.hours_realised:,.0f}")
    out += _table(
        [_("Item"), _("Count")],
        [
            [_("Added procedures"), str(len(diff.added))],
            [_("Removed procedures"), str(len(diff.removed))],
            [_("Procedures with a new id"), str(len(diff.renamed))],
            [_("Changed procedures"), str(len(diff.changed))],
            [_("Procedures further online"), str(len(diff.online_now))],
            [_("Procedures with a new annual volume"), str(len(diff.volumes))],
            [_("Annual volume in all"), volume],
            [_("Procedures with new scores"), str(len(own))],
            [_("Procedures moved in rank only"), str(len(diff.scores) - len(own))],
            [_("Procedures with a new recommended measure"), str(len(diff.recommendations))],
            [_("Plans done"), f"{len(diff.realised)} ({saving})"],
        ],
        align="-:",
    )
    if diff.kpis:
        out += ["", "### " + _("KPIs (procedures with a plan)"), ""]
        out += _table(
            ["KPI", _("By"), _("Target"), _("Before"), _("After"), _("Met")],
            [
                [
                    md(k.name),
                    fiscal_year(k.by_fy),
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
        _("Procedures further online"),
        diff.online_now,
        limit,
        [*_ref_header(), _("Change")],
        lambda m: [*_ref_cells(m.procedure), online_summary(m)],
    )
    out += _block(
        _("Annual volume changes"),
        diff.volumes,
        limit,
        [*_ref_header(), _("Before"), _("After"), _("Difference")],
        lambda v: [*_ref_cells(v.procedure), f"{v.old:,}", f"{v.new:,}", signed(v.new - v.old)],
        note=_("in all {old} → {new}").format(old=f"{diff.old.annual_volume:,}", new=f"{diff.new.annual_volume:,}"),
    )
    out += _block(
        _("Score changes"),
        own,
        limit,
        [*_ref_header(), _("Rank"), _("Change")],
        lambda s: [*_ref_cells(s.procedure), f"{s.old_rank} → {s.new_rank}", scores_summary(s)],
        note=_("in the new order of rank"),
    )
    out += _block(
        _("Procedures moved in rank only"),
        [s for s in diff.scores if not s.own],
        limit,
        [*_ref_header(), _("Rank")],
        lambda s: [*_ref_cells(s.procedure), f"{s.old_rank} → {s.new_rank}"],
        note=_("as other procedures changed"),
    )
    out += _block(
        _("Recommended measure changes"),
        diff.recommendations,
        limit,
        [*_ref_header(), _("Before"), _("After")],
        lambda r: [*_ref_cells(r.procedure), measure_label(r.old), measure_label(r.new)],
    )
    done_fy = any(r.done_fy is not None for r in diff.realised)  # a column only where the inventory says
    out += _block(
        _("Plans done"),
        diff.realised,
        limit,
        [
            *_ref_header(),
            _("Measure"),
            _("Expected saving, hours/year"),
            _("Planned FY"),
            *([_("Done FY")] if done_fy else []),
        ],
        lambda r: [
            *_ref_cells(r.procedure),
            measure_label(r.measure),
            f"{r.expected_hours:,.0f}",
            fiscal_year(r.target_fy),
            *([fiscal_year(r.done_fy) if r.done_fy is not None else ""] if done_fy else []),
        ],
        note=saving,
    )
    out += _block(
        _("Effects measured (plan.actual) against what was expected"),
        diff.verified,
        limit,
        [*_ref_header(), _("Measure"), _("Measured")],
        lambda v: [*_ref_cells(v.procedure), measure_label(v.measure), md(verified_line(v))],
    )
    made = _("made by bpr diff {old} {new}").format(old=md(diff.old.label, 60), new=md(diff.new.label, 60))
    out += ["", f"<sub>{made}</sub>"]
    return "\n".join(out) + "\n"


def _procedures_block(diff: InventoryDiff, limit: int | None) -> list[str]:
    total = len(diff.added) + len(diff.removed) + len(diff.renamed) + len(diff.changed)
    if not total:
        return []
    body: list[str] = []
    header = _ref_header()
    if diff.added:
        title = _("Added ({count})").format(count=len(diff.added))
        body += _part(title, header, [_ref_cells(r) for r in diff.added], limit)
    if diff.removed:
        title = _("Removed ({count})").format(count=len(diff.removed))
        body += _part(title, header, [_ref_cells(r) for r in diff.removed], limit)
    if diff.renamed:
        rows = [[code(r.old.id), *_ref_cells(r.new), rename_reason(r.by)] for r in diff.renamed]
        title = _("New ids ({count})").format(count=len(diff.renamed))
        renamed_header = [_("Old id"), _("New id"), _("Procedure name"), _("Section in charge"), _("Matched by")]
        body += _part(title, renamed_header, rows, limit)
    if diff.changed:
        rows = []
        for change in diff.changed[:limit]:
            cells = _ref_cells(change.procedure)
            for value in change.values:
                what = field_title(value.field, code(value.field))
                rows.append(
                    [*cells, what, md(show_value(value.field, value.old)), md(show_value(value.field, value.new))]
                )
                cells = ["", "", ""]
            if change.steps is not None:
                rows.append([*cells, field_title("steps", code("steps")), "", md(steps_summary(change.steps))])
        more = len(diff.changed) - len(diff.changed[:limit])
        body += _part(
            _("Changed ({count})").format(count=len(diff.changed)),
            [*_ref_header(), _("Field"), _("Before"), _("After")],
            rows,
            None,
            more,
        )
    return _details(_("Procedures added, removed or changed ({count})").format(count=total), body)


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
    if note:
        summary = _("{title} ({count}, {note})").format(title=title, count=len(items), note=note)
    else:
        summary = _("{title} ({count})").format(title=title, count=len(items))
    return _details(summary, body)


def _part(title: str, header: list[str], rows: list[list[str]], limit: int | None, more: int = 0) -> list[str]:
    shown = rows[:limit]
    more += len(rows) - len(shown)
    out = [f"#### {title}", ""] if title else []
    out += _table(header, shown) if shown else []
    if more:
        out += ["", _("{count} more (all of them: `bpr diff --format json`)").format(count=more)]
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
