"""File names and links of the report's pages: safe on every common file system, unique, stable.

A procedure's page is named after its id (as its diagram is), a section's after the section (as its
workbook is), a life event's after the event's key. The stems come from `bpr.export.filenames.safe_stem`
(names Windows reserves, such as CON or NUL, get a leading '_'), and two names that a case-insensitive
file system would take for one are numbered, so a folder copied to a Windows file share keeps every page.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from bpr.export.diagram import diagram_file_name
from bpr.export.filenames import numbered_names
from bpr.export.workbook import section_file_names

PAGE_SUFFIX = ".html"
PROCEDURES = "procedures"
SECTIONS = "sections"
EVENTS = "events"


def procedure_pages(ids: Iterable[str]) -> dict[str, str]:
    """Return the page file name of each procedure id; ids in sorted order decide who gets a number."""
    ordered = sorted(set(ids))
    return dict(zip(ordered, numbered_names(map(diagram_file_name, ordered), PAGE_SUFFIX), strict=True))


def section_pages(sections: Iterable[str]) -> dict[str, str]:
    """Return the page file name of each section, as its workbook is named (市民課.html)."""
    ordered = sorted(set(sections))
    return dict(zip(ordered, section_file_names(ordered, PAGE_SUFFIX), strict=True))


def href(*parts: str) -> str:
    """Return a relative link to a page: each part percent-encoded, so '#', '?' or '%' in a name stay in the name."""
    return "/".join(quote(part, safe="") for part in parts)
