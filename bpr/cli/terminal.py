"""Rich renderings shared by the analysing commands: the top-N table, the counts by measure and the KPI status.

Every count comes from the analysis' one summary (`bpr.analysis.summary`), as on the workbook's 概要.
The words around the figures follow the language of the run; what the analysis says in Japanese (a
procedure's reasons) and the inventory's own names are shown as they are; a KPI's warning and a shortfall
are the analysis' phrases, said in the run's language.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bpr.analysis.labels import MEASURE_NAMES
from bpr.analysis.planned import Planned, planned_measures
from bpr.analysis.results import Analysis, KpiStatus, Roadmap
from bpr.analysis.summary import Summary
from bpr.analysis.verification import Verification, by_kind
from bpr.cli import terminal_width, wrapped
from bpr.export.workbook import labels
from bpr.fiscal import fiscal_year
from bpr.i18n import N_, _, ngettext
from bpr.inventory.enums import Measure
from bpr.textsafe import terminal_text

MAX_SHORTFALL_LINES = 10
KPI_COLOURS = {
    labels.MET: "green",
    labels.PLANNED: "cyan",
    labels.NOT_MET: "red",
    labels.OVERDUE: "bold red",
    labels.EMPTY: "yellow",
    labels.CHECK: "yellow",
}
# The KPI states as the terminal says them; in Japanese, the workbook's words (bpr.export.workbook.labels),
# which a test holds them to. The measures are bpr.analysis.labels.MEASURE_NAMES.
KPI_STATES = {
    labels.MET: N_("met by what was done"),
    labels.PLANNED: N_("met by the plan"),
    labels.NOT_MET: N_("not met by the plan"),
    labels.OVERDUE: N_("not met, the year has passed"),
    labels.EMPTY: N_("nothing to count"),
    labels.CHECK: N_("to check"),
}


NARROW = 120  # below this width the table drops the scores and the reason (they are in --format json/csv)


def measure_name(measure: Measure) -> str:
    """Return a measure's name in the language of the run (オンライン化, RPA … in Japanese)."""
    return _(MEASURE_NAMES[measure])


def _measures(planned: Planned, separator: str = " ") -> str:
    """Return the measures the roadmap holds for a procedure (a fixed plan wins): オンライン化 +RPA."""
    first, *rest = planned.measures
    return separator.join([measure_name(first), *(f"+{measure_name(m)}" for m in rest)])


