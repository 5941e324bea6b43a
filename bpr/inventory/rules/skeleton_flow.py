"""skeleton-flow: a flow made by an importer (`flow_source: skeleton`), not yet surveyed.

Its figures are placeholders until the counter's staff survey the real steps.

Passes: ``flow_source: surveyed`` (or no `flow_source`). Warns: ``flow_source: skeleton``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, Named, phrase
from bpr.inventory.enums import FlowSource
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "skeleton-flow"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "`flow_source: skeleton`: steps made by an importer, not yet surveyed"
TITLE = N_("flow not surveyed")  # heads the warning in 課題一覧 and the report


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield a finding at `flow_source` when the steps are an importer's skeleton."""
    if ctx.procedure.flow_source is FlowSource.SKELETON:
        yield RuleFinding(
            ("flow_source",),
            phrase(
                N_("procedure {procedure} has a skeleton flow, not yet surveyed: its hours are placeholders"),
                procedure=Named(ctx.procedure.id, ctx.procedure.name),
            ),
        )
