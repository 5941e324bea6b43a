"""The tables the workbook and the report share (bpr/export/tables): one definition, the same headers, counts from rows.

The sample's workbooks and report are written once; each shared table's HTML headers are compared with
the header cells of its sheet (or of its block of 概要), through the one rule that puts a header on one
line, and its counts with the rows both outputs show.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from test_report import Node, analysis_of, parse

from bpr.analysis.results import Analysis
from bpr.export.report import write_report
from bpr.export.report.tables import NUMBERS, html_table
from bpr.export.tables import overview, priority
from bpr.export.tables.model import (
    Column,
    Items,
    Kind,
    Link,
    Marked,
    MeasureMark,
    Role,
    Status,
    Table,
    one_line,
)
from bpr.export.workbook import table as sheets
from bpr.export.workbook import write_section_workbooks, write_workbook
from bpr.export.workbook.shared_tables import KIND_FORMATS
from bpr.inventory.enums import Measure

from conftest import INVENTORIES

SECTION = "市民課"


@pytest.fixture(scope="module")
def sample() -> Analysis:
    """Return the analysis of the sample inventory."""
    return analysis_of(INVENTORIES)


@pytest.fixture(scope="module")
def outputs(sample: Analysis, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder with the sample's city workbook, its sections' workbooks and its report (no diagrams)."""
    folder = tmp_path_factory.mktemp("outputs")
    write_workbook(sample, folder / "roadmap.xlsx")
    write_section_workbooks(sample, folder / "sections")
    write_report(sample, folder / "report", diagrams=None)
    return folder


def page_table(page: Path, labelled: str) -> Node:
    """Return the table of a page whose caption has the id `labelled`-caption."""
    tree = parse(page).root
    return next(t for t in tree.find("table") if t.find("caption", id=f"{labelled}-caption"))


def page_headers(table: Node) -> list[str]:
    """Return the column headers of an HTML table."""
    return [th.all_text() for th in table.find("th", scope="col")]


def sheet_headers(sheet: Worksheet) -> list[str]:
    """Return the header cells of a table sheet (the last of its printed title rows)."""
    header_row = int(str(sheet.print_title_rows).split(":")[-1].strip("$"))
    return [str(cell.value) for cell in sheet[header_row]]


def block_headers(sheet: Worksheet, *first: str) -> list[str]:
    """Return the header cells of the block of 概要 whose header starts with `first`."""
    for row in sheet.iter_rows(values_only=True):
        if tuple(row[: len(first)]) == first:
            return [str(value) for value in row if value is not None]
    raise AssertionError(f"no block headed {first}")


# --- the same headers in both outputs ----------------------------------------------------------------------


@pytest.mark.parametrize(("sheet", "labelled"), [("添付書類", "documents"), ("キャッシュレス", "cashless")])
def test_a_cross_counter_page_has_its_sheet_s_headers(outputs: Path, sheet: str, labelled: str) -> None:
    headers = sheet_headers(load_workbook(outputs / "roadmap.xlsx")[sheet])
    table = page_table(outputs / "report" / "documents.html", labelled)
    assert page_headers(table) == [one_line(header) for header in headers]
    assert len(headers) >= 5 and any("\n" in header for header in headers)  # the lines were joined


def test_a_section_page_lists_the_columns_it_selects_of_its_sheet(outputs: Path) -> None:
    sheet = load_workbook(outputs / "sections" / f"{SECTION}.xlsx")[priority.TITLE]
    headers = dict(zip([column.key for column in priority.COLUMNS], sheet_headers(sheet), strict=True))
    table = page_table(outputs / "report" / "sections" / f"{SECTION}.html", "section-procedures")
    assert page_headers(table) == [one_line(headers[key]) for key in priority.SECTION_LIST]
    assert page_headers(table)[:2] == ["順位", "手続名"] and "期待削減 (時間/年)" in page_headers(table)


@pytest.mark.parametrize(
    ("first", "labelled", "keys"),
    [
        (("指標", "目標"), "kpis", None),
        (("施策", "施策数"), "hours", None),
        (("施策", "推奨\n(主施策)"), "counts", None),
        (("課", "窓口数"), "sections", None),
        (("年度", "職員\n(時間/年)"), "outlook", overview.OUTLOOK_PAGE),
    ],
)
def test_an_overview_table_has_the_headers_of_its_block_of_the_sheet(
    outputs: Path, first: tuple[str, ...], labelled: str, keys: tuple[str, ...] | None
) -> None:
    headers = block_headers(load_workbook(outputs / "roadmap.xlsx")["概要"], *first)
    html = page_headers(page_table(outputs / "report" / "index.html", labelled))
    if keys is None:
        assert html == [one_line(header) for header in headers]
    else:  # the page shows a selection of the block's columns
        by_key = dict(zip([c.key for c in overview.OUTLOOK_COLUMNS], headers, strict=True))
        assert html == [one_line(by_key[key]) for key in keys]
        assert len(html) < len(headers)


def test_the_years_block_is_the_workbook_s_selection_of_the_page_s_table(outputs: Path) -> None:
    html = page_headers(page_table(outputs / "report" / "index.html", "years"))
    headers = block_headers(load_workbook(outputs / "roadmap.xlsx")["概要"], "年度", "オンライン化")
    assert html[: len(headers)] == headers and len(html) > len(headers)


# --- counts from the rows ------------------------------------------------------------------------------------


