"""課題一覧: every `issues` entry of the inventory and every validation warning, per procedure."""

from __future__ import annotations

from collections.abc import Iterator

from bpr.export.presentation import counter_label, warning_lines
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import CENTRED, NUMBER, WARNING_FILL, WRAPPED, CellFormat
from bpr.export.workbook.table import Column, Row, Styled, Table

TITLE = "課題一覧"
ISSUE = "課題"
WARNING = "警告"
WARNING_FORMAT = CellFormat(horizontal="center", fill=WARNING_FILL, wrap=True)

COLUMNS = (
    Column("順位", NUMBER, min_width=5),
    Column("課", WRAPPED, max_width=12),
    Column("窓口", WRAPPED, max_width=14),
    Column("手続名", WRAPPED, min_width=16, max_width=24),
    Column("種別", CENTRED, min_width=10, max_width=14),
    Column("内容", WRAPPED, min_width=40, max_width=72),
)


def issues_table(scope: Scope) -> Table:
    """Return the issues and warnings of the procedures in scope, procedure by procedure in rank order."""
    warnings = scope.analysis.warnings_by_procedure
    files = sorted({p.file for p in scope.procedures})
    file_warnings = [(file, warnings[file]) for file in files if file in warnings]
    said = {p.id: warning_lines(warnings.get(p.id, ())) for p in scope.procedures}
    count = sum(len(p.procedure.issues) + len(said[p.id]) for p in scope.procedures)
    count += sum(len(found) for _, found in file_warnings)

    def rows() -> Iterator[Row]:
        for item in scope.procedures:
            where = (item.rank, item.counter.section, counter_label(item.counter), item.procedure.name)
            for issue in item.procedure.issues:
                yield (*where, ISSUE, issue)
            for label, message in said[item.id]:
                yield (*where, Styled(f"{WARNING}\n{label}" if label else WARNING, WARNING_FORMAT), message)
        for file, found in file_warnings:
            for label, message in warning_lines(found):
                yield (
                    None,
                    "",
                    "",
                    "(ファイル全体)",
                    Styled(f"{WARNING}\n{label}", WARNING_FORMAT),
                    f"{file}: {message}",
                )

    return Table(TITLE, COLUMNS, rows, count, frozen_columns=4)
