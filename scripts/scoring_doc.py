"""The figures of docs/scoring.md, from the code: every block between generated markers is written here.

    .venv/bin/python scripts/scoring_doc.py          # rewrite the generated blocks of docs/scoring.md
    .venv/bin/python scripts/scoring_doc.py --check  # exit 1 when a block differs from what the code gives

A block sits between `<!-- generated: NAME -->` and `<!-- end: NAME -->`; the text around it is written by
hand and holds no figure of the sample. tests/test_scoring_doc.py runs the check, so that the page cannot
go stale again. The sample is analysed with the default config, judged in 令和8年度 (`current_fy: 2026`)
so that the page does not change with the calendar. The v2 column of the v2 → v3 table comes from
tests/data/scoring-v2-sample.json: bpr at commit d5f8c4d (model 2) run on the same inventories.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpr.analysis import factors  # noqa: E402
from bpr.analysis.economics import uptake_at  # noqa: E402
from bpr.analysis.factor import Acts  # noqa: E402
from bpr.analysis.labels import MEASURE_LABELS  # noqa: E402
from bpr.analysis.pipeline import analyse_inventory  # noqa: E402
from bpr.analysis.ranking import COST_SOURCES  # noqa: E402
from bpr.analysis.results import Analysis, KpiStatus, MeasurePlan, RoadmapItem, ScoredProcedure  # noqa: E402
from bpr.analysis.scope import Scope  # noqa: E402
from bpr.analysis.scores import hours_to_score  # noqa: E402
from bpr.analysis.summary import summarise  # noqa: E402
from bpr.config import Config  # noqa: E402
from bpr.export.diagram.dot import format_minutes, format_share  # noqa: E402
from bpr.export.presentation import UPTAKE_LABEL  # noqa: E402
from bpr.export.report.tables import ITEM_SEPARATOR, NUMBERS  # noqa: E402
from bpr.export.tables.model import Column, Items, Link, MeasureMark, Status, Table, cells_of  # noqa: E402
from bpr.export.tables.overview import counts_table, hours_table, outlook_table, years_table  # noqa: E402
from bpr.export.tables.priority import payback_label, priority_table  # noqa: E402
from bpr.export.workbook.labels import kpi_status_label  # noqa: E402
from bpr.export.workbook.method_sheet import settings  # noqa: E402
from bpr.fiscal import reiwa  # noqa: E402
from bpr.i18n import translate  # noqa: E402
from bpr.inventory.enums import Measure  # noqa: E402
from bpr.inventory.loader import load_inventory  # noqa: E402
from bpr.inventory.models import Procedure, Step  # noqa: E402
from bpr.inventory.vocabulary import ACTOR_LABELS, MEDIUM_LABELS  # noqa: E402

DOC = ROOT / "docs" / "scoring.md"
V2 = ROOT / "tests" / "data" / "scoring-v2-sample.json"
TODAY_FY = 2026
WORKED = "shuno-koza"
TOP = 15
_BLOCK = re.compile(r"(<!-- generated: (?P<name>[a-z0-9-]+) -->\n)(?P<body>.*?)(<!-- end: (?P=name) -->)", re.S)


def analyse(**config: Any) -> Analysis:
    """Return the sample's analysis with the default config, judged in 令和8年度, and any overrides."""
    inventory, _ = load_inventory([ROOT / "inventories"], use_cache=False)
    data: dict[str, Any] = {"roadmap": {"current_fy": TODAY_FY}}
    for section, values in config.items():
        data[section] = {**data.get(section, {}), **values}
    return analyse_inventory(inventory, Config.model_validate(data))


