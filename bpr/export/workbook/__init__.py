"""The Excel workbook section chiefs receive: 概要, 優先順位, ロードマップ, AI-OCR・RPA候補, 課題一覧.

The workbook is written atomically and reproducibly: the same analysis gives the same bytes, with the
document's timestamps taken from SOURCE_DATE_EPOCH, else the inventory date, never the clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bpr.analysis.results import Analysis
from bpr.collector import collector_paused
from bpr.export.atomic import atomic_write
from bpr.export.celltext import spreadsheet_text
from bpr.export.filenames import numbered_names, safe_stem
from bpr.export.openpyxl_adapter import Deflated, write_xlsx
from bpr.export.workbook.candidates import candidates_table
from bpr.export.workbook.contents import Sheet, first_pages, front_matter, made_on
from bpr.export.workbook.cores import TableWork
from bpr.export.workbook.crosscut_sheets import cashless_sheet, documents_sheet, journeys_table
from bpr.export.workbook.first_page import FrontMatter
from bpr.export.workbook.gantt import gantt_table
from bpr.export.workbook.issues_sheet import issues_table
from bpr.export.workbook.method_sheet import METHOD_TITLE, compose_method
from bpr.export.workbook.overview import SHEET_TITLE, Overview, compose_overview, write_overview
from bpr.export.workbook.paper import Pages, Printing
from bpr.export.workbook.priority import priority_sheet
from bpr.export.workbook.queue_sheet import queue_tables
from bpr.export.workbook.scope import EXCEL_MAX_ROWS, Scope
from bpr.export.workbook.styles import CellStyles
from bpr.export.workbook.table import write_table
from bpr.export.workbook.verification_sheet import verification_table
from bpr.export.workbook.writer import SheetWriter, write_composed
from bpr.i18n import _

__all__ = [
    "EXCEL_MAX_ROWS",
    "document_time",
    "section_file_names",
    "write_section_workbooks",
    "write_workbook",
]

FIXED_EPOCH = dt.datetime(1980, 1, 1)  # the earliest time a zip entry can hold
_ZIP_LATEST = dt.datetime(2107, 12, 31, 23, 59, 58)


def write_workbook(
    analysis: Analysis,
    path: Path,
    *,
    sections: Iterable[str] | None = None,
    row_limit: int = EXCEL_MAX_ROWS,
    diagram_links: Mapping[str, str] | None = None,
) -> None:
    """Write the workbook of every procedure (or of some sections') to `path`, atomically.

    `diagram_links` gives each procedure's diagram file relative to the workbook: 優先順位 links its id to it.
    """
    stamp = document_time(analysis.surveyed_on)
    with collector_paused():  # the scope's summaries too: a full collection walks the whole analysis
        scope = Scope.of(analysis, sections, row_limit, diagram_links)
        atomic_write(Path(path), lambda temporary: _save(scope, stamp, temporary))


def write_section_workbooks(
    analysis: Analysis,
    out_dir: Path,
    *,
    row_limit: int = EXCEL_MAX_ROWS,
    diagram_links: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write one workbook per section (課) into `out_dir`, named after the section; return their paths."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    sections = sorted({p.counter.section for p in analysis.procedures})
    written = []
    for section, name in zip(sections, section_file_names(sections), strict=True):
        path = folder / name
        write_workbook(analysis, path, sections={section}, row_limit=row_limit, diagram_links=diagram_links)
        written.append(path)
    return written


def section_file_names(sections: Iterable[str], suffix: str = ".xlsx") -> list[str]:
    """Return one file name per section (市民課.xlsx): its safe stem, numbered where two would be one file.

    The report names a section's page the same way (suffix ".html"), so that page and workbook match.
    """
    return numbered_names((safe_stem(section, fallback="section") for section in sections), suffix)


def document_time(surveyed_on: str | None, environ: Mapping[str, str] | None = None) -> dt.datetime:
    """Return the workbook's timestamp: SOURCE_DATE_EPOCH when set, else the inventory date, else 1980-01-01."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
        except (ValueError, OverflowError, OSError):
            raise ValueError(
                _("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {value}").format(
                    value=repr(epoch)
                )
            ) from None
    elif surveyed_on:
        stamp = dt.datetime.combine(dt.date.fromisoformat(surveyed_on), dt.time())
    else:
        stamp = FIXED_EPOCH
    return min(max(stamp, FIXED_EPOCH), _ZIP_LATEST)


def _save(scope: Scope, stamp: dt.datetime, path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    # The table sheets compressed ahead of the archive, on two cores (cores.py), until the archive is written.
    with tempfile.TemporaryDirectory(prefix="bpr-sheets-") as folder:
        try:
            deflated = _fill(workbook, scope, stamp, folder)
            write_xlsx(workbook, path, stamp, deflated)
        except BaseException:
            _discard(workbook)
            raise


def _fill(workbook: Any, scope: Scope, stamp: dt.datetime, folder: str) -> dict[str, Deflated]:
    """Write every sheet and the document properties into a write-only workbook; return the sheets compressed in `folder`."""
    styles = CellStyles()
    tables = [priority_sheet(scope), gantt_table(scope), candidates_table(scope), issues_table(scope)]
    crosscut = (journeys_table(scope), documents_sheet(scope), cashless_sheet(scope), verification_table(scope))
    tables += [t for t in crosscut if t is not None]
    tables += queue_tables(scope)
    # Each table is read and laid out once now, on two cores where it can be (cores.py): its rows say how
    # many sheets and pages it needs, which 概要 names. The tables' rows are filled when the block ends.

    def summaries() -> object:
        # 概要's summaries per fiscal year and per section, made here while the child starts on the tables.
        return scope.summaries_by_year(), scope.summaries_by_section()

    with TableWork(tables, scope.row_limit, scope.paper, styles, summaries, folder) as work:
        plans = work.plans
        notes = [
            f"「{plan.table.title}」は行数が Excel の上限 ({scope.row_limit:,} 行) を超えるため、{len(plan.titles)} 枚のシートに分けています: "
            + "、".join(plan.titles)
            for plan in plans
            if len(plan.titles) > 1
        ]
        # Every sheet's pages before any sheet is written: 概要 says on its first page where each one prints.
        table_sheets = [
            Sheet(title, pages) for plan in plans for title, pages in zip(plan.titles, plan.pages, strict=True)
        ]
        method = compose_method(scope)
        after = [*table_sheets, Sheet(METHOD_TITLE, method.pages(scope.paper))]

        composed: list[tuple[FrontMatter, Overview]] = []

        def compose_first(front: FrontMatter) -> Pages:
            composed[:] = [(front, compose_overview(scope, notes, front))]
            return composed[0][1].out.pages(scope.paper)

        front, overview_pages = front_matter(scope, made_on(), compose_first, after, SHEET_TITLE)
        firsts = first_pages([Sheet(SHEET_TITLE, overview_pages), *after])
        numbers = iter(firsts if firsts is not None else [None] * (len(after) + 1))

        def printing(out: SheetWriter, pages: Pages) -> Printing:
            return Printing(out.scale, pages, next(numbers), front.total)

        # The last 概要 composed is the one with this front matter, nearly always: it is written as it is.
        overview = composed[0][1] if composed and composed[0][0] == front else compose_overview(scope, notes, front)
        write_overview(workbook, overview, scope, styles, printing(overview.out, overview_pages))
        for plan in plans:
            first = next(numbers)
            for _ in plan.titles[1:]:
                next(numbers)
            write_table(workbook, plan, styles, scope, work, first, front.total)
    write_composed(workbook, METHOD_TITLE, method, styles, scope, printing(method, after[-1].pages))
    properties = workbook.properties
    # Document properties are XML too (docProps/core.xml): section names go through the same cleaning as cells.
    properties.title = spreadsheet_text(scope.title)
    properties.subject = spreadsheet_text(f"計画期間 {scope.horizon_label}")
    # The document is the DX team's (config workbook.author); bpr is the application that wrote it.
    properties.creator = spreadsheet_text(scope.author)
    properties.lastModifiedBy = spreadsheet_text(scope.author)
    properties.language = "ja-JP"
    properties.created = stamp
    properties.modified = stamp
    return work.deflated


def _discard(workbook: Any) -> None:
    """Close the sheets of a workbook that failed half-way, so that their streams end here and not at exit."""
    for sheet in workbook.worksheets:
        if not sheet.closed:
            with contextlib.suppress(Exception):
                sheet.close()
