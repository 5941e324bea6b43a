"""The data of a procedure's page: its figures, scores and reasons, measures, flow, issues, attachments and plan.

Figures are the analysis's (bpr/analysis/results.py); 人工 and 千円 come from the summary's helpers, as the
workbook shows them. The page's diagram is the swimlane Graphviz drew, embedded by `svg.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import Analysis, CandidateStep, MeasurePlan, ScoredProcedure
from bpr.analysis.roadmap import needs_national_online
from bpr.analysis.scope import Scope
from bpr.analysis.summary import staff_fte, staff_thousand_yen
from bpr.export.presentation import counter_label, recommendation_label, warning_lines
from bpr.export.report.pages import ROLE_LABELS
from bpr.fiscal import reiwa
from bpr.inventory.enums import Measure
from bpr.inventory.models import Attachment, Step
from bpr.inventory.vocabulary import (
    ACTOR_LABELS,
    IDENTITY_CHECK_LABELS,
    KIND_LABELS,
    LIFE_EVENT_TITLES,
    MEDIUM_LABELS,
    ONLINE_STATUS_LABELS,
    PAYMENT_LABELS,
    SOURCE_LABELS,
    progress_label,
)

PLAN_ROLE_LABELS = {
    "primary": "主施策 (推奨)",
    "complement": "補完施策",
    "national": "国の優先で追加",
    "review": "見直し (市が定めた来庁・押印の義務)",
}


@dataclass(frozen=True, slots=True)
class MeasureLine:
    """A measure the procedure carries, with what it saves a year."""

    measure: str
    label: str
    role: str
    score: float
    hours: float
    staff: float
    citizen: float
    expected: float
    fte: float
    thousand_yen: float
    uptake: bool


@dataclass(frozen=True, slots=True)
class PlanLine:
    """A measure of the roadmap for this procedure: when, what, and how far it has got."""

    year: str
    measure: str
    label: str
    role: str
    progress: str
    done: str
    behind: bool
    late: bool


@dataclass(frozen=True, slots=True)
class StepLine:
    """A step of the flow, as the table beside the diagram lists it."""

    number: int
    name: str
    actor: str
    medium: str
    marks: str
    effort: float
    wait: float
    system: str


@dataclass(frozen=True, slots=True)
class AttachmentLine:
    """An attachment, with the page of the procedure that issues it when the inventory has it."""

    name: str
    source: str
    electronic: bool
    issuer: str | None
    issuer_name: str | None


@dataclass(frozen=True)
class ProcedurePage:
    """Everything a procedure's page shows."""

    item: ScoredProcedure
    recommendation: str  # the recommended measure as the workbook names it (利用促進 for uptake)
    counter: str  # the counter's name without its section
    total: int
    kind: str
    online_status: str
    identity_check: str
    today_fte: float
    today_thousand_yen: float
    measures: tuple[MeasureLine, ...]
    candidates: tuple[CandidateStep, ...]
    steps: tuple[StepLine, ...]
    attachments: tuple[AttachmentLine, ...]
    payment: str
    events: tuple[tuple[str, str], ...]  # (event key, label)
    plans: tuple[PlanLine, ...]
    unplaced: tuple[str, ...]
    uptake: float | None
    plan_note: str | None
    national_note: str | None
    warnings: tuple[tuple[str, str], ...]  # (kind, message)
    diagram: Markup | None
    diagram_note: str | None


