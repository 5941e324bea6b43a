"""概要: the scope, the KPIs, the shortfalls, the counts and hours by measure, the years, and two charts.

Every number on this sheet is read from the analysis' one summary (`bpr.analysis.summary`), of the
whole city or of one section's procedures; the sheet computes none, so that its tables add up with
each other, with the other sheets and with the terminal. KPIs and shortfalls are city-wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import KpiStatus, YearFigures
from bpr.analysis.summary import Summary, staff_fte
from bpr.export.tables.model import Marked, Role
from bpr.export.tables.overview import (
    counts_table,
    hours_table,
    kpi_table,
    outlook_table,
    sections_table,
    year_keys,
    years_table,
)
from bpr.export.workbook.charts import add_kpi_chart, add_year_chart
from bpr.export.workbook.first_page import FrontMatter, write_contents, write_this_year, write_top
from bpr.export.workbook.labels import hides_kpi_warning, kpi_status_label
from bpr.export.workbook.paper import Printing
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.shared_tables import write_block, write_row
from bpr.export.workbook.styles import (
    NUMBER,
    SHARE,
    TITLE,
    WRAPPED,
    CellFormat,
    CellStyles,
    measure_format,
)
from bpr.export.workbook.writer import SheetWriter, write_composed
from bpr.fiscal import reiwa
from bpr.inventory.enums import Channel, FlowSource

SHEET_TITLE = "概要"
# 171 units print on A4 landscape at 81 % (paper.py): 10 pt text at 8 pt or more on paper. Column A is
# wide enough for most 手続名 on one line (page 1 lists procedures in it).
WIDTHS = {"A": 46.0, **{letter: 12.0 for letter in "BCDEFGHIJK"}, "E": 17.0}  # E: 判定 未達（期限経過）on one line
HEADLINE = CellFormat(border=None, bold=True)
UPTAKE_REFERENCE = "参考: 既にある経路の利用促進 (枠を使わない、定着後)"
NOTE = CellFormat(border=None)
ALERT = CellFormat(border=None, colour="C00000")
MAX_LISTED_SHORTFALLS = 8
MAX_LISTED_UPTAKE = 10
CHART_ROWS = 16  # room for a chart of CHART_HEIGHT_CM (215 pt) at ONE_LINE a row, and a little more
KPI_CHART_ANCHOR = "A"
YEAR_CHART_ANCHOR = "F"


@dataclass
class Overview:
    """概要 composed: its rows, and where its charts go (the rows of the tables they draw, the row they start on)."""

    out: SheetWriter
    kpi_rows: tuple[int, int] | None
    year_rows: tuple[int, int]
    chart_row: int


def compose_overview(scope: Scope, notes: list[str], front: FrontMatter) -> Overview:
    """Compose the 概要 sheet: page 1 for a chief, then the scope's counts, hours, years and charts."""
    out = SheetWriter(dict(WIDTHS))
    out.add((scope.title, TITLE))
    out.line(f"計画期間 {scope.horizon_label}　棚卸日 {scope.surveyed_label}", NOTE)
    out.line(front.edition, NOTE)
    if scope.sections is not None:
        out.line(
            "この課の手続だけを数えています (対象・施策・削減見込み・年度別)。KPI と計画上の課題は市全体の計画に対する値です。",
            ALERT,
        )
    summary = scope.summary
    out.line(
        f"対象: 窓口 {summary.counters:,}・課 {summary.sections:,}・手続 {summary.procedures:,}"
        f"（年間 {summary.annual_volume:,}件）・国の優先手続 {summary.national_priority:,}",
        HEADLINE,
    )
    total = summary.total_placed
    # Page 1's total, whose hours it is (model v3, property 9): staff and citizens apart, never added.
    out.line(
        f"削減見込み（計画期間内に配置した施策、1年あたり）: 職員 {total.staff:,.0f} 時間"
        f"（{total.fte:,.2f} 人工・{total.thousand_yen:,.0f} 千円）、住民 {total.citizen:,.0f} 時間",
        HEADLINE,
    )
    figures = scope.year_figures()
    out.line(_outlook_line(scope, figures), HEADLINE)
    for text in _data_notes(scope):
        out.line(text, ALERT)
    write_contents(out, front)
    # Page 1 is what a chief reads in thirty seconds: what to do this fiscal year, the KPIs, the ten
    # procedures that save most (and, for a section, what found no room). Then what falls short, what the
    # roadmap saves, how the counts add up, the years and the charts; each block whole on a page.
    write_this_year(out, scope)
    kpi_rows = _write_kpis(out, scope.analysis.roadmap.kpis)
    write_top(out, scope)
    _write_shortfalls(out, scope)
    _write_hours(out, scope)
    _write_outlook(out, scope, figures)
    _write_counts(out, summary)
    year_rows = _write_years(out, scope)
    out.blank()
    chart_row = out.reserve(CHART_ROWS)
    if scope.sections is None:
        # City-wide only (a section's workbook has its one section): after the charts.
        _write_sections(out, scope)
    _write_uptake(out, scope)
    _write_notes(out, scope, notes)
    return Overview(out, kpi_rows, year_rows, chart_row)


