"""zero-volume: `annual_volume: 0` scores nothing; check the figure or drop the procedure.

Passes: ``annual_volume: 120``. Warns: ``annual_volume: 0``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, Named, phrase
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "zero-volume"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "`annual_volume: 0`"
TITLE = N_("no cases a year")  # heads the warning in 課題一覧 and the report


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield a finding when the annual volume is zero."""
    if ctx.procedure.annual_volume == 0:
        message = phrase(
            N_("procedure {procedure} has no cases a year: it cannot rank"),
            procedure=Named(ctx.procedure.id, ctx.procedure.name),
        )
        yield RuleFinding(("annual_volume",), message)
