"""skeleton-flow: a flow made by an importer (`flow_source: skeleton`), not yet surveyed.

Its figures are placeholders until the counter's staff survey the real steps.

Passes: ``flow_source: surveyed`` (or no `flow_source`). Warns: ``flow_source: skeleton``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import _
from bpr.inventory.models import FlowSource
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "skeleton-flow"


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield a finding at `flow_source` when the steps are an importer's skeleton."""
    if ctx.procedure.flow_source is FlowSource.SKELETON:
        yield RuleFinding(
            ("flow_source",),
            _("procedure '{procedure}' has a skeleton flow, not yet surveyed: its hours are placeholders").format(
                procedure=ctx.procedure.id
            ),
        )
