"""ライフイベント, 添付書類 and キャッシュレス: what only shows across counters (figures from bpr/analysis/journeys.py, documents.py)."""

from __future__ import annotations

from collections.abc import Iterator

from bpr.analysis.documents import PAYMENT_LABELS
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import (
    EXPECTED,
    NUMBER,
    SHARE,
    WARNING_FILL,
    WRAPPED,
    CellFormat,
)
from bpr.export.workbook.table import Column, Row, Styled, Table
from bpr.inventory.vocabulary import SOURCE_LABELS

JOURNEYS_TITLE = "ライフイベント"
DOCUMENTS_TITLE = "添付書類"
CASHLESS_TITLE = "キャッシュレス"
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
DOCUMENT_COLUMNS = (
    Column("書類", WRAPPED, min_width=14, max_width=28),
    Column("発行", WRAPPED, min_width=8),
    Column("求める手続", WRAPPED, min_width=20, max_width=40),
    Column("年間件数", NUMBER, min_width=9),
    Column("住民の時間\n(時間/年)", NUMBER, min_width=10),
    Column("手数料\n(円/年)", NUMBER, min_width=10),
    Column("省略の方法", WRAPPED, min_width=24, max_width=40),
)
CASHLESS_COLUMNS = (
    Column("手続名", WRAPPED, min_width=18, max_width=30),
    Column("課", WRAPPED, min_width=8, max_width=20),
    Column("手数料\n(円)", NUMBER, min_width=8),
    Column("窓口の\n年間件数", NUMBER, min_width=9),
    Column("現金の\n年間額(円)", NUMBER, min_width=12),
)


def journeys_table(scope: Scope) -> Table | None:
    """Return the life-event journeys that meet the procedures in scope, or None when there is none."""
    ids = {p.id for p in scope.procedures}
    journeys = [j for j in scope.analysis.journeys if any(p.id in ids for p in j.procedures)]
    if not journeys:
        return None
    count = sum(
        1 + min(len(j.procedures), JOURNEY_ROWS) + (len(j.procedures) > JOURNEY_ROWS) + len(j.gaps) for j in journeys
    )

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
    return Table(JOURNEYS_TITLE, JOURNEY_COLUMNS, rows, count, preamble=preamble, frozen_columns=2)


def documents_table(scope: Scope) -> Table | None:
    """Return the documents of the city (or another) that procedures in scope ask citizens to bring."""
    ids = {p.id for p in scope.procedures}
    names = {p.id: p.procedure.name for p in scope.analysis.procedures}
    documents = [d for d in scope.analysis.documents if set(d.procedures) & ids]
    if not documents:
        return None

    def rows() -> Iterator[Row]:
        for document in documents:
            asking = "、".join(names.get(pid, pid) for pid in document.procedures)
            yield (
                Styled(document.name, DOCUMENT),
                SOURCE_LABELS.get(document.source, document.source.value),
                f"{len(document.procedures)}手続: {asking}",
                document.cases,
                document.citizen_hours,
                document.fees_yen,
                "電子で取得済み" if document.electronic else document.drop,
            )

    return Table(DOCUMENTS_TITLE, DOCUMENT_COLUMNS, rows, len(documents), frozen_columns=1)


def cashless_table(scope: Scope) -> Table | None:
    """Return the procedures in scope whose fee is payable only in cash, most yen first."""
    ids = {p.id for p in scope.procedures}
    candidates = [c for c in scope.analysis.cashless if c.id in ids]
    if not candidates:
        return None
    offered = "、".join(f"{PAYMENT_LABELS[m]}（{n}手続）" for m, n in scope.analysis.payment_methods) or "なし"

    def rows() -> Iterator[Row]:
        for candidate in candidates:
            yield (candidate.name, candidate.section, candidate.amount, candidate.cases, candidate.yen)

    preamble = ((Styled(f"現金のみの手数料。市が既に受け付けている支払方法: {offered}", NOTE),),)
    return Table(CASHLESS_TITLE, CASHLESS_COLUMNS, rows, len(candidates), preamble=preamble, frozen_columns=1)
