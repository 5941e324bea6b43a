"""The title block of a swimlane diagram: what the procedure is, what it costs today, what to do about it.

Figures are expectations per case and hours a year; they are written as a reader writes them
(来庁1.1回, 317時間/年, 0.2人工), and the saving of a recommendation with complements adds up as shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpr.analysis.labels import MEASURE_LABELS, channels_text
from bpr.analysis.planned import Planned, planned_one
from bpr.analysis.results import MeasurePlan, Roadmap, RoadmapItem, ScoredProcedure
from bpr.export.diagram.dot import (
    MEASURE_BORDERS,
    MEASURE_FILLS,
    MUTED_TEXT,
    Html,
    badge,
    badge_width,
    fixed_table,
    format_count,
    format_fte,
    format_hours,
    format_minutes,
    format_volume,
    name_lines,
    round_hours,
    text,
    text_width,
)
from bpr.export.presentation import counter_label
from bpr.fiscal import reiwa
from bpr.inventory.enums import Measure

# The measures in the order the overview's columns show them.
MEASURE_ORDER = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR, Measure.NONE)
NATIONAL_MARK = ("国の優先手続", "#34495e")


def swimlane_title(
    item: ScoredProcedure,
    hours_per_fte: float,
    roadmap: Roadmap | None = None,
    legend: str | None = None,
    back_link: str | None = None,
    planned: Planned | None = None,
) -> Html:
    """Return the title of a procedure's swimlane: name, where, volume, rank, visits, hours today, scores, measures, plan.

    No id is shown (ids are romaji slugs; the file name and the SVG's <title> keep it). A legend table, when
    given, stands beside the title (the left-to-right layout has no room for it below the lanes). With a
    back link (the workbook beside the diagrams, as `bpr build` writes them), the line of the section and
    counter links back to it: in an SVG opened in a browser or a PDF, a click opens the workbook.
    """
    procedure = item.procedure
    name = "<BR/>".join(text(line) for line in name_lines(procedure.name, 60, 2))
    where = f"{item.counter.section} ・ {counter_label(item.counter)}"
    facts = [format_volume(procedure.annual_volume), f"優先順位 {item.rank}位"]
    figures = item.figures
    facts.append(f"来庁{format_count(figures.visits)}回 ・ リードタイム{format_minutes(figures.lead_time_minutes)}")
    today = (
        f"現状: 職員 {format_hours(figures.staff_hours)}/年"
        f" ({format_fte(figures.staff_hours / hours_per_fte)}) ・ 住民 {format_hours(figures.citizen_hours)}/年"
    )
    scores = "".join(
        _score_cell(label, value, measure is item.recommendation)
        for measure, label, value in (
            (Measure.ONLINE, "オンライン", item.scores.online),
            (Measure.RPA, "RPA", item.scores.rpa),
            (Measure.AI_OCR, "AI-OCR", item.scores.ai_ocr),
        )
    )
    plan = _plan_row(item, roadmap)
    title = (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="2">'
        f'<TR><TD><FONT POINT-SIZE="20"><B>{name}</B></FONT></TD></TR>'
        f"{_where_row(where, item.rank, back_link)}"
        f"{plan}"
        f'<TR><TD><FONT POINT-SIZE="12">{text(" ・ ".join(facts))}</FONT></TD></TR>'
        f'<TR><TD><FONT POINT-SIZE="11">{text(today)}</FONT></TD></TR>'
        '<TR><TD><TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" COLOR="#bbbbbb">'
        f"<TR>{scores}{_recommendation_cell(item, planned or planned_one(item, roadmap))}</TR></TABLE></TD></TR>"
        "</TABLE>"
    )
    if legend is None:
        return Html(f"<{title}>")
    return Html(
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR><TD>{title}</TD>'
        f'<TD WIDTH="24"></TD><TD VALIGN="BOTTOM"><FONT POINT-SIZE="11">{legend}</FONT></TD></TR></TABLE>>'
    )


def _where_row(where: str, rank: int, back_link: str | None) -> str:
    """Return the row of the section and counter, linked back to the workbook when there is one."""
    if back_link is None:
        return f'<TR><TD><FONT POINT-SIZE="11" COLOR="{MUTED_TEXT}">{text(where)}</FONT></TD></TR>'
    said = f"{where} ・ 優先順位ワークブックの{rank}位へ"
    href = text(back_link)
    return (
        f'<TR><TD HREF="{href}" TOOLTIP="{text(back_link)}">'
        f'<FONT POINT-SIZE="11" COLOR="{MUTED_TEXT}"><U>{text(said)}</U></FONT></TD></TR>'
    )


def _plan_row(item: ScoredProcedure, roadmap: Roadmap | None) -> str:
    """Return the row of 国の優先手続 and the roadmap's plan for the procedure, or nothing when it has neither."""
    plan = plan_text(item.id, roadmap)
    national = item.procedure.national_priority
    if not plan and not national:
        return ""
    cells = [(badge(*NATIONAL_MARK, size=12), badge_width(NATIONAL_MARK[0], 12))] if national else []
    if national and plan:
        cells.append(('<TD WIDTH="8"></TD>', 8))
    if plan:
        cells.append((f'<TD><FONT POINT-SIZE="12">{text(plan)}</FONT></TD>', text_width(plan, 12) + 4))
    return f"<TR><TD>{fixed_table(cells, 'CENTER', spacing=0, height=18)}</TD></TR>"


def plan_text(procedure_id: str, roadmap: Roadmap | None) -> str:
    """Return what the roadmap does with a procedure's measures: 計画: 令和5年度 オンライン化、RPAは期間内に枠なし.

    Online uptake (the procedure can already be started from マイナポータル) takes no slot and says so; a
    measure placed after its deadline says 期限 令和N年度を超過.
    """
    if roadmap is None:
        return ""
    index = _by_procedure(roadmap)
    planned = sorted(index.items.get(procedure_id, ()), key=lambda i: (i.fy, MEASURE_ORDER.index(i.measure)))
    parts = [f"{reiwa(i.fy)} {MEASURE_LABELS[i.measure]}" for i in planned]
    if procedure_id in index.uptake:
        parts.insert(0, f"{MEASURE_LABELS[Measure.ONLINE]}は利用率の向上")
    unplaced = dict.fromkeys(MEASURE_LABELS[u.measure] for u in index.unscheduled.get(procedure_id, ()))
    if unplaced:
        parts.append(f"{'・'.join(unplaced)}は期間内に枠なし")
    late = sorted({i.deadline_fy for i in planned if i.late and i.deadline_fy is not None})
    if late:
        parts.append(f"期限 {reiwa(late[0])}を超過")
    return "計画: " + "、".join(parts) if parts else ""


@dataclass(frozen=True)
class _RoadmapIndex:
    """A roadmap's placed and unplaced measures by procedure (in the roadmap's order), and its uptake procedures."""

    items: dict[str, list[RoadmapItem]]
    unscheduled: dict[str, list[RoadmapItem]]
    uptake: frozenset[str]


_last_index: tuple[Roadmap, _RoadmapIndex] | None = None


def _by_procedure(roadmap: Roadmap) -> _RoadmapIndex:
    """Return the index of a roadmap, made once for the roadmap every title of a run reads (not once a title)."""
    global _last_index  # one roadmap a run: the index of the last one is kept
    last = _last_index
    if last is not None and last[0] is roadmap:
        return last[1]
    items: dict[str, list[RoadmapItem]] = {}
    for item in roadmap.items:
        items.setdefault(item.procedure, []).append(item)
    unscheduled: dict[str, list[RoadmapItem]] = {}
    for item in roadmap.unscheduled:
        unscheduled.setdefault(item.procedure, []).append(item)
    index = _RoadmapIndex(items, unscheduled, frozenset(pid for pid, _ in roadmap.uptake))
    _last_index = (roadmap, index)
    return index


def _recommendation_cell(item: ScoredProcedure, planned: Planned) -> str:
    """Return the cell of the measures the roadmap holds (オンライン化 ＋ RPA) with the hours they save.

    A plan written in the inventory wins: the cell then names the plan, as the Gantt holds it.
    """
    rec = planned.primary
    plans = planned.figures(item)
    names = " ＋ ".join(MEASURE_LABELS[m] for m in planned.measures)
    lines = [f"<B>{'計画（決定済み）' if planned.fixed else '推奨'}: {text(names)}</B>"]
    if plans:
        # The total is the sum of the parts as shown, so that a reader adding them up finds it.
        shown = [round_hours(plan.expected_hours) for plan in plans]
        saving = f"期待削減 {format_hours(sum(shown))}/年"
        if len(plans) > 1:
            parts = " ＋ ".join(
                f"{MEASURE_LABELS[plan.measure]} {format_hours(hours)}"
                for plan, hours in zip(plans, shown, strict=True)
            )
            saving += f" ({parts})"
        lines.append(f'<FONT POINT-SIZE="11">{text(saving)}</FONT>')
        if plans[0].uptake:
            where = channels_text(item.procedure.online.existing_channels)
            lines.append(f'<FONT POINT-SIZE="10">{text(f"{where}から申請可: 利用率の向上")}</FONT>')
        lines.append(f'<FONT POINT-SIZE="10">{text(economics_line(plans[0]))}</FONT>')
    if planned.overridden:
        computed = " ＋ ".join(MEASURE_LABELS[m] for m in planned.overridden)
        lines.append(f'<FONT POINT-SIZE="10">{text(f"計算上の推奨は {computed}（計画が優先）")}</FONT>')
    # One row per line: Graphviz 2.43 overlaps lines of different font sizes joined by <BR/> in one cell.
    rows = "".join(f"<TR><TD>{line}</TD></TR>" for line in lines)
    return (
        f'<TD BGCOLOR="{MEASURE_FILLS[rec]}" COLOR="{MEASURE_BORDERS[rec]}" BORDER="1">'
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{rows}</TABLE></TD>'
    )


def economics_line(plan: MeasurePlan) -> str:
    """Return model v3's line of the primary measure: its uptake (online), its cost and its payback."""
    parts = []
    if plan.uptake_share is not None:
        parts.append(f"利用率 {plan.uptake_share:.0%} (見込み)")
    parts.append(f"費用 初期{plan.cost_initial:,.0f}千円・年{plan.cost_annual:,.0f}千円")
    if plan.payback_years is None:
        parts.append("職員分では回収しない")
    elif plan.cost_initial > 0:
        parts.append("回収 0.1年未満" if plan.payback_years < 0.1 else f"回収 {plan.payback_years:g}年")
    return "・".join(parts)


def _score_cell(label: str, value: float, recommended: bool) -> str:
    inner = f"{text(label)} {value:.1f}"
    return f"<TD><B>{inner}</B></TD>" if recommended else f"<TD>{inner}</TD>"
