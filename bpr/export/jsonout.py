"""Scores and the roadmap as JSON and CSV, in the shapes of the CLI contract."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from bpr.analysis.factors import identity_route
from bpr.analysis.results import Analysis, Ranking, Roadmap, RoadmapItem, ScoredProcedure, YearFigures
from bpr.analysis.verification import Verification, by_kind
from bpr.export.celltext import csv_field
from bpr.export.edition import MODEL_VERSION, edition

SCORE_CSV_COLUMNS = (
    "rank",
    "id",
    "counter",
    "section",
    "name",
    "annual_volume",
    "online",
    "rpa",
    "ai_ocr",
    "recommendation",
    "staff_hours",
    "citizen_hours",
    "visits",
    "priority_hours",
    "complements",
    "paper_steps",
    "seal_steps",
    "in_person_steps",
    "handoffs",
    "lead_time_minutes",
    "national_priority",
    "reasons",
)


def _number(value: float, digits: int = 1) -> float | int:
    rounded = round(value, digits)
    return int(rounded) if rounded == int(rounded) and abs(rounded) < 2**53 else rounded


def procedure_record(
    item: ScoredProcedure, hours_per_fte: float = 1800.0, cost_per_hour: float = 4000.0
) -> dict[str, Any]:
    """Return one procedure in the `bpr score --format json` shape (model 2: expected values, measures)."""
    figures = item.figures

    def money(staff_hours: float) -> dict[str, float]:
        return {
            "fte": round(staff_hours / hours_per_fte, 3),
            "thousand_yen": round(staff_hours * cost_per_hour / 1000, 1),
        }

    return {
        "id": item.id,
        "counter": item.counter.id,
        "section": item.counter.section,
        "name": item.procedure.name,
        "annual_volume": item.procedure.annual_volume,
        "rank": item.rank,
        "scores": {"online": item.scores.online, "rpa": item.scores.rpa, "ai_ocr": item.scores.ai_ocr},
        "recommendation": item.recommendation.value,
        "staff_hours": round(figures.staff_hours, 1),
        "citizen_hours": round(figures.citizen_hours, 1),
        "visits": _number(figures.visits, 3),
        "paper_steps": figures.paper_steps,
        "seal_steps": figures.seal_steps,
        "in_person_steps": figures.in_person_steps,
        "handoffs": _number(figures.handoffs, 3),
        "lead_time_minutes": _number(figures.lead_time_minutes),
        "national_priority": item.procedure.national_priority,
        "hours_saved": item.hours_saved,
        "hours_saved_staff": item.hours_saved_staff,
        "hours_saved_citizen": item.hours_saved_citizen,
        "expected_hours": item.expected_hours,
        "feasibility": item.feasibility,
        "priority_hours": item.priority_hours,
        "online_share": round(item.online_share, 4),
        "identity_check": item.procedure.online.identity_check.value,
        "identity_online": identity_route(item.procedure).value,
        "complements": [m.value for m in item.complements],
        "measures": [
            {
                "measure": m.measure.value,
                "role": m.role,
                "score": m.score,
                "hours": m.hours,
                "staff_hours": m.staff_hours,
                "citizen_hours": m.citizen_hours,
                "expected_hours": m.expected_hours,
                **money(m.staff_hours),
                "uptake": m.uptake,
                # Model v3 (docs/scoring.md §7): expected, not potential; what it costs and when it pays back.
                "uptake_share": m.uptake_share,
                "expected_staff_hours": m.expected_staff_hours,
                "expected_citizen_hours": m.expected_citizen_hours,
                "cost": {"initial": m.cost_initial, "annual": m.cost_annual, "source": m.cost_source},
                "staff_thousand_yen": m.staff_thousand_yen,
                "net_benefit": m.net_benefit,
                "payback_years": m.payback_years,
                "standard_systems": list(m.standard_systems),
            }
            for m in item.measures
        ],
        "staff_today": money(figures.staff_hours),
        "main_path": list(figures.main_path),
        "reasons": list(item.reasons),
    }


# Each record goes through json's C encoder on its own (indenting would fall back to the pure-Python encoder,
# 16 times slower on 100,000 procedures and holding the whole tree twice).
_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def procedure_line(item: ScoredProcedure, hours_per_fte: float, cost_per_hour: float) -> str:
    """Return one procedure as one line of JSON (no newline): the same bytes in `json` and `jsonl`."""
    return _encode(procedure_record(item, hours_per_fte, cost_per_hour))


def score_json(analysis: Analysis | Ranking) -> str:
    """Return `{"procedures": [...]}` in rank order, one procedure a line, deterministic byte for byte."""
    fte, cost = analysis.hours_per_fte, analysis.staff_cost_per_hour
    records = LIST_BETWEEN.join(procedure_line(item, fte, cost) for item in analysis.procedures)
    head = score_json_head(analysis.surveyed_on, analysis.config.source)
    return head + LIST_OPEN + records + LIST_CLOSE if records else head + EMPTY_LIST_CLOSE


# How `score_json`'s list joins its lines, the same in `bpr score --format json`'s stream (RankedLines.json_blocks).
LIST_OPEN, LIST_BETWEEN, LIST_CLOSE, EMPTY_LIST_CLOSE = "\n", ",\n", "\n]}\n", "]}\n"


def score_json_head(surveyed_on: str | None, config_source: str | None) -> str:
    """Return `score_json`'s text up to its list's opening bracket: the model, the config and 作成日・版."""
    made = _encode(edition_record(surveyed_on))
    return f'{{"model": {MODEL_VERSION}, "config": {_encode(config_source)}, "edition": {made}, "procedures": ['


def score_csv(analysis: Analysis | Ranking) -> str:
    """Return the ranked procedures as CSV (UTF-8, reasons joined by ' / ', text through `csv_field`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SCORE_CSV_COLUMNS)
    for item in analysis.procedures:
        record = procedure_record(item, analysis.hours_per_fte, analysis.staff_cost_per_hour)
        flat = {
            **record,
            **record["scores"],
            "complements": " ".join(record["complements"]),
            "reasons": " / ".join(item.reasons),
        }
        writer.writerow([csv_field(flat[column]) for column in SCORE_CSV_COLUMNS])
    return buffer.getvalue()


