"""The 調査票 with hostile inventory text: nothing becomes a formula, and the round trip keeps every value."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from bpr.cli.main import app

HOSTILE = """\
version: 1
counter: {id: con, name: "=HYPERLINK(\\"http://example.invalid\\")", section: "+課", department: "@部"}
procedures:
  - id: p1
    name: "=1+1"
    annual_volume: 5
    legal_basis: "-2+3"
    notes: "=cmd|' /C calc'!A0"
    issues: ["=SUM(A1:A9)", "<script>alert(1)</script>"]
    steps:
      - {id: s1, name: "@SUM(1)", actor: citizen, effort: 5, system: "=A1"}
"""


def test_inventory_text_is_never_a_formula_and_comes_back_as_written(runner: CliRunner, tmp_path: Path) -> None:
    inventory = tmp_path / "inv"
    inventory.mkdir()
    (inventory / "con.yaml").write_text(HOSTILE, encoding="utf-8")
    result = runner.invoke(app, ["survey", "export", str(inventory), "-o", str(tmp_path / "wb")])
    assert result.exit_code == 0, result.output
    (book,) = sorted((tmp_path / "wb").glob("*.xlsx"))
    assert book.name == "_con.xlsx"  # CON is a reserved name on Windows
    workbook = load_workbook(book)
    formulas = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" and "手続名" not in str(sheet.cell(3, cell.column).value)
    ]
    assert formulas == []
    result = runner.invoke(app, ["survey", "import", str(book), "-o", str(inventory)])
    assert result.exit_code == 0, result.output
    assert (inventory / "con.yaml").read_text(encoding="utf-8") == HOSTILE
