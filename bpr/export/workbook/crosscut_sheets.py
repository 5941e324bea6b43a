"""ライフイベント, 添付書類 and キャッシュレス: what only shows across counters (figures from bpr/analysis/journeys.py, documents.py).

添付書類 and キャッシュレス are tables the report shows too (bpr/export/tables/crosscut.py); here they are laid out as sheets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from bpr.export.tables import crosscut
from bpr.export.tables.model import Items, cells_of
from bpr.export.tables.model import Row as ModelRow
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.shared_tables import as_sheet
from bpr.export.workbook.styles import (
    EXPECTED,
    NUMBER,
    SHARE,
    TEXT,
    WARNING_FILL,
    WRAPPED,
    CellFormat,
)
from bpr.export.workbook.table import Column, Folded, Row, Styled, Table

JOURNEYS_TITLE = "ライフイベント"
JOURNEY_ROW = CellFormat(bold=True, fill="DDEBF7", wrap=True)
JOURNEY_NUMBER = CellFormat(bold=True, fill="DDEBF7", number_format="#,##0")
JOURNEY_EXPECTED = CellFormat(bold=True, fill="DDEBF7", number_format="#,##0.00")
GAP = CellFormat(wrap=True, fill=WARNING_FILL)
NOTE = CellFormat(wrap=False, border=None)
DOCUMENT = CellFormat(bold=True, fill="DDEBF7", wrap=True)
LISTED = 8  # procedures 添付書類 names for a document, the rest counted
PRINTED_ROWS = 4  # procedures printed under each life event, most met first; the rest folded (on screen)
JOURNEY_ROWS = 50  # procedures listed under each life event (printed or folded)

# Within PRINTED_WIDTH (paper.py): 8 pt on A4. Headers break between words where a column is narrow.
JOURNEY_COLUMNS = (
    Column("手続名", WRAPPED, min_width=18, max_width=34),
    Column("課", WRAPPED, min_width=8, max_width=13),
    Column("年間回数・\n関わる割合", NUMBER, min_width=11, max_width=11),
    Column("来庁\n(回)", EXPECTED, min_width=6, max_width=6),
    Column("手書き\nの様式\n(枚)", EXPECTED, min_width=7, max_width=7),
    Column("同じ事項\nの再記入\n(項目)", EXPECTED, min_width=9, max_width=9),
    Column("住民の\n時間\n(時間/回)", EXPECTED, min_width=9, max_width=9),
    Column("住民の\n時間\n(時間/年)", NUMBER, min_width=9, max_width=9),
    Column("ワンストップ\n等で削減\n(時間/年)", NUMBER, min_width=13, max_width=13),
    Column("備考", WRAPPED, min_width=20, max_width=57),
    Column("ライフイベント", TEXT, max_width=20),  # on screen only, to filter: the blue rows name it
)
PRINTED_JOURNEY_COLUMNS = 10  # up to 備考


def journeys_table(scope: Scope) -> Table | None:
    """Return the life-event journeys that meet the procedures in scope, or None when there is none.

    Under each life event the procedures it meets most print; the others are folded rows (＋ opens them).
    """
    ids = {p.id for p in scope.procedures}
    journeys = [j for j in scope.analysis.journeys if any(p.id in ids for p in j.procedures)]
    if not journeys:
        return None

    def rows() -> Iterator[Row]:
        for journey in journeys:
            sections = journey.sections
            yield (
                Styled(journey.label, JOURNEY_ROW),
                # The procedures' rows name each section; the life event's says how many (and the first).
                Styled(sections[0] if len(sections) == 1 else f"{len(sections)}課", JOURNEY_ROW),
                Styled(journey.occurrences, JOURNEY_NUMBER),
                Styled(journey.visits, JOURNEY_EXPECTED),
                Styled(journey.forms, JOURNEY_EXPECTED),
                Styled(journey.repeated_facts, JOURNEY_EXPECTED),
                Styled(journey.citizen_hours, JOURNEY_EXPECTED),
                Styled(journey.citizen_hours_year, JOURNEY_NUMBER),
                Styled(journey.one_stop_hours_year, JOURNEY_NUMBER),
                Styled(f"年間回数: {journey.occurrences_source}", JOURNEY_ROW),
                journey.label,
            )
            for position, item in enumerate(journey.procedures[:JOURNEY_ROWS]):
                note = "年間回数の基準" if item.trigger else ""
                row = (
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
                    journey.label,
                )
                yield row if position < PRINTED_ROWS else Folded(row)
            hidden = len(journey.procedures) - JOURNEY_ROWS
            if hidden > 0:
                # The figures above count them all; the list stops where shares become small.
                yield Folded(
                    (
                        f"ほか {hidden:,} 手続（関わる割合の小さいもの。報告書のライフイベントのページに全件）",
                        *[""] * 9,
                        journey.label,
                    )
                )
            for gap in journey.gaps:
                yield ("", "", "", "", "", "", "", "", "", Styled(gap, GAP), journey.label)

    preamble = tuple(
        (Styled(line, NOTE),)
        for line in (
            "青い行はライフイベント: 1回の出来事（死亡1件など）あたりの来庁・様式・住民の時間と、1年あたりの住民の時間・削減。"
            "その下の手続の行は、その出来事で手続に来る割合と、1件あたりの来庁・手書きの様式・住民の時間。",
            f"手続は関わる割合の大きい{PRINTED_ROWS}件まで印刷し、ほかは行の左の ＋ で開きます（合計にはすべて含みます）。",
            "割合 = 手続の年間件数 ÷ 手続のライフイベントの数 ÷ 年間回数（上限100%）× 窓口に残る割合。"
            "再記入 = 3項目（氏名・住所・生年月日）×（様式 − 1枚）。",
            "ワンストップ・書かない窓口の削減 = 2回目以降の来庁の往復時間 + 手書きの時間。",
        )
    )
    return Table(
        JOURNEYS_TITLE,
        JOURNEY_COLUMNS,
        rows,
        preamble=preamble,
        frozen_columns=1,
        printed_columns=PRINTED_JOURNEY_COLUMNS,
    )


def documents_sheet(scope: Scope) -> Table | None:
    """Return the documents of the city (or another) that procedures in scope ask citizens to bring, or None.

    A document asked for by many procedures names the first LISTED of them and counts the rest (the
    report's page lists them all): a cell of a hundred names would be taller than a page.
    """
    table = crosscut.documents_table(scope)
    if not table.count:
        return None
    column = table.keys.index("procedures")
    source = table.rows

    def rows() -> list[ModelRow]:
        listed: list[ModelRow] = []
        for row in source():
            cells = list(cells_of(row))
            procedures = cells[column]
            if isinstance(procedures, Items) and len(procedures.parts) > LISTED:
                rest = len(procedures.parts) - LISTED
                cells[column] = Items(
                    (*procedures.parts[:LISTED], f"ほか {rest:,}手続"), procedures.lead, procedures.separator
                )
            listed.append(tuple(cells))
        return listed

    return as_sheet(dataclasses.replace(table, rows=rows), frozen_columns=1, formats={"name": DOCUMENT})


def cashless_sheet(scope: Scope) -> Table | None:
    """Return the procedures in scope whose fee is payable only in cash, most yen first, or None."""
    table = crosscut.cashless_table(scope)
    if not table.count:
        return None
    offered = crosscut.payments_offered(scope.analysis)
    preamble = ((Styled(f"現金のみの手数料。市が既に受け付けている支払方法: {offered}", NOTE),),)
    return as_sheet(table, frozen_columns=1, preamble=preamble)
