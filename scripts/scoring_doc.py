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
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpr.analysis import factors  # noqa: E402
from bpr.analysis.economics import uptake_at  # noqa: E402
from bpr.analysis.labels import MEASURE_LABELS  # noqa: E402
from bpr.analysis.pipeline import analyse_inventory  # noqa: E402
from bpr.analysis.results import Analysis, MeasurePlan, ScoredProcedure  # noqa: E402
from bpr.analysis.summary import summarise  # noqa: E402
from bpr.config import Config  # noqa: E402
from bpr.export.workbook.labels import kpi_status_label  # noqa: E402
from bpr.fiscal import reiwa  # noqa: E402
from bpr.i18n import translate  # noqa: E402
from bpr.inventory.loader import load_inventory  # noqa: E402
from bpr.inventory.models import Measure  # noqa: E402

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


def block_worked(analysis: Analysis) -> str:
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
    primary = item.measures[0]
    carried = {m.measure: m for m in item.measures}
    online_plan = carried.get(Measure.ONLINE)
    items = [i for i in analysis.roadmap.items if i.procedure == item.id]
    waiting = [i for i in analysis.roadmap.unscheduled if i.procedure == item.id]
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
    if online_plan is not None and online_plan.role == "complement" and item.recommendation is Measure.BPR:
        removed = primary.citizen_hours * 60 / (volume * (1 - share))
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
    for placed in [*items, *waiting]:
        when = (
            reiwa(placed.fy)
            if placed in items
            else f"not placed ({'標準化: after ' + reiwa(config.standardization.migration_fy) if placed.deferred else 'no room'})"
        )
        cells = " | ".join(f"{h(s, 0)} / {h(c, 0)}" for _, s, c in placed.savings)
        lines.append(
            f"| {placed.measure.value} | {when} | {cells} | {h(placed.steady_staff_hours, 0)} / {h(placed.steady_citizen_hours, 0)} |"
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


def block_kpis(analysis: Analysis) -> str:
    then = analyse(roadmap={"current_fy": 2023}).roadmap.kpis
    rows = [
        "| KPI | by | target | planned | done | population | in 令和5年度 | in 令和8年度 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for before, today in zip(then, analysis.roadmap.kpis, strict=True):
        population = "—" if today.population is None else str(today.population)
        rows.append(
            f"| {today.name} | {reiwa(today.by_fy)} | {today.target} | {today.planned} | {today.done} | {population}"
            f" | {kpi_status_label(before)} | {kpi_status_label(today)} |"
        )
    return "\n".join(rows) + "\n"


def block_kpi_example(analysis: Analysis) -> str:
    tight = analyse(
        roadmap={"current_fy": 2023, "capacity": {"online": 8, "rpa": 2, "ai_ocr": {2022: 1, 2024: 3}, "bpr": 10}},
        standardization={"mode": "flag"},
    )
    shortfall = next(s for s in tight.roadmap.shortfalls if s.kind == "kpi")
    return (
        "- With capacity `rpa: 2`, `ai_ocr: {2022: 1, 2024: 3}` and `standardization.mode: flag` (judged in"
        f" 令和5年度), the first KPI reads «{shortfall.message}».\n"
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


BLOCKS: dict[str, Callable[[Analysis], str]] = {
    "factors": block_factors,
    "worked": block_worked,
    "top": block_top,
    "v2v3": block_v2v3,
    "roadmap": block_roadmap,
    "kpis": block_kpis,
    "kpi-example": block_kpi_example,
    "counts": block_counts,
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
