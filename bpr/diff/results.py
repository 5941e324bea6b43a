"""What a diff of two inventories returns: frozen records that the renderers only read."""

from __future__ import annotations

from dataclasses import dataclass

# A value as JSON holds it: what a changed field was and became.
JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True, slots=True)
class Side:
    """One side of the diff as the user named it, with its size."""

    label: str
    kind: str  # 'folder' or 'revision'
    commit: str | None
    files: int
    procedures: int
    annual_volume: int


@dataclass(frozen=True, slots=True)
class ProcedureRef:
    """A procedure as the reports name it: id, 手続名, 窓口 and 所管課."""

    id: str
    name: str
    counter: str
    section: str


@dataclass(frozen=True, slots=True)
class Rename:
    """A procedure whose id changed: matched by its national_id, else by its name in the same counter."""

    old: ProcedureRef
    new: ProcedureRef
    by: str  # 'national_id' or 'name'


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs, as a dotted path (`online.status`), with both values (None: absent)."""

    field: str
    old: JsonValue
    new: JsonValue


@dataclass(frozen=True, slots=True)
class StepChanges:
    """How the steps (業務フロー) of a procedure differ, by step id."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[tuple[str, tuple[str, ...]], ...]  # (step id, fields)
    reordered: bool


@dataclass(frozen=True, slots=True)
class ProcedureChange:
    """A procedure present on both sides (maybe renamed) whose fields differ."""

    procedure: ProcedureRef
    fields: tuple[str, ...]  # dotted paths, in the order of the format
    values: tuple[FieldChange, ...]  # every field but steps, with old and new values
    steps: StepChanges | None = None


@dataclass(frozen=True, slots=True)
class OnlineMove:
    """A procedure that went further online: its status, share of cases online, マイナポータル, a plan done."""

    procedure: ProcedureRef
    old_status: str
    new_status: str
    old_share: float
    new_share: float
    old_mynaportal: bool
    new_mynaportal: bool
    plan_done: bool


@dataclass(frozen=True, slots=True)
class VolumeMove:
    """A procedure whose 年間件数 changed."""

    procedure: ProcedureRef
    old: int
    new: int


@dataclass(frozen=True, slots=True)
class ScoreMove:
    """A procedure whose scores or rank moved.

    `own` tells a procedure whose own figures moved (its scores, expected hours or recommendation)
    from one that only changed places because others moved above or below it.
    """

    procedure: ProcedureRef
    old_scores: dict[str, float]
    new_scores: dict[str, float]
    old_rank: int
    new_rank: int
    old_hours: float  # the expected hours a year of the recommended measure (what ranks)
    new_hours: float
    own: bool


@dataclass(frozen=True, slots=True)
class RecommendationMove:
    """A procedure whose recommended measure changed."""

    procedure: ProcedureRef
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RealisedHours:
    """A plan that became done, and the hours a year the old analysis expected its measure to save."""

    procedure: ProcedureRef
    measure: str
    expected_hours: float
    target_fy: int
    done_fy: int | None  # when the inventory says (plan.done_fy, where the format has it)


@dataclass(frozen=True, slots=True)
class VerifiedMeasure:
    """効果検証 newly measured (plan.actual added or changed): expected and measured, per case (model v3, property 10)."""

    procedure: ProcedureRef
    measure: str
    measured_fy: int
    expected_saving: float  # staff minutes a case the model expected the measure to save
    measured_saving: float | None  # staff minutes a case it saved, as measured
    ratio: float | None
    online_expected: float | None
    online_measured: float | None


@dataclass(frozen=True, slots=True)
class KpiMove:
    """A KPI of the roadmap: procedures planned by its year, before and after."""

    name: str
    by_fy: int
    target: int
    old_target: int  # a target over a population (national priority) moves with it
    old: int
    new: int
    old_met: bool
    new_met: bool


@dataclass(frozen=True, slots=True)
class InventoryDiff:
    """What changed between two inventories, every list in a fixed order (ids, or new rank for scores)."""

    old: Side
    new: Side
    added: tuple[ProcedureRef, ...]
    removed: tuple[ProcedureRef, ...]
    renamed: tuple[Rename, ...]
    changed: tuple[ProcedureChange, ...]
    online_now: tuple[OnlineMove, ...]
    volumes: tuple[VolumeMove, ...]
    scores: tuple[ScoreMove, ...]
    recommendations: tuple[RecommendationMove, ...]
    realised: tuple[RealisedHours, ...]
    kpis: tuple[KpiMove, ...]
    verified: tuple[VerifiedMeasure, ...] = ()

    @property
    def hours_realised(self) -> float:
        """Return the expected hours a year of the plans that became done."""
        return round(sum(item.expected_hours for item in self.realised), 1)

    @property
    def empty(self) -> bool:
        """Tell whether no procedure was added, removed, renamed or changed."""
        return not (self.added or self.removed or self.renamed or self.changed)
