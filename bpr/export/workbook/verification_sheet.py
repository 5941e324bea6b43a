"""効果検証: each done measure with what was measured (plan.actual), beside what the model expected (model v3, property 10).

Figures come from bpr/analysis/verification.py; this module lays them out, one row a measure, then a row
a measure kind with the ratio of measured to expected hours saved.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.verification import by_kind
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import EXPECTED, NUMBER, SHARE, WRAPPED, CellFormat, measure_format
from bpr.export.workbook.table import Column, Row, Styled, Table
from bpr.fiscal import reiwa

TITLE = "効果検証"
NOTE = CellFormat(wrap=False, border=None)
RATIO = CellFormat(number_format="0%")
KIND = CellFormat(bold=True, fill="F2F2F2", wrap=True)
COLUMNS = (
    Column("手続名", WRAPPED, min_width=18, max_width=30),
    Column("施策", WRAPPED, min_width=10, max_width=13),
    Column("測定年度", WRAPPED, min_width=9),
    Column("件数\n(見込み)", NUMBER, min_width=9),
    Column("件数\n(実測)", NUMBER, min_width=9),
    Column("職員 分/件\n(現状)", EXPECTED, min_width=10),
    Column("職員 分/件\n(見込み)", EXPECTED, min_width=10),
    Column("職員 分/件\n(実測)", EXPECTED, min_width=10),
    Column("削減の\n実測÷見込み", RATIO, min_width=11),
    Column("オンライン\n割合(見込み)", SHARE, min_width=11),
    Column("オンライン\n割合(実測)", SHARE, min_width=11),
    Column("備考", WRAPPED, min_width=16, max_width=40),
)


def verification_table(scope: Scope) -> Table | None:
    """Return the 効果検証 of the done measures in scope, or None when none carries plan.actual."""
    ids = {p.id for p in scope.procedures}
    measured = [v for v in scope.analysis.verification if v.procedure in ids]
    if not measured:
        return None
    kinds = by_kind(measured)

    def rows() -> Iterator[Row]:
        for v in measured:
            yield (
                v.name,
                Styled(MEASURE_LABELS[v.measure], measure_format(v.measure)),
                reiwa(v.measured_fy),
                v.cases_expected,
                v.cases_measured,
                v.staff_minutes_today,
                v.staff_minutes_expected,
                v.staff_minutes_measured,
                v.ratio,
                v.online_share_expected,
                v.online_share_measured,
                v.note or "",
            )
        for k in kinds:
            yield (
                Styled(f"計 {MEASURE_LABELS[k.measure]} ({k.count}件)", KIND),
                Styled(MEASURE_LABELS[k.measure], measure_format(k.measure)),
                "",
                None,
                None,
                None,
                Styled(k.expected_hours, NUMBER),
                Styled(k.measured_hours, NUMBER),
                k.ratio,
                None,
                None,
                "職員の削減時間（時間/年）: 見込み・実測",
            )

    preamble = (
        (
            Styled(
                "完了した施策の実測（plan.actual）と、算定方法による見込みの比較。見込みは棚卸の業務フロー（施策の前）から。"
                "実測÷見込みが 100% なら見込みどおり。",
                NOTE,
            ),
        ),
    )
    return Table(TITLE, COLUMNS, rows, preamble=preamble, frozen_columns=1)
