"""unknown-reference: a `next`, `attachments[].procedure` or `covers` id must exist.

Passes::

    - {id: approve, ..., next: [notify]}
    - {id: notify, ...}

Fails (`notfy` is no step of this procedure)::

    - {id: approve, ..., next: [notfy]}
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bpr.i18n import N_, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import LoadedT, ProcedureContext, RuleFinding, suggestion

CODE = "unknown-reference"
SEVERITY = Severity.ERROR  # the config cannot lower an error (`validate.severity`)
MEANING = "a `next` or attachment `procedure` id does not exist"


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield each `next` id that names no step of the procedure."""
    ids = [step.id for step in ctx.procedure.steps]
    for index, step in enumerate(ctx.procedure.steps):
        for position, target in enumerate(step.next_ids or []):
            if target not in ids:
                yield RuleFinding(
                    ("steps", index, "next", position),
                    phrase(
                        N_("step '{step}' goes to '{target}', which does not exist{hint}"),
                        step=step.id,
                        target=target,
                        hint=suggestion(target, ids),
                    ),
                )


def check_inventory(files: Sequence[LoadedT]) -> Iterator[tuple[LoadedT, RuleFinding]]:
    """Yield each attachment `procedure` and step `covers` that names no procedure in the set."""
    known = {procedure_id for loaded in files for procedure_id in loaded.declared_ids.values()}
    for loaded in files:
        for reference in loaded.references:
            if reference.target in known:
                continue
            if reference.attachment is not None:
                message = phrase(
                    N_("attachment '{name}' refers to procedure '{target}', which does not exist{hint}"),
                    name=reference.attachment,
                    target=reference.target,
                    hint=suggestion(reference.target, known),
                )
            else:
                message = phrase(
                    N_("step '{step}' covers procedure '{target}', which does not exist{hint}"),
                    step=reference.step,
                    target=reference.target,
                    hint=suggestion(reference.target, known),
                )
            yield loaded, RuleFinding(reference.path, message)
