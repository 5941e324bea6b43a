"""概要: the scope of the inventory, the KPIs, the hours saved, the counts by measure and two charts."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass, replace
from typing import Any

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.roadmap import reiwa
from bpr.export.workbook.scope import MEASURE_ORDER, Scope
from bpr.export.workbook.styles import (
    CENTRED,
    HEADER,
    HEADING,
    HOURS,
    LABEL,
    MEASURE_COLOURS,
    MET_FILL,
    NOT_MET_FILL,
    NUMBER,
    TITLE,
    CellFormat,
    CellStyles,
    measure_format,
    row_height,
    set_print_layout,
)
from bpr.inventory.models import Measure

SHEET_TITLE = "概要"
WIDTHS = {"A": 44.0, "B": 13.0, "C": 13.0, "D": 14.0, "E": 14.0, "F": 14.0, "G": 12.0}
LAST_COLUMN = "G"
HEADING_ROW_HEIGHT = 26.0
MET = CellFormat(horizontal="center", fill=MET_FILL, bold=True)
NOT_MET = CellFormat(horizontal="center", fill=NOT_MET_FILL, bold=True)
TOTAL = CellFormat(number_format=HOURS, bold=True)
TOTAL_LABEL = CellFormat(bold=True, fill="F2F2F2")
NOTE = CellFormat(border=None)
ALERT = CellFormat(border=None, colour="C00000")
SCHEDULED = tuple(m for m in MEASURE_ORDER if m is not Measure.NONE)
MAX_LISTED_SHORTFALLS = 8
CHART_ROWS = 13  # room for a chart of CHART_HEIGHT_CM at the default row height
CHART_HEIGHT_CM = 7.2


@dataclass
class _Writer:
    """Appends rows to the write-only sheet and remembers where it is, for the charts' references."""

    sheet: Any
    styles: CellStyles
    row: int = 0

    def add(self, *cells: tuple[object, CellFormat] | None) -> int:
        """Add a row of (value, format) cells, as tall as its wrapped text needs; return its number."""
        self.row += 1
        values = [None if cell is None else self.styles.cell(self.sheet, cell[0], cell[1]) for cell in cells]
        height = row_height(
            (cell[0], cell[1], width) for cell, width in zip(cells, WIDTHS.values(), strict=False) if cell
        )
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(values)
        return self.row

    def reserve(self, rows: int) -> int:
        """Leave empty rows (room for a chart) and return the first of them."""
        first = self.row + 1
        for _ in range(rows):
            self.blank()
        return first

    def blank(self) -> None:
        """Add an empty row."""
        self.sheet.append([])
        self.row += 1

    def heading(self, text: str) -> None:
        """Add a heading row, taller than the others: the space above it separates the tables."""
        self.row += 1
        self.sheet.row_dimensions[self.row].height = HEADING_ROW_HEIGHT
        self.sheet.append([self.styles.cell(self.sheet, text, HEADING)])

    def line(self, text: str, fmt: CellFormat) -> None:
        """Add a line of text across the used columns (merged), wrapped when longer than they are wide."""
        wrapped = replace(fmt, wrap=True)
        self.row += 1
        height = row_height([(text, wrapped, sum(WIDTHS.values()))])
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append([self.styles.cell(self.sheet, text, wrapped)])
        self.sheet.merged_cells.add(f"A{self.row}:{LAST_COLUMN}{self.row}")

    def header(self, *labels: str) -> int:
        """Add a table header row; return its number."""
        return self.add(*((label, HEADER) for label in labels))


def write_overview(workbook: Any, scope: Scope, styles: CellStyles, notes: list[str]) -> None:
    """Write the 概要 sheet first in the workbook: scope, KPIs, shortfalls, hours saved, counts and charts."""
    from openpyxl.worksheet.pagebreak import Break

    sheet = workbook.create_sheet(SHEET_TITLE)
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    set_print_layout(sheet, title=scope.title, footer=scope.footer, title_rows=0)
    out = _Writer(sheet, styles)
    out.add((scope.title, TITLE))
    out.line(f"計画期間 {scope.horizon_label}　棚卸日 {scope.surveyed_label}", NOTE)
    if scope.sections is not None:
        out.line("この課の手続だけを載せています。KPI と計画上の課題は市全体の計画に対する値です。", ALERT)
    _write_scope(out, scope)
    kpi_rows = _write_kpis(out, scope)
    _write_shortfalls(out, scope)
    # Page 1 is what a chief reads first: the scope, the KPIs and what falls short. Page 2 holds the
    # hours saved and the charts, whole; the counts and notes follow.
    breaks = [out.row]
    _write_hours(out, scope)
    year_rows = _write_years(out, scope)
    out.blank()
    chart_row = out.reserve(CHART_ROWS)
    if kpi_rows is not None:
        _add_kpi_chart(sheet, kpi_rows, f"A{chart_row}")
    _add_year_chart(sheet, year_rows, f"D{chart_row}")
    breaks.append(out.row)
    _write_recommendations(out, scope)
    _write_sections(out, scope)
    _write_notes(out, scope, notes)
    for row in breaks:
        sheet.row_breaks.append(Break(id=row))


