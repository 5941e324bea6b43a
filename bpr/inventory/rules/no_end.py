"""no-end: some path from the first step must reach an end (a step with no successor).

Passes::

    - {id: check, ..., next: [issue, write]}   # rework to `write`, or on to `issue`
    - {id: issue, ...}                          # last step: the flow ends

Fails (every path loops forever)::

    - {id: write, ..., next: [check]}
    - {id: check, ..., next: [write]}
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "no-end"
SEVERITY = Severity.ERROR  # the config cannot lower an error (`validate.severity`)
MEANING = "every path of a flow loops forever"


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield a finding on `steps` when no path from the first step ends."""
    if not ctx.flow.can_end():
        yield RuleFinding(
            ("steps",),
            phrase(
                N_(
                    "procedure '{procedure}' has no end: every path from step '{start}' loops forever "
                    "(give the last step `next: []` or no `next`)"
                ),
                procedure=ctx.procedure.id,
                start=ctx.flow.start,
            ),
            at_key=True,
        )
