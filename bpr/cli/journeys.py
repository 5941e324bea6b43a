"""`bpr journeys`: life events across counters, documents the city asks of itself, cash-only fees."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, emit, not_one_of, terminal_width, wrapped
from bpr.i18n import N_, _, joined, ngettext, say
from bpr.textsafe import TerminalStream

if TYPE_CHECKING:
    from typing import TextIO

    from bpr.analysis.results import Analysis

JOURNEY_FORMATS = ("text", "json")
# The analysis' words said in the language of the run, by value (kept out of start-up); in Japanese they are
# the vocabulary's (bpr.inventory.vocabulary: LIFE_EVENT_TITLES, PAYMENT_LABELS), which a test holds them to.
DROPS: dict[str, str] = {
    "self": N_("look it up inside the city (resident, tax and family registers): ask the citizen for nothing"),
    "other_municipality": N_("obtain it by the My Number data exchange (family registers by their own exchange)"),
}
# Marks the procedures that count a journey's occurrences (死亡届 for おくやみ), two columns wide.
TRIGGER_MARK = N_("* ")
# The ways to pay (bpr.inventory.models.Payment, by value, kept out of start-up) as the terminal says them;
# in Japanese, bpr.inventory.vocabulary.PAYMENT_LABELS' words, which a test holds them to.
PAYMENT_NAMES: dict[str, str] = {
    "cash": N_("cash"),
    "barcode": N_("barcode"),
    "qr": N_("QR code"),
    "credit_card": N_("credit card"),
    "e_money": N_("e-money"),
    "bank_transfer": N_("bank transfer or direct debit"),
    "payment_slip": N_("payment slip"),
    "other": N_("other means of payment"),
}


def _check_format(value: str) -> str:
    if value not in JOURNEY_FORMATS:
        raise not_one_of(value, JOURNEY_FORMATS)
    return value


def journeys(
    paths: PathsArgument = None,
    event: Annotated[
        list[str] | None,
        typer.Option(
            "--event", "-e", metavar="EVENT", help=N_("Only this life event (death, birth, moving …); repeatable.")
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="text|json", callback=_check_format, help=N_("Output format."))
    ] = "text",
    config: ConfigOption = None,
) -> None:
    """Show each life event's journey across counters, self-issued documents and cash-only fees."""
    import dataclasses

    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.common import load_or_exit
    from bpr.export.journeys_json import journeys_json
    from bpr.inventory.enums import LifeEvent

    wanted = set(event or [])
    unknown = sorted(wanted - {e.value for e in LifeEvent})
    if unknown:
        raise typer.BadParameter(
            _("unknown life event {events}: one of {choices}").format(
                events=", ".join(unknown), choices=", ".join(e.value for e in LifeEvent)
            ),
            param_hint="--event",
        )
    loaded = load_or_exit(paths, config)
    analysis = analyse_inventory(loaded.inventory, loaded.config, scored_files=loaded.scored)
    if wanted:
        kept = tuple(j for j in analysis.journeys if j.event.value in wanted)
        analysis = dataclasses.replace(analysis, journeys=kept)
    if output_format == "json":
        emit(lambda stream: stream.write(journeys_json(analysis)), utf8=True)
        return
    # Inventory names reach the terminal as typed, never as escapes it would obey (issue 24, item 8).
    emit(lambda stream: _write_text(TerminalStream(stream), analysis, only_journeys=bool(wanted)))


def _write_text(stream: TextIO | TerminalStream, analysis: Analysis, only_journeys: bool) -> None:
    from bpr.cli.terminal import config_line

    _write_journeys(stream, analysis, only_journeys)
    if analysis.journeys:
        # What the mark before a procedure means, once: it says what an event's count comes from.
        stream.write(
            wrapped(
                _("{mark}: the procedure whose yearly cases count the life event").format(mark=_(TRIGGER_MARK).strip()),
                terminal_width(),
            )
        )
    stream.write(config_line(analysis.config.source) + "\n")


