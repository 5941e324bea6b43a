"""The HTML report: a static site in one folder that works offline, from a file share or an intranet server.

`write_report` writes every page into a folder the caller has staged (and swaps in): `index.html` (the
scope, KPIs, this year, the top procedures, charts, and the ranked table of every procedure),
`procedures/<id>.html`, `sections/<課>.html`, `events/<event>.html`, `documents.html`, and the
page's own `report.css` and `report.js`. Templates are Jinja2 with autoescape: every value is escaped
for HTML, inventory text included; the only markup passed through unescaped is the diagrams' SVG,
which `svg.py` has written anew from an allow-list, and the charts, drawn by the templates themselves.
The same analysis gives the same bytes on the same day: the footer's 作成日 is SOURCE_DATE_EPOCH's date
when it is set, else today's (bpr/export/edition.py), and nothing else reads the clock.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import Analysis
from bpr.analysis.scope import Scope
from bpr.export.diagram import diagram_file_name
from bpr.export.edition import Edition, edition
from bpr.export.presentation import journey_assumptions
from bpr.export.report.crosscut import documents_page, journey_file
from bpr.export.report.detail import procedure_page
from bpr.export.report.files import EVENTS, PROCEDURES, SECTIONS, procedure_pages, section_pages
from bpr.export.report.format import FILTERS
from bpr.export.report.pages import Site, index_page, procedure_rows, scope_page
from bpr.export.report.queue_page import QUEUE_PAGE, queue_page
from bpr.export.report.sanitising import DiagramMarkups
from bpr.export.report.svg import SvgStyles, UnsafeSvg
from bpr.export.report.tables import chip, html_table
from bpr.export.tables.priority import SECTION_LIST, priority_table
from bpr.export.workbook.scope import Scope as WorkbookScope
from bpr.inventory.enums import Measure
from bpr.inventory.vocabulary import LIFE_EVENT_TITLES

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["STATIC_FILES", "ReportOutputs", "write_report"]

HERE = Path(__file__).parent
STATIC_FILES = ("report.css", "report.js")
INDEX = "index.html"
DOCUMENTS = "documents.html"
PIECES_PER_WRITE = 4096
NO_DOT = "Graphviz (dot) がないため、業務フロー図は描いていません。`bpr doctor` で確認し、Graphviz を入れて作り直してください。"
NO_DIAGRAM = "業務フロー図を表示できません (図のファイルがないか、読めませんでした)。工程は下の表にあります。"


@dataclass(frozen=True)
class ReportOutputs:
    """What the report wrote: its pages, and how many procedures have their diagram."""

    pages: int
    procedures: int
    diagrams: int


def write_report(
    analysis: Analysis,
    folder: Path,
    *,
    diagrams: Path | None,
    environ: Mapping[str, str] | None = None,
    ready: Callable[[str], object] | None = None,
    drawn: Callable[[str], bool] | None = None,
    workers: int = 0,
) -> ReportOutputs:
    """Write the report into `folder`; `diagrams` holds the swimlane SVGs (None: Graphviz is missing).

    `environ` is where SOURCE_DATE_EPOCH is read for 作成日 (os.environ when None). `ready`, given a
    diagram's file stem, returns once that SVG is in `diagrams` (or will never be): the pages are then
    written while the diagrams are still being drawn, each waiting for its own. `workers` processes
    sanitise the diagrams ahead of the pages (bpr/export/report/sanitising.py; 0: this process does),
    taking those that `drawn` says are in place (without `ready`, every SVG is). The pages are the same
    bytes either way.
    """
    scope = WorkbookScope.of(analysis)  # the city's scope, with the labels the workbook shows (title, 発行)
    site = _site(analysis, scope, edition(analysis.surveyed_on, environ))
    env = _environment()
    folder = Path(folder)
    for sub in (PROCEDURES, SECTIONS, EVENTS):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for name in STATIC_FILES:
        shutil.copyfile(HERE / "static" / name, folder / name)
    pages = 0

    def write(path: Path, template: str, root: str, title: str, page: Any, **extra: Any) -> None:
        nonlocal pages
        _stream(env, path, template, dict(site=site, root=root, page_title=title, page=page, **extra))
        pages += 1

    write(folder / INDEX, "index.html.j2", "", "概要", index_page(scope))
    for section, name in site.section_pages.items():
        part = Scope.of(analysis, [section])
        write(
            folder / SECTIONS / name,
            "section.html.j2",
            "../",
            section,
            scope_page(part, procedure_rows(part)),
            section=section,
            procedures=priority_table(part).select(*SECTION_LIST),
        )
    names = {item.id: item.procedure.name for item in analysis.procedures}
    embedded = 0
    styles = SvgStyles()
    stems = [diagram_file_name(item.id) for item in analysis.procedures]
    in_place = drawn if drawn is not None else (lambda _: ready is None)
    with DiagramMarkups(diagrams, workers if diagrams is not None else 0) as markups:
        for index, item in enumerate(analysis.procedures):
            if diagrams is not None and ready is not None:
                ready(stems[index])
            markups.ahead(stems, index, in_place)
            diagram, note = _diagram(diagrams, item.id, f"業務フロー図: {item.procedure.name}", styles, markups)
            embedded += diagram is not None
            page = procedure_page(scope, item, names, diagram, note)
            write(
                folder / PROCEDURES / site.procedure_pages[item.id],
                "procedure.html.j2",
                "../",
                item.procedure.name,
                page,
            )
    for journey in analysis.journeys:
        write(folder / EVENTS / journey_file(journey), "event.html.j2", "../", journey.label, journey)
    if site.documents:
        write(folder / DOCUMENTS, "documents.html.j2", "", "添付書類・キャッシュレス", documents_page(analysis))
    if site.queue:
        write(folder / QUEUE_PAGE, "queue.html.j2", "", "待ち時間", queue_page(analysis.queue))
    # The diagrams' presentation, once for every page (bpr/export/report/svg.py: SvgStyles).
    with open(folder / "report.css", "a", encoding="utf-8", newline="\n") as css:
        css.write(styles.css())
    return ReportOutputs(pages=pages, procedures=len(analysis.procedures), diagrams=embedded)


def _stream(env: Environment, path: Path, template: str, context: dict[str, Any]) -> None:
    """Write a page as the template makes it, piece by piece: the same bytes as rendering it whole.

    The index of 10,000 procedures is 7 MB of text, made of a million pieces: joined first, it and its
    pieces took some 70 MB at once, the peak of the whole report (docs/performance-report.md).
    """
    pieces = env.get_template(template).generate(context)
    with open(path, "w", encoding="utf-8", newline="\n") as page:
        # Joined a few thousand at a time: a write of each piece costs more than the join (5 million pieces).
        while batch := list(itertools.islice(pieces, PIECES_PER_WRITE)):
            page.write("".join(batch))


def _site(analysis: Analysis, scope: WorkbookScope, made: Edition) -> Site:
    return Site(
        title=scope.title,
        surveyed=scope.surveyed_label,
        horizon=scope.horizon_label,
        issuer=scope.issuer,
        edition=made,
        hours_per_fte=analysis.hours_per_fte,
        staff_cost_per_hour=analysis.staff_cost_per_hour,
        procedure_pages=procedure_pages(item.id for item in analysis.procedures),
        section_pages=section_pages(item.counter.section for item in analysis.procedures),
        event_pages={j.event.value: (LIFE_EVENT_TITLES[j.event], journey_file(j)) for j in analysis.journeys},
        documents=bool(analysis.documents or analysis.cashless),
        queue=analysis.queue is not None and bool(analysis.queue.counters),
        journey_assumptions=tuple(journey_assumptions(scope.config)),
    )


def _diagram(
    folder: Path | None, procedure_id: str, title: str, styles: SvgStyles, markups: DiagramMarkups
) -> tuple[Any, str | None]:
    if folder is None:
        return None, NO_DOT
    try:
        markup = markups.markup(procedure_id, title, styles)
    except (UnsafeSvg, OSError):
        return None, NO_DIAGRAM
    return markup, None if markup is not None else NO_DIAGRAM


def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates do not change during a run: no stat of each one per page (10,000 pages)
    )
    env.filters.update(FILTERS)
    env.globals.update(
        measure_labels=MEASURE_LABELS, none_measure=Measure.NONE, html_table=html_table, chip_markup=chip
    )
    return env
