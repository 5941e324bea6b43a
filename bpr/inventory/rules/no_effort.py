"""no-effort: a procedure whose steps all lack `effort` gives no hours to score.

Passes: ``- {id: receive, ..., effort: 10m}``. Warns: every step without `effort`.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, Named, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "no-effort"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "no step of a procedure has an `effort`"
TITLE = N_("no working time")  # heads the warning in 課題一覧 and the report


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield a finding on `steps` when no step has any effort."""
    if all(step.effort == 0 for step in ctx.procedure.steps):
        yield RuleFinding(
            ("steps",),
            phrase(
                N_("no step of procedure {procedure} has an `effort`: its staff and citizen hours will be zero"),
                procedure=Named(ctx.procedure.id, ctx.procedure.name),
            ),
            at_key=True,
        )
