"""Dump an .xlsx workbook's content as canonical text, to prove that two ways of writing it wrote the same thing.

    python benchmarks/workbook_dump.py BOOK.xlsx [-o DUMP.txt]

The dump holds what a reader of the workbook sees, whatever bytes carry it: every sheet in order with
its state, every cell (value, type, number format, font, fill, border, alignment, protection,
hyperlink), merged ranges, column widths and row heights, frozen panes, auto filter, conditional
formats, data validations, page breaks, print settings (paper, orientation, fit, margins, title rows,
print area, header and footer), the defined names, the document properties except its created and
modified times, and the chart and drawing parts as canonical XML (C14N). Styles are numbered by their
first use in the dump, not by their index in styles.xml, so an equal workbook with styles registered
in another order dumps the same.

tests/test_workbook_golden.py compares the dump of a generated inventory's workbooks with the one
saved under tests/data/workbook/; the same script compared the workbooks written before and after the
workbook was made faster (docs/performance.md).
"""

from __future__ import annotations

import argparse
import copy
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import load_workbook
from openpyxl.styles.colors import Color
from openpyxl.worksheet.dimensions import Dimension

# Parts dumped as canonical XML: what openpyxl's model does not hold in full (charts and their anchors).
XML_PARTS = ("xl/charts/", "xl/drawings/")
SKIPPED_PROPERTIES = {"created", "modified"}
_DESCRIBED: dict[tuple[int, tuple[int, ...]], str] = {}  # (workbook, style indices) → description, while dumping


def dump(path: Path) -> str:
    """Return the canonical text of a workbook's content."""
    try:
        return "\n".join(_lines(Path(path))) + "\n"
    finally:
        _DESCRIBED.clear()


def _lines(path: Path) -> Iterator[str]:
    workbook = load_workbook(path, rich_text=True)
    styles: dict[str, int] = {}
    yield "[workbook]"
    yield f"sheets {[ws.title for ws in workbook.worksheets]!r}"
    yield f"active {workbook.active.title if workbook.active is not None else None!r}"
    for name, value in sorted(_properties(workbook).items()):
        yield f"property {name} {value!r}"
    for name, defined in sorted(workbook.defined_names.items()):
        yield f"defined {name} {defined.attr_text!r} hidden={defined.hidden!r}"
    for sheet in workbook.worksheets:
        yield from _sheet(sheet, styles)
    yield "[styles]"
    for key, number in styles.items():
        yield f"s{number} {key}"
    yield from _parts(path)


def _properties(workbook: Any) -> dict[str, object]:
    properties = workbook.properties
    names = [name for name in properties.__elements__ + properties.__attrs__ if name not in SKIPPED_PROPERTIES]
    return {name: getattr(properties, name, None) for name in names}


