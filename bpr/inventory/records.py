"""The records of loading: one loaded file, and the inventory of every loaded file.

The models are only their types here: a file checked from the cache (`facts_only`) holds none, and
`bpr validate` then imports no pydantic.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bpr.inventory.codes import apply_severities, severity_of
from bpr.inventory.problem import Problem, found
from bpr.inventory.rules import RULES_BY_CODE
from bpr.inventory.rules.base import PathKey, Reference, RuleFinding, references_of

if TYPE_CHECKING:
    from bpr.inventory.models import Counter, InventoryFile, Procedure


@dataclass
class LoadedFile:
    """One file after loading: its valid parts, its problems and the positions cross-file rules need."""

    path: str
    counter: Counter | None = None
    procedures: list[tuple[int, Procedure]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    # Every procedure id the file declares, by index, schema-valid or not: the cross-file rules see a
    # procedure with a typo in another field, so they neither report false unknown references to it
    # nor miss a duplicate of its id.
    declared_ids: dict[int, str] = field(default_factory=dict)
    # How many procedures loaded without errors, when `procedures` no longer holds them all (facts_only).
    valid_count: int | None = None
    # The names of other procedures, when `procedures` no longer holds them (facts_only).
    kept_references: list[Reference] | None = None
    # The valid counter's id, when `counter` no longer holds the counter (facts_only).
    kept_counter_id: str | None = None

    @property
    def counter_id(self) -> str | None:
        """Return the id of the file's counter when it is valid, else None."""
        return self.counter.id if self.counter is not None else self.kept_counter_id

    @property
    def references(self) -> list[Reference]:
        """Return every name of another procedure in the file's valid procedures (attachments, covers)."""
        return references_of(self.procedures) if self.kept_references is None else self.kept_references

    @property
    def procedure_count(self) -> int:
        """Return how many of the file's procedures loaded without errors."""
        return len(self.procedures) if self.valid_count is None else self.valid_count

    def where(self, path: PathKey) -> str:
        """Return 'FILE:LINE:COL' of a recorded path."""
        line, column = self.positions.get(path, (1, 1))
        return f"{self.path}:{line}:{column}"

    def problem(self, code: str, finding: RuleFinding) -> Problem:
        """Return a problem for a finding at a recorded path."""
        line, column = self.positions.get(finding.path, (1, 1))
        index = finding.path[1] if finding.path[:1] == ("procedures",) else None
        owner = dict(self.procedures).get(index) if isinstance(index, int) else None
        return found(self.path, line, column, severity_of(code), code, finding.message, owner.id if owner else None)

    def facts_only(self) -> LoadedFile:
        """Return what the cross-file rules read of this file, and no more: what a streamed run keeps of each file.

        The counter's id, every declared id, the names of other procedures (`references`) and the positions the
        rules report; no model. The file's own problems are not kept: the streamed run has taken them.
        """
        # The positions are those the cross-file rules report already (checker._record_positions).
        return LoadedFile(
            self.path,
            None,
            [],
            [],
            self.positions,
            self.declared_ids,
            self.procedure_count,
            self.references,
            self.counter_id,
        )


@dataclass
class Inventory:
    """Every loaded file of an inventory set, in path order."""

    files: list[LoadedFile]

    def entries(self) -> Iterator[tuple[Counter, Procedure, str]]:
        """Yield (counter, procedure, file) for every valid procedure, in file order."""
        for loaded in self.files:
            if loaded.counter is None:
                continue
            for _, procedure in loaded.procedures:
                yield loaded.counter, procedure, loaded.path

    def apply_severities(self, severity: Mapping[str, str]) -> None:
        """Give every file's problems the config's severities (`validate.severity`): raised to error, or left out."""
        for loaded in self.files:
            loaded.problems[:] = apply_severities(loaded.problems, severity)

    @property
    def problems(self) -> list[Problem]:
        """Return every problem of every file, sorted."""
        return sorted(p for loaded in self.files for p in loaded.problems)


def as_inventory_file(loaded: LoadedFile) -> InventoryFile | None:
    """Return the whole-file model when every part of the file is valid."""
    from bpr.inventory.models import InventoryFile

    if loaded.counter is None or not loaded.procedures:
        return None
    return InventoryFile.model_construct(
        version=1, counter=loaded.counter, procedures=[p for _, p in loaded.procedures]
    )


def run_inventory_rules(files: Sequence[LoadedFile]) -> None:
    """Run the cross-file rules and add their problems to the files they concern."""
    for code, rule in RULES_BY_CODE.items():
        check = getattr(rule, "check_inventory", None)
        if check is None:
            continue
        for loaded, finding in check(files):
            loaded.problems.append(loaded.problem(code, finding))
    for loaded in files:
        loaded.problems.sort()
