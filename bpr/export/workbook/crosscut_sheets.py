"""ライフイベント, 添付書類 and キャッシュレス: what only shows across counters (figures from bpr/analysis/journeys.py, documents.py).

添付書類 and キャッシュレス are tables the report shows too (bpr/export/tables/crosscut.py); here they are laid out as sheets.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpr.export.tables import crosscut
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.shared_tables import as_sheet
from bpr.export.workbook.styles import (
    EXPECTED,
    NUMBER,
    SHARE,
    WARNING_FILL,
    WRAPPED,
    CellFormat,
)
from bpr.export.workbook.table import Column, Row, Styled, Table

JOURNEYS_TITLE = "ライフイベント"
JOURNEY_ROW = CellFormat(bold=True, fill="DDEBF7", wrap=True)
JOURNEY_NUMBER = CellFormat(bold=True, fill="DDEBF7", number_format="#,##0")
JOURNEY_EXPECTED = CellFormat(bold=True, fill="DDEBF7", number_format="#,##0.0#")
GAP = CellFormat(wrap=True, fill=WARNING_FILL)
NOTE = CellFormat(wrap=False, border=None)
DOCUMENT = CellFormat(bold=True, fill="DDEBF7", wrap=True)
JOURNEY_ROWS = 50  # procedures listed under each life event, most met first

JOURNEY_COLUMNS = (
    Column("ライフイベント", WRAPPED, min_width=12, max_width=16),
    Column("手続名", WRAPPED, min_width=18, max_width=30),
    Column("課", WRAPPED, min_width=8, max_width=20),
    Column("年間回数・\n関わる割合", NUMBER, min_width=10),
    Column("来庁\n(回)", EXPECTED, min_width=7),
    Column("手書きの\n様式(枚)", EXPECTED, min_width=8),
    Column("同じ事項の\n再記入(項目)", EXPECTED, min_width=10),
    Column("住民の時間\n(時間/回)", EXPECTED, min_width=9),
    Column("住民の時間\n(時間/年)", NUMBER, min_width=10),
    Column("ワンストップ・\n書かない窓口で\n削減(時間/年)", NUMBER, min_width=13),
    Column("備考", WRAPPED, min_width=20, max_width=44),
)


def journeys_table(scope: Scope) -> Table | None:
    """Return the life-event journeys that meet the procedures in scope, or None when there is none."""
    ids = {p.id for p in scope.procedures}
    journeys = [j for j in scope.analysis.journeys if any(p.id in ids for p in j.procedures)]
    if not journeys:
        return None

    def rows() -> Iterator[Row]:
        for journey in journeys:
            yield (
                Styled(journey.label, JOURNEY_ROW),
                Styled("（1回あたり・1年あたり）", JOURNEY_ROW),
                Styled("、".join(journey.sections), JOURNEY_ROW),
                Styled(journey.occurrences, JOURNEY_NUMBER),
                Styled(journey.visits, JOURNEY_EXPECTED),
                Styled(journey.forms, JOURNEY_EXPECTED),
                Styled(journey.repeated_facts, JOURNEY_EXPECTED),
                Styled(journey.citizen_hours, JOURNEY_EXPECTED),
                Styled(journey.citizen_hours_year, JOURNEY_NUMBER),
                Styled(journey.one_stop_hours_year, JOURNEY_NUMBER),
                Styled(f"年間回数: {journey.occurrences_source}", JOURNEY_ROW),
            )
            for item in journey.procedures[:JOURNEY_ROWS]:
                note = "年間回数の基準" if item.trigger else ""
                yield (
                    "",
                    item.name,
                    item.section,
                    Styled(item.share, SHARE),
                    item.visits,
                    item.forms,
                    "",
                    item.citizen_minutes / 60,
                    "",
                    "",
                    note,
                )
            hidden = len(journey.procedures) - JOURNEY_ROWS
            if hidden > 0:
                # The figures above count them all; the list stops where shares become small.
                yield (
                    "",
                    f"ほか {hidden:,} 手続（関わる割合の小さい順に省略。bpr journeys --format json に全件）",
                    *[""] * 9,
                )
            for gap in journey.gaps:
                yield ("", "", "", "", "", "", "", "", "", "", Styled(gap, GAP))

    preamble = tuple(
        (Styled(line, NOTE),)
        for line in (
            "青い行は1回の出来事（死亡1件など）あたりと1年あたり。その下の手続の行は、その出来事で手続に来る割合と、"
            "1件あたりの来庁・手書きの様式・住民の時間。",
            "割合 = 手続の年間件数 ÷ 手続のライフイベントの数 ÷ 年間回数（上限100%）× 窓口に残る割合。"
            "再記入 = 3項目（氏名・住所・生年月日）×（様式 − 1枚）。",
            "ワンストップ・書かない窓口の削減 = 2回目以降の来庁の往復時間 + 手書きの時間。算定方法: bpr の docs/journeys.md。",
        )
    )
    return Table(JOURNEYS_TITLE, JOURNEY_COLUMNS, rows, preamble=preamble, frozen_columns=2)


def documents_sheet(scope: Scope) -> Table | None:
    """Return the documents of the city (or another) that procedures in scope ask citizens to bring, or None."""
    table = crosscut.documents_table(scope)
    if not table.count:
        return None
    return as_sheet(table, frozen_columns=1, formats={"name": DOCUMENT})


def cashless_sheet(scope: Scope) -> Table | None:
    """Return the procedures in scope whose fee is payable only in cash, most yen first, or None."""
    table = crosscut.cashless_table(scope)
    if not table.count:
        return None
    offered = crosscut.payments_offered(scope.analysis)
    preamble = ((Styled(f"現金のみの手数料。市が既に受け付けている支払方法: {offered}", NOTE),),)
    return as_sheet(table, frozen_columns=1, preamble=preamble)