def _write_scope(out: _Writer, scope: Scope) -> None:
    procedures = scope.procedures
    out.heading("■ 対象")
    rows: list[tuple[str, object, CellFormat]] = [
        ("窓口数", len({p.counter.id for p in procedures}), NUMBER),
        ("課の数", len(scope.section_names), NUMBER),
        ("手続数", len(procedures), NUMBER),
        ("年間件数 (合計)", sum(p.procedure.annual_volume for p in procedures), NUMBER),
        ("国の優先手続", sum(1 for p in procedures if p.procedure.national_priority), NUMBER),
    ]
    for label, value, fmt in rows:
        out.add((label, LABEL), (value, fmt))


def _write_kpis(out: _Writer, scope: Scope) -> tuple[int, int] | None:
    kpis = scope.analysis.roadmap.kpis
    out.heading("■ KPI (市全体の計画)")
    out.header("指標", "目標", "計画", "達成", "不足")
    if not kpis:
        out.add(("KPI の設定がありません", CellFormat()))
        return None
    first = out.row + 1
    for kpi in kpis:
        out.add(
            (f"{kpi.name} ({reiwa(kpi.by_fy)}まで)", CellFormat(wrap=True)),
            (kpi.target, NUMBER),
            (kpi.planned, NUMBER),
            ("達成", MET) if kpi.met else ("未達", NOT_MET),
            (kpi.gap if kpi.gap else "", NUMBER),
        )
    return first, out.row


def _relevant_shortfalls(scope: Scope) -> tuple[list[str], list[str]]:
    """Return the shortfalls that concern the scope: the general ones, and those of its own procedures."""
    own = {p.id for p in scope.procedures}
    general: list[str] = []
    particular: list[str] = []
    for shortfall in scope.analysis.roadmap.shortfalls:
        if shortfall.procedure is None:
            general.append(shortfall.message)
        elif shortfall.procedure in own:
            particular.append(shortfall.message)
    return general, particular


def _write_shortfalls(out: _Writer, scope: Scope) -> None:
    general, particular = _relevant_shortfalls(scope)
    out.heading("■ 計画上の課題 (枠の不足・期限・KPI)")
    if not general and not particular:
        out.line("計画期間内の枠で期限と KPI を満たしています", NOTE)
        return
    # The summaries first; a long list of procedures would push everything else off page 1, and each
    # of them is also noted in the 備考 of its row in ロードマップ.
    for text in general + particular[:MAX_LISTED_SHORTFALLS]:
        out.line(f"・{text}", ALERT)
    hidden = len(particular) - MAX_LISTED_SHORTFALLS
    if hidden > 0:
        out.line(f"・ほか {hidden:,} 件の手続 (「ロードマップ」の備考の欄にあります)", ALERT)


