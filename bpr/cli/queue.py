"""`bpr queue`: 待たせない — each counter's wait by month and hour, the windows a target needs, the simulated peak day,
and what the roadmap's measures do to the peak, year by year."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, emit, not_one_of
from bpr.i18n import N_, _

if TYPE_CHECKING:
    from rich.console import Console

    from bpr.analysis.queue import CounterQueue, MeasureAlone, MonthFigures, QueueAnalysis

QUEUE_FORMATS = ("text", "json")
# What each measure does at the counter, as the terminal says it (bpr.analysis.queue_inputs.Change.kind).
KINDS = {
    "uptake": N_("online or another channel takes {share:.0%} of the visits off the counter"),
    "reservation": N_("appointments (予約) book {share:.0%} of the visits, spread over the day"),
    "no_writing": N_("no-writing counter (書かない窓口): service × {share:g}"),
}


def _check_format(value: str) -> str:
    if value not in QUEUE_FORMATS:
        raise not_one_of(value, QUEUE_FORMATS)
    return value


def queue(
    paths: PathsArgument = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="text|json", callback=_check_format, help=N_("Output format."))
    ] = "text",
    month: Annotated[
        int | None,
        typer.Option(
            "--month",
            min=1,
            max=12,
            help=N_("The month whose average working day is simulated (1-12). Default: each counter's peak month."),
        ),
    ] = None,
    counter: Annotated[
        list[str] | None,
        typer.Option("--counter", metavar="ID", help=N_("Only this counter (its id); repeatable.")),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Show each counter's expected wait by month and hour, the windows needed and what the planned measures do."""
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.analysis.queue import analyse_queue
    from bpr.cli.common import load_or_exit

    loaded = load_or_exit(paths, config)
    analysis = analyse_inventory(loaded.inventory, loaded.config, scored_files=loaded.scored)
    known = {loaded_file.counter.id for loaded_file in loaded.inventory.files if loaded_file.counter}
    unknown = sorted(set(counter or ()) - known)
    if unknown:
        raise typer.BadParameter(
            _("no counter {ids} in the inventory: one of {choices}").format(
                ids=", ".join(unknown), choices=", ".join(sorted(known))
            ),
            param_hint="--counter",
        )
    result = analyse_queue(analysis, loaded.config, month, counter or ())
    if output_format == "json":
        from bpr.export.queue_json import queue_json

        emit(lambda stream: stream.write(queue_json(result, loaded.config.source)), utf8=True)
        return
    from bpr.cli.terminal import make_console

    console = make_console()
    emit(lambda _stream: _print(console, result))


def _print(console: Console, result: QueueAnalysis) -> None:
    from bpr.cli.terminal import print_wrapped

    for counter in result.counters:
        _print_counter(console, counter, result.config.target_wait_minutes)
    if result.left_out:
        print_wrapped(
            console,
            _(
                "No wait for {ids}: no case comes in person to a counter step with an effort (a skeleton flow has"
                " none); survey the flows to compute it."
            ).format(ids=", ".join(result.left_out)),
        )
    print_wrapped(
        console,
        _(
            "Assumptions: Erlang C (M/M/c) for each hour taken as steady; the simulation (SimPy) carries the queue"
            " through the day with the service times the flows spread; measures act from the fiscal year after"
            " their own. Every assumption and its source: --format json (assumptions) and docs/queue.md."
        ),
    )


def _wait(minutes: float | None) -> str:
    return _("over") if minutes is None else f"{minutes:,.1f}"


def _peak_wait(minutes: float | None) -> str:
    return (
        _("none steady, the load reaches the windows")
        if minutes is None
        else _("{minutes:,.1f} min").format(minutes=minutes)
    )


def _print_counter(console: Console, counter: CounterQueue, target: float) -> None:
    from rich.text import Text

    from bpr.cli.terminal import print_wrapped
    from bpr.textsafe import terminal_text

    today = counter.today
    peak = today.peak
    windows = _("{count} windows").format(count=counter.windows) if counter.windows else _("windows not written")
    head = _("■ {name} ({id}): {windows}, open {hours}, target mean wait {target:g} min").format(
        name=terminal_text(counter.counter.name),
        id=counter.counter.id,
        windows=windows,
        hours=counter.opening_hours,
        target=target,
    )
    console.print(Text(head, style="bold"), soft_wrap=True)
    print_wrapped(
        console,
        _(
            "Peak: month {month}, {hour}:00 slot: {arrivals:,.1f} visits, {service:.1f} min each, load {load:.2f}"
            " windows busy; Erlang C wait: {wait}; windows needed {needed}"
        ).format(
            month=peak.month,
            hour=peak.peak.hour,
            arrivals=peak.peak.arrivals,
            service=peak.peak.service_minutes,
            load=peak.peak.load,
            wait=_peak_wait(peak.peak.wait) if counter.windows else "—",
            needed=peak.windows_needed,
        ),
        indent="  ",
    )
    console.print(_months_table(counter, target))
    day = today.simulation
    if day is not None:
        print_wrapped(
            console,
            _(
                "Simulated average day of month {month} at {windows} windows ({days} days): {arrivals:,.0f} visits,"
                " mean wait {wait:.1f} min, 90 % within {p90:.1f} min, last served at {last}"
            ).format(
                month=counter.simulated_month,
                windows=counter.simulated_windows,
                days=day.days,
                arrivals=day.arrivals_per_day,
                wait=day.mean_wait,
                p90=day.p90_wait,
                last=_clock(day.last_departure),
            ),
            indent="  ",
        )
    console.print(_years_table(counter))
    base = peak.peak.load
    for procedure, group in _by_procedure(counter):
        said = " / ".join(
            _(KINDS[alone.change.kind]).format(share=_share(alone)) + f" ({_fiscal(alone.change.fy + 1)})"
            for alone in group
        )
        print_wrapped(
            console,
            _("{name}: {what} → each alone: peak load {base:.2f} → {loads}, windows needed {needed}").format(
                name=terminal_text(procedure),
                what=said,
                base=base,
                loads=" / ".join(f"{alone.peak.peak.load:.2f}" for alone in group),
                needed=" / ".join(str(alone.peak.windows_needed) for alone in group),
            ),
            indent="  ",
        )
    console.print()


