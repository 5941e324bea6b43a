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
        for index, procedure in loaded.procedures:
            for number, attachment in enumerate(procedure.attachments):
                target = attachment.procedure
                if target is not None and target not in known:
                    yield (
                        loaded,
                        RuleFinding(
                            ("procedures", index, "attachments", number, "procedure"),
                            phrase(
                                N_("attachment '{name}' refers to procedure '{target}', which does not exist{hint}"),
                                name=attachment.name,
                                target=target,
                                hint=suggestion(target, known),
                            ),
                        ),
                    )
            for number, step in enumerate(procedure.steps):
                for position, target in enumerate(step.covers or []):
                    if target not in known:
                        yield (
                            loaded,
                            RuleFinding(
                                ("procedures", index, "steps", number, "covers", position),
                                phrase(
                                    N_("step '{step}' covers procedure '{target}', which does not exist{hint}"),
                                    step=step.id,
                                    target=target,
                                    hint=suggestion(target, known),
                                ),
                            ),
                        )