def write_overview(workbook: Any, overview: Overview, scope: Scope, styles: CellStyles, printing: Printing) -> None:
    """Write the composed 概要 as the workbook's first sheet, with its charts."""
    sheet = write_composed(workbook, SHEET_TITLE, overview.out, styles, scope, printing)
    if overview.kpi_rows is not None:
        add_kpi_chart(sheet, overview.kpi_rows, f"{KPI_CHART_ANCHOR}{overview.chart_row}")
    add_year_chart(sheet, overview.year_rows, f"{YEAR_CHART_ANCHOR}{overview.chart_row}")


def _write_kpis(out: SheetWriter, kpis: tuple[KpiStatus, ...]) -> tuple[int, int] | None:
    out.heading("■ KPI (市全体の計画)")
    rows = write_block(out, kpi_table(kpis))
    if not kpis:
        out.add(("KPI の設定がありません", CellFormat()))
        return None
    # Below the table, not between its rows: the chart reads the rows first..last.
    for kpi in kpis:
        if kpi.warning is not None:
            out.line(f"・{kpi.name} ({reiwa(kpi.by_fy)}まで) は{kpi_status_label(kpi)}: {kpi.warning}", ALERT)
        if kpi.zero_volume:
            out.line(f"・{kpi.name}: 対象の手続 {kpi.population:,}件のうち件数0の推計 {kpi.zero_volume:,}件", ALERT)
    return rows


def _relevant_shortfalls(scope: Scope) -> tuple[list[str], list[str]]:
    """Return the shortfalls that concern the scope: the general ones, and those of its own procedures.

    A KPI's warning is left out: the KPI table above states it already.
    """
    own = {p.id for p in scope.procedures}
    kpis = scope.analysis.roadmap.kpis
    general: list[str] = []
    particular: list[str] = []
    for shortfall in scope.analysis.roadmap.shortfalls:
        if hides_kpi_warning(shortfall.message, kpis):
            continue
        if shortfall.procedure is None:
            general.append(shortfall.message)
        elif shortfall.procedure in own:
            particular.append(shortfall.message)
    return general, particular


def _write_shortfalls(out: SheetWriter, scope: Scope) -> None:
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


def _write_hours(out: SheetWriter, scope: Scope) -> None:
    out.heading("■ 削減見込み (計画期間内に配置した施策、1年あたり)")
    write_block(out, hours_table(scope.summary, scope.analysis))
    out.line(
        "削減時間は住民と職員の時間の合計 (実現性を掛ける前)、期待削減は実現性を掛けた値 (優先順位の基準) です。"
        "削減は職員・住民それぞれ現状の時間を超えません。補完施策は主施策の残りに対して数え、二重には数えません。",
        NOTE,
    )