def test_a_section_page_counts_the_rows_its_sheet_has(outputs: Path, sample: Analysis) -> None:
    table = page_table(outputs / "report" / "sections" / f"{SECTION}.html", "section-procedures")
    body = table.one("tbody").find("tr")
    caption = table.one("caption").all_text()
    shown = int(re.search(r"全(\d+)件", caption).group(1))  # type: ignore[union-attr]
    sheet = load_workbook(outputs / "sections" / f"{SECTION}.xlsx")[priority.TITLE]
    ranks = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert shown == len(body) == len(ranks) == sum(p.counter.section == SECTION for p in sample.procedures)
    assert [int(tr.find("td")[0].all_text()) for tr in body] == ranks


def test_a_table_is_counted_by_its_rows_not_by_a_number_kept_beside_them() -> None:
    rows: list[tuple[object, ...]] = [(1, "a"), (2, "b")]
    table = Table("t", (Column("n", "番号", Kind.COUNT), Column("name", "名前")), lambda: iter(rows))
    assert table.count == 2
    rows.append((3, "c"))
    assert table.count == 3 and table.select("name").count == 3
    assert list(table.select("name", "n").rows()) == [("a", 1), ("b", 2), ("c", 3)]


def test_a_sheet_is_planned_from_its_rows_and_a_count_that_disagrees_is_refused() -> None:
    rows = [("x",)] * 5
    counted = sheets.Table("t", (sheets.Column("a"),), lambda: iter(rows))
    assert sheets.plan_sheets(counted, 3).titles == ["t", "t (2)", "t (3)"]  # two rows under the header a sheet
    wrong = sheets.Table("t", (sheets.Column("a"),), lambda: iter(rows), 4)
    with pytest.raises(RuntimeError, match="has 5 rows, not the 4"):
        sheets.plan_sheets(wrong, 3)


# --- the model and its two renderings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        ("期待削減\n(時間/年)", "期待削減 (時間/年)"),
        ("RPA\nスコア", "RPA スコア"),
        ("うち\nマイナ\nポータル\n(利用率向上)", "うちマイナポータル (利用率向上)"),
        ("現金の\n年間額(円)", "現金の年間額 (円)"),
        ("業務改善(BPR)", "業務改善(BPR)"),
        ("手続名", "手続名"),
    ],
)
def test_a_header_on_one_line(lines: str, line: str) -> None:
    assert one_line(lines) == line


def test_every_kind_has_a_cell_format_and_every_number_a_page_format() -> None:
    assert set(KIND_FORMATS) == set(Kind)
    assert {kind for kind in Kind if kind.numeric} == set(NUMBERS)


def test_the_html_of_a_table_escapes_places_its_foot_and_formats_by_kind() -> None:
    columns = (
        Column("name", "名前"),
        Column("measure", "施策", Kind.MEASURE),
        Column("hours", "時間", Kind.COUNT, "時間/年"),
        Column("share", "割合", Kind.SHARE, strong=True),
        Column("when", "予定年度", Kind.YEAR),
    )
    rows = [
        (
            Link("<b>x</b>", "procedure", None, badge="国の優先"),
            MeasureMark(Measure.RPA, uptake=True),
            1234.4,
            0.125,
            "令和7年度",
        ),
        (Items(("a", "b")), None, None, None, ""),
        Marked(Role.TOTAL, ("合計", None, 1234.4, None, "")),
        (Status("未達（期限経過）", "not-met"), None, 0, 0.5, None),
    ]
    html = str(html_table(Table("t", columns, lambda: rows), caption="<表>", labelled="t"))
    assert '<caption id="t-caption">&lt;表&gt;</caption>' in html
    assert '<th scope="col">時間 (時間/年)</th>' in html
    # Each cell carries its header (a phone shows it above the value); uptake is 利用促進, as the sheet says.
    assert (
        '<tr><td data-label="名前">&lt;b&gt;x&lt;/b&gt; <span class="badge">国の優先</span></td>'
        '<td data-label="施策"><span class="chip m-rpa">利用促進</span></td>'
        '<td class="num" data-label="時間 (時間/年)">1,234</td>'
        '<td class="num strong" data-label="割合">12.5%</td><td class="when" data-label="予定年度">令和7年度</td></tr>'
    ) in html
    assert (
        '<tr><td data-label="名前">a・b</td><td data-label="施策"></td><td class="num" data-label="時間 (時間/年)"></td>'
        '<td class="num" data-label="割合"></td><td class="when" data-label="予定年度"></td></tr>'
    ) in html
    body, foot = html.split("<tfoot>")
    assert (
        "合計" not in body
        and '<tr class="total"><td data-label="名前">合計</td><td data-label="施策"></td>'
        '<td class="num" data-label="時間 (時間/年)" data-figure="total-hours">1,234</td>'
        in foot
    )
    titled = str(html_table(Table("t", columns, lambda: rows[:1]), caption="c", labelled="t", title="name"))
    assert '<td class="title">&lt;b&gt;x&lt;/b&gt; <span class="badge">国の優先</span></td>' in titled
    assert '<span class="chip m-rpa">RPA</span>' in str(
        html_table(Table("t", columns[1:2], lambda: [(MeasureMark(Measure.RPA),)]), caption="c", labelled="m")
    )
    assert '<span class="status not-met">未達（期限経過）</span>' in body
