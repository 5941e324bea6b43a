"""待ち時間: the counters whose windows the inventory writes, month by hour (Erlang C), and the roadmap year by year.

Figures come from bpr/analysis/queue.py (`Analysis.queue`); this module lays them out. The months run in
fiscal order, April first; a cell is the mean wait in minutes of that hour of an average working day,
coloured against the target, or 超過 where the load reaches the windows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bpr.analysis.queue import CounterQueue, HourFigures, QueueAnalysis, QueueYear
from bpr.analysis.queue_inputs import Change
from bpr.analysis.queue_method import queue_assumptions
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import DECIMAL, NUMBER, WRAPPED, CellFormat
from bpr.export.workbook.table import Column, Row, Styled, Table
from bpr.fiscal import reiwa

TITLE = "待ち時間"
YEARS_TITLE = "待ち時間の推移"
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
NOTE = CellFormat(wrap=False, border=None)
WITHIN = CellFormat(number_format="0", fill="C6EFCE", horizontal="right")
NEAR = CellFormat(number_format="0", fill="FFEB9C", horizontal="right")
OVER = CellFormat(number_format="0", fill="FFC7CE", horizontal="right")
OVERLOADED = CellFormat(bold=True, fill="FFC7CE", colour="9C0006", horizontal="center")
KINDS = {"uptake": "オンライン等", "reservation": "予約", "no_writing": "書かない窓口"}


def _in_scope(scope: Scope) -> list[CounterQueue]:
    queue: QueueAnalysis | None = scope.analysis.queue
    if queue is None:
        return []
    ids = {p.counter.id for p in scope.procedures}
    return [counter for counter in queue.counters if counter.counter.id in ids]


def queue_tables(scope: Scope) -> tuple[Table, ...]:
    """Return the 待ち時間 and 待ち時間の推移 tables, or none when no counter in scope writes its windows."""
    counters = _in_scope(scope)
    if not counters:
        return ()
    target = scope.analysis.queue.config.target_wait_minutes
    return (_months_table(counters, target), _years_table(counters))


def _wait_cell(hour: HourFigures | None, target: float) -> object:
    if hour is None:
        return ""
    if hour.wait is None:
        return Styled("超過", OVERLOADED)
    style = WITHIN if hour.wait <= target else NEAR if hour.wait <= 2 * target else OVER
    return Styled(round(hour.wait, 1), style)


def _months_table(counters: Sequence[CounterQueue], target: float) -> Table:
    hours = sorted({slot.hour for counter in counters for slot in counter.slots})
    columns = (
        Column("窓口", WRAPPED, min_width=14, max_width=24),
        Column("窓口数", NUMBER, min_width=7),
        Column("月", WRAPPED, min_width=5),
        Column("来庁\n(件/日)", NUMBER, min_width=8),
        *(Column(f"{hour}時", NUMBER, min_width=6) for hour in hours),
        Column("必要な\n窓口数", NUMBER, min_width=8),
        Column("平均待ち\n(分)", DECIMAL, min_width=9),
    )

    def rows() -> Iterator[Row]:
        for counter in counters:
            for number in FISCAL_MONTHS:
                month = counter.today.month(number)
                by_hour = {hour.hour: hour for hour in month.hours}
                mean = month.mean_wait
                yield (
                    counter.counter.name,
                    counter.windows,
                    f"{number}月",
                    round(month.arrivals_per_day),
                    *(_wait_cell(by_hour.get(hour), target) for hour in hours),
                    month.windows_needed,
                    Styled("超過", OVERLOADED) if mean is None else round(mean, 1),
                )

    preamble: tuple[Sequence[object], ...] = (
        (
            Styled(
                f"月の平均的な開庁日の時間帯ごとの平均待ち時間（分、Erlang C）。緑は目標 {target:g}分以内、黄はその2倍以内、"
                "赤はそれを超える。「超過」は来庁の負荷が窓口数に達し、行列が伸び続ける時間帯。必要な窓口数は、"
                "その月で最も混む時間帯に目標を守る最少の窓口数。前提は算定方法のシート。",
                NOTE,
            ),
        ),
        *((Styled(_simulated(counter), NOTE),) for counter in counters),
    )
    return Table(TITLE, columns, rows, preamble=preamble, frozen_columns=3)


def _simulated(counter: CounterQueue) -> str:
    day = counter.today.simulation
    if day is None:
        return f"{counter.counter.name}: シミュレーションなし"
    return (
        f"{counter.counter.name}: {counter.simulated_month}月の平均的な日のシミュレーション（窓口 {counter.simulated_windows}、"
        f"{day.days}日分）: 来庁 {day.arrivals_per_day:,.0f}件、平均待ち {day.mean_wait:.1f}分、"
        f"90% が {day.p90_wait:.0f}分以内"
    )


def _year_label(year: QueueYear) -> str:
    return "定常" if year.steady else reiwa(year.fy) if year.fy is not None else "現状"


def _years_table(counters: Sequence[CounterQueue]) -> Table:
    columns = (
        Column("窓口", WRAPPED, min_width=14, max_width=24),
        Column("年度", WRAPPED, min_width=10),
        Column("ピーク", WRAPPED, min_width=9),
        Column("負荷\n(窓口)", DECIMAL, min_width=8),
        Column("ピークの待ち\n(分)", DECIMAL, min_width=11),
        Column("必要な\n窓口数", NUMBER, min_width=8),
        Column("シミュレーション\nの平均待ち(分)", DECIMAL, min_width=15),
        Column("この年度から効く施策", WRAPPED, min_width=24, max_width=60),
    )

    def rows() -> Iterator[Row]:
        for counter in counters:
            names = {stream.procedure: stream.name for stream in counter.streams}
            acting: set[Change] = set()
            for year in (counter.today, *counter.years):
                peak = year.peak
                new = [c for c in year.in_force if c not in acting]
                acting.update(new)
                yield (
                    counter.counter.name,
                    _year_label(year),
                    f"{peak.month}月 {peak.peak.hour}時台",
                    round(peak.peak.load, 2),
                    Styled("超過", OVERLOADED) if peak.peak.wait is None else round(peak.peak.wait, 1),
                    peak.windows_needed,
                    "" if year.simulation is None else round(year.simulation.mean_wait, 1),
                    _measures(new, names),
                )

    month = counters[0].simulated_month
    preamble: tuple[Sequence[object], ...] = (
        (
            Styled(
                "ロードマップの施策を年度ごとに入れたときのピーク（最も混む月・時間帯）。施策は置かれた年度の翌年度から効き、"
                "その後も効き続ける（オンライン等は利用率の曲線に沿って増える）。",
                NOTE,
            ),
        ),
        (Styled(f"シミュレーションは{month}月の平均的な日（窓口数は棚卸のとおり）。", NOTE),),
    )
    return Table(YEARS_TITLE, columns, rows, preamble=preamble, frozen_columns=2)


def _measures(changes: Sequence[Change], names: dict[str, str]) -> str:
    """Return measures as 手続名（オンライン等・予約）, one procedure each, in the order they come."""
    kinds: dict[str, list[str]] = {}
    for change in changes:
        kinds.setdefault(change.procedure, []).append(KINDS[change.kind])
    return "、".join(f"{names.get(pid, pid)}（{'・'.join(said)}）" for pid, said in kinds.items())


def queue_method_rows(scope: Scope) -> list[tuple[str, str, str]]:
    """Return the 算定方法 rows of the waits' assumptions (label, value, source), none without a counter in scope."""
    if not _in_scope(scope):
        return []
    return [(a.label, a.value, a.document_source) for a in queue_assumptions(scope.analysis.queue.config)]
