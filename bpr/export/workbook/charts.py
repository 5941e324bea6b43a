"""The two native charts of 概要, drawn from its tables: the KPIs, and the measures per fiscal year."""

from __future__ import annotations

from typing import Any

from bpr.analysis.summary import SCHEDULED
from bpr.export.workbook.styles import FONT_NAME, MEASURE_COLOURS

CHART_HEIGHT_CM = 7.6
KPI_CHART_WIDTH_CM = 14.0
YEAR_CHART_WIDTH_CM = 13.0
CHART_FONT_SIZE = 1050  # hundredths of a point: 10.5 pt, 8 pt or more on paper at 概要's scale (paper.py)


def add_year_chart(sheet: Any, rows: tuple[int, int], anchor: str) -> None:
    """Add a stacked column chart of the measures placed per fiscal year (the table's rows first..last)."""
    from openpyxl.chart import BarChart, Reference

    first, last = rows
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "年度別の施策数"
    chart.y_axis.title = "施策数"
    chart.y_axis.majorGridlines = None
    data = Reference(sheet, min_col=2, max_col=1 + len(SCHEDULED), min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    for series, measure in zip(chart.series, SCHEDULED, strict=True):
        series.graphicalProperties.solidFill = MEASURE_COLOURS[measure]
        series.graphicalProperties.line.solidFill = "595959"
    chart.width, chart.height = YEAR_CHART_WIDTH_CM, CHART_HEIGHT_CM
    _show_axes(chart)
    sheet.add_chart(chart, anchor)


def add_kpi_chart(sheet: Any, rows: tuple[int, int], anchor: str) -> None:
    """Add a bar chart of each KPI's target against the plan and what is done (the table's rows first..last)."""
    from openpyxl.chart import BarChart, Reference

    first, last = rows
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = "KPI: 目標・計画・実績 (市全体)"
    chart.x_axis.scaling.orientation = "maxMin"  # the first KPI on top, as in the table
    data = Reference(sheet, min_col=2, max_col=4, min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    for series, colour in zip(chart.series, ("BFBFBF", "2F75B5", "548235"), strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.width, chart.height = KPI_CHART_WIDTH_CM, CHART_HEIGHT_CM
    _show_axes(chart)
    sheet.add_chart(chart, anchor)


def _show_axes(chart: Any) -> None:
    # openpyxl 3.1 hides both axes unless told otherwise (delete=True by default).
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 1  # every category labelled: LibreOffice would otherwise drop some
    chart.legend.position = "b"
    for part in (chart.x_axis, chart.y_axis, chart.legend):
        part.txPr = _text_properties()


def _text_properties() -> Any:
    """Return the chart text in the workbook's font, Latin and Japanese alike.

    Without it LibreOffice sets "RPA" in one font and "オンライン化" in another, on different baselines.
    """
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Font, Paragraph, ParagraphProperties

    font = CharacterProperties(
        latin=Font(typeface=FONT_NAME), ea=Font(typeface=FONT_NAME), sz=CHART_FONT_SIZE, solidFill="404040"
    )
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=font), endParaRPr=font)])