def procedure_page(
    scope: Scope, item: ScoredProcedure, names: dict[str, str], diagram: Markup | None, diagram_note: str | None
) -> ProcedurePage:
    """Return the page of one procedure; `names` maps every procedure id to its name (for attachments)."""
    analysis = scope.analysis
    procedure = item.procedure
    figures = item.figures
    current = analysis.roadmap.current_fy
    plans = []
    for placed in scope.items.get(item.id, ()):
        done = ""
        if placed.done:
            done = reiwa(placed.done_fy) if placed.done_fy is not None else "完了"
        plans.append(
            PlanLine(
                year=reiwa(placed.fy),
                measure=placed.measure.value,
                label=MEASURE_LABELS[placed.measure],
                role=ROLE_LABELS.get(placed.role, placed.role),
                progress=progress_label(placed.progress or ""),
                done=done,
                behind=current is not None and placed.behind(current),
                late=placed.late,
            )
        )
    plan = procedure.plan
    plan_note = None
    if plan is not None:
        plan_note = f"棚卸で決まっている計画: {MEASURE_LABELS[plan.measure]}を{reiwa(plan.target_fy)}に" + (
            f"（{progress_label(plan.progress.value)}）"
        )
    deadline = analysis.roadmap.deadline_fy
    national_note = None
    if procedure.national_priority:
        national_note = "国の優先手続" + (
            f": オンライン化の期限 {reiwa(deadline)}" if deadline is not None and needs_national_online(item) else ""
        )
    return ProcedurePage(
        item=item,
        recommendation=recommendation_label(scope.planned[item.id]),
        counter=counter_label(item.counter),
        total=len(analysis.procedures),
        kind=KIND_LABELS[procedure.kind],
        online_status=ONLINE_STATUS_LABELS[procedure.online.status],
        identity_check=IDENTITY_CHECK_LABELS[procedure.online.identity_check],
        today_fte=staff_fte(figures.staff_hours, analysis),
        today_thousand_yen=staff_thousand_yen(figures.staff_hours, analysis),
        measures=tuple(_measure(plan_, analysis) for plan_ in item.measures),
        candidates=item.candidates,
        steps=tuple(_step(number, step) for number, step in enumerate(procedure.steps, start=1)),
        attachments=tuple(_attachment(attachment, names) for attachment in procedure.attachments),
        payment="、".join(PAYMENT_LABELS[p] for p in procedure.fee.payment or []),
        events=tuple(
            (event.value, LIFE_EVENT_TITLES[event]) for event in procedure.life_events if event in LIFE_EVENT_TITLES
        ),
        plans=tuple(plans),
        unplaced=tuple(MEASURE_LABELS[i.measure] for i in scope.unscheduled.get(item.id, ())),
        uptake=scope.uptake.get(item.id),
        plan_note=plan_note,
        national_note=national_note,
        warnings=tuple(warning_lines(analysis.warnings_by_procedure.get(item.id, ()))),
        diagram=diagram,
        diagram_note=diagram_note,
    )


def _measure(plan: MeasurePlan, analysis: Analysis) -> MeasureLine:
    return MeasureLine(
        measure=plan.measure.value,
        label=MEASURE_LABELS[plan.measure],
        role=PLAN_ROLE_LABELS.get(plan.role, plan.role),
        score=plan.score,
        hours=plan.hours,
        staff=plan.staff_hours,
        citizen=plan.citizen_hours,
        expected=plan.expected_hours,
        fte=round(staff_fte(plan.staff_hours, analysis), 2),
        thousand_yen=round(staff_thousand_yen(plan.staff_hours, analysis)),
        uptake=plan.uptake and plan.measure is Measure.ONLINE,
    )


def _step(number: int, step: Step) -> StepLine:
    marks = [
        label for flag, label in ((step.handwritten, "手書き"), (step.seal, "押印"), (step.in_person, "来庁")) if flag
    ]
    return StepLine(
        number=number,
        name=step.name,
        actor=ACTOR_LABELS[step.actor],
        medium=MEDIUM_LABELS[step.medium],
        marks="・".join(marks),
        effort=step.effort,
        wait=step.wait,
        system=step.system or "",
    )


def _attachment(attachment: Attachment, names: dict[str, str]) -> AttachmentLine:
    issuer = attachment.procedure if attachment.procedure in names else None
    return AttachmentLine(
        name=attachment.name,
        source=SOURCE_LABELS[attachment.source],
        electronic=attachment.electronic,
        issuer=issuer,
        issuer_name=names.get(issuer) if issuer is not None else None,
    )
