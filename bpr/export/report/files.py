"""File names and links of the report's pages: safe on every common file system, unique, stable.

A procedure's page is named after its id (as its diagram is), a section's after the section (as its
workbook is), a life event's after the event's key. Names Windows reserves (CON, NUL, COM1 …) get a
leading '_', and two names that a case-insensitive file system would take for one are numbered, so a
folder copied to a Windows file share keeps every page.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from bpr.export.diagram import diagram_file_name
from bpr.export.filenames import is_reserved_name, numbered_names
from bpr.export.workbook import section_file_name

PAGE_SUFFIX = ".html"
PROCEDURES = "procedures"
SECTIONS = "sections"
EVENTS = "events"


def safe_stem(stem: str) -> str:
    """Return a file stem Windows accepts: a reserved name, or one starting with '.' or '-', gets a leading '_'."""
    stem = stem.rstrip(" .") or "page"
    if is_reserved_name(stem) or stem.startswith((".", "-")):
        return f"_{stem}"
    return stem


def unique_names(stems: Iterable[str], suffix: str = PAGE_SUFFIX) -> list[str]:
    """Return one page name per stem, numbered where two would be one file on a case-insensitive file system."""
    return numbered_names(stems, suffix)


def procedure_pages(ids: Iterable[str]) -> dict[str, str]:
    """Return the page file name of each procedure id; ids in sorted order decide who gets a number."""
    ordered = sorted(set(ids))
    names = unique_names(safe_stem(diagram_file_name(pid)) for pid in ordered)
    return dict(zip(ordered, names, strict=True))


def section_pages(sections: Iterable[str]) -> dict[str, str]:
    """Return the page file name of each section, as its workbook is named (市民課.html)."""
    ordered = sorted(set(sections))
    stems = [safe_stem(section_file_name(section).removesuffix(".xlsx")) for section in ordered]
    return dict(zip(ordered, unique_names(stems), strict=True))


def href(*parts: str) -> str:
    """Return a relative link to a page: each part percent-encoded, so '#', '?' or '%' in a name stay in the name."""
    return "/".join(quote(part, safe="") for part in parts)