def top_table(analysis: Analysis, top: int, width: int = 160) -> Table:
    """Return a table of the top procedures with scores, measures, expected hours and the main reason.

    On a narrow terminal (80 columns) it keeps 順位, 手続名, 課, 推奨 and 期待削減, so that names stay readable.
    """
    title = _("Priority: top {top} of {total}").format(
        top=min(top, len(analysis.procedures)), total=len(analysis.procedures)
    )
    if width < NARROW:
        return _narrow_table(analysis, top, title)
    table = Table(title=title)
    for header, justify in (
        (_("Rank"), "right"),
        (_("Procedure"), "left"),
        (_("Section"), "left"),
        (_("Annual cases"), "right"),
        (_("Online"), "right"),
        ("RPA", "right"),
        ("AI-OCR", "right"),
        (_("Recommended (+complements)"), "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    # As wide as 期待削減 時間/年: a longer header wraps rather than narrowing the names.
    table.add_column(_("Expected saving h/year"), justify="right", max_width=16)
    table.add_column(_("Main reason"), justify="left")
    planned = planned_measures(analysis.procedures[:top], analysis.roadmap)
    for item in analysis.procedures[:top]:
        table.add_row(
            str(item.rank),
            Text(terminal_text(item.procedure.name)),
            Text(terminal_text(item.counter.section)),
            f"{item.procedure.annual_volume:,}",
            f"{item.scores.online:.1f}",
            f"{item.scores.rpa:.1f}",
            f"{item.scores.ai_ocr:.1f}",
            _measures(planned[item.id]),
            "" if item.recommendation is Measure.NONE else f"{item.priority_hours:,.0f}",
            Text(terminal_text(item.reasons[0] if item.reasons else "")),
        )
    return table


def _narrow_table(analysis: Analysis, top: int, title: str) -> Table:
    table = Table(title=title, caption=_("Scores and reasons: on a wider terminal, or with --format json / csv"))
    table.add_column(_("Rank"), justify="right", no_wrap=True)
    table.add_column(_("Procedure"), justify="left", ratio=1, min_width=16, overflow="fold")
    table.add_column(_("Section"), justify="left", max_width=10)
    table.add_column(_("Recommended"), justify="left", no_wrap=True)
    table.add_column(_("Saving\nh/year"), justify="right", no_wrap=True)
    planned = planned_measures(analysis.procedures[:top], analysis.roadmap)
    for item in analysis.procedures[:top]:
        table.add_row(
            str(item.rank),
            Text(terminal_text(item.procedure.name)),
            Text(terminal_text(item.counter.section)),
            # One measure a line: a primary with three complements would push 期待削減 off 80 columns.
            _measures(planned[item.id], "\n"),
            "" if item.recommendation is Measure.NONE else f"{item.priority_hours:,.0f}",
        )
    return table


def print_wrapped(
    console: Console, text: str, *, indent: str = "", hanging: int = 2, styles: Sequence[tuple[str, str]] = ()
) -> None:
    """Print text broken to the console's width (Japanese by phrase), lines after the first indented more.

    Rich would break a long Japanese line anywhere and start the rest at the margin; the lines are broken
    here instead, and printed as they are. `styles` colours words (a mark, a KPI's state) where they appear.
    """
    said = Text(wrapped(text, console.width, indent, hanging).rstrip("\n"))
    for words, style in styles:
        said.highlight_words([words], style)
    console.print(said, soft_wrap=True, highlight=False)


def print_counts(console: Console, summary: Summary, uptake: int) -> None:
    """Print the procedures by recommendation, the measures placed by kind, the hours saved and the uptake line."""
    recommended = [f"{measure_name(c.measure)} {c.recommended}" for c in summary.by_measure]
    recommended.append(f"{measure_name(Measure.NONE)} {summary.not_recommended}")
    procedures = ngettext("{count} procedure", "{count} procedures", summary.procedures).format(
        count=summary.procedures
    )
    line = _("{procedures}, recommended: {measures}").format(procedures=procedures, measures=" / ".join(recommended))
    print_wrapped(console, line, styles=[(procedures, "bold")])
    placed = ", ".join(
        f"{measure_name(c.measure)} {c.placed}/{c.placed_outside}/{c.unplaced}" for c in summary.by_measure
    )
    print_wrapped(
        console,
        _("Measures placed (in the plan period/fixed, outside it/unplaced, no capacity): {placed}").format(
            placed=placed
        ),
    )
    hours = summary.total_placed
    print_wrapped(
        console,
        _(
            "Expected savings (measures placed in the plan period): citizens and staff together {hours:,.0f} h/year "
            "(staff {staff:,.0f} h = {fte:,.2f} FTE, {thousand_yen:,.0f} thousand yen; citizens {citizen:,.0f} h)"
        ).format(
            hours=hours.hours, staff=hours.staff, fte=hours.fte, thousand_yen=hours.thousand_yen, citizen=hours.citizen
        ),
    )
    if uptake:
        online = summary.of(Measure.ONLINE).uptake
        print_wrapped(
            console,
            _(
                "Open to applications on a channel that exists already (Mynaportal and others): {uptake} (of which"
                " recommended to go online: {online}): no new capacity used; the task is raising uptake"
            ).format(uptake=uptake, online=online),
        )


def print_outlook(console: Console, roadmap: Roadmap, verification: Sequence[Verification] = ()) -> None:
    """Print model v3's outlook: the plan's last year and the steady state, citizens and staff apart, with the costs."""
    if not roadmap.by_year or roadmap.steady is None:
        return
    last, steady = roadmap.by_year[-1], roadmap.steady
    print_wrapped(
        console,
        _(
            "Expected in {year} as uptake grows: staff {staff:,.0f} h, citizens {citizen:,.0f} h a year; costs"
            " {initial:,.0f} thousand yen at the start in all and {annual:,.0f} a year once in place; net"
            " {net:,.0f} thousand yen a year (staff time only)"
        ).format(
            year=fiscal_year(last.fy or roadmap.start_fy),
            staff=last.staff_hours,
            citizen=last.citizen_hours,
            initial=sum(year.initial for year in roadmap.by_year),
            annual=steady.annual,
            net=steady.net,
        ),
    )
    for kind in by_kind(verification):
        ratio = "—" if kind.ratio is None else f"{kind.ratio:.0%}"
        print_wrapped(
            console,
            _("Effects measured, {measure}: {count}, {ratio} of the staff hours expected").format(
                measure=measure_name(kind.measure), count=kind.count, ratio=ratio
            ),
        )


def kpi_mark(kpi: KpiStatus) -> tuple[str, str]:
    """Return how a KPI reads on the terminal and its colour: met, not met (its gap), or nothing to count / to check."""
    label = labels.kpi_status_label(kpi)
    if label == labels.NOT_MET:
        return _("not met by the plan (short by {gap})").format(gap=kpi.gap), KPI_COLOURS[label]
    if label == labels.OVERDUE:
        return _("not met, the year has passed (short by {gap})").format(gap=kpi.gap), KPI_COLOURS[label]
    return _(KPI_STATES[label]), KPI_COLOURS[label]


def print_kpi_status(console: Console, roadmap: Roadmap) -> None:
    """Print each KPI (met, not met with its gap, or its warning) and every shortfall of the roadmap."""
    last = roadmap.start_fy + roadmap.years - 1
    period = _("{first} to {last}").format(first=fiscal_year(roadmap.start_fy), last=fiscal_year(last))
    console.print(Text.assemble(("KPI", "bold"), f" ({period})"))
    for kpi in roadmap.kpis:
        said = dict(name=kpi.name, fy=fiscal_year(kpi.by_fy), target=kpi.target, planned=kpi.planned, done=kpi.done)
        if kpi.done:
            line = _("{name} by {fy}: target {target} / planned {planned} (done {done}):").format(**said)
        else:
            line = _("{name} by {fy}: target {target} / planned {planned}:").format(**said)
        state, colour = kpi_mark(kpi)
        print_wrapped(console, f"{line} {state}", indent="  ", styles=[(state, colour)])
        if kpi.zero_volume:
            zero = ngettext(
                "of them {count:,} with an estimated 0 cases a year (write the city's count if it has any)",
                "of them {count:,} with an estimated 0 cases a year (write the city's count if it has any)",
                kpi.zero_volume,
            ).format(count=kpi.zero_volume)
            print_wrapped(console, f"! {zero}", indent="    ", styles=[("!", "yellow")])
        warning = kpi.say_warning()
        if warning is not None:
            print_wrapped(console, f"! {warning}", indent="    ", styles=[("!", "yellow")])
    # A KPI's warning is printed under it above, not again among the shortfalls.
    shortfalls = [s for s in roadmap.shortfalls if not labels.hides_kpi_warning(s.message, roadmap.kpis)]
    general = [s for s in shortfalls if s.procedure is None]
    particular = [s for s in shortfalls if s.procedure is not None]
    for shortfall in general + particular[:MAX_SHORTFALL_LINES]:
        print_wrapped(console, f"! {shortfall.say()}", indent="  ", styles=[("!", "yellow")])
    if len(particular) > MAX_SHORTFALL_LINES:
        rest = len(particular) - MAX_SHORTFALL_LINES
        more = ngettext(
            "{n:,} more procedure (the shortfalls of `bpr roadmap --format json`)",
            "{n:,} more procedures (the shortfalls of `bpr roadmap --format json`)",
            rest,
        ).format(n=rest)
        print_wrapped(console, f"! {more}", indent="  ", styles=[("!", "yellow")])


def config_line(source: str | None) -> str:
    """Return the line that names the configuration the figures were computed with."""
    if source is None:
        return _("Settings: the built-in defaults (no bpr.yaml in the inventory's folder or above it)")
    return _("Settings: {path}").format(path=source)


def print_apart(console: Console, roadmap: Roadmap, not_handled: int, config: str | None) -> None:
    """Print what is listed apart (procedures estimated at 0 cases, those the city does not handle), then the config."""
    if roadmap.zero_volume:
        print_wrapped(
            console,
            ngettext(
                "{count:,} procedure with an estimated 0 cases a year (件数0の推計): given no build slot; write the"
                " city's count where it has cases (the zero_volume list of --format json)",
                "{count:,} procedures with an estimated 0 cases a year (件数0の推計): given no build slot; write the"
                " city's count where it has cases (the zero_volume list of --format json)",
                len(roadmap.zero_volume),
            ).format(count=len(roadmap.zero_volume)),
        )
    if not_handled:
        print_wrapped(
            console,
            ngettext(
                "{count:,} procedure the city does not handle (handled: false): listed, never scored",
                "{count:,} procedures the city does not handle (handled: false): listed, never scored",
                not_handled,
            ).format(count=not_handled),
        )
    # Every figure depends on the settings: say which file they came from (JSON carries it as "config").
    console.print(config_line(config), highlight=False, soft_wrap=True)


def make_console() -> Console:
    """Return a console on stdout as wide as the terminal, or as COLUMNS says when piped (80 if unset)."""
    return Console(file=sys.stdout, width=terminal_width())
