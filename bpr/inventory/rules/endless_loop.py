"""endless-loop: a loop that no case can leave (format 1.1: every way out has share 0).

Passes (one case in ten is sent back, nine in ten go on)::

    - {id: check, ..., next: [{to: issue, share: 0.9}, {to: write, share: 0.1}]}

Fails (every case is sent back, for ever)::

    - {id: check, ..., next: [{to: issue, share: 0}, {to: write, share: 1}]}
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "endless-loop"
SEVERITY = Severity.ERROR  # the config cannot lower an error (`validate.severity`)
MEANING = "a loop that no case can leave: every way out has share 0"


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield one finding at the `next` of the first step that cases reach and can never leave for an end."""
    flow = ctx.flow
    if not flow.can_end():
        return  # no-end says it already
    trapped = flow.endless()
    if not trapped:
        return
    index_of = {step.id: i for i, step in reversed(list(enumerate(ctx.procedure.steps)))}
    written = [s for s in trapped if ctx.procedure.steps[index_of[s]].next is not None]
    first = written[0] if written else trapped[0]
    index = index_of[first]
    path: tuple[str | int, ...] = (
        ("steps", index, "next") if ctx.procedure.steps[index].next is not None else ("steps", index, "id")
    )
    names = "', '".join(trapped[:5])
    yield RuleFinding(
        path,
        phrase(
            N_(
                "cases that reach step '{first}' can never leave the loop through '{names}': "
                "give a way out a share of at least 0.000001"
            ),
            first=first,
            names=names,
        ),
    )
