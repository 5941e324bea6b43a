"""添付書類 and キャッシュレス: what only shows across counters (figures from bpr/analysis/documents.py).

The workbook shows them as sheets (bpr/export/workbook/crosscut_sheets.py), of a section's procedures in
its workbook; the report on its 添付書類・キャッシュレス page, of the whole city.
"""

from __future__ import annotations

from bpr.analysis.documents import PAYMENT_LABELS
from bpr.analysis.results import Analysis
from bpr.analysis.scope import Scope
from bpr.export.tables.model import Column, Items, Kind, Link, Table
from bpr.inventory.vocabulary import SOURCE_LABELS

DOCUMENTS_TITLE = "添付書類"
CASHLESS_TITLE = "キャッシュレス"
ELECTRONIC = "電子で取得済み"

DOCUMENT_COLUMNS = (
    Column("name", "書類", min_width=14, max_width=28),
    Column("source", "発行", min_width=8),
    Column("procedures", "求める手続", min_width=20, max_width=40),
    Column("cases", "年間件数", Kind.COUNT, min_width=9),
    Column("citizen_hours", "住民の時間", Kind.COUNT, "時間/年", min_width=10),
    Column("fees_yen", "手数料", Kind.COUNT, "円/年", min_width=10),
    Column("drop", "省略の方法", min_width=24, max_width=40),
)
CASHLESS_COLUMNS = (
    Column("name", "手続名", min_width=18, max_width=30),
    Column("section", "課", min_width=8, max_width=20),
    Column("amount", "手数料", Kind.COUNT, "円", min_width=8),
    Column("cases", "窓口の\n年間件数", Kind.COUNT, min_width=9),
    Column("yen", "現金の\n年間額(円)", Kind.COUNT, min_width=12),
)


def documents_table(scope: Scope) -> Table:
    """Return the documents of the city (or another) that procedures in scope ask citizens to bring."""
    ids = {p.id for p in scope.procedures}
    names = {p.id: p.procedure.name for p in scope.analysis.procedures}
    documents = [d for d in scope.analysis.documents if set(d.procedures) & ids]

    def rows() -> list[tuple[object, ...]]:
        return [
            (
                Link(document.name, "procedure", document.issuer),
                SOURCE_LABELS.get(document.source, document.source.value),
                Items(
                    tuple(Link(names.get(pid, pid), "procedure", pid) for pid in document.procedures),
                    lead=f"{len(document.procedures)}手続: ",
                    separator="、",
                ),
                document.cases,
                document.citizen_hours,
                document.fees_yen,
                ELECTRONIC if document.electronic else document.drop,
            )
            for document in documents
        ]

    return Table(DOCUMENTS_TITLE, DOCUMENT_COLUMNS, rows, row_header=True)


def cashless_table(scope: Scope) -> Table:
    """Return the procedures in scope whose fee is payable only in cash, most yen first."""
    ids = {p.id for p in scope.procedures}
    candidates = [c for c in scope.analysis.cashless if c.id in ids]

    def rows() -> list[tuple[object, ...]]:
        return [(Link(c.name, "procedure", c.id), c.section, c.amount, c.cases, c.yen) for c in candidates]

    return Table(CASHLESS_TITLE, CASHLESS_COLUMNS, rows)


def payments_offered(analysis: Analysis) -> str:
    """Return the ways of paying the city takes besides cash, with how many procedures take each, or なし."""
    return "、".join(f"{PAYMENT_LABELS[m]}（{n}手続）" for m, n in analysis.payment_methods) or "なし"