def _write_counts(out: SheetWriter, summary: Summary) -> None:
    out.heading("■ 施策別の件数 (推奨から配置まで)")
    write_block(out, counts_table(summary))
    out.line(
        "施策ごとに: 推奨 − うち確定計画 − うちマイナポータル ＋ 補完施策 ＋ 国の優先で追加 ＋ 確定計画 ＝ 配置する施策 ＝ "
        "期間内に配置 ＋ 期間外 ＋ 枠不足で未配置。推奨は手続ごとに1つ、補完施策と国の優先による追加は主施策とは別に枠を使います。",
        NOTE,
    )


def _outlook_line(scope: Scope, figures: list[YearFigures]) -> str:
    """Say on page 1 what the plan's last year and the steady state expect, and what they cost (model v3)."""
    last, steady = figures[-2], figures[-1]
    spent = sum(year.initial for year in figures[:-1])
    citizens = "" if scope.config.scoring.costs.citizen_yen_per_hour is not None else "（住民の時間は除く）"
    return (
        f"見込み: {reiwa(last.fy or 0)} 職員 {last.staff_hours:,.0f}・住民 {last.citizen_hours:,.0f} 時間/年（利用率の伸びを含む）。"
        f"費用 初期 計{spent:,.0f}・年 {steady.annual:,.0f} 千円、純便益 {steady.net:,.0f} 千円/年{citizens}"
    )


def _write_outlook(out: SheetWriter, scope: Scope, figures: list[YearFigures]) -> None:
    """Write model v3's table: expected hours by fiscal year as uptake grows, their worth, the costs and the net."""
    out.heading("■ 年度別の見込み (利用率の伸び・費用、計画期間内に配置した施策)")
    table = outlook_table(figures, scope.analysis)
    write_block(out, table)
    uptake = scope.uptake_items()
    if uptake:
        # The workbook's own line under the table: uptake takes no slot of the plan the years count.
        staff = sum(i.steady_staff_hours for i in uptake)
        cells = (
            UPTAKE_REFERENCE,
            staff,
            staff_fte(staff, scope.analysis),
            sum(i.steady_citizen_hours for i in uptake),
            None,
            sum(i.cost_initial for i in uptake),
            sum(i.cost_annual for i in uptake),
            None,
            None,
        )
        write_row(out, table, Marked(Role.REFERENCE, cells))
    out.line(
        "オンライン化は窓口に残る件数のうち利用率の分だけが移り、利用率は開始の翌年度から伸びます（算定方法）。"
        "施策は実施の翌年度から効果を数えます。初期費用は実施年度、年間費用は翌年度から。"
        "純便益 = 職員分 − 初期費用 − 年間費用。",
        NOTE,
    )


def _write_years(out: SheetWriter, scope: Scope) -> tuple[int, int]:
    out.heading("■ 年度別の施策数 (期間内に配置)")
    table = years_table(scope.summary, scope.summaries_by_year())
    return write_block(out, table.select(*year_keys(table)))


def _data_notes(scope: Scope) -> list[str]:
    """Say, on page 1, what the figures cannot show yet: flows not surveyed, 0-case estimates, procedures left out."""
    notes = []
    skeletons = [
        p for p in scope.procedures if p.procedure.flow_source is FlowSource.SKELETON and p.procedure.annual_volume > 0
    ]
    if skeletons:
        # One line, so that page 1 keeps its top ten: the command says where to start.
        notes.append(
            f"未調査の手続 {len(skeletons):,}件（取込みで作った骨組みの業務フロー）: 職員の時間は0として計算。"
            "件数の多い順に調査（bpr survey export --worklist）。"
        )
    zero = sum(1 for p in scope.procedures if p.procedure.annual_volume == 0)
    if zero:
        notes.append(f"件数0の推計 {zero:,}件: 構築の枠に入れていない。市で扱いがあれば件数を記入。")
    sections = scope.sections
    not_handled = [n for n in scope.analysis.not_handled if sections is None or n.section in sections]
    if not_handled:
        notes.append(f"市で扱わない手続（handled: false）{len(not_handled):,}件: 採点・計画・KPI に数えていない。")
    return notes


