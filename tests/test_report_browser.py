"""The HTML report in a real browser: the system's Chromium, driven through Selenium and chromedriver.

One report is built for the module (`bpr report inventories/`) and one headless browser session serves every
test but the one without JavaScript, which starts its own. `bash scripts/dev test` installs chromium and
chromium-driver from the OS packages; Selenium comes with the dependency group dev. Nothing is downloaded: the driver
and the browser are given by path, so Selenium Manager never runs, and every host name resolves to nothing.

Without chromium, chromedriver or Selenium the module is skipped (a Windows box still runs the rest), except
when the CI variable is set: there a skipped browser test would hide a missing install step, so it fails.

The screenshots of the index and of a procedure page go to a folder of the test run, printed by
`pytest -s -k screenshots`, or to $BPR_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import base64
import json
import os
import pkgutil
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.inventory.loader import load_inventory

from conftest import INVENTORIES

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.wait import WebDriverWait
except ImportError:
    SELENIUM = False
else:
    SELENIUM = True

_MISSING = [
    name
    for name, present in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER), ("selenium", SELENIUM))
    if not present
]
if _MISSING:
    _REASON = f"the browser tests need {', '.join(_MISSING)} (bash scripts/dev test installs them)"
    if os.environ.get("CI"):
        pytest.fail(f"{_REASON}; under CI they must run, not be skipped", pytrace=False)
    pytest.skip(_REASON, allow_module_level=True)


_IS_DISPLAYED = (pkgutil.get_data("selenium.webdriver.remote", "isDisplayed.js") or b"").decode()
WIDTH, HEIGHT = 1366, 900
WAIT_SECONDS = 10
LOCAL_SCHEMES = ("file:", "data:", "about:")

# One round trip for the whole table: each body row's data attributes, and the data-value of one column.
_ROWS_JS = """
const table = document.getElementById('procedures');
const key = arguments[0];
let column = -1, sort = null;
if (key) {
    const button = table.tHead.querySelector(`button[data-sort-key="${key}"]`);
    const th = button.closest('th');
    column = th.cellIndex;
    sort = th.getAttribute('aria-sort');
}
const rows = [...table.tBodies].flatMap(body => [...body.rows]).map(row => ({
    id: row.dataset.id, section: row.dataset.section, measure: row.dataset.measure,
    priority: row.dataset.priority, text: row.dataset.text,
    value: column >= 0 ? row.cells[column].dataset.value : null,
    shown: row.getClientRects().length > 0,
}));
const sorts = [...table.tHead.querySelectorAll('th')].map(th => th.getAttribute('aria-sort'));
return {rows, sort, sorts};
"""


# --- the report and the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the report of the sample inventory once for the module; return its folder."""
    folder = tmp_path_factory.mktemp("report") / "report"
    cache = tmp_path_factory.mktemp("cache")
    result = CliRunner().invoke(
        app, ["report", str(INVENTORIES), "-o", str(folder)], env={"XDG_CACHE_HOME": str(cache)}
    )
    assert result.exit_code == 0, result.output
    assert (folder / "index.html").is_file()
    return folder


@pytest.fixture(scope="module")
def procedure_ids() -> set[str]:
    """Return the id of every procedure of the sample inventory."""
    inventory, problems = load_inventory([INVENTORIES], use_cache=False)
    assert not problems
    return {procedure.id for _, procedure, _ in inventory.entries()}


def start_chromium(profile: Path, *, javascript: bool = True) -> WebDriver:
    """Start the system's headless Chromium through the system's chromedriver, with a fresh profile."""
    assert CHROMIUM is not None and CHROMEDRIVER is not None
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--disable-gpu",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        # Whatever the report would fetch from a host fails here instead of leaving the machine.
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        options.add_argument(argument)
    if getattr(os, "geteuid", lambda: -1)() == 0:  # Chromium refuses to start its sandbox as root
        options.add_argument("--no-sandbox")
    if not javascript:
        options.add_argument("--blink-settings=scriptEnabled=false")
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Return the browser session every test shares."""
    session = start_chromium(tmp_path_factory.mktemp("profile"))
    try:
        yield session
    finally:
        session.quit()


@pytest.fixture
def index(driver: WebDriver, report: Path) -> WebDriver:
    """Open the report's index.html from the disk and return the driver."""
    driver.get((report / "index.html").as_uri())
    return driver


