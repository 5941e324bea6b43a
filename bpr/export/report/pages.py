"""The data of the report's overview pages (index, sections): read from the analysis, its scope and its summary.

Nothing here computes a figure: counts and hours come from the one summary (`bpr.analysis.summary`),
of the city or of a section, and from the summary's helpers for 人工 and 千円, as the workbook's 概要
and 優先順位 read them. What this module does is choose (this year's measures, the top procedures),
label (和暦, measures, KPI status) and link (each procedure's page).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import Analysis, KpiStatus, ScoredProcedure
from bpr.analysis.scope import MEASURE_ORDER, Scope
from bpr.analysis.summary import Summary, staff_fte, staff_thousand_yen
from bpr.export.edition import Edition
from bpr.export.palette import MEASURE_BORDERS, MEASURE_FILLS, css
from bpr.export.presentation import UPTAKE_LABEL, counter_label, planned_label, recommendation_label
from bpr.export.report.charts import BarChart, bar_chart
from bpr.export.report.files import EVENTS, PROCEDURES, SECTIONS, href
from bpr.export.report.format import whole
from bpr.export.tables.model import Table
from bpr.export.tables.overview import (
    OUTLOOK_PAGE,
    counts_table,
    hours_table,
    kpi_table,
    outlook_table,
    sections_table,
    years_table,
)
from bpr.export.workbook.first_page import ROLE_NAMES
from bpr.export.workbook.labels import added_measures, hides_kpi_warning, kpi_status_label
from bpr.fiscal import reiwa
from bpr.inventory.enums import Measure
from bpr.inventory.vocabulary import progress_label

TOP = 10
MAX_LISTED_SHORTFALLS = 8
ROLE_LABELS = ROLE_NAMES  # 主施策, 確定, 補完, 国の優先: as 概要 names them
YEAR_BAR = ("1F4E78", "1F4E78")


@dataclass(frozen=True)
class Site:
    """What every page shows and links to: the title, the dates, the edition, and the file of each page."""

    title: str
    surveyed: str
    horizon: str
    issuer: str  # 発行 DX検討班 (config workbook.author and issued_on)
    edition: Edition  # 作成日・版, in the footer
    hours_per_fte: float  # the footer says how 人工 and 千円 are reckoned, with the config's values
    staff_cost_per_hour: float
    procedure_pages: Mapping[str, str]
    section_pages: Mapping[str, str]
    event_pages: Mapping[str, tuple[str, str]]  # event key → (label, file name)
    documents: bool  # whether the 添付書類・キャッシュレス page exists
    queue: bool = False  # whether the 待ち時間 page exists (a counter writes its windows)
    journey_assumptions: tuple[tuple[str, str], ...] = ()  # what the life events' figures assume (算定方法 too)

    def procedure_href(self, procedure_id: str) -> str:
        """Return the link to a procedure's page, relative to the report's folder."""
        return href(PROCEDURES, self.procedure_pages[procedure_id])

    def section_href(self, section: str) -> str:
        """Return the link to a section's page, relative to the report's folder."""
        return href(SECTIONS, self.section_pages[section])

    def event_href(self, event: str) -> str:
        """Return the link to a life event's page, relative to the report's folder."""
        return href(EVENTS, self.event_pages[event][1])


@dataclass(frozen=True, slots=True)
class ProcedureRow:
    """A procedure as the ranked tables show it."""

    id: str
    rank: int
    name: str
    counter: str
    section: str
    volume: int
    hours: float | None  # expected hours a year of the primary measure (none without a recommendation)
    fte: float | None
    thousand_yen: float | None
    online: float
    rpa: float
    ai_ocr: float
    measure: str
    measure_label: str
    measure_order: int
    added: str
    planned: str
    priority: bool
    text: str  # what the text filter searches, normalised and lower-cased


@dataclass(frozen=True, slots=True)
class KpiWarning:
    """A KPI that cannot be read as met, and why (said under the KPIs' table)."""

    name: str
    by: str
    status: str
    warning: str


@dataclass(frozen=True, slots=True)
class YearItem:
    """A measure placed in the year the page shows."""

    procedure: str
    rank: int
    name: str
    section: str
    measure: str
    measure_label: str
    role: str
    progress: str
    behind: bool
    expected: float | None  # what the measure saves a year (expected hours), its staff in 人工 and 千円
    fte: float | None
    thousand_yen: float | None


@dataclass(frozen=True)
class ThisYear:
    """The measures of the roadmap's current fiscal year (or of its first year, when now is outside it)."""

    fy: int
    current: int | None
    outside: bool
    items: tuple[YearItem, ...]
    summary: Summary


@dataclass(frozen=True)
class ScopePage:
    """What the index and a section page show of their scope: counts, hours, years, charts, shortfalls.

    The tables are 概要's (bpr/export/tables/overview.py); the outlook shows the columns of OUTLOOK_PAGE.
    """

    summary: Summary
    years: tuple[tuple[int, Summary], ...]
    hours: Table
    counts: Table
    years_table: Table
    outlook: Table  # model v3: each fiscal year as uptake grows, then the steady state; citizens and staff apart
    charts: tuple[BarChart, ...]
    shortfalls: tuple[str, ...]
    hidden_shortfalls: int
    uptake: tuple[tuple[ProcedureRow, float], ...]
    unplaced: tuple[tuple[ProcedureRow, tuple[str, ...]], ...]
    rows: tuple[ProcedureRow, ...]


@dataclass(frozen=True)
class IndexPage:
    """The index: the city's scope, KPIs, this year, the top procedures, the sections and every procedure."""

    scope: ScopePage
    kpis: Table
    kpi_warnings: tuple[KpiWarning, ...]
    this_year: ThisYear
    top: tuple[ProcedureRow, ...]
    sections: tuple[str, ...]
    sections_table: Table
    measures: tuple[tuple[str, str], ...] = field(default=())  # (key, label) for the measure filter


def procedure_rows(scope: Scope) -> tuple[ProcedureRow, ...]:
    """Return every procedure of a scope in rank order, as the ranked tables show them."""
    analysis = scope.analysis
    return tuple(_row(scope, item, analysis) for item in scope.procedures)


def _row(scope: Scope, item: ScoredProcedure, analysis: Analysis) -> ProcedureRow:
    planned = scope.planned[item.id]  # what the roadmap holds: a fixed plan wins
    primary = planned.plan
    staff = None if primary is None else primary.staff_hours
    procedure = item.procedure
    # The counter's name often starts with its section (市民課 住民記録窓口): each word once is enough.
    searched = " ".join(
        dict.fromkeys(f"{procedure.name} {item.counter.section} {item.counter.name} {procedure.id}".split())
    )
    return ProcedureRow(
        id=item.id,
        rank=item.rank,
        name=procedure.name,
        counter=counter_label(item.counter),
        section=item.counter.section,
        volume=procedure.annual_volume,
        hours=planned.hours(item),
        fte=None if staff is None else round(staff_fte(staff, analysis), 2),
        thousand_yen=None if staff is None else round(staff_thousand_yen(staff, analysis)),
        online=item.scores.online,
        rpa=item.scores.rpa,
        ai_ocr=item.scores.ai_ocr,
        measure=planned.primary.value,
        measure_label=recommendation_label(planned),  # 利用促進 for uptake of a channel that exists, as the workbook
        measure_order=MEASURE_ORDER.index(planned.primary),
        added="・".join(added_measures(planned)),
        planned=planned_label(scope, item.id),
        priority=procedure.national_priority,
        text=unicodedata.normalize("NFKC", searched).lower(),
    )


def scope_page(scope: Scope, rows: tuple[ProcedureRow, ...]) -> ScopePage:
    """Return what a page shows of a scope: the summary, the years, two charts, shortfalls, uptake and unplaced."""
    analysis = scope.analysis
    summary = scope.summary
    years = tuple(scope.summaries_by_year())
    by_id = {row.id: row for row in rows}
    measure_chart = bar_chart(
        "chart-measures",
        "施策別の削減見込み (計画期間内に配置した施策、時間/年)",
        [
            (
                MEASURE_LABELS[counts.measure],
                counts.hours_placed.hours,
                f"{whole(counts.hours_placed.hours)}時間",
                css(MEASURE_FILLS[counts.measure]),
                css(MEASURE_BORDERS[counts.measure]),
            )
            for counts in summary.by_measure
        ],
    )
    year_chart = bar_chart(
        "chart-years",
        "年度別の削減見込み (その年度に配置した施策、時間/年)",
        [
            (
                f"{reiwa(fy)}",
                year.total_placed.hours,
                f"{whole(year.total_placed.hours)}時間",
                css(YEAR_BAR[0]),
                css(YEAR_BAR[1]),
            )
            for fy, year in years
        ],
    )
    shortfalls, hidden = _shortfalls(scope)
    return ScopePage(
        summary=summary,
        years=years,
        hours=hours_table(summary, analysis),
        counts=counts_table(summary),
        years_table=years_table(summary, years),
        outlook=outlook_table(scope.year_figures(), analysis).select(*OUTLOOK_PAGE),
        charts=(measure_chart, year_chart),
        shortfalls=shortfalls,
        hidden_shortfalls=hidden,
        uptake=tuple((by_id[pid], share) for pid, share in scope.uptake.items() if pid in by_id),
        unplaced=tuple(
            (by_id[pid], tuple(MEASURE_LABELS[item.measure] for item in items))
            for pid, items in sorted(scope.unscheduled.items(), key=lambda entry: by_id[entry[0]].rank)
            if pid in by_id
        ),
        rows=rows,
    )


def _shortfalls(scope: Scope) -> tuple[tuple[str, ...], int]:
    """Return the shortfalls of a scope (the city's general ones only city-wide), and how many are not listed."""
    own = {p.id for p in scope.procedures}
    kpis = scope.analysis.roadmap.kpis
    general = []
    particular = []
    for shortfall in scope.analysis.roadmap.shortfalls:
        if hides_kpi_warning(shortfall.message, kpis):
            continue
        if shortfall.procedure is None:
            if scope.sections is None:
                general.append(shortfall.message)
        elif shortfall.procedure in own:
            particular.append(shortfall.message)
    listed = general + particular[:MAX_LISTED_SHORTFALLS]
    return tuple(listed), max(0, len(particular) - MAX_LISTED_SHORTFALLS)


def kpi_warnings(kpis: tuple[KpiStatus, ...]) -> tuple[KpiWarning, ...]:
    """Return the KPIs that carry a warning, with their status as the workbook labels it."""
    return tuple(
        KpiWarning(name=kpi.name, by=reiwa(kpi.by_fy), status=kpi_status_label(kpi), warning=kpi.warning)
        for kpi in kpis
        if kpi.warning
    )


def this_year(scope: Scope, rows: tuple[ProcedureRow, ...], years: tuple[tuple[int, Summary], ...]) -> ThisYear:
    """Return the measures placed in the roadmap's current fiscal year, or in its first when now is outside it."""
    roadmap = scope.analysis.roadmap
    current = roadmap.current_fy
    inside = current is not None and current in roadmap.fiscal_years
    fy = current if inside and current is not None else roadmap.start_fy
    by_id = {row.id: row for row in rows}
    scored = {item.id: item for item in scope.procedures}
    analysis = scope.analysis
    items = []
    for pid, placed in scope.items.items():
        row = by_id.get(pid)
        if row is None:
            continue
        for item in placed:
            if item.fy != fy:
                continue
            plan = next((p for p in scored[pid].measures if p.measure is item.measure), None)
            items.append(
                YearItem(
                    procedure=pid,
                    rank=row.rank,
                    name=row.name,
                    section=row.section,
                    measure=item.measure.value,
                    measure_label=MEASURE_LABELS[item.measure],
                    role=ROLE_LABELS.get(item.role, item.role),
                    progress=progress_label(item.progress or ""),
                    behind=current is not None and item.behind(current),
                    expected=None if plan is None else plan.expected_hours,
                    fte=None if plan is None else round(staff_fte(plan.staff_hours, analysis), 2),
                    thousand_yen=None if plan is None else round(staff_thousand_yen(plan.staff_hours, analysis)),
                )
            )
    items.sort(key=lambda i: (i.rank, MEASURE_ORDER.index(Measure(i.measure))))
    summary = next(year for year_fy, year in years if year_fy == fy)
    return ThisYear(fy=fy, current=current, outside=not inside, items=tuple(items), summary=summary)


def _measure_choices(rows: tuple[ProcedureRow, ...]) -> tuple[tuple[str, str], ...]:
    """Return (key, label) of each measure for the filter: online names 利用促進 too when a row says it."""
    uptake = any(row.measure_label == UPTAKE_LABEL for row in rows)
    return tuple(
        (m.value, f"{MEASURE_LABELS[m]}・{UPTAKE_LABEL}" if uptake and m is Measure.ONLINE else MEASURE_LABELS[m])
        for m in MEASURE_ORDER
    )


def index_page(scope: Scope) -> IndexPage:
    """Return the index of the whole city."""
    rows = procedure_rows(scope)
    page = scope_page(scope, rows)
    top = tuple(row for row in rows if row.measure != Measure.NONE.value)[:TOP]
    kpis = scope.analysis.roadmap.kpis
    sections = scope.summaries_by_section()
    return IndexPage(
        scope=page,
        kpis=kpi_table(kpis),
        kpi_warnings=kpi_warnings(kpis),
        this_year=this_year(scope, rows, page.years),
        top=top,
        sections=tuple(section for section, _ in sections),
        sections_table=sections_table(sections),
        measures=_measure_choices(rows),
    )
