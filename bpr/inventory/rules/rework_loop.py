"""rework-loop: a flow that goes back to an earlier step (差し戻し) is worth a look.

Passes::

    - {id: check, ..., next: [issue]}

Warns (`check` sends the case back to `write`)::

    - {id: write, ...}
    - {id: check, ..., next: [issue, write]}
    - {id: issue, ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, Named, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "rework-loop"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "a flow goes back to an earlier step (差し戻し)"
TITLE = N_("rework loop")  # heads the warning in 課題一覧 and the report


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield each edge that goes back to an earlier step, at that `next` entry."""
    index_of = {step.id: i for i, step in reversed(list(enumerate(ctx.procedure.steps)))}
    for source, target in ctx.flow.back_edges():
        index = index_of[source]
        step = ctx.procedure.steps[index]
        written = step.next_ids
        if written is not None and target in written:
            path: tuple[str | int, ...] = ("steps", index, "next", written.index(target))
        else:
            path = ("steps", index, "id")
        yield RuleFinding(
            path,
            phrase(
                N_("step {source} sends the case back to {target} (rework loop, 差し戻し)"),
                source=Named(source, step.name),
                target=Named(target, ctx.procedure.steps[index_of[target]].name),
            ),
        )
