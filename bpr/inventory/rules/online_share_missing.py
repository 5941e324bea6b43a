"""online-share-missing: `online.status: partial` without `online.share`.

How many cases already go online decides what is left to gain; without the figure the configured
`scoring.default_online_share` is used.

Passes: ``online: {status: partial, share: 0.12}``. Warns: ``online: {status: partial}``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, Named, phrase
from bpr.inventory.enums import OnlineStatus
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "online-share-missing"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "`online.status: partial` without `online.share`"
TITLE = N_("online share missing")  # heads the warning in 課題一覧 and the report


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield a finding at `online.status` when a partly online procedure has no share."""
    online = ctx.procedure.online
    if online.status is OnlineStatus.PARTIAL and online.share is None:
        yield RuleFinding(
            ("online", "status"),
            phrase(
                N_(
                    "procedure {procedure} is partly online but has no 'share' "
                    "(オンライン手続件数 / 総手続件数): the configured default share is used"
                ),
                procedure=Named(ctx.procedure.id, ctx.procedure.name),
            ),
        )
