"""優先順位 as a sheet: the shared table (bpr/export/tables/priority.py), the id linked to its diagram."""

from __future__ import annotations

from bpr.export.tables import priority
from bpr.export.workbook import table as sheets
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.shared_tables import as_sheet


def priority_sheet(scope: Scope) -> sheets.Table:
    """Return the sheet of every procedure in scope, in rank order: 順位 to 手続名 frozen, printed up to 理由."""
    links = scope.diagram_links
    return as_sheet(
        priority.priority_table(scope),
        frozen_columns=4,
        printed=priority.PRINTED,
        links=[links.get(item.id) for item in scope.procedures] if links else (),
        linked="id",
    )
