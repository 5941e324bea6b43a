"""課題一覧: every `issues` entry of the inventory and every validation warning, per procedure."""

from __future__ import annotations

from collections.abc import Iterator

from bpr.export.presentation import counter_label, warning_lines
from bpr.export.workbook.cell_lines import packed
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import CENTRED, NUMBER, TEXT, WARNING_FILL, WRAPPED, CellFormat
from bpr.export.workbook.table import REPEATED, Column, Folded, Row, Styled, Table

TITLE = "課題一覧"
ISSUE = "課題"
WARNING = "警告"
WARNING_FORMAT = CellFormat(horizontal="center", fill=WARNING_FILL)
WARNED = Styled(WARNING, WARNING_FORMAT)
CONTENT_WIDTH = 135.0

# Within PRINTED_WIDTH (paper.py): 8 pt on A4. The kind, the section and the counter are on screen only,
# after 内容.
COLUMNS = (
    Column("順位", NUMBER, min_width=5, max_width=6),
    Column("手続名", WRAPPED, min_width=16, max_width=33),
    Column("内容", WRAPPED, min_width=CONTENT_WIDTH, max_width=CONTENT_WIDTH),
    Column("種別", CENTRED, min_width=6, max_width=6),
    Column("課", TEXT, max_width=14),
    Column("窓口", TEXT, max_width=14),
)
PRINTED = 3  # up to 内容: the rows that print are issues (the warnings are folded)


def issues_table(scope: Scope) -> Table:
    """Return the issues and warnings of the procedures in scope: a row for each procedure's issues, one for its warnings.

    A row lists its issues (or its warnings, each after its Japanese name) side by side, ・A　・B, as many a
    line as fit: 160 issues of the sample take some 90 lines, not 160 rows.
    """
    warnings = scope.analysis.warnings_by_procedure

    # The warnings are said (and the rows counted) as the rows are read: by the process that lays the table
    # out, on another core where it can be (cores.py), not before.
    def rows() -> Iterator[Row]:
        files = sorted({p.file for p in scope.procedures})
        file_warnings = [(file, warnings[file]) for file in files if file in warnings]
        said = {p.id: warning_lines(warnings.get(p.id, ())) for p in scope.procedures}
        for item in scope.procedures:
            where: tuple[object, ...] = (item.rank, item.procedure.name)
            counter = (item.counter.section, counter_label(item.counter))
            if item.procedure.issues:
                yield (*where, packed(item.procedure.issues, CONTENT_WIDTH), ISSUE, *counter)
                where = tuple(Styled(value, REPEATED) for value in where)  # kept to filter, not shown
            if said[item.id]:
                # Folded (on screen, ＋ opens them), one a line: the checker's findings are the DX team's to act on.
                yield Folded((*where, "\n".join(_warnings(said[item.id])), WARNED, *counter))
        for file, found in file_warnings:
            yield Folded((None, "(ファイル全体)", "\n".join(_warnings(warning_lines(found), file)), WARNED, "", ""))

    return Table(TITLE, COLUMNS, rows, frozen_columns=2, printed_columns=PRINTED)


def _warnings(lines: list[tuple[str, str]], file: str | None = None) -> list[str]:
    """Return warnings as 内容 lists them: each after its Japanese name (and the file's, for a file's own)."""
    where = f"{file}: " if file else ""
    return [f"{label}: {where}{message}" if label else f"{where}{message}" for label, message in lines]
