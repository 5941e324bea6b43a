"""The data of the pages across counters: a page per life event, and one for 添付書類 and キャッシュレス.

The figures are the analysis's (bpr/analysis/journeys.py and documents.py); 添付書類 and キャッシュレス are
the tables the workbook's sheets show (bpr/export/tables/crosscut.py), of the whole city.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpr.analysis.journeys import Journey
from bpr.analysis.results import Analysis
from bpr.analysis.scope import Scope
from bpr.export.tables.crosscut import cashless_table, documents_table, payments_offered
from bpr.export.tables.model import Table


@dataclass(frozen=True)
class DocumentsPage:
    """添付書類 and キャッシュレス."""

    documents: Table
    cashless: Table
    offered: str


def journey_file(journey: Journey) -> str:
    """Return the page file name of a life event: its key, a slug of the format (moving.html)."""
    return f"{journey.event.value}.html"


def documents_page(analysis: Analysis) -> DocumentsPage:
    """Return the 添付書類・キャッシュレス page."""
    city = Scope.of(analysis)
    return DocumentsPage(
        documents=documents_table(city), cashless=cashless_table(city), offered=payments_offered(analysis)
    )