def edition_record(surveyed_on: str | None) -> dict[str, Any]:
    """Return 作成日 and 版 as the JSON outputs carry them (bpr/export/edition.py, as the workbook and report say them)."""
    made = edition(surveyed_on)
    return {
        "created": made.created_label,
        "bpr": made.bpr_version,
        "model": made.model_version,
        "inventory_date": made.surveyed_on,
    }


def roadmap_record(
    roadmap: Roadmap,
    verification: Sequence[Verification] = (),
    config: str | None = None,
    surveyed_on: str | None = None,
) -> dict[str, Any]:
    """Return the roadmap in the `bpr roadmap --format json` shape, with unscheduled items and shortfalls.

    `verification`: the 効果検証 of done plans with plan.actual (model v3, property 10), when any.
    """

    def item_record(item: Any) -> dict[str, Any]:
        record: dict[str, Any] = {
            "procedure": item.procedure,
            "measure": item.measure.value,
            "fy": item.fy,
            "fixed": item.fixed,
        }
        if item.deadline_fy is not None:
            record["deadline_fy"] = item.deadline_fy
        record["role"] = item.role
        record["cost"] = {"initial": item.cost_initial, "annual": item.cost_annual}
        if item.in_package:
            record["in_package"] = True
        if item.standard_systems:
            record["standard_systems"] = list(item.standard_systems)
            record["deferred"] = item.deferred
            if item.rebuild_cost:
                record["rebuild_cost"] = item.rebuild_cost
        record["steady"] = {"staff_hours": item.steady_staff_hours, "citizen_hours": item.steady_citizen_hours}
        record["by_year"] = [
            {"fy": fy, "staff_hours": staff, "citizen_hours": citizen} for fy, staff, citizen in item.savings
        ]
        if item.fixed:
            record["progress"] = item.progress
            if item.done_fy is not None:
                record["done_fy"] = item.done_fy
            if roadmap.current_fy is not None:
                record["behind"] = item.behind(roadmap.current_fy)
        return record

    return {
        "model": MODEL_VERSION,
        "config": config,
        "edition": edition_record(surveyed_on),
        "start_fy": roadmap.start_fy,
        "years": roadmap.years,
        **({"current_fy": roadmap.current_fy} if roadmap.current_fy is not None else {}),
        "items": [item_record(item) for item in roadmap.items],
        "kpis": [
            {
                "name": k.name,
                "target": k.target,
                "by_fy": k.by_fy,
                "planned": k.planned,
                "done": k.done,
                "met": k.met,
                "judged_on": "results" if k.judged_on_results else "plan",
                "gap": k.gap,
                **({"population": k.population} if k.population is not None else {}),
                **({"zero_volume": k.zero_volume} if k.zero_volume else {}),
                **({"warning": k.warning} if k.warning is not None else {}),
            }
            for k in roadmap.kpis
        ],
        "uptake": [
            {"remaining_share": share, **uptake_record(item)}
            for (pid, share), item in zip(roadmap.uptake, roadmap.uptake_items, strict=True)
        ],
        "unscheduled": [item_record(item) for item in roadmap.unscheduled],
        "shortfalls": [shortfall.message for shortfall in roadmap.shortfalls],
        "zero_volume": list(roadmap.zero_volume),
        "by_year": [year_record(year) for year in roadmap.by_year],
        **({"steady": year_record(roadmap.steady)} if roadmap.steady is not None else {}),
        **({"verification": verification_record(verification)} if verification else {}),
    }


