"""優先順位 as a sheet: the shared table (bpr/export/tables/priority.py), printed one line a procedure.

What prints ends at 理由, the first clause of the procedure's reasons cut to one line; the reasons in
full are a comment on that cell (shown when the pointer rests on it; the first COMMENTED procedures), the
column 理由 (全文) on screen, and the procedure's page of the report. The id links to the procedure's diagram.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from bpr.export.tables import priority
from bpr.export.workbook import table as sheets
from bpr.export.workbook.cell_lines import cut_to_line
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.shared_tables import as_sheet
from bpr.export.workbook.styles import PERSON, TEXT

# The measures a procedure carries besides its primary one, on one line (on screen only).
ADDED_SEPARATOR = "・"
# Procedures whose full reasons are also a comment on 理由, from the top of the ranking: a comment costs
# openpyxl about as much as a row of the sheet; 理由 (全文) holds every procedure's reasons.
COMMENTED = 1_000


def priority_sheet(scope: Scope) -> sheets.Table:
    """Return the sheet of every procedure in scope, in rank order: 順位 to 手続名 frozen, printed up to 理由."""
    links = scope.diagram_links
    keys = [column.key for column in priority.COLUMNS]
    reason, added = keys.index("reason"), keys.index("added")
    width = priority.COLUMNS[reason].max_width
    table = as_sheet(
        priority.priority_table(scope),
        frozen_columns=3,
        printed=priority.PRINTED,
        links=[links.get(item.id) for item in scope.procedures] if links else (),
        linked="id",
        # On one line: the full reasons are many lines, and a row as tall as they are is what made the sheet
        # print 28 pages; they are read in the comment, or by widening the row on screen.
        formats={"reason": TEXT, "reasons": TEXT, "added": TEXT, "counter": TEXT, "fte": PERSON},
    )
    source = table.rows

    def rows() -> Iterator[sheets.Row]:
        for row in source():
            cells = list(sheets.cells_of(row))
            cells[reason] = cut_to_line(str(cells[reason] or ""), width)
            measures = cells[added]
            if isinstance(measures, str):
                cells[added] = measures.replace("\n", ADDED_SEPARATOR)
            yield cells

    return dataclasses.replace(
        table,
        rows=rows,
        comments=["\n".join(item.reasons) or None for item in scope.procedures[:COMMENTED]],
        comment_column=reason,
    )
