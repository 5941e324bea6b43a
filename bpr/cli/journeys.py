"""`bpr journeys`: life events across counters, documents the city asks of itself, cash-only fees."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, emit

if TYPE_CHECKING:
    from typing import TextIO

    from bpr.analysis.results import Analysis

JOURNEY_FORMATS = ("text", "json")


def _check_format(value: str) -> str:
    if value not in JOURNEY_FORMATS:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(JOURNEY_FORMATS)}")
    return value


def journeys(
    paths: PathsArgument = None,
    event: Annotated[
        list[str] | None,
        typer.Option(
            "--event", "-e", metavar="EVENT", help="Only this life event (death, birth, moving …); repeatable."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="text|json", callback=_check_format, help="Output format.")
    ] = "text",
    config: ConfigOption = None,
) -> None:
    """Show each life event's journey across counters, self-issued documents and cash-only fees."""
    import dataclasses

    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.common import load_or_exit
    from bpr.export.journeys_json import journeys_json
    from bpr.inventory.models import LifeEvent

    wanted = set(event or [])
    unknown = sorted(wanted - {e.value for e in LifeEvent})
    if unknown:
        raise typer.BadParameter(
            f"unknown life event {', '.join(unknown)}: one of {', '.join(e.value for e in LifeEvent)}",
            param_hint="--event",
        )
    loaded = load_or_exit(paths, config)
    analysis = analyse_inventory(loaded.inventory, loaded.config)
    if wanted:
        kept = tuple(j for j in analysis.journeys if j.event.value in wanted)
        analysis = dataclasses.replace(analysis, journeys=kept)
    if output_format == "json":
        emit(lambda stream: stream.write(journeys_json(analysis)), utf8=True)
        return
    emit(lambda stream: _write_text(stream, analysis, only_journeys=bool(wanted)))


def _write_text(stream: TextIO, analysis: Analysis, only_journeys: bool) -> None:
    for journey in analysis.journeys:
        stream.write(f"■ {journey.label}: 年{journey.occurrences:,}回（{journey.occurrences_source}）\n")
        stream.write(
            f"  1回あたり: 来庁 {journey.visits:.2f}回・{len(journey.sections)}課（{'、'.join(journey.sections)}）、"
            f"手書きの様式 {journey.forms:.1f}枚（同じ事項の再記入 {journey.repeated_facts:.0f}項目）、"
            f"住民の時間 {journey.citizen_hours:.1f}時間\n"
        )
        stream.write(
            f"  1年あたり: 住民の時間 {journey.citizen_hours_year:,.0f}時間、"
            f"ワンストップ・書かない窓口で {journey.one_stop_hours_year:,.0f}時間の削減"
            f"（1回あたり {journey.one_stop_hours:.1f}時間）\n"
        )
        for item in journey.procedures:
            mark = "＊" if item.trigger else "  "
            stream.write(
                f"  {mark}{item.share:6.1%}  来庁{item.visits:4.2f}  様式{item.forms:4.1f}  {item.section}  {item.name}\n"
            )
        for gap in journey.gaps:
            stream.write(f"  注意: {gap}\n")
        stream.write("\n")
    if only_journeys:
        return
    stream.write("■ 市が自ら発行する書類の添付（添付書類の簡略化）\n")
    for document in analysis.documents:
        stream.write(
            f"  {document.name}: {len(document.procedures)}手続が求める、年{document.cases:,.0f}件・"
            f"住民の時間 {document.citizen_hours:,.0f}時間・手数料 {document.fees_yen:,.0f}円 → {document.drop}\n"
        )
    stream.write("\n■ 現金でしか払えない手数料（キャッシュレス化の候補）\n")
    for candidate in analysis.cashless:
        stream.write(
            f"  {candidate.name}（{candidate.section}）: {candidate.amount:,}円 × 年{candidate.cases:,.0f}件 = "
            f"{candidate.yen:,.0f}円\n"
        )
    if analysis.payment_methods:
        from bpr.analysis.documents import PAYMENT_LABELS

        offered = "、".join(f"{PAYMENT_LABELS[m]}（{n}手続）" for m, n in analysis.payment_methods)
        stream.write(f"  市が既に受け付けている支払方法: {offered}\n")