def verification_record(verification: Sequence[Verification]) -> dict[str, Any]:
    """Return 効果検証: each done measure's expected and measured figures, and the ratio by measure kind."""

    def rounded(value: float | None, digits: int = 3) -> float | None:
        return None if value is None else round(value, digits)

    return {
        "measures": [
            {
                "procedure": v.procedure,
                "measure": v.measure.value,
                "measured_fy": v.measured_fy,
                "cases": {"expected": v.cases_expected, "measured": v.cases_measured},
                "staff_minutes_per_case": {
                    "today": v.staff_minutes_today,
                    "expected": v.staff_minutes_expected,
                    "measured": v.staff_minutes_measured,
                },
                "online_share": {"expected": v.online_share_expected, "measured": v.online_share_measured},
                "ratio": rounded(v.ratio),
                **({"note": v.note} if v.note else {}),
            }
            for v in verification
        ],
        "by_kind": [
            {
                "measure": k.measure.value,
                "count": k.count,
                "expected_hours": k.expected_hours,
                "measured_hours": k.measured_hours,
                "ratio": rounded(k.ratio),
            }
            for k in by_kind(verification)
        ],
    }


def uptake_record(item: RoadmapItem) -> dict[str, Any]:
    """Return an uptake measure (利用促進) of a channel that exists: its figures, apart from the schedule."""
    return {
        "procedure": item.procedure,
        "cost": {"initial": item.cost_initial, "annual": item.cost_annual},
        "steady": {"staff_hours": item.steady_staff_hours, "citizen_hours": item.steady_citizen_hours},
        "by_year": [{"fy": fy, "staff_hours": staff, "citizen_hours": citizen} for fy, staff, citizen in item.savings],
    }


def year_record(year: YearFigures) -> dict[str, Any]:
    """Return a fiscal year's (or the steady state's) expected hours, worth and costs: citizens and staff apart."""
    record: dict[str, Any] = {} if year.fy is None else {"fy": year.fy}
    record.update(
        staff_hours=year.staff_hours,
        citizen_hours=year.citizen_hours,
        worth_thousand_yen=year.worth,
        initial_cost=year.initial,
        annual_cost=year.annual,
        net_thousand_yen=round(year.net, 1),
    )
    if year.budget is not None:
        record["budget"] = year.budget
    return record


def roadmap_json(
    roadmap: Roadmap,
    verification: Sequence[Verification] = (),
    config: str | None = None,
    surveyed_on: str | None = None,
) -> str:
    """Return the roadmap as JSON text, deterministic byte for byte (for one 作成日: SOURCE_DATE_EPOCH)."""
    record = roadmap_record(roadmap, verification, config, surveyed_on)
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