def _write_journeys(stream: TextIO | TerminalStream, analysis: Analysis, only_journeys: bool) -> None:
    from bpr.analysis.journeys import LIFE_EVENT_NAMES

    # Every line fits the terminal (or COLUMNS when piped, 80 if unset): a long one goes on indented.
    width = terminal_width()
    for journey in analysis.journeys:
        stream.write(
            wrapped(
                _("■ {event}: {occurrences:,} a year ({source})").format(
                    event=_(LIFE_EVENT_NAMES[journey.event.value]),
                    occurrences=journey.occurrences,
                    source=say(journey.occurrences_said or journey.occurrences_source),
                ),
                width,
                hanging=2,
            )
        )
        per_occurrence = ngettext(
            "Per occurrence: {visits:.2f} visits to {count} section ({sections}) in {trips:.2f} trips out (the"
            " same day's visits to one building are one trip), {forms:.1f} handwritten forms ({facts:.0f} facts"
            " written again), {hours:.1f} hours of the citizen's time",
            "Per occurrence: {visits:.2f} visits to {count} sections ({sections}) in {trips:.2f} trips out (the"
            " same day's visits to one building are one trip), {forms:.1f} handwritten forms ({facts:.0f} facts"
            " written again), {hours:.1f} hours of the citizen's time",
            len(journey.sections),
        ).format(
            visits=journey.visits,
            count=len(journey.sections),
            sections=joined(journey.sections),
            trips=journey.trips,
            forms=journey.forms,
            facts=journey.repeated_facts,
            hours=journey.citizen_hours,
        )
        per_year = _(
            "Per year: {hours:,.0f} hours of the citizens' time; a one-stop, no-writing counter saves "
            "{saved:,.0f} hours ({each:.1f} hours per occurrence)"
        ).format(hours=journey.citizen_hours_year, saved=journey.one_stop_hours_year, each=journey.one_stop_hours)
        stream.write(wrapped(per_occurrence, width, "  ", 2) + wrapped(per_year, width, "  ", 2))
        for item in journey.procedures:
            mark = _(TRIGGER_MARK) if item.trigger else "  "
            row = _("{share:6.1%}  visits {visits:4.2f}  forms {forms:4.1f}  {section}  {name}").format(
                share=item.share, visits=item.visits, forms=item.forms, section=item.section, name=item.name
            )
            stream.write(_row_lines(f"  {mark}{row}", item.name, width))
        for gap in journey.gaps_said or journey.gaps:
            stream.write(wrapped(_("Note: {gap}").format(gap=say(gap)), width, "  ", 2))
        stream.write("\n")
    if only_journeys:
        return
    stream.write(
        wrapped(_("■ Documents the city issues that its own procedures ask for (fewer attachments)"), width, "", 2)
    )
    for document in analysis.documents:
        line = ngettext(
            "{name}: asked by {count} procedure, {cases:,.0f} a year, {hours:,.0f} hours of the citizens' time, "
            "{fees:,.0f} yen in fees → {drop}",
            "{name}: asked by {count} procedures, {cases:,.0f} a year, {hours:,.0f} hours of the citizens' time, "
            "{fees:,.0f} yen in fees → {drop}",
            len(document.procedures),
        ).format(
            name=document.name,
            count=len(document.procedures),
            cases=document.cases,
            hours=document.citizen_hours,
            fees=document.fees_yen,
            drop=_(DROPS[document.source.value]),
        )
        stream.write(wrapped(line, width, "  ", 2))
    stream.write("\n" + wrapped(_("■ Fees payable in cash only (candidates for cashless payment)"), width, "", 2))
    for candidate in analysis.cashless:
        line = _("{name} ({section}): {amount:,} yen × {cases:,.0f} a year = {yen:,.0f} yen").format(
            name=candidate.name,
            section=candidate.section,
            amount=candidate.amount,
            cases=candidate.cases,
            yen=candidate.yen,
        )
        stream.write(wrapped(line, width, "  ", 2))
    if analysis.payment_methods:
        offered = joined(
            [
                ngettext("{method} ({count} procedure)", "{method} ({count} procedures)", count).format(
                    method=_(PAYMENT_NAMES[method]), count=count
                )
                for method, count in analysis.payment_methods
            ]
        )
        stream.write(
            wrapped(_("Ways to pay the city already accepts: {offered}").format(offered=offered), width, "  ", 2)
        )


def _row_lines(row: str, name: str, width: int) -> str:
    """Return a procedure's row, its name (the last column) going on under itself when the row is too wide."""
    from bpr.linebreak import display_width, wrap

    if display_width(row) <= width or not row.endswith(name):
        return row + "\n"
    prefix = row[: len(row) - len(name)]
    lead = display_width(prefix)
    lines = wrap(name, max(width - lead, 16), max_lines=1_000_000, hang=False)
    return "".join((prefix if index == 0 else " " * lead) + line + "\n" for index, line in enumerate(lines))
