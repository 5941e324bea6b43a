"""unreachable-step: every step should be reachable from the first step.

Passes::

    - {id: a, ..., next: [b, c]}
    - {id: b, ...}
    - {id: c, ...}

Fails (`b` is never reached, since `a` jumps to `c`)::

    - {id: a, ..., next: [c]}
    - {id: b, ...}
    - {id: c, ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, Named, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "unreachable-step"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "a step cannot be reached from the first step"
TITLE = N_("unreachable step")  # heads the warning in 課題一覧 and the report


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield each step that no path from the first step reaches."""
    reached = set(ctx.flow.reachable())
    names = {step.id: step.name for step in reversed(ctx.procedure.steps)}
    seen: set[str] = set()
    for index, step in enumerate(ctx.procedure.steps):
        if step.id not in reached and step.id not in seen:
            seen.add(step.id)
            yield RuleFinding(
                ("steps", index, "id"),
                phrase(
                    N_("step {step} cannot be reached from the first step {start}"),
                    step=Named(step.id, step.name),
                    start=Named(ctx.flow.start, names.get(ctx.flow.start, ctx.flow.start)),
                ),
            )
