"""課題一覧: every `issues` entry of the inventory and every validation warning, per procedure."""

from __future__ import annotations

from collections.abc import Iterator

from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import CENTRED, NUMBER, WARNING_FILL, WRAPPED, CellFormat
from bpr.export.workbook.table import Column, Row, Styled, Table

TITLE = "課題一覧"
ISSUE = "課題"
WARNING = "警告"
WARNING_FORMAT = CellFormat(horizontal="center", fill=WARNING_FILL)

# The Japanese name of each warning code of `bpr validate`; an unknown code is shown as it is.
WARNING_LABELS = {
    "unreachable-step": "到達しない工程",
    "rework-loop": "差し戻し",
    "zero-volume": "年間件数が0件",
    "no-effort": "作業時間が未記入",
    "seal-required": "押印が必要",
    "self-issued-attachment": "市が発行する添付書類",
    "online-in-person": "オンライン化済みで来庁工程あり",
}

COLUMNS = (
    Column("順位", NUMBER, min_width=5),
    Column("課", WRAPPED, max_width=12),
    Column("窓口", WRAPPED, max_width=16),
    Column("手続名", WRAPPED, min_width=16, max_width=24),
    Column("種別", CENTRED, min_width=6),
    Column("区分", WRAPPED, min_width=10, max_width=18),
    Column("内容", WRAPPED, min_width=40, max_width=64),
    Column("手続ID・ファイル", CellFormat(), max_width=30),
)


def issues_table(scope: Scope) -> Table:
    """Return the issues and warnings of the procedures in scope, procedure by procedure in rank order."""
    warnings = scope.analysis.warnings_by_procedure
    files = sorted({p.file for p in scope.procedures})
    file_warnings = [(file, warnings[file]) for file in files if file in warnings]
    count = sum(len(p.procedure.issues) + len(warnings.get(p.id, ())) for p in scope.procedures)
    count += sum(len(found) for _, found in file_warnings)

    def rows() -> Iterator[Row]:
        for item in scope.procedures:
            where = (item.rank, item.counter.section, item.counter.name, item.procedure.name)
            for issue in item.procedure.issues:
                yield (*where, ISSUE, "", issue, item.id)
            for warning in warnings.get(item.id, ()):
                yield (*where, Styled(WARNING, WARNING_FORMAT), *_warning(warning), item.id)
        for file, found in file_warnings:
            for warning in found:
                yield (None, "", "", "(ファイル全体)", Styled(WARNING, WARNING_FORMAT), *_warning(warning), file)

    # The id and file are for the DX team: on screen, not on paper.
    return Table(TITLE, COLUMNS, rows, count, frozen_columns=4, printed_columns=len(COLUMNS) - 1)


def _warning(text: str) -> tuple[str, str]:
    """Split 'code: message' into the code's Japanese name and the message."""
    code, _, message = text.partition(": ")
    if not message:
        return "", text
    return WARNING_LABELS.get(code, code), message