def h(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def measures_text(item: ScoredProcedure) -> str:
    primary = next((m for m in item.measures if m.role == "primary"), None)
    name = "none" if primary is None else ("uptake" if primary.uptake else primary.measure.value)
    rest = [m.measure.value + ("" if m.role == "complement" else f" ({m.role})") for m in item.measures[1:]]
    return " + ".join([name, *rest])


def payback_text(plan: MeasurePlan | None) -> str:
    if plan is None:
        return "—"
    if plan.payback_years is None:
        return "never"
    if plan.payback_years < 0.1 and plan.cost_initial > 0:
        return "< 0.1"
    return f"{plan.payback_years:g}"


def block_factors(analysis: Analysis) -> str:
    """Return the table of gates and factors: one row per factor of the registry, in the order they apply."""
    scoring = analysis.config.scoring
    rows = [
        "| measure | factor | reads | when | effect (default config) | config key | reason (its Japanese) |",
        "|---|---|---|---|---|---|---|",
    ]
    for factor in factors.FACTORS:
        reads = ", ".join(f"`{field}`" for field in factor.reads)
        keys = ", ".join(f"`{key}`" for key in factor.settings) or "—"
        said = " / ".join(f"「{translate(msgid, 'ja')}」" for msgid in factor.reasons)
        rows.append(
            f"| {factor.measure.value} | `{factor.key}` ({factor.acts.value}) | {reads} | {factor.doc.condition}"
            f" | {factor.doc.effect(scoring)} | {keys} | {said} |"
        )
    return "\n".join(rows) + "\n"


def block_top(analysis: Analysis) -> str:
    rows = [
        "| rank | procedure | volume | recommendation (+ complements) | E h/yr | staff h | citizen h"
        " | initial 千円 | annual 千円 | staff 千円/yr | net 千円/yr | payback yr |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for item in analysis.procedures[:TOP]:
        p = item.measures[0] if item.measures else None
        rows.append(
            f"| {item.rank} | {item.procedure.name} | {item.procedure.annual_volume:,} | {measures_text(item)}"
            f" | {h(item.priority_hours)} | {h(p.expected_staff_hours if p else 0)}"
            f" | {h(p.expected_citizen_hours if p else 0)} | {h(p.cost_initial if p else 0, 0)}"
            f" | {h(p.cost_annual if p else 0, 0)} | {h(p.staff_thousand_yen if p else 0)}"
            f" | {h(p.net_benefit if p else 0)} | {payback_text(p)} |"
        )
    return "\n".join(rows) + "\n"


def _why(item: ScoredProcedure, old: dict[str, Any], analysis: Analysis) -> str:
    """Say, from the figures, why a procedure moved between v2 and v3."""
    primary = item.measures[0] if item.measures else None
    reasons = []
    if primary is not None and primary.uptake:
        channels = "・".join(c.value for c in item.procedure.online.existing_channels)
        reasons.append(
            f"a channel exists ({channels}): uptake, no slot; {primary.uptake_share:.0%} of the cases left move"
        )
    elif primary is not None and primary.measure is Measure.ONLINE:
        reasons.append(f"online saves the {primary.uptake_share:.0%} of the cases left that move, not all")
    if old["recommendation"] == "online" and item.recommendation is Measure.BPR:
        reasons.append("予約・書かない窓口 for the cases at the counter now outweighs online at its uptake")
    if item.recommendation is Measure.BPR and old["recommendation"] == "bpr":
        reasons.append(
            "BPR now also serves every case at the counter (予約・書かない窓口), not only where a law requires presence"
        )
    if any(m.measure is Measure.BPR and m.role == "complement" for m in item.measures):
        reasons.append("the cases that stay get 予約・書かない窓口 as a complement")
    if any(m.standard_systems for m in item.measures):
        reasons.append("its RPA/AI-OCR wait for 標準化 (after 令和7年度)")
    return "; ".join(reasons) or "others moved around it"


def block_v2v3(analysis: Analysis) -> str:
    old = json.loads(V2.read_text(encoding="utf-8"))
    by_id = {p["id"]: p for p in old["procedures"]}
    rows = [
        "| procedure | v2 rank | v2 recommendation | v2 E h/yr | v3 rank | v3 recommendation | v3 E h/yr | v3 initial / annual 千円 | payback yr | why it moved |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    top_v2 = sorted(by_id.values(), key=lambda p: p["rank"])[:TOP]
    current = {item.id: item for item in analysis.procedures}
    for entry in top_v2:
        item = current[entry["id"]]
        p = item.measures[0] if item.measures else None
        v2_text = " + ".join(
            [entry["recommendation"], *(m["measure"] for m in entry["measures"] if m["role"] == "complement")]
        )
        rows.append(
            f"| {item.procedure.name} | {entry['rank']} | {v2_text} | {h(entry['priority_hours'])} | {item.rank}"
            f" | {measures_text(item)} | {h(item.priority_hours)}"
            f" | {h(p.cost_initial if p else 0, 0)} / {h(p.cost_annual if p else 0, 0)} | {payback_text(p)}"
            f" | {_why(item, entry, analysis)} |"
        )
    return "\n".join(rows) + "\n"


class Worked(NamedTuple):
    """The worked example's procedure and every figure its text derives, for the English and the Japanese block."""

    item: ScoredProcedure
    config: Config
    volume: int
    share: float
    uptake: float
    plain: float  # the citizen's own minutes a case that are neither handwritten nor sealed
    online_minutes: float  # what a case that moves online saves, in minutes
    reform: float  # 予約 and 書かない窓口: the minutes of wait and handwriting the reform removes
    items: list[RoadmapItem]  # its measures placed on the roadmap
    waiting: list[RoadmapItem]  # and those that are not

    @property
    def left(self) -> float:
        """Return the cases a year left at the counter."""
        return self.volume * (1 - self.share)

    @property
    def online_plan(self) -> MeasurePlan | None:
        """Return the online measure the procedure carries, if any."""
        return next((m for m in self.item.measures if m.measure is Measure.ONLINE), None)

    @property
    def removed(self) -> float | None:
        """Return the citizen minutes a case the BPR primary removes, when online is its complement (else None)."""
        online = self.online_plan
        if online is None or online.role != "complement" or self.item.recommendation is not Measure.BPR:
            return None
        return self.item.measures[0].citizen_hours * 60 / self.left

    def when(self, placed: RoadmapItem, words: dict[str, str]) -> str:
        """Return the fiscal year a measure is placed in, or why it is not placed, in the block's words."""
        if placed in self.items:
            return reiwa(placed.fy)
        if placed.deferred:
            return words["deferred"].format(fy=reiwa(self.config.standardization.migration_fy))
        return words["no room"]


def worked(analysis: Analysis) -> Worked:
    """Return the worked example's figures, checking that the page's derivation gives the code's online hours."""
    item = next(p for p in analysis.procedures if p.id == WORKED)
    config: Config = analysis.config
    f = item.figures
    volume = item.procedure.annual_volume
    share = item.online_share
    uptake = uptake_at(item.procedure, config.scoring, None)
    online = config.scoring.online
    plain = f.citizen_effort_minutes - f.handwritten_minutes
    online_minutes = (
        f.travel_minutes
        + f.counter_wait_minutes
        + plain * online.citizen_effort_removed_share
        + f.handwritten_minutes * online.handwritten_effort_removed_share
    )
    # The page's own derivation must give the code's figure, or the worked example would explain another number.
    derived = volume * (1 - share) * uptake * online_minutes / 60
    if abs(derived - item.hours_saved["online"]) > 0.06:
        raise SystemExit(f"the worked example derives {derived:.1f} h, the code says {item.hours_saved['online']} h")
    bpr = config.scoring.bpr
    reform = (
        f.counter_wait_minutes * bpr.reservation_wait_removed_share
        + f.handwritten_minutes * bpr.handwriting_removed_share
    )
    return Worked(
        item=item,
        config=config,
        volume=volume,
        share=share,
        uptake=uptake,
        plain=plain,
        online_minutes=online_minutes,
        reform=reform,
        items=[i for i in analysis.roadmap.items if i.procedure == item.id],
        waiting=[i for i in analysis.roadmap.unscheduled if i.procedure == item.id],
    )


def block_worked(analysis: Analysis) -> str:
    w = worked(analysis)
    item, config, volume, share, uptake = w.item, w.config, w.volume, w.share, w.uptake
    f = item.figures
    online = config.scoring.online
    plain, online_minutes, reform = w.plain, w.online_minutes, w.reform
    bpr = config.scoring.bpr
    online_plan = w.online_plan
    lines = [
        f"**Today** ({volume:,} cases a year, online share {share:g}): visits {f.visits:.3f}; citizen minutes a case"
        f" {f.citizen_minutes_per_case:.3f} (trips {f.travel_minutes:.3f}, counter wait {f.counter_wait_minutes:.3f},"
        f" own steps {f.citizen_effort_minutes:.3f} of which handwritten or sealed {f.handwritten_minutes:.3f}) →"
        f" **{h(f.citizen_hours)} citizen h**; staff {f.staff_minutes_per_case:.3f} min a case → **{h(f.staff_hours)} staff h**.",
        "",
        f"**Online, expected** (property 1): a case that moves saves {f.travel_minutes:.3f} + {f.counter_wait_minutes:.3f}"
        f" + {plain:.3f} × {online.citizen_effort_removed_share:g} + {f.handwritten_minutes:.3f} ×"
        f" {online.handwritten_effort_removed_share:g} = {online_minutes:.3f} min. Of the {volume * (1 - share):,.0f} cases"
        f" left, the uptake moves {uptake:.0%} ({config.scoring.uptake.years} years, {config.scoring.uptake.curve}):"
        f" {volume:,} × {1 - share:g} × {uptake:g} × {online_minutes:.3f} ÷ 60 = **{h(item.hours_saved['online'])} h**"
        f" (v2 counted all the cases left: {h(volume * (1 - share) * online_minutes / 60)} h). Feasibility"
        f" {item.feasibility['online']:g} → E = **{h(item.expected_hours['online'])}**, score {item.scores.online:.2f}.",
        "",
        f"**BPR** (property 2): seals, documents the city issues itself, merged visits and, for the cases at the counter,"
        f" 予約 ({bpr.reservation_wait_removed_share:g} of the wait) and 書かない窓口 ({bpr.handwriting_removed_share:g} of"
        f" the handwriting: {reform:.3f} min) → **{h(item.hours_saved['bpr'])} h**, E {h(item.expected_hours['bpr'])}.",
        "",
        f"**Recommendation**: {MEASURE_LABELS[item.recommendation]} ({item.recommendation.value}), the most expected hours"
        f" ({h(item.priority_hours)}); rank {item.rank}.",
    ]
    if w.removed is not None and online_plan is not None:
        removed = w.removed
        lines += [
            "",
            f"**Online as a complement**: a case that moves after the reform has {f.citizen_minutes_per_case:.3f} −"
            f" {removed:.3f} = {f.citizen_minutes_per_case - removed:.3f} min left, below the {online_minutes:.3f} online"
            f" would save alone: {volume:,} × {1 - share:g} × {uptake:g} × {min(online_minutes, f.citizen_minutes_per_case - removed):.3f}"
            f" ÷ 60 = **{h(online_plan.citizen_hours)} h**, E {h(online_plan.expected_hours)} (never counted twice).",
        ]
    lines += [
        "",
        "**Cost and payback** (property 4), each measure the procedure carries:",
        "",
        "| measure | role | cost from | initial 千円 | annual 千円 | expected staff h | staff 千円/yr | net 千円/yr | payback yr | 標準化 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in item.measures:
        lines.append(
            f"| {m.measure.value} | {m.role} | {m.cost_source} | {h(m.cost_initial, 0)} | {h(m.cost_annual, 0)}"
            f" | {h(m.expected_staff_hours)} | {h(m.staff_thousand_yen)} | {h(m.net_benefit)} | {payback_text(m)}"
            f" | {'・'.join(m.standard_systems) or '—'} |"
        )
    lines += [
        "",
        "**On the roadmap** (expected hours by fiscal year, staff / citizen; nothing in the year a measure is built):",
        "",
    ]
    years = analysis.roadmap.fiscal_years
    lines.append("| measure | year | " + " | ".join(reiwa(fy) for fy in years) + " | steady |")
    lines.append("|---|---|" + "---|" * (len(years) + 1))
    words = {"deferred": "not placed (標準化: after {fy})", "no room": "not placed (no room)"}
    for placed in [*w.items, *w.waiting]:
        cells = " | ".join(f"{h(s, 0)} / {h(c, 0)}" for _, s, c in placed.savings)
        lines.append(
            f"| {placed.measure.value} | {w.when(placed, words)} | {cells} | {h(placed.steady_staff_hours, 0)} / {h(placed.steady_citizen_hours, 0)} |"
        )
    return "\n".join(lines) + "\n"


def block_roadmap(analysis: Analysis) -> str:
    roadmap = analysis.roadmap
    years = roadmap.fiscal_years
    rows = [
        "| fiscal year | "
        + " | ".join(MEASURE_LABELS[m] for m in (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR))
        + " |"
    ]
    rows.append("|---|---|---|---|---|")
    for fy in years:
        counts = [
            sum(1 for i in roadmap.items if i.fy == fy and i.measure is m)
            for m in (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR)
        ]
        rows.append(f"| {reiwa(fy)} | " + " | ".join(str(c) for c in counts) + " |")
    deferred = sum(1 for i in roadmap.unscheduled if i.deferred)
    lines = [
        *rows,
        "",
        f"{len(roadmap.items)} measures are placed, {len(roadmap.unscheduled)} are not ({deferred} of them RPA or AI-OCR"
        f" on 標準化 systems, after {reiwa(analysis.config.standardization.migration_fy)}); {len(roadmap.uptake_items)}"
        " procedures have a channel already and carry an uptake measure (利用促進) that takes no slot.",
        "",
        "By fiscal year (citizens and staff apart; worth = staff hours at 4,000 円/h; net = worth − initial − annual):",
        "",
        "| fiscal year | staff h | citizen h | worth 千円 | initial 千円 | annual 千円 | net 千円 |",
        "|---|---|---|---|---|---|---|",
    ]
    for year in [*roadmap.by_year, roadmap.steady]:
        assert year is not None
        label = "steady state" if year.fy is None else reiwa(year.fy)
        lines.append(
            f"| {label} | {h(year.staff_hours)} | {h(year.citizen_hours)} | {h(year.worth)} | {h(year.initial)}"
            f" | {h(year.annual)} | {h(year.net)} |"
        )
    uptake_staff = sum(i.steady_staff_hours for i in roadmap.uptake_items)
    uptake_citizen = sum(i.steady_citizen_hours for i in roadmap.uptake_items)
    lines += [
        "",
        f"Apart (property 3), the uptake measures reach {h(uptake_staff)} staff h and {h(uptake_citizen)} citizen h a year"
        f" in the steady state, for {h(sum(i.cost_initial for i in roadmap.uptake_items), 0)} 千円 of promotion.",
    ]
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=1)
def _kpis_in_2023() -> tuple[KpiStatus, ...]:
    """Return the sample's KPIs judged in 令和5年度."""
    return tuple(analyse(roadmap={"current_fy": 2023}).roadmap.kpis)


def _kpi_rows(analysis: Analysis) -> list[str]:
    """Return the sample's KPI rows, judged in 令和5年度 and in 令和8年度 (the same rows in either language)."""
    rows = []
    for before, today in zip(_kpis_in_2023(), analysis.roadmap.kpis, strict=True):
        population = "—" if today.population is None else str(today.population)
        rows.append(
            f"| {today.name} | {reiwa(today.by_fy)} | {today.target} | {today.planned} | {today.done} | {population}"
            f" | {kpi_status_label(before)} | {kpi_status_label(today)} |"
        )
    return rows


@functools.lru_cache(maxsize=1)
def _tight_shortfall() -> str:
    """Return the first KPI's shortfall with few slots and 標準化 flagged, judged in 令和5年度."""
    tight = analyse(
        roadmap={"current_fy": 2023, "capacity": {"online": 8, "rpa": 2, "ai_ocr": {2022: 1, 2024: 3}, "bpr": 10}},
        standardization={"mode": "flag"},
    )
    return next(s for s in tight.roadmap.shortfalls if s.kind == "kpi").message


def block_kpis(analysis: Analysis) -> str:
    rows = [
        "| KPI | by | target | planned | done | population | in 令和5年度 | in 令和8年度 |",
        "|---|---|---|---|---|---|---|---|",
        *_kpi_rows(analysis),
    ]
    return "\n".join(rows) + "\n"


def block_kpi_example(analysis: Analysis) -> str:
    return (
        "- With capacity `rpa: 2`, `ai_ocr: {2022: 1, 2024: 3}` and `standardization.mode: flag` (judged in"
        f" 令和5年度), the first KPI reads «{_tight_shortfall()}».\n"
    )


def block_counts(analysis: Analysis) -> str:
    summary = summarise(analysis)
    rows = [
        "| measure | recommended | − with plan | − uptake | + complement | + national | + fixed | = to place | placed | outside | unplaced |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in summary.by_measure:
        to_place = c.recommended - c.with_plan - c.uptake + c.complement + c.national + c.fixed
        rows.append(
            f"| {c.measure.value} | {c.recommended} | {c.with_plan} | {c.uptake} | {c.complement} | {c.national}"
            f" | {c.fixed} | {to_place} | {c.placed} | {c.placed_outside} | {c.unplaced} |"
        )
    total = summary.total_placed
    recommended = " + ".join(str(c.recommended) for c in summary.by_measure)
    rows += [
        "",
        f"{recommended} recommended + {summary.not_recommended} `none` = {summary.procedures} procedures. The measures"
        f" placed save citizens {h(total.citizen)} h and staff {h(total.staff)} h a year ({total.fte:,.2f} 人工 ="
        f" {total.thousand_yen:,.0f} 千円 at the assumed 4,000 円/h), against {h(summary.today_staff_hours)} staff h and"
        f" {h(summary.today_citizen_hours)} citizen h today (steady state, before feasibility; the expected figures by"
        " year are in section 5).",
    ]
    return "\n".join(rows) + "\n"


# The Japanese blocks (issue 25, item 4): the page is Japanese first, its figures written from the same code. The
# tables a chief also sees in the workbook (優先順位, 施策別の件数, 削減見込み, 年度別, KPI) are rendered from the
# shared tables of bpr/export/tables, with the workbook's headers and words.

ROLE_WORDS = {"primary": "主施策", "complement": "補完", "national": "国の優先", "review": "見直し", "fixed": "確定"}
ACTS_WORDS = {Acts.GATE: "関門: 削減なし（スコア 0）", Acts.FEASIBILITY: "実現性に掛ける"}
CURVE_WORDS = {"linear": "直線", "logistic": "S字"}
# The procedures the Japanese top table shows: what a chief decides on, as 優先順位 prints it, then the measures added.
TOP_COLUMNS = (
    "rank",
    "name",
    "volume",
    "recommendation",
    "added",
    "hours",
    "fte",
    "thousand_yen",
    "cost",
    "payback",
    "planned",
    "reason",
)


def _cell(value: object, column: Column) -> str:
    """Return a shared table's value as Markdown text, each number as its column's kind formats it (as the report)."""
    if value is None:
        return ""
    if isinstance(value, MeasureMark):
        return UPTAKE_LABEL if value.uptake else MEASURE_LABELS[value.measure]
    if isinstance(value, Link):
        return value.text
    if isinstance(value, Items):
        separator = ITEM_SEPARATOR if value.separator is None else value.separator
        return value.lead + separator.join(_cell(part, column) for part in value.parts)
    if isinstance(value, Status):
        return value.label
    number = NUMBERS.get(column.kind)
    if number is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return number(value)
    return str(value)


def markdown_table(table: Table, limit: int | None = None) -> list[str]:
    """Return a shared table (bpr/export/tables) as Markdown lines: its headers on one line, at most `limit` rows."""
    lines = [
        "| " + " | ".join(column.line for column in table.columns) + " |",
        "|" + "---|" * len(table.columns),
    ]
    for index, row in enumerate(table.rows()):
        if limit is not None and index >= limit:
            break
        cells = (_cell(value, column) for value, column in zip(cells_of(row), table.columns, strict=True))
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return lines


def block_scale_ja(analysis: Analysis) -> str:
    """Return the score against expected hours on the default scale, and the hours the threshold needs."""
    scoring = analysis.config.scoring
    full = scoring.scale.full_hours
    threshold = scoring.recommend_threshold
    needed = math.ceil(((1 + full) ** (threshold / 100) - 1) * 100) / 100  # hundredths, rounded up: enough
    points = [1.0, 10.0, 100.0, 1_000.0, 10_000.0, full]
    lines = [
        "| 期待削減 E (時間/年) | " + " | ".join(f"{e:,.0f}" for e in points) + " |",
        "|---|" + "---|" * len(points),
        "| スコア | " + " | ".join(f"{hours_to_score(e, full):.2f}" for e in points) + " |",
        "",
        f"満点の時間は {full:,.0f} 時間/年（これより多い期待削減もスコア 100）。推奨の基準 {threshold:g} 点には、"
        f"期待削減が年 {needed:,.2f} 時間以上要ります。",
    ]
    return "\n".join(lines) + "\n"


def block_factors_ja(analysis: Analysis) -> str:
    """Return the gates and feasibility factors in Japanese: one row per factor of the registry, in the order they apply."""
    scoring = analysis.config.scoring
    rows = [
        "| 施策 | 係数 | 働き | 読む項目 | 設定 (`scoring.`) | 算定方法シートでの表示（既定値） | 理由の文言 |",
        "|---|---|---|---|---|---|---|",
    ]
    for factor in factors.FACTORS:
        reads = "、".join(f"`{field}`" for field in factor.reads)
        keys = "、".join(f"`{key}`" for key in factor.settings) or "—"
        method = factor.method
        shown = "—" if method is None else f"{translate(method.label, 'ja')}: {method.value(scoring).say('ja')}"
        said = " / ".join(f"「{translate(msgid, 'ja')}」" for msgid in factor.reasons)
        rows.append(
            f"| {MEASURE_LABELS[factor.measure]} | `{factor.key}` | {ACTS_WORDS[factor.acts]} | {reads} | {keys}"
            f" | {shown} | {said} |"
        )
    return "\n".join(rows) + "\n"


def _marks(step: Step) -> str:
    marks = [
        word for flag, word in ((step.handwritten, "手書き"), (step.seal, "押印"), (step.in_person, "来庁")) if flag
    ]
    return "・".join(marks) or "—"


def _next_ja(procedure: Procedure, index: int) -> str:
    """Return where a step goes, by step number: the next in the list, 終了, or each branch with its share and label."""
    step = procedure.steps[index]
    numbers = {s.id: str(n) for n, s in enumerate(procedure.steps, start=1)}
    if step.next is None:
        return numbers[procedure.steps[index + 1].id] if index + 1 < len(procedure.steps) else "終了"
    if not step.next:
        return "終了"
    said = []
    for successor in step.next:
        if isinstance(successor, str):
            said.append(numbers[successor])
            continue
        extra = [
            text
            for text in (successor.label, None if successor.share is None else format_share(successor.share))
            if text
        ]
        said.append(numbers[successor.to] + (f"（{'・'.join(extra)}）" if extra else ""))
    return "、".join(said)


def block_worked_ja(analysis: Analysis) -> str:
    """Return the worked example in Japanese: the flow with each step's expected passes, then the same figures."""
    w = worked(analysis)
    item, config, volume, share, uptake = w.item, w.config, w.volume, w.share, w.uptake
    f = item.figures
    procedure = item.procedure
    online = config.scoring.online
    bpr = config.scoring.bpr
    lines = [
        "| 工程 | 名前 | 担当 | 媒体 | 印 | 作業 | 待ち | 次の工程 | 通過回数 n |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for index, step in enumerate(procedure.steps):
        lines.append(
            f"| {index + 1} | {step.name} | {ACTOR_LABELS[step.actor]} | {MEDIUM_LABELS[step.medium]} | {_marks(step)}"
            f" | {format_minutes(step.effort) if step.effort else '—'} | {format_minutes(step.wait) if step.wait else '—'}"
            f" | {_next_ja(procedure, index)} | {f.passes.get(step.id, 0.0):.3f} |"
        )
    curve = CURVE_WORDS.get(config.scoring.uptake.curve, config.scoring.uptake.curve)
    lines += [
        "",
        f"**現状**（年 {volume:,} 件、オンライン化済みの割合 {share:g}）: 来庁 {f.visits:.3f} 回。住民の時間は 1 件"
        f" {f.citizen_minutes_per_case:.3f} 分（移動 {f.travel_minutes:.3f}、窓口の待ち {f.counter_wait_minutes:.3f}、"
        f"本人の工程 {f.citizen_effort_minutes:.3f}、うち手書き・押印 {f.handwritten_minutes:.3f}）→"
        f" **住民 {h(f.citizen_hours)} 時間/年**。職員は 1 件 {f.staff_minutes_per_case:.3f} 分 →"
        f" **職員 {h(f.staff_hours)} 時間/年**。",
        "",
        f"**オンライン化（期待値）**（性質 1）: オンラインに移った 1 件で減るのは {f.travel_minutes:.3f} +"
        f" {f.counter_wait_minutes:.3f} + {w.plain:.3f} × {online.citizen_effort_removed_share:g} +"
        f" {f.handwritten_minutes:.3f} × {online.handwritten_effort_removed_share:g} = {w.online_minutes:.3f} 分。"
        f"窓口に残る {w.left:,.0f} 件のうち、利用率で移るのは {uptake:.0%}（{config.scoring.uptake.years} 年で達する{curve}）:"
        f" {volume:,} × {1 - share:g} × {uptake:g} × {w.online_minutes:.3f} ÷ 60 = **{h(item.hours_saved['online'])} 時間**"
        f"（第 2 版は窓口に残る全件が移るとして {h(w.left * w.online_minutes / 60)} 時間）。実現性"
        f" {item.feasibility['online']:g} → 期待削減 E = **{h(item.expected_hours['online'])}**、スコア {item.scores.online:.2f}。",
        "",
        f"**業務改善（BPR）**（性質 2）: 押印、市が自ら発行する書類、来庁をまとめること、そして窓口に残る件数には"
        f"予約（待ち時間の {bpr.reservation_wait_removed_share:g}）と書かない窓口（手書きの {bpr.handwriting_removed_share:g}）"
        f"（この 2 つで 1 件 {w.reform:.3f} 分）→ **{h(item.hours_saved['bpr'])} 時間**、E {h(item.expected_hours['bpr'])}。",
        "",
        f"**推奨**: {MEASURE_LABELS[item.recommendation]}。期待削減が最も多い（{h(item.priority_hours)} 時間/年）。"
        f"順位 {item.rank} 位。",
    ]
    online_plan = w.online_plan
    if w.removed is not None and online_plan is not None:
        left = f.citizen_minutes_per_case - w.removed
        lines += [
            "",
            f"**補完のオンライン化**: 業務改善の後にオンラインに移る 1 件に残るのは {f.citizen_minutes_per_case:.3f} −"
            f" {w.removed:.3f} = {left:.3f} 分で、オンライン化だけのときの {w.online_minutes:.3f} 分より少なくなります:"
            f" {volume:,} × {1 - share:g} × {uptake:g} × {min(w.online_minutes, left):.3f} ÷ 60 ="
            f" **{h(online_plan.citizen_hours)} 時間**、E {h(online_plan.expected_hours)}（二重には数えません）。",
        ]
    lines += [
        "",
        "**費用と回収**（性質 4）: この手続が持つ施策ごとに",
        "",
        "| 施策 | 位置づけ | 費用の出所 | 初期 (千円) | 年間 (千円) | 期待削減 職員 (時間/年) | 職員分 (千円/年)"
        " | 純便益 (千円/年) | 回収 (年) | 標準化 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in item.measures:
        lines.append(
            f"| {MEASURE_LABELS[m.measure]} | {ROLE_WORDS.get(m.role, m.role)} | {COST_SOURCES.get(m.cost_source, m.cost_source)}"
            f" | {h(m.cost_initial, 0)} | {h(m.cost_annual, 0)} | {h(m.expected_staff_hours)} | {h(m.staff_thousand_yen)}"
            f" | {h(m.net_benefit)} | {_payback_ja(m)} | {'・'.join(m.standard_systems) or '—'} |"
        )
    years = analysis.roadmap.fiscal_years
    lines += [
        "",
        "**ロードマップでは**（年度ごとの期待削減、職員 / 住民 (時間/年)。施策を作る年度は 0）:",
        "",
        "| 施策 | 年度 | " + " | ".join(reiwa(fy) for fy in years) + " | 定着後 |",
        "|---|---|" + "---|" * (len(years) + 1),
    ]
    words = {"deferred": "未配置（標準化: {fy}の後）", "no room": "未配置（枠不足）"}
    for placed in [*w.items, *w.waiting]:
        cells = " | ".join(f"{h(s, 0)} / {h(c, 0)}" for _, s, c in placed.savings)
        lines.append(
            f"| {MEASURE_LABELS[placed.measure]} | {w.when(placed, words)} | {cells}"
            f" | {h(placed.steady_staff_hours, 0)} / {h(placed.steady_citizen_hours, 0)} |"
        )
    return "\n".join(lines) + "\n"


def _payback_ja(plan: MeasurePlan) -> str:
    if plan.payback_years is None:
        return "回収できない"
    return payback_label(plan)


def block_top_ja(analysis: Analysis) -> str:
    """Return the sample's first procedures as the workbook's 優先順位 shows them (its columns, its words)."""
    table = priority_table(Scope.of(analysis)).select(*TOP_COLUMNS)
    return "\n".join(markdown_table(table, TOP)) + "\n"


def block_roadmap_ja(analysis: Analysis) -> str:
    """Return the measures placed by fiscal year and the outlook by year, as 概要's tables show them."""
    roadmap = analysis.roadmap
    scope = Scope.of(analysis)
    deferred = sum(1 for i in roadmap.unscheduled if i.deferred)
    uptake = roadmap.uptake_items
    outlook = outlook_table(scope.year_figures(), analysis)
    if analysis.config.roadmap.budget is None:  # no budget: its column would be empty
        outlook = outlook.select(*(key for key in outlook.keys if key != "budget"))
    lines = [
        *markdown_table(years_table(scope.summary, scope.summaries_by_year())),
        "",
        f"計画期間内に置いた施策は {len(roadmap.items)} 件、置けなかった施策は {len(roadmap.unscheduled)} 件です（うち"
        f" {deferred} 件は標準化対象のシステム上の RPA・AI-OCR で、{reiwa(analysis.config.standardization.migration_fy)}の後）。"
        f"既にある経路の利用促進（枠を使わない）は {len(uptake)} 手続です。",
        "",
        *markdown_table(outlook),
        "",
        f"利用促進は別に数えます（性質 3）: 定着後に職員 {h(sum(i.steady_staff_hours for i in uptake))} 時間・住民"
        f" {h(sum(i.steady_citizen_hours for i in uptake))} 時間/年、初期費用 {h(sum(i.cost_initial for i in uptake), 0)} 千円。",
    ]
    return "\n".join(lines) + "\n"


def block_kpis_ja(analysis: Analysis) -> str:
    rows = [
        "| KPI | 期限 | 目標 | 計画 | 実績 | 対象の手続 | 令和5年度に判定 | 令和8年度に判定 |",
        "|---|---|---|---|---|---|---|---|",
        *_kpi_rows(analysis),
    ]
    return "\n".join(rows) + "\n"


def block_kpi_example_ja(analysis: Analysis) -> str:
    return (
        "- 枠を `rpa: 2`、`ai_ocr: {2022: 1, 2024: 3}` にし、`standardization.mode: flag` とすると（令和5年度に判定）、"
        f"最初の KPI は «{_tight_shortfall()}» となります。\n"
    )


def block_counts_ja(analysis: Analysis) -> str:
    """Return 概要's 施策別の件数 and 削減見込み of the sample, and how the procedures add up."""
    summary = summarise(analysis)
    recommended = " + ".join(str(c.recommended) for c in summary.by_measure)
    lines = [
        *markdown_table(counts_table(summary)),
        "",
        f"推奨 {recommended} と対象外 {summary.not_recommended} で {summary.procedures} 手続です。",
        "",
        *markdown_table(hours_table(summary, analysis)),
    ]
    return "\n".join(lines) + "\n"


def block_settings_ja(analysis: Analysis) -> str:
    """Return the default settings as 算定方法 lists them (bpr/export/workbook/method_sheet.py), with their values."""
    rows = ["| 項目 | 既定値 | 意味 |", "|---|---|---|"]
    for label, value, meaning in settings(analysis.config):
        rows.append(f"| {label} | {value} | {meaning or '—'} |")
    return "\n".join(rows) + "\n"


BLOCKS: dict[str, Callable[[Analysis], str]] = {
    "factors": block_factors,
    "worked": block_worked,
    "top": block_top,
    "v2v3": block_v2v3,
    "roadmap": block_roadmap,
    "kpis": block_kpis,
    "kpi-example": block_kpi_example,
    "counts": block_counts,
    "scale-ja": block_scale_ja,
    "factors-ja": block_factors_ja,
    "worked-ja": block_worked_ja,
    "top-ja": block_top_ja,
    "roadmap-ja": block_roadmap_ja,
    "kpis-ja": block_kpis_ja,
    "kpi-example-ja": block_kpi_example_ja,
    "counts-ja": block_counts_ja,
    "settings-ja": block_settings_ja,
}


def render(text: str, analysis: Analysis | None = None) -> str:
    """Return the page with every generated block written from the code."""
    analysis = analysis if analysis is not None else analyse()
    names = [m["name"] for m in _BLOCK.finditer(text)]
    missing = set(BLOCKS) - set(names)
    if missing:
        raise SystemExit(f"docs/scoring.md has no block for: {', '.join(sorted(missing))}")

    def fill(match: re.Match[str]) -> str:
        return match.group(1) + BLOCKS[match["name"]](analysis) + match.group(4)

    return _BLOCK.sub(fill, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated block is stale")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    written = render(text)
    if args.check:
        if written != text:
            print("docs/scoring.md is stale: run .venv/bin/python scripts/scoring_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(written, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
