"""The tables of 概要 that the report's index and section pages show too: KPIs, hours, counts, years, sections.

Every figure is the summary's (bpr/analysis/summary.py), of the city or of a section; the workbook writes
them as blocks of its 概要 sheet (bpr/export/workbook/overview.py), the report as tables of its pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import Analysis, KpiStatus, YearFigures
from bpr.analysis.summary import Summary, staff_fte, staff_thousand_yen
from bpr.export.tables.model import Column, Kind, Link, Marked, MeasureMark, Role, Row, Status, Table
from bpr.export.workbook import labels
from bpr.fiscal import reiwa
from bpr.inventory.enums import Measure

STEADY = "定着後 (1年あたり)"
TOTAL = "合計"
TODAY = "参考: 現状の時間 (対象の手続すべて)"
# A KPI's status by its label: only 実績で達成 is green, a plan alone never is (model v3, property 8).
KPI_STATES = {
    labels.MET: "met",
    labels.PLANNED: "planned",
    labels.NOT_MET: "not-met",
    labels.OVERDUE: "not-met",
    labels.EMPTY: "warn",
    labels.CHECK: "warn",
}

KPI_COLUMNS = (
    Column("kpi", "指標"),
    Column("target", "目標", Kind.COUNT),
    Column("planned", "計画", Kind.COUNT),
    Column("done", "実績", Kind.COUNT),
    Column("status", "判定", Kind.LABEL),
    Column("gap", "不足", Kind.COUNT),
    Column("population", "対象の手続", Kind.COUNT),
)
HOURS_COLUMNS = (
    Column("measure", "施策", Kind.MEASURE),
    Column("placed", "施策数", Kind.COUNT),
    Column("hours", "削減時間", Kind.COUNT, "時間/年"),
    Column("staff", "うち職員", Kind.COUNT, "時間/年"),
    Column("citizen", "うち住民", Kind.COUNT, "時間/年"),
    Column("expected", "期待削減", Kind.COUNT, "時間/年"),
    Column("fte", "職員", Kind.FTE, "人工"),
    Column("yen", "職員", Kind.COUNT, "千円"),
)
COUNT_COLUMNS = (
    Column("measure", "施策", Kind.MEASURE),
    Column("recommended", "推奨\n(主施策)", Kind.COUNT),
    Column("with_plan", "うち\n確定計画", Kind.COUNT),
    Column("uptake", "うち\nマイナ\nポータル\n(利用率向上)", Kind.COUNT),
    Column("complement", "補完施策", Kind.COUNT),
    Column("national", "国の優先\nで追加", Kind.COUNT),
    Column("fixed", "確定計画", Kind.COUNT),
    Column("scheduled", "＝ 配置\nする施策", Kind.COUNT, strong=True),
    Column("placed", "期間内に\n配置", Kind.COUNT),
    Column("placed_outside", "期間外\n(確定)", Kind.COUNT),
    Column("unplaced", "枠不足で\n未配置", Kind.COUNT),
)
OUTLOOK_COLUMNS = (
    Column("year", "年度", Kind.LABEL),
    Column("staff", "職員", Kind.COUNT, "時間/年"),
    Column("fte", "職員", Kind.FTE, "人工"),
    Column("citizen", "住民", Kind.COUNT, "時間/年"),
    Column("worth", "職員分", Kind.COUNT, "千円"),
    Column("initial", "初期費用", Kind.COUNT, "千円"),
    Column("annual", "年間費用", Kind.COUNT, "千円"),
    Column("net", "純便益", Kind.COUNT, "千円"),
    Column("budget", "予算", Kind.COUNT, "千円"),
)
# The report's pages leave out 人工 (page 1 states it) and the budget.
OUTLOOK_PAGE = ("year", "staff", "citizen", "worth", "initial", "annual", "net")
PLACED = Column("procedures_placed", "施策を\n配置した\n手続", Kind.COUNT)
SECTION_COLUMNS = (
    Column("section", "課"),
    Column("counters", "窓口数", Kind.COUNT),
    Column("procedures", "手続数", Kind.COUNT),
    Column("volume", "年間件数", Kind.COUNT),
    Column("national", "国の優先\n手続", Kind.COUNT),
    PLACED,
    *HOURS_COLUMNS[2:5],
    *HOURS_COLUMNS[6:],
)


def kpi_table(kpis: Sequence[KpiStatus]) -> Table:
    """Return the KPIs of the city's plan: target, planned, done, and how each stands."""

    def rows() -> list[Row]:
        out: list[Row] = []
        for kpi in kpis:
            status = labels.kpi_status_label(kpi)
            out.append(
                (
                    f"{kpi.name} ({reiwa(kpi.by_fy)}まで)",
                    kpi.target,
                    kpi.planned,
                    kpi.done,
                    Status(status, KPI_STATES[status]),
                    kpi.gap if kpi.gap and kpi.warning is None else None,
                    kpi.population,
                )
            )
        return out

    return Table("KPI", KPI_COLUMNS, rows, row_header=True)


