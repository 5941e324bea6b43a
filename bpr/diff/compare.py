"""Comparing two inventories: procedures added, removed, renamed and changed, and what moved in the analysis.

Fields are compared through the pydantic models, so writing a value another way (`"5m"` for `5`,
`national_id: 9108` for `"9108"`, a default written out) is no change. Both inventories are analysed
with the same configuration, so a score or KPI that moves does so because the inventory changed.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bpr.diff.results import (
    FieldChange,
    InventoryDiff,
    JsonValue,
    KpiMove,
    OnlineMove,
    ProcedureChange,
    ProcedureRef,
    RealisedHours,
    RecommendationMove,
    Rename,
    ScoreMove,
    Side,
    StepChanges,
    VerifiedMeasure,
    VolumeMove,
)
from bpr.diff.sources import Source
from bpr.inventory.enums import Measure, OnlineStatus, Progress
from bpr.inventory.models import Counter, Plan, Procedure
from bpr.inventory.records import Inventory

if TYPE_CHECKING:
    from bpr.analysis.results import Analysis, ScoredProcedure
    from bpr.config import Config

_STATUS_ORDER = (OnlineStatus.NONE, OnlineStatus.PARTIAL, OnlineStatus.FULL)
_SHARE_EPSILON = 1e-9
Entry = tuple[Counter, Procedure]


def compare_inventories(
    old_source: Source, old: Inventory, new_source: Source, new: Inventory, config: Config
) -> InventoryDiff:
    """Return what changed from the old inventory to the new one, both without errors."""
    from bpr.analysis.pipeline import analyse_inventory

    old_entries = {procedure.id: (counter, procedure) for counter, procedure, _ in old.entries()}
    new_entries = {procedure.id: (counter, procedure) for counter, procedure, _ in new.entries()}
    old_only = {key: old_entries[key] for key in sorted(old_entries.keys() - new_entries.keys())}
    new_only = {key: new_entries[key] for key in sorted(new_entries.keys() - old_entries.keys())}
    renames = _renames(old_only, new_only)
    pairs = sorted(
        [(key, key) for key in old_entries.keys() & new_entries.keys()] + [(r.old.id, r.new.id) for r in renames],
        key=lambda pair: pair[1],
    )
    renamed_old = {r.old.id for r in renames}
    renamed_new = {r.new.id for r in renames}
    old_analysis = analyse_inventory(old, config)
    new_analysis = analyse_inventory(new, config)
    old_scored = {item.id: item for item in old_analysis.procedures}
    new_scored = {item.id: item for item in new_analysis.procedures}
    changed = []
    for old_id, new_id in pairs:
        change = _procedure_change(old_entries[old_id], new_entries[new_id])
        if change is not None:
            changed.append(change)
    # A procedure the city does not handle (handled: false) is listed, never scored: its field changes show
    # above, and it has no score, recommendation or plan to compare.
    matched = [
        (old_entries[o], new_entries[n], old_scored[o], new_scored[n])
        for o, n in pairs
        if o in old_scored and n in new_scored
    ]
    return InventoryDiff(
        old=_side(old_source, old),
        new=_side(new_source, new),
        added=tuple(_ref(*entry) for key, entry in new_only.items() if key not in renamed_new),
        removed=tuple(_ref(*entry) for key, entry in old_only.items() if key not in renamed_old),
        renamed=tuple(sorted(renames, key=lambda r: r.old.id)),
        changed=tuple(changed),
        online_now=tuple(move for o, n, os_, ns in matched if (move := _online_move(o, n, os_, ns)) is not None),
        volumes=tuple(
            VolumeMove(_ref(*n), o[1].annual_volume, n[1].annual_volume)
            for o, n, _, _ in matched
            if o[1].annual_volume != n[1].annual_volume
        ),
        scores=_score_moves(matched),
        recommendations=tuple(
            RecommendationMove(_ref(*n), os_.recommendation.value, ns.recommendation.value)
            for o, n, os_, ns in matched
            if os_.recommendation is not ns.recommendation
        ),
        realised=tuple(item for o, n, os_, _ in matched if (item := _realised(o, n, os_)) is not None),
        kpis=_kpi_moves(old_analysis, new_analysis),
        verified=_verified(old_entries, new_entries, pairs, new_analysis),
    )


def _verified(
    old_entries: Mapping[str, Entry],
    new_entries: Mapping[str, Entry],
    pairs: Sequence[tuple[str, str]],
    new_analysis: Analysis,
) -> tuple[VerifiedMeasure, ...]:
    """Return the 効果検証 whose measurement (plan.actual) is new or changed since the old inventory."""
    old_of = {new: old for old, new in pairs}
    out = []
    for v in new_analysis.verification:
        old_id = old_of.get(v.procedure)
        old_plan = old_entries[old_id][1].plan if old_id is not None else None
        new_plan = new_entries[v.procedure][1].plan
        if old_plan is not None and new_plan is not None and old_plan.actual == new_plan.actual:
            continue
        out.append(
            VerifiedMeasure(
                _ref(*new_entries[v.procedure]),
                v.measure.value,
                v.measured_fy,
                round(v.saving_expected, 3),
                None if v.saving_measured is None else round(v.saving_measured, 3),
                None if v.ratio is None else round(v.ratio, 3),
                v.online_share_expected,
                v.online_share_measured,
            )
        )
    return tuple(out)


def _side(source: Source, inventory: Inventory) -> Side:
    procedures = [procedure for _, procedure, _ in inventory.entries()]
    volume = sum(procedure.annual_volume for procedure in procedures)
    return Side(source.label, source.kind, source.commit, len(inventory.files), len(procedures), volume)


def _ref(counter: Counter, procedure: Procedure) -> ProcedureRef:
    return ProcedureRef(procedure.id, procedure.name, counter.id, counter.section)


def _renames(old_only: Mapping[str, Entry], new_only: Mapping[str, Entry]) -> list[Rename]:
    """Pair a removed id with an added one: the same national_id, else the same name in the same counter.

    Only a one-to-one match is a rename: two removed procedures with the national_id of one added
    procedure stay removed (and it stays added), as no one can tell which of them it became.
    """
    keys: tuple[tuple[str, Callable[[Entry], Hashable | None]], ...] = (
        ("national_id", lambda entry: entry[1].national_id),
        ("name", lambda entry: (entry[0].id, entry[1].name)),
    )
    left, right = dict(old_only), dict(new_only)
    out: list[Rename] = []
    for by, key in keys:
        for old_id, new_id in _unique_pairs(left, right, key):
            out.append(Rename(_ref(*left.pop(old_id)), _ref(*right.pop(new_id)), by))
    return out


def _unique_pairs(
    left: Mapping[str, Entry], right: Mapping[str, Entry], key: Callable[[Entry], Hashable | None]
) -> list[tuple[str, str]]:
    def groups(entries: Mapping[str, Entry]) -> dict[Hashable, list[str]]:
        found: dict[Hashable, list[str]] = {}
        for ident, entry in entries.items():
            value = key(entry)
            if value is not None:
                found.setdefault(value, []).append(ident)
        return found

    old_groups, new_groups = groups(left), groups(right)
    pairs = [(old_groups[k], new_groups[k]) for k in old_groups.keys() & new_groups.keys()]
    return sorted((o[0], n[0]) for o, n in pairs if len(o) == 1 and len(n) == 1)


def _procedure_change(old: Entry, new: Entry) -> ProcedureChange | None:
    old_counter, old_procedure = old
    new_counter, new_procedure = new
    if old_procedure == new_procedure and old_counter.id == new_counter.id:
        return None  # the models compare parsed values: the walk below only says which fields differ
    old_data = old_procedure.model_dump(exclude={"id", "steps"})
    new_data = new_procedure.model_dump(exclude={"id", "steps"})
    values = list(_leaves(old_data, new_data, ""))
    if old_counter.id != new_counter.id:
        values.insert(0, FieldChange("counter", old_counter.id, new_counter.id))
    steps = _step_changes(old_procedure, new_procedure)
    if not values and steps is None:
        return None
    fields = [value.field for value in values]
    if steps is not None:
        # `steps` takes its place in the order of the format: after `plan`, before `issues`.
        later = {"issues", "notes", "survey"}
        index = next((i for i, f in enumerate(fields) if f.split(".")[0] in later), len(fields))
        fields.insert(index, "steps")
    return ProcedureChange(_ref(*new), tuple(fields), tuple(values), steps)


def _leaves(old: Any, new: Any, prefix: str) -> Iterator[FieldChange]:
    """Yield the differing leaves of two dumps as dotted paths; a mapping on one side only is compared with {}."""
    if isinstance(old, dict) or isinstance(new, dict):
        left = old if isinstance(old, dict) else {}
        right = new if isinstance(new, dict) else {}
        for key in [*left, *(k for k in right if k not in left)]:
            yield from _leaves(left.get(key), right.get(key), f"{prefix}.{key}" if prefix else str(key))
    elif _plain(old) != _plain(new):
        yield FieldChange(prefix, _plain(old), _plain(new))


def _plain(value: Any) -> JsonValue:
    """Return a dumped value as JSON holds it (enums by value, mappings inside lists kept as mappings)."""
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return int(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _step_changes(old: Procedure, new: Procedure) -> StepChanges | None:
    if old.steps == new.steps:
        return None
    old_steps = {step.id: step.model_dump(exclude={"id"}) for step in old.steps}
    new_steps = {step.id: step.model_dump(exclude={"id"}) for step in new.steps}
    common = [key for key in new_steps if key in old_steps]
    changed = []
    for key in common:
        fields = tuple(change.field for change in _leaves(old_steps[key], new_steps[key], ""))
        if fields:
            changed.append((key, fields))
    reordered = [key for key in old_steps if key in new_steps] != common
    added = tuple(key for key in new_steps if key not in old_steps)
    removed = tuple(key for key in old_steps if key not in new_steps)
    if not (added or removed or changed or reordered):
        return None
    return StepChanges(added, removed, tuple(changed), reordered)


def _became_done(old: Plan | None, new: Plan | None) -> bool:
    return new is not None and new.progress is Progress.DONE and (old is None or old.progress is not Progress.DONE)


def _online_move(old: Entry, new: Entry, old_scored: ScoredProcedure, new_scored: ScoredProcedure) -> OnlineMove | None:
    before, after = old[1].online, new[1].online
    status_up = _STATUS_ORDER.index(after.status) > _STATUS_ORDER.index(before.status)
    share_up = new_scored.online_share > old_scored.online_share + _SHARE_EPSILON
    portal_up = after.on_mynaportal and not before.on_mynaportal
    plan = new[1].plan
    plan_done = _became_done(old[1].plan, plan) and plan is not None and plan.measure is Measure.ONLINE
    if not (status_up or share_up or portal_up or plan_done):
        return None
    return OnlineMove(
        _ref(*new),
        before.status.value,
        after.status.value,
        round(old_scored.online_share, 4),
        round(new_scored.online_share, 4),
        before.on_mynaportal,
        after.on_mynaportal,
        plan_done,
    )


def _score_moves(matched: Sequence[tuple[Entry, Entry, ScoredProcedure, ScoredProcedure]]) -> tuple[ScoreMove, ...]:
    moves = []
    for _, new, old_scored, new_scored in matched:
        before = {k: round(v, 1) for k, v in old_scored.scores.as_dict().items()}
        after = {k: round(v, 1) for k, v in new_scored.scores.as_dict().items()}
        own = (
            before != after
            or old_scored.priority_hours != new_scored.priority_hours
            or old_scored.recommendation is not new_scored.recommendation
        )
        if own or old_scored.rank != new_scored.rank:
            moves.append(
                ScoreMove(
                    _ref(*new),
                    before,
                    after,
                    old_scored.rank,
                    new_scored.rank,
                    old_scored.priority_hours,
                    new_scored.priority_hours,
                    own,
                )
            )
    return tuple(sorted(moves, key=lambda move: (move.new_rank, move.procedure.id)))


def _realised(old: Entry, new: Entry, old_scored: ScoredProcedure) -> RealisedHours | None:
    plan = new[1].plan
    if plan is None or not _became_done(old[1].plan, plan):
        return None
    # The hours the measure was expected to save before it was done: after, the analysis sees them gone.
    hours = old_scored.expected_hours.get(plan.measure.value, 0.0) if plan.measure is not Measure.NONE else 0.0
    done_fy = getattr(plan, "done_fy", None)  # a field the format may gain; read where present
    return RealisedHours(
        _ref(*new),
        plan.measure.value,
        round(hours, 1),
        plan.target_fy,
        done_fy if isinstance(done_fy, int) and not isinstance(done_fy, bool) else None,
    )


def _kpi_moves(old: Analysis, new: Analysis) -> tuple[KpiMove, ...]:
    # One configuration analyses both sides, so the KPIs are the same list in the same order.
    return tuple(
        KpiMove(
            after.name, after.by_fy, after.target, before.target, before.planned, after.planned, before.met, after.met
        )
        for before, after in zip(old.roadmap.kpis, new.roadmap.kpis, strict=True)
    )