def table_state(driver: WebDriver, key: str | None = None) -> dict[str, Any]:
    """Return the table's rows (data attributes, shown or not, one column's data-value) and aria-sort values."""
    state: dict[str, Any] = driver.execute_script(_ROWS_JS, key)
    return state


def wait_for(driver: WebDriver, condition: Callable[[], bool], what: str) -> None:
    """Wait until condition() holds, then return; fail saying what was awaited."""
    try:
        WebDriverWait(driver, WAIT_SECONDS).until(lambda _: condition())
    except TimeoutException:
        pytest.fail(f"waited {WAIT_SECONDS} s for {what}")


def sort_button(driver: WebDriver, key: str) -> WebElement:
    """Return the sort button of a column."""
    return driver.find_element(By.CSS_SELECTOR, f'#procedures thead button[data-sort-key="{key}"]')


def numbers(values: list[str | None]) -> list[float]:
    """Return the data-values of a numeric column as numbers."""
    assert all(v is not None and v != "" for v in values), values
    return [float(v) for v in values if v is not None]


def ordered_by(values: list[float], sort: str | None) -> bool:
    """Tell whether values are in the order aria-sort says."""
    if sort == "ascending":
        return values == sorted(values)
    if sort == "descending":
        return values == sorted(values, reverse=True)
    return False


def sort_and_check(driver: WebDriver, key: str, press: Callable[[], None]) -> str:
    """Press a sort control, wait for the rows to follow aria-sort, and return the new aria-sort."""
    before = table_state(driver, key)
    press()

    def sorted_now() -> bool:
        state = table_state(driver, key)
        return state["sort"] != before["sort"] and ordered_by(
            numbers([r["value"] for r in state["rows"]]), state["sort"]
        )

    wait_for(driver, sorted_now, f"the rows to be ordered by {key} as its aria-sort says (it was {before['sort']!r})")
    after = table_state(driver, key)
    assert sorted(r["id"] for r in after["rows"]) == sorted(r["id"] for r in before["rows"])
    # Only the sorted column claims an order.
    assert [s for s in after["sorts"] if s in ("ascending", "descending")] == [after["sort"]]
    return str(after["sort"])


def visible_ids(driver: WebDriver) -> set[str]:
    """Return the data-id of every body row the browser displays, as WebElement.is_displayed() judges."""
    # The same atom is_displayed() runs, over every row in one round trip instead of one per row.
    script = (
        f"const shown = ({_IS_DISPLAYED}); return arguments[0].filter(row => shown(row)).map(row => row.dataset.id);"
    )
    rows = driver.find_elements(By.CSS_SELECTOR, "#procedures tbody tr")
    return set(driver.execute_script(script, rows))


def shown_count(driver: WebDriver) -> list[int]:
    """Return the numbers #shown-count says."""
    text = driver.find_element(By.ID, "shown-count").text
    return [int(n) for n in re.findall(r"\d+", text.replace(",", ""))]


def filter_and_check(driver: WebDriver, expected: set[str], action: Callable[[], None], what: str) -> None:
    """Apply a filter; the displayed rows must become exactly the expected ones, and #shown-count say so."""
    action()
    wait_for(
        driver,
        lambda: {r["id"] for r in table_state(driver)["rows"] if r["shown"]} == expected,
        f"{len(expected)} rows after {what}",
    )
    assert visible_ids(driver) == expected, what
    assert len(expected) in shown_count(driver), (what, driver.find_element(By.ID, "shown-count").text)


def open_first_procedure(driver: WebDriver) -> str:
    """Click the name link of the first row the index shows; return that procedure's name as the link shows it."""
    links = driver.find_elements(By.CSS_SELECTOR, '#procedures tbody tr a[href^="procedures/"]')
    link = next(link for link in links if link.is_displayed())
    name = link.text.strip()
    link.click()
    wait_for(driver, lambda: "/procedures/" in driver.current_url, "the procedure page to open")
    wait_for(driver, lambda: driver.execute_script("return document.readyState") == "complete", "the page to load")
    return name


def flow_diagram(driver: WebDriver) -> WebElement:
    """Return the procedure page's flow diagram: the inline SVG that Graphviz drew (it has nodes)."""
    diagrams = driver.find_elements(By.XPATH, "//*[local-name()='svg'][.//*[local-name()='g' and @class='node']]")
    assert diagrams, "no inline SVG with Graphviz nodes on the procedure page"
    return diagrams[0]


