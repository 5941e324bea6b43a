"""What the analysis returns: plain frozen records that exports read and never recompute."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bpr.i18n import Phrase
from bpr.inventory.enums import Measure
from bpr.inventory.models import Counter, Procedure
from bpr.inventory.problem import Problem


class Role(enum.StrEnum):
    """Why a procedure carries a measure, and why the roadmap holds it."""

    PRIMARY = "primary"  # its recommendation
    COMPLEMENT = "complement"  # on what the primary leaves
    NATIONAL = "national"  # online required by the national plan
    REVIEW = "review"  # 見直し of a presence or seal the city required itself
    FIXED = "fixed"  # a plan people decided (plan in the inventory)
    UPTAKE = "uptake"  # a channel that exists: 利用促進, no slot


@dataclass(frozen=True, slots=True)
class Figures:
    """Derived figures of one procedure, expected values per case (see docs/scoring.md for each definition)."""

    main_path: tuple[str, ...]
    visits: float
    paper_steps: int
    seal_steps: int
    in_person_steps: int
    handwritten_steps: int
    handoffs: float
    lead_time_minutes: float
    staff_minutes_per_case: float
    citizen_minutes_per_case: float
    staff_hours: float
    citizen_hours: float
    rework_edges: tuple[tuple[str, str], ...]
    passes: dict[str, float] = field(default_factory=dict)  # expected passes per case of each step
    counter_minutes_per_case: float = 0.0  # the `counter` steps' share of staff minutes
    citizen_effort_minutes: float = 0.0  # the citizen's own steps
    handwritten_minutes: float = 0.0  # of which handwritten or sealed forms
    counter_wait_minutes: float = 0.0  # waiting at the counter before in-person steps
    travel_minutes: float = 0.0  # expected visits × travel per visit


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
class MeasurePlan:
    """A measure a procedure carries: primary (its recommendation) or complementary, with its hours a year.

    A complement's hours are computed on what the primary leaves (never counted twice).
    """

    measure: Measure
    role: Role  # primary, complement, national or review
    hours: float
    staff_hours: float
    citizen_hours: float
    expected_hours: float
    score: float
    uptake: bool = False  # online already startable from マイナポータル: what remains is uptake, no new slot
    # Model v3 (docs/scoring.md §7): the channel's steady-state uptake (online only), what the measure costs
    # (thousand yen, and where that comes from), what its expected staff hours are worth a year, the net
    # benefit a year and the payback in years (None: it never pays back); the 標準化対象業務 its steps touch.
    uptake_share: float | None = None
    cost_initial: float = 0.0
    cost_annual: float = 0.0
    cost_source: str = ""
    staff_thousand_yen: float = 0.0
    net_benefit: float = 0.0
    payback_years: float | None = 0.0
    standard_systems: tuple[str, ...] = ()
    expected_staff_hours: float = 0.0
    expected_citizen_hours: float = 0.0


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
    expected_hours: dict[str, float] = field(default_factory=dict)
    measures: tuple[MeasurePlan, ...] = ()  # the primary measure first, then the complements
    online_share: float = 0.0
    # The procedure's id, kept beside it: the outputs ask for it millions of times at 100,000 procedures.
    id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.procedure.id)

    @property
    def primary(self) -> MeasurePlan | None:
        """Return the primary measure (the recommendation as the procedure carries it), or None without one."""
        return next((m for m in self.measures if m.role is Role.PRIMARY), None)

    @property
    def complements(self) -> tuple[Measure, ...]:
        """Return the complementary measures."""
        return tuple(m.measure for m in self.measures if m.role is Role.COMPLEMENT)

    @property
    def uptake(self) -> bool:
        """Tell whether the online measure is uptake of a channel that exists (マイナポータル), taking no slot."""
        return any(m.uptake for m in self.measures)


@dataclass(frozen=True, slots=True)
class RoadmapItem:
    """A measure placed in a fiscal year for a procedure."""

    procedure: str
    measure: Measure
    fy: int
    fixed: bool
    deadline_fy: int | None = None
    progress: str | None = None
    role: Role = Role.PRIMARY  # fixed, primary, complement, national, review or uptake
    done_fy: int | None = None  # the fiscal year a fixed plan was done (plan.done_fy)
    # Model v3 (docs/scoring.md §7): the cost in thousand yen (initial in its year, annual after it), the
    # 標準化対象業務 its steps touch, whether 標準化 put it after the migration (`deferred`) or it must be
    # rebuilt after it (`rebuild_cost`, config mode flag), and its expected hours by fiscal year of the plan
    # (fy, staff, citizen) and in the steady state.
    cost_initial: float = 0.0
    cost_annual: float = 0.0
    standard_systems: tuple[str, ...] = ()
    deferred: bool = False
    rebuild_cost: float = 0.0
    savings: tuple[tuple[int, float, float], ...] = ()
    steady_staff_hours: float = 0.0
    steady_citizen_hours: float = 0.0
    in_package: bool = False  # joined the national-priority ぴったりサービス package: its cost is the package's

    @property
    def late(self) -> bool:
        """Tell whether the item falls after its deadline."""
        return self.deadline_fy is not None and self.fy > self.deadline_fy

    @property
    def done(self) -> bool:
        """Tell whether people recorded the measure as done."""
        return self.progress == "done"

    def behind(self, current_fy: int) -> bool:
        """Tell whether a fixed plan is behind: its year has passed (or, done, it was done after it)."""
        if not self.fixed:
            return False
        if self.done:
            return self.done_fy is not None and self.done_fy > self.fy
        return self.fy < current_fy


@dataclass(frozen=True, slots=True)
class KpiStatus:
    """A KPI of the strategy against the schedule."""

    name: str
    target: int
    by_fy: int
    planned: int
    met: bool
    population: int | None = None  # procedures in scope, for KPIs over a population (national priority)
    warning: str | None = None  # why the KPI cannot be read as met (an empty population), in Japanese
    done: int = 0  # of the planned, those recorded as done by the KPI's year (実績)
    warning_said: Phrase | None = None  # the warning, to say in the run's language
    zero_volume: int = 0  # of the population, procedures whose estimated volume is 0 cases (件数0の推計)
    # Model v3 property 8: once the KPI's fiscal year has passed, `met` is judged by what was done (実績),
    # never by the plan alone.
    judged_on_results: bool = False

    def say_warning(self, language: str | None = None) -> str | None:
        """Return the warning in a language (the run's when None), or None without one."""
        if self.warning_said is not None:
            return self.warning_said.say(language)
        return self.warning

    @property
    def gap(self) -> int:
        """Return how many procedures are missing to meet the target (0 when met): done ones once the year has passed."""
        return max(0, self.target - (self.done if self.judged_on_results else self.planned))


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Something the schedule cannot do (a deadline, capacity, a KPI), stated in Japanese."""

    message: str  # in Japanese, as the workbook, the report and the JSON show it
    procedure: str | None = None  # the procedure it concerns, or None for the whole roadmap
    kind: str = "capacity"  # capacity, deadline or kpi
    said: Phrase | None = None  # the message, to say in the run's language

    def __str__(self) -> str:
        return self.message

    def say(self, language: str | None = None) -> str:
        """Return the message in a language (the run's when None)."""
        return self.said.say(language) if self.said is not None else self.message


@dataclass(frozen=True, slots=True)
class YearFigures:
    """A fiscal year of the plan (or the steady state, fy None): expected hours saved, their worth, and the costs.

    Staff and citizens apart (property 9); `worth` is the staff hours in thousand yen (and the citizens'
    only when the config sets a value per hour); `net` = worth − initial − annual.
    """

    fy: int | None
    staff_hours: float
    citizen_hours: float
    worth: float
    initial: float
    annual: float
    budget: float | None = None  # roadmap.budget of the year, when set

    @property
    def net(self) -> float:
        """Return what the year's savings are worth minus what the year's measures cost, in thousand yen."""
        return self.worth - self.initial - self.annual


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
    uptake: tuple[tuple[str, float], ...] = ()  # (procedure, share still at the counter) on マイナポータル: no slot
    current_fy: int | None = None  # the fiscal year progress is judged at (config roadmap.current_fy, else today's)
    zero_volume: tuple[str, ...] = ()  # procedures with 0 cases a year (件数0の推計): never given a build slot
    # Model v3, property 3: the uptake measures (利用促進) of channels that exist, from the plan's first year,
    # with their expected hours by year and cost; they take no slot and are not in `items` nor in `by_year`.
    uptake_items: tuple[RoadmapItem, ...] = ()
    by_year: tuple[YearFigures, ...] = ()  # model v3: each fiscal year of the plan
    steady: YearFigures | None = None  # model v3: every placed measure at its final uptake (fy None)

    @property
    def fiscal_years(self) -> list[int]:
        """Return the fiscal years of the horizon."""
        return list(range(self.start_fy, self.start_fy + self.years))


@dataclass(frozen=True, slots=True)
class NotHandled:
    """A procedure the city does not handle (`handled: false`), with the reason people gave."""

    id: str
    name: str
    section: str
    reason: str | None
    file: str


@dataclass(frozen=True)
class Ranking:
    """The ranked procedures alone, with what their records are written with (`bpr score --format json|csv`).

    No roadmap, journeys or documents: a procedure's record does not depend on them, and at 100,000
    procedures making them is a sixth of the run. The fields are those of `Analysis` with the same names.
    """

    procedures: tuple[ScoredProcedure, ...]
    surveyed_on: str | None
    hours_per_fte: float
    staff_cost_per_hour: float
    config: Any


@dataclass(frozen=True)
class Analysis:
    """Everything the exports need: ranked procedures, the roadmap and the inventory date."""

    procedures: tuple[ScoredProcedure, ...]
    roadmap: Roadmap
    surveyed_on: str | None = None
    # The validation warnings of each procedure (by id), or of a file (by path) for a file-level one.
    warnings_by_procedure: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    hours_per_fte: float = 1800.0  # 1 人工, from the config
    staff_cost_per_hour: float = 4000.0  # 円, from the config
    # Across counters (bpr/analysis/journeys.py, documents.py): typed loosely here to keep this module
    # free of their imports; each is a tuple of that module's records.
    # The configuration the analysis ran with: outputs show its settings (算定方法), never recompute.
    config: Any = None
    journeys: tuple[Any, ...] = ()
    documents: tuple[Any, ...] = ()
    cashless: tuple[Any, ...] = ()
    payment_methods: tuple[Any, ...] = ()
    # Procedures marked `handled: false` (the city does not handle them): listed, never scored or counted.
    not_handled: tuple[NotHandled, ...] = ()
    # 効果検証 (model v3, property 10): bpr/analysis/verification.py's records of done plans with plan.actual.
    verification: tuple[Any, ...] = ()

    # How to compute the waits (bpr/analysis/queue.py), given by the pipeline: this module stays below it.
    queue_of: Callable[[Analysis], Any] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def queue(self) -> Any:
        """Return the waits of the counters whose windows the inventory writes, on first use (None without a way)."""
        # Computed when an output asks for it: a simulation has no place in `bpr score`'s time.
        return None if self.queue_of is None or self.config is None else self.queue_of(self)