def _write_uptake(out: SheetWriter, scope: Scope) -> None:
    by_id = {p.id: p for p in scope.procedures}
    others = any(set(by_id[pid].procedure.online.existing_channels) - {Channel.MYNAPORTAL} for pid in scope.uptake)
    if others:
        # Channels besides マイナポータル (the city's e-application, コンビニ交付 …) are uptake too (model v3 property 3).
        out.heading("■ 既にある経路で申請可能 (利用率の向上)")
        out.line(
            "すでにマイナポータルや市の電子申請などの経路で申請できる手続です。新たなオンライン化の枠は使わず、"
            "窓口に残る件数を減らすこと (利用率の向上) が課題です。",
            NOTE,
        )
    else:
        out.heading("■ マイナポータルで申請可能 (利用率の向上)")
        if not scope.uptake:
            out.line("マイナポータルから申請できる手続はありません。", NOTE)
            return
        out.line(
            "すでにマイナポータルから申請できる手続です。新たなオンライン化の枠は使わず、窓口に残る件数を減らすこと"
            " (利用率の向上) が課題です。推奨がオンライン化のものは「施策別の件数」の「うちマイナポータル」に数えています。",
            NOTE,
        )
    out.header(("手続名", 4), ("課", 2), "年間件数", "窓口に残る\n割合", ("推奨施策", 2))
    listed = list(scope.uptake.items())
    for pid, share in listed[:MAX_LISTED_UPTAKE]:
        item = by_id[pid]
        out.add(
            (item.procedure.name, WRAPPED, 4),
            (item.counter.section, WRAPPED, 2),
            (item.procedure.annual_volume, NUMBER),
            (share, SHARE),
            (MEASURE_LABELS[item.recommendation], measure_format(item.recommendation), 2),
        )
    hidden = len(listed) - MAX_LISTED_UPTAKE
    if hidden > 0:
        out.line(f"ほか {hidden:,} 件 (「ロードマップ」の備考の欄にあります)", NOTE)


def _write_sections(out: SheetWriter, scope: Scope) -> None:
    out.heading("■ 課別の手続と削減見込み")
    write_block(out, sections_table(scope.summaries_by_section()))


def _write_notes(out: SheetWriter, scope: Scope, notes: list[str]) -> None:
    analysis = scope.analysis
    out.heading("■ 注記")
    lines = [
        *notes,
        "スコアは 0〜100 の絶対尺度で、期待削減 (時間/年) だけで決まります (同じ手続は棚卸の他の手続に関係なく同じスコア)。"
        "根拠は「優先順位」の理由の欄にあります。",
        "推奨 (主施策) は、閾値を超えた施策のうち期待削減の最も大きいものです。補完施策 (オンライン化の後の RPA による転記、"
        "紙で残る分の AI-OCR など) は主施策の残りに対して見積もり、主施策とは別に枠を使います。",
        f"人工は職員の時間 ÷ {analysis.hours_per_fte:,.0f} 時間 (1人1年)、千円は職員の時間 × "
        f"{analysis.staff_cost_per_hour:,.0f} 円/時間です (設定で変えられます)。",
        "うち確定計画は、推奨のうち棚卸に確定した計画 (plan) がある手続です。その計画は施策の種類ごとに「確定計画」に数えます。",
        "国の優先で追加は、国の優先手続で主施策・補完施策にオンライン化がないため、期限までに加えたオンライン化です。",
        "「ロードマップ」の太枠・確定は棚卸で決まっている計画、補完は主施策に併せて行う施策、国の優先は国の期限のために"
        "加えた施策、◆期限は国の優先手続のオンライン化期限です。",
    ]
    for line in lines:
        out.line(f"・{line}", NOTE)