# --- the index ---------------------------------------------------------------------------------------------


def test_index_is_japanese_with_a_heading_and_every_procedure(index: WebDriver, procedure_ids: set[str]) -> None:
    assert index.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
    heading = index.find_element(By.TAG_NAME, "h1")
    assert heading.is_displayed() and heading.text.strip()
    rows = table_state(index)["rows"]
    assert len(rows) == len(procedure_ids)
    assert {r["id"] for r in rows} == procedure_ids
    assert visible_ids(index) == procedure_ids
    assert len(procedure_ids) in shown_count(index)


def test_clicking_a_header_sorts_by_its_values_and_sets_aria_sort(index: WebDriver) -> None:
    button = sort_button(index, "volume")
    first = sort_and_check(index, "volume", button.click)
    second = sort_and_check(index, "volume", button.click)
    # 年間件数 ranks the largest first on the first click, as a chief reads it; the second turns it round.
    assert (first, second) == ("descending", "ascending")
    caption = index.find_element(By.ID, "procedures-caption").text
    assert "小さい順" in caption and "全" in caption  # the caption says the order the rows are in
    # Another column takes over: volume no longer claims an order.
    sort_and_check(index, "hours", sort_button(index, "hours").click)


def test_a_header_sorts_from_the_keyboard(index: WebDriver) -> None:
    button = sort_button(index, "hours")
    index.execute_script("arguments[0].focus()", button)
    assert index.switch_to.active_element == button

    def press(key: str) -> Callable[[], None]:
        return lambda: ActionChains(index).send_keys(key).perform()

    first = sort_and_check(index, "hours", press(Keys.ENTER))
    second = sort_and_check(index, "hours", press(Keys.SPACE))
    assert {first, second} == {"ascending", "descending"}


def test_filters_show_only_the_matching_rows_and_say_how_many(index: WebDriver, report: Path) -> None:
    rows = table_state(index)["rows"]
    every = {r["id"] for r in rows}

    # A word of one procedure's name that other procedures share, but not all of them.
    word = _shared_word(rows)
    box = index.find_element(By.ID, "filter-text")
    expected = {r["id"] for r in rows if word.lower() in r["text"].lower()}
    filter_and_check(index, expected, lambda: box.send_keys(word), f"typing {word!r}")

    index.get((report / "index.html").as_uri())
    section = _most_common(rows, "section")
    select = Select(index.find_element(By.ID, "filter-section"))
    expected = {r["id"] for r in rows if r["section"] == section}
    assert expected != every
    filter_and_check(index, expected, lambda: select.select_by_value(section), f"section {section}")

    priority = index.find_element(By.ID, "filter-priority")
    expected = {r["id"] for r in rows if r["section"] == section and r["priority"] == "true"}
    filter_and_check(index, expected, priority.click, f"section {section} and national priority")
    filter_and_check(index, {r["id"] for r in rows if r["section"] == section}, priority.click, "priority unticked")
    filter_and_check(index, every, lambda: select.select_by_value(""), "every section")

    measure = _most_common(rows, "measure")
    expected = {r["id"] for r in rows if r["measure"] == measure}
    assert expected != every
    measures = Select(index.find_element(By.ID, "filter-measure"))
    filter_and_check(index, expected, lambda: measures.select_by_value(measure), f"measure {measure}")

    expected = {r["id"] for r in rows if r["measure"] == measure and r["priority"] == "true"}
    filter_and_check(index, expected, priority.click, f"measure {measure} and national priority")


