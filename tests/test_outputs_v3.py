"""Model v3 on every output: the terminal, the workbook's 概要 and 優先順位 say what the roadmap computes."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from bpr.analysis.pipeline import analyse_inventory
from bpr.cli.main import app
from bpr.config import Config
from bpr.inventory.loader import load_inventory

from conftest import INVENTORIES


def sample():
    inventory, _ = load_inventory([INVENTORIES], use_cache=False)
    return analyse_inventory(inventory, Config())


def test_the_terminal_says_the_last_year_the_costs_and_the_net_with_citizens_apart(tmp_path: Path, runner) -> None:
    roadmap = sample().roadmap
    last, steady = roadmap.by_year[-1], roadmap.steady
    assert steady is not None
    out = runner.invoke(app, ["roadmap", str(INVENTORIES), "-o", str(tmp_path / "roadmap.xlsx")])
    assert out.exit_code == 0
    flat = " ".join(out.output.split())  # the terminal wraps long lines at spaces
    line = flat[flat.index("Expected in FY2025") :]
    assert f"staff {last.staff_hours:,.0f} h, citizens {last.citizen_hours:,.0f} h a year" in line
    assert f"net {steady.net:,.0f} thousand yen a year (staff time only)" in line
    assert "citizens and staff together" in flat  # the headline says whose hours it adds


def test_the_overview_has_the_table_by_year_and_page_one_the_last_year(tmp_path: Path, runner) -> None:
    book = tmp_path / "roadmap.xlsx"
    assert runner.invoke(app, ["roadmap", str(INVENTORIES), "-o", str(book)]).exit_code == 0
    roadmap = sample().roadmap
    rows = [[c.value for c in row] for row in load_workbook(book)["概要"].iter_rows()]
    line = next(str(row[0]) for row in rows if str(row[0]).startswith("見込み: 令和7年度"))
    last = roadmap.by_year[-1]
    assert (
        f"職員 {last.staff_hours:,.0f}・住民 {last.citizen_hours:,.0f} 時間/年" in line and "住民の時間は除く" in line
    )
    start = next(i for i, row in enumerate(rows) if str(row[0]).startswith("■ 年度別の見込み"))
    table = rows[start + 2 : start + 2 + len(roadmap.by_year) + 1]
    for row, year in zip(table, [*roadmap.by_year, roadmap.steady], strict=True):
        assert year is not None
        assert (row[1], row[3], row[7]) == (year.staff_hours, year.citizen_hours, year.net)
