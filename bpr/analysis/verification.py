"""効果検証 (model v3, property 10): what a done measure was expected to do, beside what was measured.

For every procedure whose plan is done and carries `plan.actual`, the expected figures are the model's
for that measure on the flow the inventory describes (the flow before the measure, as surveyed):

    expected staff min/case after = today's staff min/case − expected staff hours saved × 60 ÷ cases
    measured saving  = today's staff min/case − plan.actual.staff_minutes_per_case
    ratio            = measured saving ÷ expected saving            (None when nothing was expected)

and, for online, the expected share of cases online (today's share + left × uptake × feasibility) beside
`plan.actual.online_share`. By measure kind, the ratio is the measured hours saved over the expected
hours saved, each at the cases measured (the annual volume where none was written).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bpr.analysis.results import RoadmapItem, ScoredProcedure
from bpr.inventory.enums import Measure, Progress


@dataclass(frozen=True, slots=True)
class Verification:
    """A done measure with what was measured (plan.actual), beside what the model expected of it."""

    procedure: str
    name: str
    measure: Measure
    measured_fy: int
    cases_expected: int
    cases_measured: int | None
    staff_minutes_today: float
    staff_minutes_expected: float
    staff_minutes_measured: float | None
    online_share_expected: float | None
    online_share_measured: float | None
    note: str | None

    @property
    def saving_expected(self) -> float:
        """Return the staff minutes a case the model expected the measure to save."""
        return self.staff_minutes_today - self.staff_minutes_expected

    @property
    def saving_measured(self) -> float | None:
        """Return the staff minutes a case the measure saved as measured, or None when not measured."""
        if self.staff_minutes_measured is None:
            return None
        return self.staff_minutes_today - self.staff_minutes_measured

    @property
    def ratio(self) -> float | None:
        """Return measured ÷ expected saving (1.0 = as expected), None when either is missing or 0 was expected."""
        measured = self.saving_measured
        if measured is None or self.saving_expected <= 0:
            return None
        return measured / self.saving_expected

    def hours(self, minutes: float) -> float:
        """Return minutes a case as hours a year at the cases measured (the annual volume when not written)."""
        cases = self.cases_measured if self.cases_measured is not None else self.cases_expected
        return cases * minutes / 60


@dataclass(frozen=True, slots=True)
class KindVerification:
    """Expected and measured staff hours saved, over the verified measures of one kind."""

    measure: Measure
    count: int
    expected_hours: float
    measured_hours: float

    @property
    def ratio(self) -> float | None:
        """Return measured ÷ expected hours, None when nothing was expected."""
        return self.measured_hours / self.expected_hours if self.expected_hours > 0 else None


def verify(ranked: Sequence[ScoredProcedure], items: Iterable[RoadmapItem]) -> tuple[Verification, ...]:
    """Return the 効果検証 of every done plan with plan.actual, in rank order."""
    steady = {(i.procedure, i.measure): i for i in items if i.fixed}
    out = []
    for item in ranked:
        plan = item.procedure.plan
        if plan is None or plan.actual is None or plan.progress is not Progress.DONE or plan.measure is Measure.NONE:
            continue
        actual = plan.actual
        volume = item.procedure.annual_volume
        placed = steady.get((item.id, plan.measure))
        saved_hours = placed.steady_staff_hours if placed is not None else 0.0
        today = item.figures.staff_minutes_per_case
        expected_after = today - (saved_hours * 60 / volume if volume else 0.0)
        online_expected = None
        if plan.measure is Measure.ONLINE:
            carried = next((m for m in item.measures if m.measure is Measure.ONLINE), None)
            uptake = carried.uptake_share if carried is not None and carried.uptake_share is not None else 0.0
            left = 1.0 - item.online_share
            online_expected = round(item.online_share + left * uptake * item.feasibility.get("online", 0.0), 4)
        out.append(
            Verification(
                procedure=item.id,
                name=item.procedure.name,
                measure=plan.measure,
                measured_fy=actual.measured_fy,
                cases_expected=volume,
                cases_measured=actual.cases,
                staff_minutes_today=round(today, 3),
                staff_minutes_expected=round(max(0.0, expected_after), 3),
                staff_minutes_measured=actual.staff_minutes_per_case,
                online_share_expected=online_expected,
                online_share_measured=actual.online_share,
                note=actual.note,
            )
        )
    return tuple(out)


def by_kind(verifications: Iterable[Verification]) -> tuple[KindVerification, ...]:
    """Return expected and measured hours saved by measure kind, over the measures measured."""
    totals: dict[Measure, list[float]] = {}
    for v in verifications:
        measured = v.saving_measured
        if measured is None:
            continue
        entry = totals.setdefault(v.measure, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += v.hours(v.saving_expected)
        entry[2] += v.hours(measured)
    order = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR)
    return tuple(
        KindVerification(m, int(totals[m][0]), round(totals[m][1], 1), round(totals[m][2], 1))
        for m in order
        if m in totals
    )