def hours_table(summary: Summary, analysis: Analysis) -> Table:
    """Return the hours each measure placed within the horizon saves a year, their total, and today's hours."""

    def rows() -> list[Row]:
        total = summary.total_placed
        today = summary.today_staff_hours
        return [
            *(
                (
                    MeasureMark(counts.measure),
                    counts.placed,
                    counts.hours_placed.hours,
                    counts.hours_placed.staff,
                    counts.hours_placed.citizen,
                    counts.hours_placed.expected,
                    counts.hours_placed.fte,
                    counts.hours_placed.thousand_yen,
                )
                for counts in summary.by_measure
            ),
            Marked(
                Role.TOTAL,
                (TOTAL, None, total.hours, total.staff, total.citizen, total.expected, total.fte, total.thousand_yen),
            ),
            Marked(
                Role.REFERENCE,
                (
                    TODAY,
                    None,
                    None,
                    today,
                    summary.today_citizen_hours,
                    None,
                    staff_fte(today, analysis),
                    staff_thousand_yen(today, analysis),
                ),
            ),
        ]

    return Table("削減見込み", HOURS_COLUMNS, rows, row_header=True)


def counts_table(summary: Summary) -> Table:
    """Return each measure's count from recommended to placed, and the procedures with no measure."""

    def rows() -> list[Row]:
        return [
            *(
                (
                    MeasureMark(c.measure),
                    c.recommended,
                    c.with_plan,
                    c.uptake,
                    c.complement,
                    c.national,
                    c.fixed,
                    c.scheduled,
                    c.placed,
                    c.placed_outside,
                    c.unplaced,
                )
                for c in summary.by_measure
            ),
            (MeasureMark(Measure.NONE), summary.not_recommended, *[None] * (len(COUNT_COLUMNS) - 2)),
        ]

    return Table("施策別の件数", COUNT_COLUMNS, rows, row_header=True)


def years_table(summary: Summary, years: Sequence[tuple[int, Summary]]) -> Table:
    """Return each fiscal year's measures placed, by measure, and what they save (`summary`'s measures as columns)."""
    measures = [counts.measure for counts in summary.by_measure]
    columns = (
        Column("year", "年度", Kind.LABEL),
        *(Column(measure.value, MEASURE_LABELS[measure], Kind.COUNT) for measure in measures),
        PLACED,
        HOURS_COLUMNS[2],
        *HOURS_COLUMNS[6:],
    )

    def rows() -> list[Row]:
        return [
            (
                f"{reiwa(fy)} ({fy})",
                *(counts.placed for counts in year.by_measure),
                year.procedures_placed,
                year.total_placed.hours,
                year.total_placed.fte,
                year.total_placed.thousand_yen,
            )
            for fy, year in years
        ]

    return Table("年度別の施策数", columns, rows, row_header=True)


def year_keys(table: Table) -> tuple[str, ...]:
    """Return the keys of a years table's year and measure columns (what the workbook's chart reads)."""
    return table.keys[: table.keys.index(PLACED.key)]


def outlook_table(figures: Sequence[YearFigures], analysis: Analysis) -> Table:
    """Return model v3's outlook: each fiscal year as uptake grows, then the steady state, with their costs."""

    def rows() -> list[Row]:
        out: list[Row] = []
        for year in figures:
            cells = (
                STEADY if year.fy is None else f"{reiwa(year.fy)} ({year.fy})",
                year.staff_hours,
                staff_fte(year.staff_hours, analysis),
                year.citizen_hours,
                year.worth,
                year.initial,
                year.annual,
                year.net,
                year.budget,
            )
            out.append(cells if year.fy is not None else Marked(Role.SUMMARY, cells))
        return out

    return Table("年度別の見込み", OUTLOOK_COLUMNS, rows, row_header=True)


def sections_table(sections: Sequence[tuple[str, Summary]]) -> Table:
    """Return each section's procedures and what the measures placed within the horizon save."""

    def rows() -> list[Row]:
        return [
            (
                Link(section, "section", section),
                summary.counters,
                summary.procedures,
                summary.annual_volume,
                summary.national_priority,
                summary.procedures_placed,
                summary.total_placed.hours,
                summary.total_placed.staff,
                summary.total_placed.citizen,
                summary.total_placed.fte,
                summary.total_placed.thousand_yen,
            )
            for section, summary in sections
        ]

    return Table("課別の手続と削減見込み", SECTION_COLUMNS, rows, row_header=True)
