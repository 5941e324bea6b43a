"""What the analysis returns: plain frozen records that exports read and never recompute."""

from __future__ import annotations

from dataclasses import dataclass, field

from bpr.inventory.models import Counter, Measure, Procedure


@dataclass(frozen=True, slots=True)
class Figures:
    """Derived figures of one procedure (see docs/scoring.md for each definition)."""

    main_path: tuple[str, ...]
    visits: int
    paper_steps: int
    seal_steps: int
    in_person_steps: int
    handwritten_steps: int
    handoffs: int
    lead_time_minutes: float
    staff_minutes_per_case: float
    citizen_minutes_per_case: float
    staff_hours: float
    citizen_hours: float
    rework_edges: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class CandidateStep:
    """A step behind an RPA or AI-OCR score: what is done, how long, how many hours a year."""

    measure: Measure
    step_id: str
    step_name: str
    system: str | None
    minutes_per_case: float
    hours_per_year: float


@dataclass(frozen=True, slots=True)
class Scores:
    """The three suitability scores, 0–100."""

    online: float
    rpa: float
    ai_ocr: float

    def as_dict(self) -> dict[str, float]:
        """Return the scores keyed by measure name."""
        return {"online": self.online, "rpa": self.rpa, "ai_ocr": self.ai_ocr}


@dataclass(frozen=True, slots=True)
class ScoredProcedure:
    """One procedure with its figures, scores, recommendation, rank and reasons."""

    counter: Counter
    procedure: Procedure
    file: str
    figures: Figures
    scores: Scores
    feasibility: dict[str, float]
    hours_saved: dict[str, float]
    hours_saved_staff: dict[str, float]
    hours_saved_citizen: dict[str, float]
    recommendation: Measure
    priority_hours: float
    reasons: tuple[str, ...]
    candidates: tuple[CandidateStep, ...]
    rank: int = 0

    @property
    def id(self) -> str:
        """Return the procedure id."""
        return self.procedure.id


@dataclass(frozen=True, slots=True)
class RoadmapItem:
    """A measure placed in a fiscal year for a procedure."""

    procedure: str
    measure: Measure
    fy: int
    fixed: bool
    deadline_fy: int | None = None
    progress: str | None = None

    @property
    def late(self) -> bool:
        """Tell whether the item falls after its deadline."""
        return self.deadline_fy is not None and self.fy > self.deadline_fy


@dataclass(frozen=True, slots=True)
class KpiStatus:
    """A KPI of the strategy against the schedule."""

    name: str
    target: int
    by_fy: int
    planned: int
    met: bool

    @property
    def gap(self) -> int:
        """Return how many procedures are missing to meet the target (0 when met)."""
        return max(0, self.target - self.planned)


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Something the schedule cannot do (a deadline, capacity, a KPI), stated in Japanese."""

    message: str
    procedure: str | None = None  # the procedure it concerns, or None for the whole roadmap
    kind: str = "capacity"  # capacity, deadline or kpi

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Roadmap:
    """The schedule of measures by fiscal year, its KPIs and every shortfall, stated plainly."""

    start_fy: int
    years: int
    items: tuple[RoadmapItem, ...]
    kpis: tuple[KpiStatus, ...]
    unscheduled: tuple[RoadmapItem, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    deadline_fy: int | None = None  # the national-priority deadline, when the inventory has such procedures

    @property
    def fiscal_years(self) -> list[int]:
        """Return the fiscal years of the horizon."""
        return list(range(self.start_fy, self.start_fy + self.years))


@dataclass(frozen=True)
class Analysis:
    """Everything the exports need: ranked procedures, the roadmap and the inventory date."""

    procedures: tuple[ScoredProcedure, ...]
    roadmap: Roadmap
    surveyed_on: str | None = None
    warnings_by_procedure: dict[str, tuple[str, ...]] = field(default_factory=dict)