def _sheet(sheet: Any, styles: dict[str, int]) -> Iterator[str]:
    yield f"[sheet {sheet.title}]"
    yield f"state {sheet.sheet_state!r}"
    yield f"extent {sheet.max_row}x{sheet.max_column}"
    yield f"properties {_repr(sheet.sheet_properties)}"
    yield f"format {_repr(sheet.sheet_format)}"
    yield f"views {_repr(sheet.views)}"
    yield f"freeze {sheet.freeze_panes!r}"
    yield f"filter {sheet.auto_filter.ref!r} {_repr(sheet.auto_filter)}"
    yield f"print_titles rows={sheet.print_title_rows!r} cols={sheet.print_title_cols!r}"
    yield f"print_area {sheet.print_area!r}"
    yield f"page_setup {_repr(sheet.page_setup)}"
    yield f"print_options {_repr(sheet.print_options)}"
    yield f"margins {_repr(sheet.page_margins)}"
    yield f"header_footer {_repr(sheet.HeaderFooter)}"
    yield f"row_breaks {[(b.id, b.min, b.max, b.man) for b in sheet.row_breaks.brk]!r}"
    yield f"col_breaks {[(b.id, b.min, b.max, b.man) for b in sheet.col_breaks.brk]!r}"
    for name, defined in sorted(sheet.defined_names.items()):
        yield f"defined {name} {defined.attr_text!r}"
    for letter, column in sorted(sheet.column_dimensions.items(), key=lambda item: (item[1].min or 0, item[0])):
        yield f"column {letter} {_repr(column, skip={'index'})}"
    for number, row in sorted(sheet.row_dimensions.items()):
        yield f"row {number} {_repr(row, skip={'index'})}"
    for merged in sorted(str(r) for r in sheet.merged_cells.ranges):
        yield f"merged {merged}"
    for formatting in sheet.conditional_formatting:
        for rule in formatting.rules:
            yield f"conditional {formatting.sqref} {_repr(rule)}"
    for validation in sheet.data_validations.dataValidation:
        yield f"validation {validation.sqref} {_repr(validation)}"
    yield f"images {len(sheet._images)} charts {len(sheet._charts)}"
    for _position, cell in sorted(sheet._cells.items()):
        key = _style(cell)
        number = styles.setdefault(key, len(styles))
        link = "" if cell.hyperlink is None else f" link={_repr(cell.hyperlink, skip={'ref', 'id'})}"
        value = cell.value
        shown = (
            repr(value) if isinstance(value, str | int | float | type(None)) else f"{type(value).__name__}:{value!s}"
        )
        yield f"{cell.coordinate} {cell.data_type} {shown} s{number}{link}"


def _style(cell: Any) -> str:
    """Return a cell's whole format, each part by the fields that differ from openpyxl's default."""
    # The indices into the workbook's tables of fonts, fills, … determine the format: described once each.
    indices = tuple(cell._style)
    described = _DESCRIBED.get((id(cell.parent.parent), indices))
    if described is not None:
        return described
    parts = [f"numfmt={cell.number_format!r}"]
    for name in ("font", "fill", "border", "alignment", "protection"):
        part = copy.copy(getattr(cell, name))  # the object behind openpyxl's read-only style proxy
        parts.append(f"{name}={_repr(part, defaults=True)}")
    described = _DESCRIBED[(id(cell.parent.parent), indices)] = " ".join(parts)
    return described


def _repr(obj: Any, skip: set[str] | frozenset[str] = frozenset(), defaults: bool = False) -> str:
    """Return an openpyxl object's serialisable fields, nested, in a fixed order.

    With `defaults`, fields equal to those of the class's default object are left out (style parts).
    """
    if obj is None or isinstance(obj, str | int | float | bool):
        return repr(obj)
    if isinstance(obj, Color):
        shown = {"rgb": obj.rgb, "theme": obj.theme, "indexed": obj.indexed, "auto": obj.auto}.get(obj.type)
        return f"{obj.type}:{shown}" + (f"~{obj.tint}" if obj.tint else "")
    if isinstance(obj, Dimension):
        return repr(sorted((name, value) for name, value in obj if name not in skip))
    if isinstance(obj, list | tuple):
        return "[" + ", ".join(_repr(item) for item in obj) + "]"
    names = getattr(obj, "__elements__", ()) + getattr(obj, "__attrs__", ())
    if not names:
        return repr(str(obj))
    default = type(obj)() if defaults else None
    fields = []
    for name in names:
        if name in skip:
            continue
        value = getattr(obj, name, None)
        if value is None or value == [] or value == ():
            continue
        if default is not None and value == getattr(default, name, None):
            continue
        fields.append(f"{name}={_repr(value, defaults=defaults)}")
    return f"{type(obj).__name__}(" + ", ".join(fields) + ")"


def _parts(path: Path) -> Iterator[str]:
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        yield "[parts]"
        yield from names
        for name in names:
            if name.startswith(XML_PARTS):
                yield f"[xml {name}]"
                tree = etree.fromstring(archive.read(name))
                yield etree.tostring(tree, method="c14n2", strip_text=True).decode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("-o", "--output", type=Path, help="write the dump here instead of stdout")
    args = parser.parse_args(argv)
    text = dump(args.book)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
