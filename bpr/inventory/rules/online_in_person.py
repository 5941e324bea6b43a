"""online-in-person: a procedure said to be fully online still has a step where the citizen must come in.

Passes: ``online: {status: full}`` with no `in_person` citizen step.
Warns: ``online: {status: full}`` and ``- {id: write, actor: citizen, in_person: true, ...}``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, Named, phrase
from bpr.inventory.enums import Actor, OnlineStatus
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "online-in-person"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "a fully online procedure with an in-person citizen step"
TITLE = N_("online, yet in person")  # heads the warning in 課題一覧 and the report


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield each in-person citizen step of a fully online procedure."""
    if ctx.procedure.online.status is not OnlineStatus.FULL:
        return
    for index, step in enumerate(ctx.procedure.steps):
        if step.in_person and step.actor is Actor.CITIZEN:
            yield RuleFinding(
                ("steps", index, "in_person"),
                phrase(
                    N_("procedure is fully online, yet step {step} needs the citizen in person"),
                    step=Named(step.id, step.name),
                ),
            )
