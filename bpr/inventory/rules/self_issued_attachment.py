"""self-issued-attachment: the city asks citizens for a document it issues itself.

Passes: ``- {name: 健康保険証の写し, source: citizen}``.
Warns: ``- {name: 住民票の写し, source: self, procedure: shimin-juminhyo}``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.i18n import N_, Named, phrase
from bpr.inventory.enums import Source
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, RuleFinding

CODE = "self-issued-attachment"
SEVERITY = Severity.WARNING  # the default; `validate.severity` in the config may raise or drop a warning
MEANING = "an attachment the city issues itself"
TITLE = N_("attachment the city issues")  # heads the warning in 課題一覧 and the report


def check_procedure(ctx: ProcedureContext) -> Iterator[RuleFinding]:
    """Yield each attachment the city itself issues."""
    for index, attachment in enumerate(ctx.procedure.attachments):
        if attachment.source is Source.SELF:
            yield RuleFinding(
                ("attachments", index, "source"),
                phrase(
                    N_("attachment {name} is issued by the city itself: look it up instead of asking the citizen"),
                    name=Named(attachment.name, attachment.name),
                ),
            )
