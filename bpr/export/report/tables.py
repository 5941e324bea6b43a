"""The shared tables (bpr/export/tables) as HTML: the report's templates call `html_table` with a Table.

The headers are the columns' (on one line), each number is written as its column's kind says (format.py,
as the workbook formats it), and a row's role places it: a total or a reference at the table's foot. In
a `list` table numbers are aligned by their cells' class; a `numbers` table aligns every cell (report.css).
Every text is escaped here, as the templates' autoescape would.

On a phone the rows become cards (report.css): each cell carries its header in `data-label`, shown above
its value, except the cell that titles the card (the row's header, or the column the page names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from bpr.analysis.labels import MEASURE_LABELS
from bpr.export.presentation import UPTAKE_LABEL
from bpr.export.report.format import expected, fte, score, share, whole
from bpr.export.tables.model import Column, Items, Kind, Link, Marked, MeasureMark, Role, Row, Status, Table

if TYPE_CHECKING:
    from bpr.export.report.pages import Site

NUMBERS: dict[Kind, Callable[..., str]] = {
    Kind.RANK: str,  # as the index's ranked table writes it
    Kind.COUNT: whole,
    Kind.SCORE: score,
    Kind.FTE: fte,
    Kind.EXPECTED: expected,
    Kind.SHARE: share,
}
FOOT = (Role.TOTAL, Role.REFERENCE)  # rows below the others, in <tfoot>
ROW_CLASSES = {Role.TOTAL: ' class="total"', Role.SUMMARY: ' class="total"', Role.REFERENCE: ""}
ITEM_SEPARATOR = "・"  # between the items a sheet puts on lines of their own


def chip(key: str, label: str) -> Markup:
    """Return a measure's label in its colour: <span class="chip m-online">オンライン化</span>."""
    return Markup('<span class="chip m-{}">{}</span>').format(key, label)


def html_table(
    table: Table,
    site: Site | None = None,
    *,
    caption: str,
    labelled: str,
    css: str = "list",
    table_id: str | None = None,
    root: str = "",
    title: str | None = None,
) -> Markup:
    """Return a table as HTML in a scrolling region labelled by its caption (`labelled`-caption).

    `site` gives the pages links lead to (None: links are shown as their text); `root` leads every link
    to another page (the page's way back to the report's folder). `title` is the key of the column whose
    cell titles a row's card on a phone (None: the row's header, if the table has one).
    """
    cells = _Cells(site, root, numbers_table=css == "numbers", title=title)
    body: list[str] = []
    foot: list[str] = []
    for row in table.rows():
        (foot if isinstance(row, Marked) and row.role in FOOT else body).append(cells.row(row, table))
    head = "".join(f'<th scope="col">{escape(column.line)}</th>' for column in table.columns)
    lines = [
        f'<div class="table-wrap" role="region" aria-labelledby="{escape(labelled)}-caption" tabindex="0">',
        f'<table class="{escape(css)}"' + ("" if table_id is None else f' id="{escape(table_id)}"') + ">",
        f'<caption id="{escape(labelled)}-caption">{escape(caption)}</caption>',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *body,
        "</tbody>",
        *(["<tfoot>", *foot, "</tfoot>"] if foot else []),
        "</table>",
        "</div>",
    ]
    return Markup("\n".join(lines))


def _with_class(attributes: str, name: str) -> str:
    """Return a cell's attributes with one more class."""
    if ' class="' in attributes:
        return attributes.replace(' class="', f' class="{name} ', 1)
    return f' class="{name}"{attributes}'


class _Cells:
    """Writes rows' cells for one page: its links lead from the page's folder."""

    def __init__(self, site: Site | None, root: str, *, numbers_table: bool, title: str | None) -> None:
        self.site = site
        self.root = root
        self.numbers_table = numbers_table
        self.title = title

    def row(self, row: Row, table: Table) -> str:
        """Return a row as a <tr>: its first cell a row header when the table says so."""
        role = row.role if isinstance(row, Marked) else None
        values = row.cells if isinstance(row, Marked) else row
        out = []
        for index, (value, column) in enumerate(zip(values, table.columns, strict=True)):
            content = self.content(value, column)
            if index == 0 and table.row_header:
                out.append(f'<th scope="row">{content}</th>')
                continue
            attributes = self.classes(value, column)
            if column.key == self.title:
                attributes = _with_class(attributes, "title")
            else:
                attributes += f' data-label="{escape(column.line)}"'
            if role is Role.TOTAL and index > 0 and content:  # a figure of the total, for the reader's tools
                attributes += f' data-figure="total-{escape(column.key)}"'
            out.append(f"<td{attributes}>{content}</td>")
        return f"<tr{ROW_CLASSES[role] if role is not None else ''}>{''.join(out)}</tr>"

    def classes(self, value: object, column: Column) -> str:
        """Return the class attribute of a cell: a number's alignment in a list, a year kept whole, a strong value."""
        names = []
        if column.kind.numeric and not self.numbers_table:
            names.append("num")
        if column.kind is Kind.YEAR:
            names.append("when")
        if column.strong and value is not None and value != "":
            names.append("strong")
        return f' class="{" ".join(names)}"' if names else ""

    def content(self, value: object, column: Column) -> str:
        """Return a value as HTML, escaped: a number in its column's format, a measure as a chip, a link to its page."""
        if value is None:
            return ""
        if isinstance(value, MeasureMark):
            # Uptake of a channel that exists is 利用促進, in the online colour, as the workbook's cell says it.
            return str(chip(value.measure.value, UPTAKE_LABEL if value.uptake else MEASURE_LABELS[value.measure]))
        if isinstance(value, Link):
            return self.link(value)
        if isinstance(value, Items):
            return self.items(value, column)
        if isinstance(value, Status):
            return f'<span class="status {escape(value.state)}">{escape(value.label)}</span>'
        number = NUMBERS.get(column.kind)
        if number is not None and isinstance(value, int | float):
            return number(value)
        return str(escape(value))

    def link(self, link: Link) -> str:
        """Return a link to the page of what the text names, the badge after it (the bare text without a page)."""
        href = self.href(link)
        text = escape(link.text)
        shown = text if href is None else f'<a href="{escape(href)}">{text}</a>'
        return f'{shown} <span class="badge">{escape(link.badge)}</span>' if link.badge else str(shown)

    def href(self, link: Link) -> str | None:
        """Return the relative address of a link's page, or None when the report has no such page."""
        site = self.site
        if site is None or link.key is None:
            return None
        if link.page == "procedure" and link.key in site.procedure_pages:
            return self.root + site.procedure_href(link.key)
        if link.page == "section" and link.key in site.section_pages:
            return self.root + site.section_href(link.key)
        return None

    def items(self, items: Items, column: Column) -> str:
        """Return a cell's items after its lead, each as a value of its column."""
        separator = ITEM_SEPARATOR if items.separator is None else items.separator
        parts: Iterable[str] = (self.content(part, column) for part in items.parts)
        return str(escape(items.lead)) + str(escape(separator)).join(parts)
