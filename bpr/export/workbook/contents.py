"""What page 1 says about the workbook itself: its edition (作成日, 版), and the pages each sheet prints on (目次).

Every sheet's pages are known before any is written (paper.py): the table sheets' from their rows, the
sheets of blocks from their composed rows. 概要 names them all on its first page, so its own count
depends on that line: it is composed until its count no longer changes (twice, nearly always).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bpr import __version__
from bpr.export.edition import MODEL_VERSION, created_on
from bpr.export.workbook.first_page import FrontMatter
from bpr.export.workbook.paper import Pages
from bpr.export.workbook.scope import Scope
from bpr.fiscal import japanese_date

MAX_ROUNDS = 4


@dataclass(frozen=True)
class Sheet:
    """A sheet as the contents list it: its title and its pages."""

    title: str
    pages: Pages


def made_on(environ: Mapping[str, str] | None = None) -> dt.date:
    """Return the workbook's 作成日 as every output says it (bpr/export/edition.py: SOURCE_DATE_EPOCH, else today)."""
    return created_on(environ)


def edition_line(scope: Scope, made: dt.date) -> str:
    """Return page 1's 作成日 and 版: the day, bpr's version, the scoring model and the inventory's date."""
    surveyed = scope.analysis.surveyed_on
    inventory = f"棚卸 {surveyed} 時点" if surveyed else "棚卸日 不明"
    return f"作成日 {japanese_date(made)} ({made.isoformat()})　版: bpr {__version__}・算定モデル v{MODEL_VERSION}・{inventory}"


def first_pages(sheets: Sequence[Sheet]) -> list[int] | None:
    """Return the workbook page each sheet starts on, or None when a sheet breaks more pages than it can carry."""
    if not all(sheet.pages.exact for sheet in sheets):
        return None
    firsts = []
    page = 1
    for sheet in sheets:
        firsts.append(page)
        page += sheet.pages.count
    return firsts


def page_label(first: int, count: int) -> str:
    """Return a sheet's pages as the contents show them: 6〜7, or 5 for one page."""
    return str(first) if count == 1 else f"{first}〜{first + count - 1}"


def listing(sheets: Sequence[Sheet]) -> tuple[tuple[tuple[str, str], ...], int | None]:
    """Return every sheet with its pages (title, 6〜7; '' when not known), and the workbook's number of pages."""
    firsts = first_pages(sheets)
    if firsts is None:
        return tuple((sheet.title, "") for sheet in sheets), None
    entries = tuple(
        (sheet.title, page_label(first, sheet.pages.count)) for sheet, first in zip(sheets, firsts, strict=True)
    )
    return entries, firsts[-1] + sheets[-1].pages.count - 1


def front_matter(
    scope: Scope, made: dt.date, compose_first: Callable[[FrontMatter], Pages], rest: Sequence[Sheet], first_title: str
) -> tuple[FrontMatter, Pages]:
    """Return page 1's front matter and the first sheet's pages, composing the first sheet until they agree.

    `compose_first` composes the first sheet (概要) with a front matter and returns its pages; `rest` are
    the sheets after it.
    """
    edition = edition_line(scope, made)
    pages = Pages(())
    for _ in range(MAX_ROUNDS):
        front = FrontMatter(edition, *listing([Sheet(first_title, pages), *rest]))
        found = compose_first(front)
        if found == pages:
            break
        pages = found
    return front, found
