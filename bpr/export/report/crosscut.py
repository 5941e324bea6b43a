"""The data of the pages across counters: a page per life event, and one for 添付書類 and キャッシュレス.

The figures are the analysis's (bpr/analysis/journeys.py and documents.py), as the workbook's sheets
ライフイベント, 添付書類 and キャッシュレス show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpr.analysis.documents import PAYMENT_LABELS, CashlessCandidate, SelfIssuedDocument
from bpr.analysis.journeys import Journey
from bpr.analysis.results import Analysis
from bpr.inventory.vocabulary import SOURCE_LABELS


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """A document the city asks citizens to bring although it (or another municipality) issues it."""

    name: str
    source: str
    issuer: str | None
    procedures: tuple[tuple[str, str], ...]  # (id, name) of the procedures that ask for it
    cases: float
    citizen_hours: float
    fees_yen: float
    drop: str


@dataclass(frozen=True)
class DocumentsPage:
    """添付書類 and キャッシュレス."""

    documents: tuple[DocumentLine, ...]
    cashless: tuple[CashlessCandidate, ...]
    offered: str


def journey_file(journey: Journey) -> str:
    """Return the page file name of a life event: its key, a slug of the format (moving.html)."""
    return f"{journey.event.value}.html"


def documents_page(analysis: Analysis) -> DocumentsPage:
    """Return the 添付書類・キャッシュレス page."""
    names = {p.id: p.procedure.name for p in analysis.procedures}
    documents: tuple[SelfIssuedDocument, ...] = analysis.documents
    lines = tuple(
        DocumentLine(
            name=document.name,
            source=SOURCE_LABELS.get(document.source, document.source.value),
            issuer=document.issuer if document.issuer in names else None,
            procedures=tuple((pid, names[pid]) for pid in document.procedures if pid in names),
            cases=document.cases,
            citizen_hours=document.citizen_hours,
            fees_yen=document.fees_yen,
            drop="電子で取得済み" if document.electronic else document.drop,
        )
        for document in documents
    )
    offered = "、".join(f"{PAYMENT_LABELS[m]}（{n}手続）" for m, n in analysis.payment_methods) or "なし"
    return DocumentsPage(documents=lines, cashless=tuple(analysis.cashless), offered=offered)
