"""The data of the 待ち時間 page: per counter that writes its windows, a month × hour heat map of the wait.

The figures are the analysis's (bpr/analysis/queue.py, the same the workbook's 待ち時間 sheets show): the
mean wait by Erlang C in each hour of an average working day of each month, 超過 where the visits reach
the windows; the windows the peak needs; the simulated peak day; the roadmap year by year.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpr.analysis.queue import CounterQueue, HourFigures, QueueAnalysis
from bpr.analysis.queue_method import queue_assumptions
from bpr.export.presentation import counter_label
from bpr.fiscal import reiwa

QUEUE_PAGE = "queue.html"


@dataclass(frozen=True)
class HeatCell:
    """One hour of one month: the text shown and its class (within, near, over the target, or 超過)."""

    text: str
    tone: str


@dataclass(frozen=True)
class CounterHeat:
    """A counter's heat map and what it needs."""

    name: str
    section: str
    windows: int | None
    opening_hours: str
    hours: tuple[str, ...]  # the column heads: 8時, 9時 …
    months: tuple[tuple[str, tuple[HeatCell, ...]], ...]  # 4月 … 3月, fiscal order
    peak: str  # the peak month and hour, the load and the windows needed
    simulated: str  # the simulated peak day
    years: tuple[tuple[str, str, str], ...]  # state, windows needed at the peak, simulated wait


@dataclass(frozen=True)
class QueuePage:
    """The 待ち時間 page: the target, each counter's heat map, and the assumptions."""

    target: float
    counters: tuple[CounterHeat, ...]
    assumptions: tuple[tuple[str, str, str], ...]  # label, value, where it comes from


FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def queue_page(queue: QueueAnalysis) -> QueuePage | None:
    """Return the 待ち時間 page, or None when no counter writes its windows."""
    if not queue.counters:
        return None
    target = queue.config.target_wait_minutes
    return QueuePage(
        target=target,
        counters=tuple(_counter(counter, target) for counter in queue.counters),
        assumptions=tuple((a.label, a.value, a.document_source) for a in queue_assumptions(queue.config)),
    )


def _cell(hour: HourFigures | None, target: float) -> HeatCell:
    if hour is None:
        return HeatCell("", "closed")
    if hour.wait is None:
        return HeatCell("超過", "over-capacity")
    tone = "within" if hour.wait <= target else "near" if hour.wait <= 2 * target else "over"
    return HeatCell(f"{hour.wait:.0f}", tone)


def _counter(counter: CounterQueue, target: float) -> CounterHeat:
    hours = sorted({slot.hour for slot in counter.slots})
    by_month = {month.month: month for month in counter.today.months}
    rows = []
    for number in FISCAL_MONTHS:
        month = by_month.get(number)
        found = {} if month is None else {h.hour: h for h in month.hours}
        rows.append((f"{number}月", tuple(_cell(found.get(hour), target) for hour in hours)))
    peak_month = counter.today.peak
    peak_hour = peak_month.peak
    peak = (
        f"最も混むのは {peak_month.month}月の{peak_hour.hour}時台: 来庁 {peak_hour.arrivals:.1f}件、"
        f"1件 {peak_hour.service_minutes:.1f}分 → 平均 {peak_hour.load:.1f}窓口が埋まる。"
        f"平均待ちを{target:.0f}分以内にする窓口数 {peak_hour.windows_needed}"
    )
    day = counter.today.simulation
    simulated = (
        ""
        if day is None
        else f"{counter.simulated_month}月の1日を{counter.simulated_windows}窓口で模擬（{day.days}日の平均）: "
        f"平均待ち {day.mean_wait:.1f}分、9割が{day.p90_wait:.0f}分以内"
    )
    years = []
    for year in counter.years:
        label = "定常" if year.steady or year.fy is None else reiwa(year.fy)
        sim = "" if year.simulation is None else f"{year.simulation.mean_wait:.1f}分"
        years.append((label, str(year.peak.peak.windows_needed), sim))
    return CounterHeat(
        name=counter_label(counter.counter),
        section=counter.counter.section,
        windows=counter.counter.windows,
        opening_hours=counter.opening_hours,
        hours=tuple(f"{hour}時" for hour in hours),
        months=tuple(rows),
        peak=peak,
        simulated=simulated,
        years=tuple(years),
    )
