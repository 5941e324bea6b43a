"""duplicate-id: ids must be unique: counters and procedures across the set, steps within a procedure.

Passes::

    steps: [{id: receive, ...}, {id: enter, ...}]

Fails (the second `receive`)::

    steps: [{id: receive, ...}, {id: receive, ...}]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bpr.i18n import N_, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import LoadedT, ProcedureContext, RuleFinding

CODE = "duplicate-id"
SEVERITY = Severity.ERROR  # the config cannot lower an error (`validate.severity`)
MEANING = "a counter, procedure or step id is used twice"


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield each step id used a second time in the procedure."""
    seen: set[str] = set()
    for index, step in enumerate(ctx.procedure.steps):
        if step.id in seen:
            yield RuleFinding(
                ("steps", index, "id"), phrase(N_("step id '{step}' is used twice in this procedure"), step=step.id)
            )
        seen.add(step.id)


def check_inventory(files: Sequence[LoadedT]) -> Iterator[tuple[LoadedT, RuleFinding]]:
    """Yield each counter or procedure id already used in the set, pointing at the earlier one."""
    counters: dict[str, str] = {}
    procedures: dict[str, str] = {}
    for loaded in files:
        if loaded.counter_id is not None:
            first = counters.setdefault(loaded.counter_id, loaded.where(("counter", "id")))
            if first != loaded.where(("counter", "id")):
                yield (
                    loaded,
                    RuleFinding(
                        ("counter", "id"),
                        phrase(
                            N_("counter id '{counter}' is already used at {first}"),
                            counter=loaded.counter_id,
                            first=first,
                        ),
                    ),
                )
        for index, procedure_id in sorted(loaded.declared_ids.items()):
            here = loaded.where(("procedures", index, "id"))
            first = procedures.setdefault(procedure_id, here)
            if first != here:
                yield (
                    loaded,
                    RuleFinding(
                        ("procedures", index, "id"),
                        phrase(
                            N_("procedure id '{procedure}' is already used at {first}"),
                            procedure=procedure_id,
                            first=first,
                        ),
                    ),
                )