def _most_common(rows: list[dict[str, Any]], attribute: str) -> str:
    """Return the value of a data attribute that most rows share."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[attribute]] = counts.get(row[attribute], 0) + 1
    return max(sorted(counts), key=counts.__getitem__)


def _shared_word(rows: list[dict[str, Any]]) -> str:
    """Return the two-character substring of the searchable texts found in most rows, short of every row."""
    counts: dict[str, int] = {}
    for row in rows:
        text = row["text"]
        for piece in {text[i : i + 2] for i in range(len(text) - 1)}:
            if not piece.isspace() and piece.strip() == piece:
                counts[piece] = counts.get(piece, 0) + 1
    candidates = [p for p in sorted(counts) if 1 < counts[p] < len(rows) // 2]
    assert candidates, "no word of the searchable text is shared by a few rows"
    return max(candidates, key=counts.__getitem__)


# --- a procedure page ----------------------------------------------------------------------------------------


def test_a_name_link_opens_the_procedure_page(index: WebDriver) -> None:
    name = open_first_procedure(index)
    assert index.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
    heading = index.find_element(By.TAG_NAME, "h1")
    assert heading.is_displayed()
    assert name in heading.text


@pytest.mark.skipif(shutil.which("dot") is None, reason="the flow diagram needs Graphviz dot")
def test_the_flow_diagram_is_an_inline_svg_the_reader_sees(index: WebDriver) -> None:
    open_first_procedure(index)
    diagram = flow_diagram(index)
    assert diagram.is_displayed()
    assert diagram.size["width"] > 0 and diagram.size["height"] > 0, diagram.size


# --- on a phone -----------------------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
NARROWEST_COLUMN = 4  # characters: 課 at one character a line, 手続名 at four, was issue 23's phone
SMALLEST_DIAGRAM_TEXT = 9  # px on the screen: the embedded swimlane's text was a few pixels high

# Every table cell of the page's body that holds text, with the width its text has, in characters of its
# own size (the content box: the cell less its padding and borders). Cells left out (display: none) are
# not measured. Rows far from the window (content-visibility: auto) are laid out first as they are when
# scrolled to: a skipped row's first cell would measure 0 wide.
_CELLS_JS = """
document.querySelectorAll('main tbody tr').forEach(row => { row.style.contentVisibility = 'visible'; });
return [...document.querySelectorAll('main :is(tbody, tfoot) :is(td, th)')]
  .filter(cell => cell.textContent.trim() && getComputedStyle(cell).display !== 'none')
  .map(cell => {
    const style = getComputedStyle(cell);
    const box = ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth']
      .reduce((sum, key) => sum + parseFloat(style[key]), 0);
    const table = cell.closest('table');
    return {
      table: table.id || table.className,
      text: cell.textContent.trim().slice(0, 24),
      characters: (cell.getBoundingClientRect().width - box) / parseFloat(style.fontSize),
    };
  });
"""

# The flow diagram's frame and the size of its smallest text as the screen shows it.
_DIAGRAM_JS = """
const svg = document.querySelector('svg.flow');
const pan = svg.closest('.pan');
const scale = svg.getScreenCTM().a;
const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
return {smallest: Math.min(...sizes), frame: pan.clientWidth, drawing: pan.scrollWidth,
        overflow: getComputedStyle(pan).overflowX};
"""


@pytest.fixture
def phone(driver: WebDriver) -> Iterator[WebDriver]:
    """Return the driver showing pages as a phone of 390 × 844 CSS pixels does; the desktop size after."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        yield driver
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def largest_diagram(report: Path) -> str:
    """Return the page of the procedure whose flow diagram is the tallest (the hardest to show and print)."""
    heights = {}
    for page in sorted((report / "procedures").glob("*.html")):
        svg = re.search(r'<svg [^>]*class="flow"[^>]*>', page.read_text(encoding="utf-8"))
        box = re.search(r'viewBox="0 0 \d+ (\d+)"', svg.group()) if svg else None
        if box:
            heights[page.name] = int(box.group(1))
    assert heights, "no procedure page has a flow diagram"
    return f"procedures/{max(sorted(heights), key=heights.__getitem__)}"


def phone_pages(report: Path) -> list[str]:
    """Return a page of each kind: the index, a section, the procedure with the largest diagram, an event, documents."""
    found = ["index.html", f"sections/{sorted(p.name for p in (report / 'sections').iterdir())[0]}"]
    if shutil.which("dot"):
        found.append(largest_diagram(report))
    else:
        found.append(f"procedures/{sorted(p.name for p in (report / 'procedures').iterdir())[0]}")
    found.append(f"events/{sorted(p.name for p in (report / 'events').iterdir())[0]}")
    found.append("documents.html")
    return found


