"""What one workbook covers: the analysis's scope (bpr/analysis/scope.py), its sheet row limit and its labels."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

from bpr.analysis.results import Analysis, YearFigures
from bpr.analysis.scope import MEASURE_ORDER
from bpr.analysis.scope import Scope as AnalysisScope
from bpr.analysis.summary import Summary
from bpr.export.presentation import (
    DEFAULT_AUTHOR,
    OUTSIDE_HORIZON,
    PLANNED_UPTAKE,
    horizon_label,
    planned_label,
    scope_title,
    surveyed_label,
)
from bpr.fiscal import japanese_date

EXCEL_MAX_ROWS = 1_048_576
__all__ = ["EXCEL_MAX_ROWS", "MEASURE_ORDER", "OUTSIDE_HORIZON", "PLANNED_UPTAKE", "Scope"]


@dataclass(frozen=True)
class Scope(AnalysisScope):
    """A scope as a workbook shows it: the figures of the analysis's scope, with the workbook's labels."""

    row_limit: int = EXCEL_MAX_ROWS
    # Each procedure's diagram file, relative to the workbook (bpr build writes both), by procedure id.
    diagram_links: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        analysis: Analysis,
        sections: Iterable[str] | None = None,
        row_limit: int = EXCEL_MAX_ROWS,
        diagram_links: Mapping[str, str] | None = None,
    ) -> Scope:
        """Return the workbook scope of all procedures (sections None) or of some sections."""
        base = AnalysisScope.of(analysis, sections)
        return cls(
            **{f.name: getattr(base, f.name) for f in fields(base)},
            row_limit=row_limit,
            diagram_links=dict(diagram_links or {}),
        )

    @property
    def horizon_label(self) -> str:
        """Return the horizon as 令和4年度〜令和7年度 (2022〜2025年度)."""
        return horizon_label(self.fiscal_years)

    @property
    def title(self) -> str:
        """Return the workbook title: the city-wide roadmap, or one section's."""
        return scope_title(self)

    @functools.cached_property  # in every sheet's footer: a pass over the procedures in scope
    def surveyed_label(self) -> str:
        """Return the inventory date(s) of the counters in scope."""
        return surveyed_label(self)

    @property
    def footer(self) -> str:
        """Return the text printed at the foot of every page."""
        return f"棚卸日 {self.surveyed_label}"

    @property
    def paper(self) -> str:
        """Return the paper the sheets print on (config workbook.paper)."""
        config = self.analysis.config
        return str(config.workbook.paper) if config is not None else "a4"

    @property
    def author(self) -> str:
        """Return who issues the workbook (config workbook.author)."""
        config = self.analysis.config
        return str(config.workbook.author) if config is not None else DEFAULT_AUTHOR

    @property
    def issuer(self) -> str:
        """Return the page header's issuer: 発行 DX検討班 令和8年12月1日 (the date when the config gives one)."""
        config = self.analysis.config
        issued = config.workbook.issued_on if config is not None else None
        return f"発行 {self.author}" + (f" {japanese_date(issued)}" if issued is not None else "")

    # 概要 is composed more than once (its first page names every sheet's pages): its figures are computed once.
    @functools.cached_property
    def _year_figures(self) -> list[YearFigures]:
        return super().year_figures()

    def year_figures(self) -> list[YearFigures]:
        """Return model v3's figures of the placed measures in scope, by fiscal year then steady (computed once)."""
        return self._year_figures

    @functools.cached_property
    def _summaries_by_year(self) -> list[tuple[int, Summary]]:
        return super().summaries_by_year()

    def summaries_by_year(self) -> list[tuple[int, Summary]]:
        """Return the summary of each fiscal year of the horizon (computed once)."""
        return self._summaries_by_year

    @functools.cached_property
    def _summaries_by_section(self) -> list[tuple[str, Summary]]:
        return super().summaries_by_section()

    def summaries_by_section(self) -> list[tuple[str, Summary]]:
        """Return the summary of each section in scope (computed once)."""
        return self._summaries_by_section

    def planned_label(self, procedure_id: str) -> str:
        """Return when a procedure's measures are planned."""
        return planned_label(self, procedure_id)