def _by_procedure(counter: CounterQueue) -> list[tuple[str, list[MeasureAlone]]]:
    """Return the measures at a counter grouped by procedure, in the order they first act."""
    groups: dict[str, list[MeasureAlone]] = {}
    for alone in counter.alone:
        groups.setdefault(alone.name, []).append(alone)
    return list(groups.items())


def _share(alone: MeasureAlone) -> float:
    kind = alone.change.kind
    if kind == "uptake":
        return alone.effect.moved
    return alone.effect.reserved if kind == "reservation" else alone.effect.service_factor


def _clock(minutes: float) -> str:
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _fiscal(fy: int) -> str:
    from bpr.fiscal import fiscal_year

    return fiscal_year(fy)


def _cell(minutes: float | None, target: float) -> tuple[str, str]:
    if minutes is None:
        return _("over"), "bold red"
    style = "green" if minutes <= target else "yellow" if minutes <= 2 * target else "red"
    return f"{minutes:.0f}", style


def _months_table(counter: CounterQueue, target: float) -> object:
    """Return the month × hour heat map: Erlang C's mean wait (with windows) or the windows needed (without)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    with_windows = counter.windows is not None
    title = (
        _("Mean wait by month and hour (Erlang C, minutes)")
        if with_windows
        else _("Windows needed by month and hour (no windows written)")
    )
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0))
    table.add_column(_("Month"), justify="right", no_wrap=True, min_width=5)
    for slot in counter.slots:
        table.add_column(f"{slot.hour}", justify="right", min_width=4, no_wrap=True)
    table.add_column(_("Visits/day"), justify="right", no_wrap=True, min_width=9)
    table.add_column(_("Needed"), justify="right", no_wrap=True, min_width=7)
    for month in counter.today.months:
        cells = [_heat(hour.wait, hour.windows_needed, target, with_windows) for hour in month.hours]
        table.add_row(
            str(month.month),
            *[Text(text, style=style) for text, style in cells],
            f"{month.arrivals_per_day:,.0f}",
            _needed(month, counter.windows),
        )
    return table


def _heat(wait: float | None, needed: int, target: float, with_windows: bool) -> tuple[str, str]:
    if with_windows:
        return _cell(wait, target)
    return str(needed), ""


def _needed(month: MonthFigures, windows: int | None) -> str:
    extra = month.windows_needed - windows if windows is not None else 0
    return f"{month.windows_needed} (+{extra})" if extra > 0 else str(month.windows_needed)


def _years_table(counter: CounterQueue) -> object:
    """Return the roadmap year by year: the peak's load, wait and windows needed, and the simulated day."""
    from rich import box
    from rich.table import Table

    table = Table(title=_("Along the roadmap"), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(_("Year"))
    table.add_column(_("Peak"), justify="right")
    table.add_column(_("Load"), justify="right")
    table.add_column(_("Wait"), justify="right")
    table.add_column(_("Needed"), justify="right")
    table.add_column(_("Simulated wait (month {month})").format(month=counter.simulated_month), justify="right")
    table.add_column(_("Measures"), justify="right")
    rows = [(_("today"), counter.today), *[(_year_label(y.fy), y) for y in counter.years]]
    for label, year in rows:
        peak = year.peak
        table.add_row(
            label,
            f"{peak.month}/{peak.peak.hour}",
            f"{peak.peak.load:.2f}",
            _wait(peak.peak.wait) if counter.windows else "—",
            str(peak.windows_needed),
            "—" if year.simulation is None else f"{year.simulation.mean_wait:.1f}",
            str(len(year.in_force)),
        )
    return table


def _year_label(fy: int | None) -> str:
    return _("steady state") if fy is None else _fiscal(fy)
