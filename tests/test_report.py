"""`bpr report`: the static HTML report — its pages, the ranked table's DOM contract, escaping, determinism.

Pages are parsed with the standard library's HTML parser into a small tree; the browser tests
(tests/test_report_browser.py) check the same pages in Chromium.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_startup import run_bpr
from typer.testing import CliRunner

from bpr import __version__
from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis
from bpr.analysis.scope import Scope
from bpr.analysis.summary import summarise
from bpr.cli.main import app
from bpr.config import Config
from bpr.export.edition import MODEL_VERSION
from bpr.export.filenames import safe_stem
from bpr.export.presentation import UPTAKE_LABEL, recommendation_label
from bpr.export.report import write_report
from bpr.export.report.files import procedure_pages, section_pages
from bpr.export.report.svg import UnsafeSvg, embeddable_svg
from bpr.inventory.loader import load_inventory

from conftest import INVENTORIES

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

SORT_KEYS = {"rank", "name", "section", "volume", "hours", "online", "rpa", "ai_ocr", "recommendation"}
TEXT_KEYS = {"name", "section"}
MEASURES = {"online", "rpa", "ai_ocr", "bpr", "none"}
VOID = {"meta", "link", "input", "col", "br", "img", "hr", "source", "wbr"}
URL = re.compile(r"https?://", re.IGNORECASE)

HOSTILE = """\
version: 1
counter:
  id: hostile
  name: '窓口<script>alert("counter")</script>'
  section: '課"><img src=x onerror=alert(1)>#%?'
  surveyed_on: 2022-07-15
procedures:
  - id: con
    name: '</textarea><script>alert(2)</script>{{ 7*7 }}{% if true %}jinja{% endif %}'
    legal_basis: '&amp; <b>law</b>'
    annual_volume: 5000
    national_priority: true
    issues:
      - 'see https://evil.example/x and javascript:alert(4)'
    notes: '"onerror=alert(5) x="'
    attachments:
      - {name: '<b>住民票</b>', source: self, procedure: aux}
    steps:
      - {id: write, name: '<svg onload=alert(3)>記入', actor: citizen, action: write, medium: paper, handwritten: true, in_person: true, effort: 10m, wait: 15m}
      - {id: check, name: ']]><!-- 審査 -->', actor: counter, action: check, medium: paper, rule_based: true, effort: 10m, system: "<iframe src='https://evil.example/'>"}
  - id: aux
    name: "住民票の写し 'single' \\"double\\""
    annual_volume: 20000
    fee: {amount: 300}
    steps:
      - {id: write, name: 申請書の記入, actor: citizen, action: write, medium: paper, handwritten: true, in_person: true, effort: 5m}
      - {id: issue, name: 発行, actor: counter, action: issue, medium: paper, rule_based: true, effort: 3m}
