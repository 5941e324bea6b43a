"""The workbook's content, cell by cell, against a saved dump, so that what chiefs see changes only on purpose.

The dumps under tests/data/workbook/ are benchmarks/workbook_dump.py's canonical text of the workbooks
of a generated inventory (benchmarks/generate.py, seed 0): every cell's value and whole format, merged
ranges, widths and heights, panes, filters, colour scales, print settings, defined names, properties
and charts. They were first written by the workbook writer that built every cell with openpyxl, before
the table sheets wrote their own rows (bpr/export/workbook/sheet_rows.py), so they hold that the faster
writer changed nothing. When the workbook is changed on purpose, write them again and read the diff:

    BPR_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_workbook_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font

from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis
from bpr.config import Config
from bpr.export.workbook import table, write_section_workbooks, write_workbook
from bpr.inventory.loader import load_inventory

from conftest import DATA, ROOT, generate, load_script

GOLDEN = DATA / "workbook"
PROCEDURES, FILES = 12, 2
# The fiscal year progress is judged at: fixed, or the ▼今年度 marks would move every April.
SETTINGS = {"roadmap": {"current_fy": 2023}}


workbook_dump = load_script(ROOT / "benchmarks" / "workbook_dump.py", "bpr_benchmarks_workbook_dump")


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    """Return the analysis of the generated inventory the dumps were written from."""
    folder = generate(tmp_path_factory.mktemp("generated"), PROCEDURES, FILES)
    inventory, problems = load_inventory([folder], use_cache=False)
    assert not problems and not [p for p in inventory.problems if p.severity.value == "error"]
    return analyse_inventory(inventory, Config.model_validate(SETTINGS))


def assert_matches_golden(book: Path, name: str) -> None:
    """Compare a workbook's dump with the saved one (or save it, with BPR_UPDATE_GOLDEN=1)."""
    text = workbook_dump.dump(book)
    golden = GOLDEN / name
    if os.environ.get("BPR_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    # Compared line by line, so that pytest shows the first lines that differ rather than two long texts.
    assert text.splitlines() == expected.splitlines(), (
        f"{book.name} differs from {golden.relative_to(ROOT)}; if the change is intended, "
        "run BPR_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_workbook_golden.py and review the diff"
    )


def test_the_city_wide_workbook_matches_its_dump(analysis: Analysis, tmp_path: Path) -> None:
    path = tmp_path / "roadmap.xlsx"
    write_workbook(analysis, path)
    assert_matches_golden(path, "city-wide.dump")


def test_a_section_workbook_matches_its_dump(analysis: Analysis, tmp_path: Path) -> None:
    written = write_section_workbooks(analysis, tmp_path / "sections")
    assert [p.name for p in written] == ["建築指導課.xlsx", "環境課.xlsx"]
    assert_matches_golden(written[0], "section.dump")


def test_the_dump_tells_a_format_a_width_a_print_setting_and_a_value_apart(analysis: Analysis, tmp_path: Path) -> None:
    path = tmp_path / "roadmap.xlsx"
    write_workbook(analysis, path)
    changes = {
        "none": lambda sheet: None,
        "font": lambda sheet: setattr(sheet["B2"], "font", Font(name="ＭＳ Ｐゴシック", sz=10, b=True)),
        "width": lambda sheet: setattr(sheet.column_dimensions["C"], "width", 9.5),
        "paper": lambda sheet: setattr(sheet.page_setup, "paperSize", 8),
        "value": lambda sheet: setattr(sheet["A2"], "value", 2),
    }
    dumps = {}
    for name, change in changes.items():
        book = load_workbook(path)
        change(book["優先順位"])
        changed = tmp_path / f"{name}.xlsx"
        book.save(changed)  # every workbook saved by openpyxl alike, so that only the change differs
        dumps[name] = workbook_dump.dump(changed)
    unchanged = dumps.pop("none")
    assert [name for name, text in dumps.items() if text == unchanged] == []


def test_tables_read_again_for_writing_give_the_same_workbook(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table, "KEPT_ROWS", 3)  # every table longer than 3 rows is built twice
    path = tmp_path / "roadmap.xlsx"
    write_workbook(analysis, path)
    assert_matches_golden(path, "city-wide.dump")