def test_on_a_phone_no_text_column_is_narrower_than_four_characters(phone: WebDriver, report: Path) -> None:
    for page in phone_pages(report):
        phone.get((report / page).as_uri())
        assert phone.execute_script("return window.innerWidth") == PHONE["width"]
        # The page itself never scrolls sideways: tables are cards, the diagram pans inside its frame.
        assert phone.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"], page
        cells = phone.execute_script(_CELLS_JS)
        assert len(cells) > 10, page
        narrow = [cell for cell in cells if cell["characters"] < NARROWEST_COLUMN]
        assert narrow == [], f"{page}: {narrow[:5]}"


def test_on_a_phone_the_ranked_table_is_cards_that_still_sort(phone: WebDriver, report: Path) -> None:
    phone.get((report / "index.html").as_uri())
    rows = phone.find_elements(By.CSS_SELECTOR, "#procedures tbody tr")
    first, second = rows[0].rect, rows[1].rect
    # One card a procedure, the width of the page, the second under the first: not a wide table.
    assert first["width"] <= PHONE["width"] and second["y"] >= first["y"] + first["height"]
    name = rows[0].find_element(By.CSS_SELECTOR, "td:nth-child(2)")
    assert name.rect["y"] < rows[0].find_element(By.CSS_SELECTOR, "td:nth-child(1)").rect["y"]  # the name first
    assert (
        phone.execute_script(
            "return getComputedStyle(arguments[0], '::before').content",
            rows[0].find_element(By.CSS_SELECTOR, "td:nth-child(5)"),
        )
        == '"期待削減 (時間/年)"'
    )
    button = sort_button(phone, "volume")
    assert button.is_displayed()
    assert sort_and_check(phone, "volume", button.click) == "descending"


@pytest.mark.skipif(shutil.which("dot") is None, reason="the flow diagram needs Graphviz dot")
def test_on_a_phone_the_diagram_keeps_readable_text_and_pans(phone: WebDriver, report: Path) -> None:
    phone.get((report / largest_diagram(report)).as_uri())
    diagram = phone.execute_script(_DIAGRAM_JS)
    assert diagram["smallest"] >= SMALLEST_DIAGRAM_TEXT, diagram
    assert diagram["overflow"] == "auto" and diagram["drawing"] > diagram["frame"], diagram


# --- on paper ---------------------------------------------------------------------------------------------------

A4_LANDSCAPE_WIDTH = round((297 - 2 * 10) / 25.4 * 96)  # CSS px between report.css's @page margins


def printed_pages(driver: WebDriver, folder: Path) -> list[str]:
    """Print the page as the browser's print does (its CSS page size) and return each sheet's text."""
    pdf = folder / "printed.pdf"
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
    pdf.write_bytes(base64.b64decode(printed["data"]))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_no_heading_ends_a_sheet(driver: WebDriver, sheets: list[str], page: str) -> None:
    """Fail when a heading, a table's caption or its header row is the last line of a sheet, apart from what follows."""
    headings = set(
        driver.execute_script(
            "return [...document.querySelectorAll('main :is(h2, h3, caption), main thead tr')]"
            ".map(e => e.textContent.replace(/\\s+/g, ''))"
        )
    )
    for number, sheet in enumerate(sheets, start=1):
        lines = [line.strip() for line in sheet.splitlines() if line.strip()]
        assert lines and _squeezed(lines[-1]) not in headings, f"{page}: sheet {number} ends with {lines[-1]!r}"


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


@needs_poppler
@pytest.mark.skipif(shutil.which("dot") is None, reason="the flow diagram needs Graphviz dot")
def test_a_procedure_page_prints_its_diagram_whole_beside_its_heading(
    driver: WebDriver, report: Path, tmp_path: Path
) -> None:
    page = largest_diagram(report)
    driver.get((report / page).as_uri())
    # What only the drawing says (lane names, the diagram's banner): text the rest of the page does not repeat.
    drawn = driver.execute_script(
        """
        const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('svg').forEach(svg => svg.remove());
        const rest = main.textContent.replace(/\\s+/g, '');
        return [...document.querySelectorAll('svg.flow text')].map(t => t.textContent.replace(/\\s+/g, ''))
          .filter(t => t.length > 2 && !rest.includes(t));
        """
    )
    assert drawn, "the diagram has no text of its own to find on paper"
    sheets = [_squeezed(sheet) for sheet in printed_pages(driver, tmp_path)]
    heading = [n for n, sheet in enumerate(sheets) if "業務フロー図（" in sheet]
    assert len(heading) == 1, heading
    sheet = heading[0]
    raw = printed_pages(driver, tmp_path)[sheet]
    assert "業務フロー" in [line.strip() for line in raw.splitlines()], "the heading is not on the diagram's sheet"
    # The drawing is on that sheet and on no other: it is not split.
    assert any(text in sheets[sheet] for text in drawn)
    elsewhere = [(n, text) for n, other in enumerate(sheets) if n != sheet for text in drawn if text in other]
    assert elsewhere == [], elsewhere
    assert_no_heading_ends_a_sheet(driver, printed_pages(driver, tmp_path), page)