"""


@dataclass
class Node:
    """An element of a parsed page: its tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def iter(self) -> list[Node]:
        """Return this element and every element under it, in document order."""
        found = [self]
        for child in self.children:
            found += child.iter()
        return found

    def find(self, tag: str, **attrs: str) -> list[Node]:
        """Return the elements under this one with this tag and these attribute values."""
        return [n for n in self.iter() if n.tag == tag and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def one(self, tag: str, **attrs: str) -> Node:
        """Return the one element with this tag and attributes."""
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    def all_text(self) -> str:
        """Return the text of this element and its descendants."""
        return "".join(self.text) + "".join(child.all_text() for child in self.children)


class Tree(HTMLParser):
    """Parses a page into Nodes, and keeps every attribute value and text run for the escaping checks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.attributes: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].text.append(data)
        self.texts.append(data)


def parse(path: Path) -> Tree:
    """Return the parsed tree of a page, checking that every element it opens, it closes."""
    tree = Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    tree.close()
    assert [n.tag for n in tree.stack] == ["#document"], f"{path}: unclosed {[n.tag for n in tree.stack]}"
    return tree


def analysis_of(folder: Path) -> Analysis:
    """Return the analysis of an inventory folder, with the default config."""
    inventory, _ = load_inventory([folder])
    return analyse_inventory(inventory, Config())


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder of `bpr report inventories/` (with diagrams when dot is installed)."""
    folder = tmp_path_factory.mktemp("sample") / "report"
    result = CliRunner().invoke(app, ["report", str(INVENTORIES), "-o", str(folder)])
    assert result.exit_code == 0, result.output + result.stderr
    return folder


@pytest.fixture(scope="module")
def sample_analysis() -> Analysis:
    """Return the analysis of the sample inventory."""
    return analysis_of(INVENTORIES)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """Return an inventory folder whose every text is markup, script, template syntax or a URL."""
    folder = tmp_path / "inventories"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    return folder


def pages(folder: Path) -> list[Path]:
    """Return every HTML page of a report."""
    return sorted(folder.rglob("*.html"))


# --- the pages -------------------------------------------------------------------------------------------------


def test_the_sample_report_has_a_page_for_everything(sample_report: Path, sample_analysis: Analysis) -> None:
    for name in ("index.html", "documents.html", "report.css", "report.js", ".bpr-report"):
        assert (sample_report / name).is_file(), name
    ids = [p.id for p in sample_analysis.procedures]
    assert {p.name for p in (sample_report / "procedures").iterdir()} == {f"{pid}.html" for pid in ids}
    sections = {p.counter.section for p in sample_analysis.procedures}
    assert {p.name for p in (sample_report / "sections").iterdir()} == {f"{s}.html" for s in sections}
    events = {f"{j.event.value}.html" for j in sample_analysis.journeys}
    assert events and {p.name for p in (sample_report / "events").iterdir()} == events
    manifest = json.loads((sample_report / ".bpr-report").read_text(encoding="utf-8"))["files"]
    assert "index.html" in manifest and "procedures/shimin-juminhyo.html" in manifest


def test_every_page_is_japanese_with_one_h1_and_headings_in_order(sample_report: Path) -> None:
    for path in pages(sample_report):
        tree = parse(path)
        html = tree.root.one("html")
        assert html.attrs["lang"] == "ja", path
        headings = [int(n.tag[1]) for n in tree.root.iter() if re.fullmatch(r"h[1-6]", n.tag)]
        assert headings[0] == 1 and headings.count(1) == 1, (path, headings)
        assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), (path, headings)
        csp = tree.root.one("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
        assert all(th.attrs.get("scope") in ("col", "row") for th in tree.root.find("th")), path


def test_every_form_control_has_a_label(sample_report: Path) -> None:
    tree = parse(sample_report / "index.html")
    labelled = {n.attrs.get("for") for n in tree.root.find("label")}
    controls = [n for n in tree.root.iter() if n.tag in ("input", "select")]
    assert len(controls) == 4
    assert all(n.attrs["id"] in labelled for n in controls)


def test_no_page_names_an_external_url_or_loads_anything_but_its_own_files(sample_report: Path) -> None:
    for path in sorted(p for p in sample_report.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        assert not URL.search(text), f"{path} names a URL: {URL.search(text)}"
    for path in pages(sample_report):
        tree = parse(path)
        for tag, name, value in tree.attributes:
            assert not name.startswith("on"), (path, tag, name)
            if name in ("href", "src"):
                assert value == "data:," or not re.match(r"^[a-z][a-z0-9+.-]*:|^//", value, re.I), (path, value)
        scripts = tree.root.find("script")
        assert all(s.attrs.get("src", "").endswith("report.js") and not s.all_text().strip() for s in scripts)
        assert not tree.root.find("style") and not any(name == "style" for _, name, _ in tree.attributes)


def test_links_between_pages_lead_to_pages_that_exist(sample_report: Path) -> None:
    from urllib.parse import unquote

    for path in pages(sample_report):
        for tag, name, value in parse(path).attributes:
            if name == "href" and tag == "a" and not value.startswith("#"):
                target = (path.parent / unquote(value.split("#")[0])).resolve()
                assert target.is_file(), (path, value)


# --- the ranked table ------------------------------------------------------------------------------------------


def test_the_index_table_follows_the_dom_contract(sample_report: Path, sample_analysis: Analysis) -> None:
    tree = parse(sample_report / "index.html")
    table = tree.root.one("table", id="procedures")
    header = table.one("thead")
    sortable = [th for th in header.find("th") if "aria-sort" in th.attrs]
    keys = []
    for th in sortable:
        assert th.attrs["scope"] == "col"
        button = th.one("button")
        assert button.attrs["type"] == "button"
        keys.append(button.attrs["data-sort-key"])
        assert th.attrs["aria-sort"] == ("ascending" if keys[-1] == "rank" else "none")
    assert set(keys) == SORT_KEYS and len(keys) == len(SORT_KEYS)
    columns = {key: index for index, key in enumerate(keys)}
    rows = table.one("tbody").find("tr")
    assert len(rows) == len(sample_analysis.procedures)
    by_id = {p.id: p for p in sample_analysis.procedures}
    for row, expected in zip(rows, sample_analysis.procedures, strict=True):
        assert row.attrs["data-id"] == expected.id  # rank order without JavaScript
        assert row.attrs["data-section"] == expected.counter.section
        assert row.attrs["data-measure"] in MEASURES and row.attrs["data-measure"] == expected.recommendation.value
        assert row.attrs["data-priority"] == ("true" if expected.procedure.national_priority else "false")
        assert unicodedata.normalize("NFKC", expected.procedure.name).lower() in row.attrs["data-text"]
        cells = row.find("td")
        for key, index in columns.items():
            value = cells[index].attrs["data-value"]
            if key not in TEXT_KEYS:
                float(value)  # a plain number
                assert re.fullmatch(r"-?\d+(\.\d+)?", value), (key, value)
        assert int(cells[columns["rank"]].attrs["data-value"]) == by_id[row.attrs["data-id"]].rank
        assert int(cells[columns["volume"]].attrs["data-value"]) == expected.procedure.annual_volume
        link = cells[columns["name"]].one("a").attrs["href"]
        assert link.startswith("procedures/") and (sample_report / link).is_file()


def test_the_ranked_table_s_phone_labels_are_its_headers(sample_report: Path) -> None:
    # On a phone a row is a card, each value under its header: report.css names the ranked table's columns
    # (10,000 rows would carry too many bytes of data-label), so the names must follow the headers.
    css = (sample_report / "report.css").read_text(encoding="utf-8")
    named = {
        int(n): text
        for n, text in re.findall(r'table\.ranked td:nth-child\((\d+)\)::before \{ content: "([^"]+)"', css)
    }
    header = parse(sample_report / "index.html").root.one("table", id="procedures").one("thead").find("th")
    expected = {n: th.attrs.get("data-label") or th.all_text() for n, th in enumerate(header, start=1)}
    del expected[2]  # 手続名 titles the card
    assert named == expected


def test_the_filters_sit_above_the_table_with_every_section_and_measure(
    sample_report: Path, sample_analysis: Analysis
) -> None:
    tree = parse(sample_report / "index.html")
    form = tree.root.one("form", id="filters")
    assert "hidden" in form.attrs  # shown by the script; without it the table alone reads in rank order
    assert form.one("input", id="filter-text").attrs["type"] == "search"
    sections = [o.attrs["value"] for o in form.one("select", id="filter-section").find("option")]
    assert sections[0] == "" and set(sections[1:]) == {p.counter.section for p in sample_analysis.procedures}
    measures = [o.attrs["value"] for o in form.one("select", id="filter-measure").find("option")]
    assert measures[0] == "" and set(measures[1:]) == MEASURES
    assert form.one("input", id="filter-priority").attrs["type"] == "checkbox"
    count = form.one("output", id="shown-count").all_text()
    assert str(len(sample_analysis.procedures)) in count
    assert tree.root.one("noscript")
    script = tree.root.one("script")
    assert script.attrs["src"] == "report.js" and "defer" in script.attrs
    page = (sample_report / "index.html").read_text(encoding="utf-8")
    assert page.index('id="filters"') < page.index('id="procedures"')


def test_the_index_shows_the_summary_s_figures(sample_report: Path, sample_analysis: Analysis) -> None:
    page = (sample_report / "index.html").read_text(encoding="utf-8")
    summary = summarise(sample_analysis)

    def figure(name: str) -> str:
        match = re.search(rf'(?:id|data-figure)="{name}">([^<]*)<', page)
        assert match, name
        return match.group(1)

    assert figure("figure-procedures") == f"{summary.procedures:,}"
    assert figure("figure-counters") == f"{summary.counters:,}"
    assert figure("figure-volume") == f"{summary.annual_volume:,}"
    assert figure("figure-hours") == f"{summary.total_placed.hours:,.0f}"
    assert figure("figure-fte") == f"{summary.total_placed.fte:,.2f}"
    assert figure("figure-yen") == f"{summary.total_placed.thousand_yen:,.0f}"
    assert figure("total-hours") == f"{summary.total_placed.hours:,.0f}"
    assert figure("total-staff") == f"{summary.total_placed.staff:,.0f}"
    assert figure("total-citizen") == f"{summary.total_placed.citizen:,.0f}"
    tree = parse(sample_report / "index.html")
    rows = tree.root.one("table", id="sections").one("tbody").find("tr")
    for row, (section, part) in zip(rows, Scope.of(sample_analysis).summaries_by_section(), strict=True):
        cells = [c.all_text() for c in row.find("td")]
        assert row.one("th").all_text() == section
        assert cells[1] == f"{part.procedures:,}" and cells[5] == f"{part.total_placed.hours:,.0f}"


def test_a_procedure_page_shows_its_figures_scores_reasons_and_plan(
    sample_report: Path, sample_analysis: Analysis
) -> None:
    item = sample_analysis.procedures[0]
    page = (sample_report / "procedures" / f"{item.id}.html").read_text(encoding="utf-8")
    for text in (
        item.procedure.name,
        f"{item.procedure.annual_volume:,}",
        f"{item.figures.staff_hours:,.0f}",
        f"{item.scores.online:.1f}",
        item.reasons[0].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "計画と進捗",
        "課題",
        "添付書類",
        "検証の警告",
    ):
        assert text in page, text


def test_uptake_of_a_channel_that_exists_is_named_as_the_workbook_names_it(
    sample_report: Path, sample_analysis: Analysis
) -> None:
    # One word, one source (bpr/export/presentation.py): 利用促進 on every page that names the recommendation.
    uptake = {p.id for p in sample_analysis.procedures if p.primary is not None and p.primary.uptake}
    assert len(uptake) >= 2
    planned = Scope.of(sample_analysis).planned
    labels = {p.id: recommendation_label(planned[p.id]) for p in sample_analysis.procedures}
    assert {pid for pid, label in labels.items() if label == UPTAKE_LABEL} == uptake

    def chips(table: Node) -> dict[str, str]:
        """Return each row's procedure (by its link) and the text of its measure chip."""
        found = {}
        for row in table.one("tbody").find("tr"):
            link = row.find("a")[0].attrs["href"].rsplit("/", 1)[-1].removesuffix(".html")
            (chip,) = [span for span in row.find("span") if span.attrs.get("class", "").startswith("chip ")]
            found[link] = chip.all_text()
        return found

    index = parse(sample_report / "index.html").root
    ranked = index.one("table", id="procedures").one("tbody").find("tr")
    assert {row.attrs["data-id"]: row.find("td")[8].all_text() for row in ranked} == labels
    top = chips(index.one("table", id="top"))
    assert top and all(text == labels[pid] for pid, text in top.items())
    assert UPTAKE_LABEL in top.values()
    seen = set()
    for path in sorted((sample_report / "sections").glob("*.html")):
        listed = chips(parse(path).root.one("table", id="section-procedures"))
        assert all(text == labels[pid] for pid, text in listed.items()), path
        seen |= {pid for pid, text in listed.items() if text == UPTAKE_LABEL}
    assert seen == uptake
    for pid in uptake:
        lead = parse(sample_report / "procedures" / f"{pid}.html").root.one("p", **{"class": "lead"})
        assert [span.all_text() for span in lead.find("span") if "chip" in span.attrs["class"]] == [UPTAKE_LABEL]


@needs_dot
def test_a_procedure_page_embeds_its_flow_diagram_as_svg(sample_report: Path) -> None:
    tree = parse(sample_report / "procedures" / "shimin-juminhyo.html")
    svg = tree.root.one("svg", **{"class": "flow"})
    assert svg.attrs["role"] == "img" and svg.children[0].tag == "title"
    assert svg.find("g", **{"class": "node"})
    assert "交付請求書の記入" in svg.all_text()


# --- hostile text ----------------------------------------------------------------------------------------------


def test_hostile_inventory_text_appears_only_as_text(hostile: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", str(hostile), "-o", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    texts: list[str] = []
    for path in pages(out):
        raw = path.read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<img" not in raw and "<iframe" not in raw and "<textarea" not in raw
        assert "</textarea>" not in raw and "<svg onload" not in raw and "<b>" not in raw
        assert "49jinja" not in raw  # template syntax in the inventory is never run
        tree = parse(path)
        for tag, name, value in tree.attributes:
            assert not name.startswith("on"), (path, tag, name, value)
            assert "evil.example" not in value and "javascript:" not in value, (path, tag, name, value)
        assert all(s.attrs.get("src", "").endswith("report.js") for s in tree.root.find("script"))
        texts += tree.texts
        for match in URL.finditer(raw):  # a URL only inside escaped inventory text, between tags
            before = raw[: match.start()]
            assert before.rfind(">") > before.rfind("<"), (path, raw[match.start() - 80 : match.end()])
            assert raw.startswith("https://evil.example/", match.start()), path
    shown = "".join(texts)
    assert "</textarea><script>alert(2)</script>{{ 7*7 }}{% if true %}jinja{% endif %}" in shown
    assert "<svg onload=alert(3)>記入" in shown  # in the steps table and, when dot is there, in the diagram
    assert "see https://evil.example/x and javascript:alert(4)" in shown
    assert '"onerror=alert(5) x="' in shown
    names = sorted(p.name for p in (out / "sections").iterdir())
    assert len(names) == 1 and not set(names[0]) & set('<>:"/\\|?*')
    assert sorted(p.name for p in (out / "procedures").iterdir()) == ["_aux.html", "_con.html"]


def test_the_svg_of_a_diagram_keeps_drawing_only() -> None:
    hostile = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" height="10pt"
     onload="alert(1)" viewBox="0.00 0.00 10.00 10.00">
<script>alert(2)</script><style>*{x:y}</style>
<g id="graph0" class="graph" onclick="alert(3)"><title>t</title>
<a xlink:href="javascript:alert(4)"><text x="1.234" y="2" fill="url(https://evil.example/)">&lt;b&gt;x</text></a>
<polygon fill="url(#grad)" stroke="black" points="0.004,1 2,3.333"/>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
<text x="3" y="4" style="fill:red" text-anchor="start">&amp;ok</text>
<g class="node"><polygon fill="#ffffff" stroke="transparent" points="1,1 2,1 2,2 1,1"/></g>
<g class="edge"><path fill="none" stroke="#b8b8b8" d="M5.04,0C5.04,-4 5.04,-6 5.04,-9.6"/></g>
<g class="edge"><path fill="none" stroke="#b8b8b8" d="M5.04,-9.6C5.04,-12 5.04,-14 5.04,-20"/></g>
</g></svg>"""
    markup = str(embeddable_svg(hostile, "図 <title>"))
    assert markup.startswith('<svg width="10pt" height="10pt" viewBox="0 0 10 10" role="img" class="flow">')
    assert "<title>図 &lt;title&gt;</title>" in markup
    for gone in ("onload", "onclick", "script", "style", "alert", "evil", "xlink", "foreignObject", "html", "http"):
        assert gone not in markup, gone
    assert '<polygon stroke="black" points="0,1 2,3"/>' in markup  # whole points; no paint server
    assert '<text x="3" y="4">&amp;ok</text>' in markup
    # A node keeps its class; a polygon drops its repeated end point; colours and no stroke are shorter.
    assert '<g class="node"><polygon fill="#fff" stroke="none" points="1,1 2,1 2,2"/></g>' in markup
    # Two straight, unfilled lines drawn alike become one path of two parts.
    assert '<path fill="none" stroke="#b8b8b8" d="M5,0V-10M5,-10V-20"/>' in markup
    assert "<g>" not in markup and 'class="edge"' not in markup


def test_graphviz_s_translate_moves_into_the_coordinates() -> None:
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0.00 0.00 20.00 110.00">
<g class="graph" transform="scale(1 1) rotate(0) translate(4 100)">
<text x="1.4" y="-90.2">a</text>
<path fill="none" stroke="#000000" d="M0,-100C0,-50 0,-50 0,0"/>
<polygon fill="none" stroke="#000000" points="0,-10 5,-10 5,-5 0,-10"/>
<g transform="rotate(90)"><text x="1" y="2">b</text></g>
</g></svg>"""
    markup = str(embeddable_svg(svg, "図"))
    assert '<text x="5" y="10">a</text>' in markup
    assert '<path fill="none" stroke="#000" d="M4,0V100"/>' in markup
    assert 'points="4,90 9,90 9,95"' in markup
    # A group with a transform of its own keeps its coordinates; the shift goes before its transform.
    assert '<g transform="translate(4 100) rotate(90)"><text x="1" y="2">b</text></g>' in markup
    assert "scale(" not in markup


@pytest.mark.parametrize(
    "svg",
    [
        b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>cut',
        b'<html xmlns="http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg"/></html>',
    ],
    ids=["entity", "cut-short", "not-svg"],
)
def test_an_svg_that_is_not_plain_svg_is_refused(svg: bytes) -> None:
    with pytest.raises(UnsafeSvg):
        embeddable_svg(svg, "図")


# --- files, determinism, folders -------------------------------------------------------------------------------


def test_page_names_are_safe_on_windows_and_unique_ignoring_case() -> None:
    names = procedure_pages(["con", "aux", "nul", "com1", "lpt9", "prn-x", "a" * 300, "shimin"])
    assert names["con"] == "_con.html" and names["com1"] == "_com1.html" and names["lpt9"] == "_lpt9.html"
    assert names["prn-x"] == "prn-x.html" and names["shimin"] == "shimin.html"
    assert len(names["a" * 300].encode()) < 255
    sections = section_pages(["CON", "a/b", "市民課", "ABC", "abc", ".hidden", "課#1%"])
    assert sections["CON"] == "_CON.html" and sections["a/b"] == "a_b.html" and sections["市民課"] == "市民課.html"
    assert sections[".hidden"].startswith("_")
    assert len({name.casefold() for name in sections.values()}) == len(sections)
    assert safe_stem("aux.txt") == "_aux.txt" and safe_stem("COM¹") == "_COM¹"


def test_the_same_inventory_gives_the_same_bytes(sample_analysis: Analysis, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    made = {"SOURCE_DATE_EPOCH": "1700000000"}  # 作成日 fixed, as a rebuild fixes it
    write_report(sample_analysis, first, diagrams=None, environ=made)
    write_report(sample_analysis, second, diagrams=None, environ=made)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_every_page_s_footer_says_the_date_made_and_the_edition(sample_analysis: Analysis, tmp_path: Path) -> None:
    write_report(sample_analysis, tmp_path / "r", diagrams=None, environ={"SOURCE_DATE_EPOCH": "1700000000"})
    edition = (
        f"作成日 2023-11-14　版 bpr {__version__}・算定モデル {MODEL_VERSION}・棚卸日 {sample_analysis.surveyed_on}"
    )
    for path in pages(tmp_path / "r"):
        footer = parse(path).root.one("footer")
        assert footer.one("p", **{"class": "edition"}).all_text() == edition, path
    before = dt.date.today()
    write_report(sample_analysis, tmp_path / "today", diagrams=None, environ={})
    made = {dt.date.today().isoformat(), before.isoformat()}  # a run across midnight says either day
    footer = parse(tmp_path / "today" / "index.html").root.one("footer").all_text()
    assert any(f"作成日 {day}　版 bpr " in footer for day in made), footer


def test_no_page_points_a_chief_to_the_docs(sample_report: Path) -> None:
    # A chief has the report, not the repository: the footer explains instead of naming docs/report.md.
    for path in pages(sample_report):
        text = path.read_text(encoding="utf-8")
        assert "docs/" not in text and not re.search(r"\w\.md\b", text), path
    footer = parse(sample_report / "index.html").root.one("footer").all_text()
    assert "期待削減" in footer and "人工は職員の時間 ÷ 1,800時間" in footer and "4,000円" in footer


def test_without_dot_the_pages_say_why_there_is_no_diagram(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", str(INVENTORIES), "-o", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "no flow diagrams" in result.stderr
    page = (out / "procedures" / "shimin-juminhyo.html").read_text(encoding="utf-8")
    assert "Graphviz (dot) がないため" in page and "<svg" not in page


def test_report_refuses_a_folder_it_did_not_write_and_keeps_files_in_its_own(tmp_path: Path, runner: CliRunner) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["report", str(INVENTORIES), "-o", str(mine)])
    assert result.exit_code == 2 and "not written by `bpr report`" in result.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    out = tmp_path / "report"
    assert runner.invoke(app, ["report", str(INVENTORIES), "-o", str(out)]).exit_code == 0
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["report", str(INVENTORIES), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert (out / "notes.txt").read_text() == "mine" and (out / "index.html").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_report_of_an_invalid_inventory_exits_1_and_writes_nothing(tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / "inventories"
    folder.mkdir()
    (folder / "bad.yaml").write_text(HOSTILE.replace("annual_volume: 5000", "annual_volume: many"), encoding="utf-8")
    result = runner.invoke(app, ["report", str(folder), "-o", str(tmp_path / "report")])
    assert result.exit_code == 1
    assert not (tmp_path / "report").exists()


def test_report_help_works_and_imports_no_template_engine(tmp_path: Path) -> None:
    code, modules = run_bpr(["report", "--help"], tmp_path)
    assert code == 0
    assert not [m for m in modules if m.split(".")[0] in ("jinja2", "markupsafe", "networkx", "openpyxl")]


@needs_dot
def test_build_writes_the_report_into_its_folder(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(INVENTORIES), "-o", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    assert (out / "report" / "index.html").is_file()
    assert "report/index.html" in result.output.replace("\\", "/")
    manifest = json.loads((out / ".bpr-build").read_text(encoding="utf-8"))["files"]
    assert "report/index.html" in manifest and "report/procedures/shimin-juminhyo.html" in manifest
    tree = parse(out / "report" / "procedures" / "shimin-juminhyo.html")
    assert tree.root.find("svg", **{"class": "flow"})


def test_the_legend_under_the_lanes_is_left_out_and_the_drawing_cropped_above_it() -> None:
    from bpr.export.report.svg import SvgStyles, embeddable_svg

    raw = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="200pt" viewBox="0 0 100 200">'
        '<g class="graph" transform="scale(1 1) rotate(0) translate(0 200)">'
        '<g class="node"><title>write</title>'
        '<polygon fill="#ffffff" stroke="#000000" points="10,-190 90,-190 90,-120 10,-120"/>'
        '<text x="20" y="-150" font-size="12.00">記入</text></g>'
        '<g class="node"><title>_legend</title><polygon fill="#eeeeee" stroke="none" points="10,-40 90,-40 90,-5 10,-5"/>'
        '<text x="20" y="-20" font-size="10.00">凡例 押印</text></g>'
        "</g></svg>"
    ).encode()
    styles = SvgStyles()
    svg = str(embeddable_svg(raw, "図", styles))
    assert "凡例" not in svg and "記入" in svg
    assert 'viewBox="0 0 100 156"' in svg and 'height="156pt"' in svg  # the legend began at y 160
    assert 'fill="' not in svg and "font-size" in styles.css()  # presentation in the shared stylesheet


def test_the_index_shows_the_outlook_by_year_as_the_roadmap_computes_it(
    sample_report: Path, sample_analysis: Analysis
) -> None:
    # Model v3: expected hours as uptake grows, costs and net, citizens and staff apart, and the steady state.
    html = (sample_report / "index.html").read_text(encoding="utf-8")
    table = html[html.index('<table class="numbers" id="outlook">') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr[^>]*><th scope=\"row\">([^<]+)</th>((?:<td[^>]*>[^<]*</td>)+)</tr>", table)
    years = [*sample_analysis.roadmap.by_year, sample_analysis.roadmap.steady]
    assert len(rows) == len(years)
    for (label, cells), year in zip(rows, years, strict=True):
        assert ("定着後" in label) == (year.fy is None)
        values = re.findall(r"<td[^>]*>([^<]*)</td>", cells)
        assert values[:2] == [f"{year.staff_hours:,.0f}", f"{year.citizen_hours:,.0f}"]
        assert values[-1] == f"{year.net:,.0f}"


def test_the_queue_page_shows_each_counter_s_heat_map_as_the_analysis_computes_it(
    sample_report: Path, sample_analysis: Analysis
) -> None:
    queue = sample_analysis.queue
    assert queue is not None and queue.counters  # the sample's 住民記録窓口 writes its windows
    html = (sample_report / "queue.html").read_text(encoding="utf-8")
    assert 'href="queue.html"' in (sample_report / "index.html").read_text(encoding="utf-8")
    counter = queue.counters[0]
    peak = counter.today.peak
    # The busiest hour of the busiest month, and the windows it needs, as the analysis says them.
    assert f"最も混むのは {peak.month}月の{peak.peak.hour}時台" in html
    assert f"窓口数 {peak.peak.windows_needed}" in html
    # One row a month, a cell per opening hour; 超過 where the visits reach the windows.
    hours = len({slot.hour for slot in counter.slots})
    table = html.split('<table class="heat">')[1].split("</table>")[0]
    assert table.count('<tr><th scope="row">') == 12
    assert table.count('<td class="tone') == 12 * hours
    overloaded = sum(1 for month in counter.today.months for hour in month.hours if hour.wait is None)
    assert table.count("over-capacity") == overloaded
    assert "docs/" not in html
