"""What one workbook covers: the analysis's scope (bpr/analysis/scope.py), its sheet row limit and its labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from bpr.analysis.results import Analysis
from bpr.analysis.scope import MEASURE_ORDER
from bpr.analysis.scope import Scope as AnalysisScope
from bpr.export.presentation import (
    OUTSIDE_HORIZON,
    PLANNED_UPTAKE,
    horizon_label,
    planned_label,
    scope_title,
    surveyed_label,
)

EXCEL_MAX_ROWS = 1_048_576
__all__ = ["EXCEL_MAX_ROWS", "MEASURE_ORDER", "OUTSIDE_HORIZON", "PLANNED_UPTAKE", "Scope"]


@dataclass(frozen=True)
class Scope(AnalysisScope):
    """A scope as a workbook shows it: the figures of the analysis's scope, with the workbook's labels."""

    row_limit: int = EXCEL_MAX_ROWS

    @classmethod
    def of(cls, analysis: Analysis, sections: Iterable[str] | None = None, row_limit: int = EXCEL_MAX_ROWS) -> Scope:
        """Return the workbook scope of all procedures (sections None) or of some sections."""
        base = AnalysisScope.of(analysis, sections)
        return cls(**{f.name: getattr(base, f.name) for f in fields(base)}, row_limit=row_limit)

    @property
    def horizon_label(self) -> str:
        """Return the horizon as 令和4年度〜令和7年度 (2022〜2025年度)."""
        return horizon_label(self.fiscal_years)

    @property
    def title(self) -> str:
        """Return the workbook title: the city-wide roadmap, or one section's."""
        return scope_title(self)

    @property
    def surveyed_label(self) -> str:
        """Return the inventory date(s) of the counters in scope."""
        return surveyed_label(self)

    @property
    def footer(self) -> str:
        """Return the text printed at the foot of every page."""
        return f"棚卸日 {self.surveyed_label}"

    def planned_label(self, procedure_id: str) -> str:
        """Return when a procedure's measures are planned."""
        return planned_label(self, procedure_id)