_PRINTED_TABLE_JS = """
const table = document.getElementById('procedures');
const spill = cell => cell.scrollWidth > cell.clientWidth + 1;
const heads = [...table.tHead.rows[0].cells];
return {
  right: table.getBoundingClientRect().right,
  width: document.documentElement.clientWidth,
  labels: heads.map(th => getComputedStyle(th, '::before').content),
  spilling: [...heads, ...table.tBodies[0].rows[0].cells].filter(spill).map(c => c.textContent.trim()),
  hint: getComputedStyle(document.querySelector('.sort-hint')).display,
};
"""


@needs_poppler
def test_the_procedure_list_prints_every_column_with_its_unit(driver: WebDriver, report: Path, tmp_path: Path) -> None:
    driver.get((report / "index.html").as_uri())
    assert_no_heading_ends_a_sheet(driver, printed_pages(driver, tmp_path), "index.html")
    # Laid out for paper, as wide as the A4 sheet between its margins.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": A4_LANDSCAPE_WIDTH, "height": 700, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        printed = driver.execute_script(_PRINTED_TABLE_JS)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert printed["right"] <= printed["width"], printed  # 国の優先 is not cut off at the sheet's edge
    assert printed["spilling"] == [], printed  # no header or value runs under the next column
    assert '"期待削減 (時間/年)"' in printed["labels"], printed["labels"]
    assert printed["hint"] == "none"  # the buttons do not print, nor the hint about them


# --- what the browser saw -----------------------------------------------------------------------------------


def test_nothing_requests_the_network_and_the_console_has_no_errors(driver: WebDriver, report: Path) -> None:
    driver.get_log("performance"), driver.get_log("browser")  # what earlier tests left
    driver.get((report / "index.html").as_uri())
    sort_button(driver, "volume").click()
    driver.find_element(By.ID, "filter-text").send_keys("届")
    open_first_procedure(driver)
    requested = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    assert any(url.startswith("file:") and url.endswith("index.html") for url in requested), requested
    assert [url for url in requested if not url.startswith(LOCAL_SCHEMES)] == []
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_without_javascript_the_table_is_complete(
    report: Path, procedure_ids: set[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    driver = start_chromium(tmp_path_factory.mktemp("profile-nojs"), javascript=False)
    try:
        driver.get((report / "index.html").as_uri())
        assert visible_ids(driver) == procedure_ids
        links = driver.find_elements(By.CSS_SELECTOR, '#procedures tbody tr a[href^="procedures/"]')
        assert len(links) == len(procedure_ids)
        # The page's own script did not run: a sort button does nothing.
        before = [r["id"] for r in table_state(driver)["rows"]]
        sort_button(driver, "volume").click()
        assert [r["id"] for r in table_state(driver)["rows"]] == before
    finally:
        driver.quit()


def test_screenshots_of_the_index_and_a_procedure_page(
    index: WebDriver, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = Path(os.environ.get("BPR_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    # What a reader sees first, without scrolling: the heading is on the first screen.
    assert index.find_element(By.TAG_NAME, "h1").location["y"] < index.execute_script("return window.innerHeight")
    _save(folder / "index.png", index.get_screenshot_as_png())
    _save(folder / "index-full.png", _full_page(index))
    open_first_procedure(index)
    _save(folder / "procedure.png", index.get_screenshot_as_png())
    _save(folder / "procedure-full.png", _full_page(index))
    print(f"screenshots of the report: {folder}")


def _full_page(driver: WebDriver) -> bytes:
    """Return a PNG of the whole page, not only the window (at most 12,000 pixels tall)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 12_000), "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    return base64.b64decode(shot["data"])


def _save(path: Path, png: bytes) -> None:
    """Write a screenshot, checking that it is a PNG of some size."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    path.write_bytes(png)