def _write_hours(out: _Writer, scope: Scope) -> None:
    years = set(scope.fiscal_years)
    by_id = {p.id: p for p in scope.procedures}
    out.heading("■ 施策別の削減見込み (計画期間内に配置した施策)")
    out.header("施策", "手続数", "年間件数", "削減見込み\n(時間/年)", "うち職員\n(時間/年)", "うち住民\n(時間/年)")
    totals = [0, 0, 0.0, 0.0, 0.0]
    for measure in SCHEDULED:
        chosen = [
            by_id[pid]
            for pid, items in scope.items.items()
            if any(i.measure is measure and i.fy in years for i in items)
        ]
        values = [
            len(chosen),
            sum(p.procedure.annual_volume for p in chosen),
            round(sum(p.hours_saved.get(measure.value, 0.0) for p in chosen), 1),
            round(sum(p.hours_saved_staff.get(measure.value, 0.0) for p in chosen), 1),
            round(sum(p.hours_saved_citizen.get(measure.value, 0.0) for p in chosen), 1),
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        out.add((MEASURE_LABELS[measure], measure_format(measure)), *((value, NUMBER) for value in values))
    out.add(("合計 (手続は施策ごとに数える)", TOTAL_LABEL), *((round(value, 1), TOTAL) for value in totals))


def _write_recommendations(out: _Writer, scope: Scope) -> None:
    years = set(scope.fiscal_years)
    out.heading("■ 推奨施策別の手続数")
    out.header("推奨施策", "手続数", "年間件数", "期間内に配置", "期間外 (枠不足)")
    for measure in MEASURE_ORDER:
        chosen = [p for p in scope.procedures if p.recommendation is measure]
        placed = sum(
            1 for p in chosen if any(i.measure is measure and i.fy in years for i in scope.items.get(p.id, ()))
        )
        outside = sum(1 for p in chosen if any(i.measure is measure for i in scope.unscheduled.get(p.id, ())))
        out.add(
            (MEASURE_LABELS[measure], measure_format(measure)),
            (len(chosen), NUMBER),
            (sum(p.procedure.annual_volume for p in chosen), NUMBER),
            (placed if measure is not Measure.NONE else "", NUMBER),
            (outside if measure is not Measure.NONE else "", NUMBER),
        )


def _write_years(out: _Writer, scope: Scope) -> tuple[int, int]:
    tally: Tally[tuple[int, Measure]] = Tally((i.fy, i.measure) for items in scope.items.values() for i in items)
    out.heading("■ 年度別の施策数 (手続)")
    out.header("年度", *(MEASURE_LABELS[m] for m in SCHEDULED), "計")
    first = out.row + 1
    for fy in scope.fiscal_years:
        counts = [tally[(fy, m)] for m in SCHEDULED]
        out.add((f"{reiwa(fy)} ({fy})", CENTRED), *((count, NUMBER) for count in counts), (sum(counts), TOTAL))
    return first, out.row


def _write_sections(out: _Writer, scope: Scope) -> None:
    out.heading("■ 課別の手続")
    out.header("課", "窓口数", "手続数", "年間件数", "施策を配置", "国の優先手続")
    years = set(scope.fiscal_years)
    for section in scope.section_names:
        own = [p for p in scope.procedures if p.counter.section == section]
        placed = sum(1 for p in own if any(i.fy in years for i in scope.items.get(p.id, ())))
        out.add(
            (section, CellFormat(wrap=True)),
            (len({p.counter.id for p in own}), NUMBER),
            (len(own), NUMBER),
            (sum(p.procedure.annual_volume for p in own), NUMBER),
            (placed, NUMBER),
            (sum(1 for p in own if p.procedure.national_priority), NUMBER),
        )


def _write_notes(out: _Writer, scope: Scope, notes: list[str]) -> None:
    out.heading("■ 注記")
    lines = [
        *notes,
        "スコアは 0〜100 の絶対尺度です (同じ手続は棚卸の他の手続に関係なく同じスコア)。根拠は「優先順位」の理由の欄にあります。",
        "削減見込みは、施策ごとに見積もった年間の時間 (住民と職員の合計、実現性を掛ける前) です。",
        "うち職員・うち住民は、削減見込みのうち職員の作業時間と住民の時間 (来庁・待ち・記入) の内訳です。",
        "「ロードマップ」の太枠・確定は棚卸で決まっている計画、◆期限は国の優先手続のオンライン化期限です。",
    ]
    for line in lines:
        out.line(f"・{line}", NOTE)


def _add_year_chart(sheet: Any, rows: tuple[int, int], anchor: str) -> None:
    from openpyxl.chart import BarChart, Reference

    first, last = rows
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "年度別の施策数 (手続)"
    chart.y_axis.title = "手続数"
    chart.y_axis.majorGridlines = None
    data = Reference(sheet, min_col=2, max_col=1 + len(SCHEDULED), min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    for series, measure in zip(chart.series, SCHEDULED, strict=True):
        series.graphicalProperties.solidFill = MEASURE_COLOURS[measure]
        series.graphicalProperties.line.solidFill = "595959"
    chart.width, chart.height = 10.5, CHART_HEIGHT_CM
    _show_axes(chart)
    sheet.add_chart(chart, anchor)


def _add_kpi_chart(sheet: Any, rows: tuple[int, int], anchor: str) -> None:
    from openpyxl.chart import BarChart, Reference

    first, last = rows
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = "KPI: 目標と計画 (市全体)"
    chart.x_axis.scaling.orientation = "maxMin"  # the first KPI on top, as in the table
    data = Reference(sheet, min_col=2, max_col=3, min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    for series, colour in zip(chart.series, ("BFBFBF", "2F75B5"), strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.width, chart.height = 12.5, CHART_HEIGHT_CM
    _show_axes(chart)
    sheet.add_chart(chart, anchor)


def _show_axes(chart: Any) -> None:
    # openpyxl 3.1 hides both axes unless told otherwise (delete=True by default).
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 1  # every category labelled: LibreOffice would otherwise drop some
    chart.legend.position = "b"
