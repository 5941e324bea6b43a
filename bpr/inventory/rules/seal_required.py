"""seal-required: 押印 was abolished in principle in April 2021.

Passes: ``- {id: write, ..., seal: false}``. Warns: ``- {id: write, ..., seal: true}``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, Named, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "seal-required"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "a step requires a seal (押印)"
TITLE = N_("seal")  # heads the warning in 課題一覧 and the report


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield each step that requires a seal."""
    for index, step in enumerate(ctx.procedure.steps):
        if step.seal:
            yield RuleFinding(
                ("steps", index, "seal"),
                phrase(
                    N_("step {step} requires a seal (押印), abolished in principle since April 2021"),
                    step=Named(step.id, step.name),
                ),
            )
