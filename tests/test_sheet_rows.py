"""The table sheets' own row writer (bpr/export/workbook/sheet_rows.py) writes what openpyxl's cells write.

Each case writes the same rows twice, through openpyxl's write-only cells (`CellStyles.cell`, as every
sheet was written before) and through `SheetRows`, and compares the two workbooks' canonical dumps
(benchmarks/workbook_dump.py): values, types, formats, row heights; and which strings keep their
leading and trailing spaces (xml:space="preserve"), which Excel honours and openpyxl reads past.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import Workbook, load_workbook

from bpr.export.workbook.sheet_rows import SheetRows
from bpr.export.workbook.styles import (
    CENTRED,
    DECIMAL,
    HEADER,
    NUMBER,
    TEXT,
    TITLE,
    WRAPPED,
    CellFormat,
    CellStyles,
    measure_format,
)
from bpr.export.workbook.table import Column, Table, measure_rows
from bpr.inventory.enums import Measure

from conftest import ROOT, load_script

FORMATS = [TEXT, WRAPPED, CENTRED, NUMBER, DECIMAL, HEADER, TITLE, measure_format(Measure.RPA)]
Cell = tuple[object, CellFormat] | None
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


workbook_dump = load_script(ROOT / "benchmarks" / "workbook_dump.py", "bpr_benchmarks_workbook_dump")


def written(path: Path) -> tuple[str, list[tuple[str, str | None]]]:
    """Return a workbook's dump, and which inline strings keep their spaces (xml:space, which openpyxl reads past)."""
    with zipfile.ZipFile(path) as archive:
        tree = etree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    spaces = [
        (str(cell.get("r")), text.get(XML_SPACE))
        for cell in tree.iter(f"{{{MAIN}}}c")
        for text in cell.iter(f"{{{MAIN}}}t")
    ]
    return str(workbook_dump.dump(path)), spaces


def through_openpyxl(
    rows: list[tuple[list[Cell], float | None]], path: Path
) -> tuple[str, list[tuple[str, str | None]]]:
    """Write rows with openpyxl's write-only cells; return what `written` reads."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("表")
    styles = CellStyles()
    for number, (cells, height) in enumerate(rows, start=1):
        if height is not None:
            sheet.row_dimensions[number].height = height
        sheet.append([None if cell is None else styles.cell(sheet, cell[0], cell[1]) for cell in cells])
    book.save(path)
    return written(path)


def through_sheet_rows(
    rows: list[tuple[list[Cell], float | None]], path: Path
) -> tuple[str, list[tuple[str, str | None]]]:
    """Write rows with SheetRows; return what `written` reads."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("表")
    with SheetRows(sheet, CellStyles()) as out:
        for cells, height in rows:
            out.append(cells, height)
    book.save(path)
    return written(path)


def test_text_numbers_formats_gaps_and_heights_read_back_alike(tmp_path: Path) -> None:
    rows: list[tuple[list[Cell], float | None]] = [
        ([("順位", HEADER), ("手続名", HEADER), ("年間件数", HEADER), ("スコア", HEADER)], 32.0),
        ([(1, NUMBER), ("住民票の写し 交付", WRAPPED), (12_345, NUMBER), (99.92, DECIMAL)], None),
        ([(2, NUMBER), None, (0, NUMBER), (0.1 + 0.2, DECIMAL), ("", CENTRED)], 61.5),
        ([None, ('=HYPERLINK("http://x")', TEXT), ("#N/A", TEXT), (True, TEXT), (-1e300, NUMBER)], None),
        ([(" 前後に空白 ", TEXT), ("\tタブ", TEXT), ("　全角空白", TEXT), ("<b>&amp;</b> 𠮷 _x0041_", WRAPPED)], None),
        ([("行\r\n区切り\r", WRAPPED), ("制御\x01文字\ufffe", TEXT), ("長" * 40_000, WRAPPED)], 409.5),
        ([(math.nan, NUMBER), (math.inf, NUMBER), (2**60, NUMBER), ("RPA", measure_format(Measure.RPA))], None),
    ]
    ours, theirs = through_sheet_rows(rows, tmp_path / "rows.xlsx"), through_openpyxl(rows, tmp_path / "cells.xlsx")
    assert ours == theirs
    assert ("A5", "preserve") in ours[1] and ("D5", None) in ours[1]


def test_text_reads_back_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "rows.xlsx"
    texts = ["=1+1", "  indented", "a & b < c > d", "𠮷野家", "line\nbreak"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("表")
    with SheetRows(sheet, CellStyles()) as out:
        out.append([(text, TEXT) for text in texts])
    book.save(path)
    cells = load_workbook(path)["表"][1]
    assert [(cell.value, cell.data_type) for cell in cells] == [(text, "s") for text in texts]


values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
)
cells = st.one_of(st.none(), st.tuples(values, st.sampled_from(FORMATS)))
rows_strategy = st.lists(
    st.tuples(st.lists(cells, max_size=6), st.one_of(st.none(), st.floats(min_value=1, max_value=409))),
    max_size=5,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy)
def test_any_rows_read_back_alike(rows: list[tuple[list[Cell], float | None]], tmp_path: Path) -> None:
    assert through_sheet_rows(rows, tmp_path / "rows.xlsx") == through_openpyxl(rows, tmp_path / "cells.xlsx")


def test_a_value_a_workbook_cannot_hold_is_refused(tmp_path: Path) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("表")
    with pytest.raises(TypeError, match="cannot hold bytes"), SheetRows(sheet, CellStyles()) as out:
        out.append([(b"raw", TEXT)])


def test_widths_and_count_come_from_one_pass_and_stop_measuring_full_columns() -> None:
    seen: list[object] = []

    class Spy(str):
        def __hash__(self) -> int:
            seen.append(str(self))
            return super().__hash__()

    columns = (Column("名前", TEXT, min_width=4, max_width=10), Column("n", NUMBER, max_width=40))
    rows = [(Spy("とても長い名前の手続です"), 1), (Spy("短い"), 22), (Spy("まだ見る必要はない"), 333)]
    table = Table("t", columns, lambda: iter(rows), len(rows))
    assert measure_rows(table) == ([10.0, 6.0], 3, rows, [TEXT, NUMBER])
    # The first name fills its column (24 ≥ 10 − 2): the next two are not measured.
    assert "短い" not in seen and "まだ見る必要はない" not in seen
