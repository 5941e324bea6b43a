"""`bpr diagram`: a swimlane per procedure and an overview per counter, in lane order, escaped, in every format."""

from __future__ import annotations

import json
import math
import random
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis, MeasurePlan, Roadmap, RoadmapItem, Role, ScoredProcedure
from bpr.cli.main import app
from bpr.config import Config
from bpr.export.diagram import (
    Diagram,
    GraphvizNotFound,
    RenderError,
    UnknownId,
    collect_diagrams,
    render_diagrams,
    select_diagrams,
)
from bpr.export.diagram.dot import (
    LANE_ORDER,
    MEASURE_FILLS,
    DotGraph,
    attributes,
    format_count,
    format_fte,
    format_hours,
    format_minutes,
    format_share,
    quote,
    text,
)
from bpr.export.diagram.overview import overview_source, rows_per_column
from bpr.export.diagram.paper import MARGIN, fit_to_paper, smallest_font
from bpr.export.diagram.render import batches, measure_diagrams
from bpr.export.diagram.swimlane import swimlane_source
from bpr.inventory.enums import Measure
from bpr.inventory.loader import load_inventory
from bpr.inventory.vocabulary import LANE_LABELS
from bpr.linebreak import wrap

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

KOSODATE = """\
version: 1
counter: {id: kosodate, name: 子育て支援課 窓口, section: 子育て支援課}
procedures:
  - id: jidoteate
    name: 児童手当 認定請求
    annual_volume: 900
    national_priority: true
    steps:
      - {id: write, name: 認定請求書の記入, actor: citizen, action: write, medium: paper, handwritten: true, in_person: true, effort: 15m, wait: 20m}
      - {id: receive, name: 窓口受付・書類確認, actor: counter, action: receive, medium: paper, effort: 10m}
      - {id: enter, name: 児童手当システムへ入力, actor: back_office, action: enter, medium: paper, system: 児童手当システム, rule_based: true, effort: 12m}
      - {id: approve, name: 認定決裁, actor: back_office, action: approve, medium: paper, seal: true, effort: 5m, wait: 3d, next: [notify, write]}
      - {id: notify, name: 認定通知書の送付, actor: back_office, action: notify, medium: paper, effort: 3m}
  - id: genkyo
    name: 児童手当 現況届
    annual_volume: 1200
    steps:
      - {id: send, name: 電子申請で届出, actor: citizen, action: submit, medium: electronic, effort: 5m}
      - {id: check, name: 届出内容の審査, actor: back_office, action: check, medium: electronic, rule_based: true, effort: 3m}
"""

SHIMIN = """\
version: 1
counter: {id: shimin, name: 市民課 窓口, section: 市民課}
procedures:
  - id: tennyu
    name: 転入届
    annual_volume: 3000
    steps:
      - {id: ask, name: 前住所地への照会, actor: external, medium: paper, effort: 5m, wait: 2d}
      - {id: key, name: 住民記録システムへ入力, actor: system, action: enter, medium: electronic, effort: 4m}
      - {id: form, name: 転入届の記入, actor: citizen, action: write, medium: paper, handwritten: true, in_person: true, effort: 10m}
      - {id: take, name: 受付, actor: counter, action: receive, medium: paper, effort: 5m}
      - {id: decide, name: 審査, actor: back_office, action: check, medium: verbal, effort: 5m, next: [done, form]}
      - {id: done, name: 完了通知, actor: counter, action: notify, medium: none}
"""

# Every kind of text that could break DOT, HTML-like labels or SVG, one fragment per step.
HOSTILE_FRAGMENTS = (
    '引用"符',
    "\\N と \\\\ と \\l",
    "<b>太字</b>",
    "&amp; &lt; &",
    "{a|b} [x] <<>>",
    "改行の前",
    "改行の後",
)
HOSTILE = """\
version: 1
counter: {id: hostile, name: "窓口 <i>\\"&amp;\\"</i>", section: "課 \\\\N"}
procedures:
  - id: hostile-proc
    name: "<b>\\"手続\\"</b> & \\\\N {x|y}"
    annual_volume: 10
    steps:
      - {id: s1, name: "引用\\"符", actor: citizen, medium: paper, effort: 5m}
      - {id: s2, name: "\\\\N と \\\\\\\\ と \\\\l", actor: counter, medium: electronic, system: "<sys> & \\"x\\""}
      - {id: s3, name: "<b>太字</b>", actor: back_office, medium: verbal, seal: true}
      - {id: s4, name: "&amp; &lt; &", actor: system, medium: none, in_person: true}
      - {id: s5, name: "{a|b} [x] <<>>", actor: external, handwritten: true}
      - {id: s6, name: "改行の前\\n改行の後\\v\\0", actor: citizen}
"""


# 補正 is written first with a share of 0.1: the normal case (審査 → 入力) takes the remaining 0.9.
BRANCHES = """\
version: 1
counter: {id: koseki, name: 戸籍窓口, section: 市民課}
procedures:
  - id: konin
    name: 婚姻届
    annual_volume: 300
    steps:
      - {id: submit, name: 届書の提出, actor: citizen, medium: paper, in_person: true, effort: 5m}
      - {id: check, name: 審査, actor: back_office, medium: paper, effort: 15m, next: [{to: fix, share: 0.1, label: 不備あり}, {to: enter}]}
      - {id: fix, name: 補正（再来庁）, actor: citizen, medium: paper, in_person: true, effort: 10m, wait: 2d, next: [{to: check, label: 補正後に再審査}]}
      - {id: enter, name: 入力, actor: back_office, medium: electronic, effort: 5m, next: [{to: send, share: 0.7}, {to: mail, share: 0.3}]}
      - {id: send, name: 窓口で交付, actor: counter, medium: paper, effort: 3m, next: []}
      - {id: mail, name: 郵送, actor: counter, medium: paper, effort: 3m}
"""

# A condition that is hostile to DOT, HTML-like labels and SVG: quotes, markup, entities, backslash, newline, BEL.
HOSTILE_CONDITION = '"<b>\\"不備\\" & &amp; \\\\N</b>\\n次の行\\a"'
HOSTILE_BRANCHES = BRANCHES.replace("label: 不備あり", f"label: {HOSTILE_CONDITION}")


def write(folder: Path, files: dict[str, str]) -> Path:
    """Write inventory files into a folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


def analyse(folder: Path) -> Analysis:
    """Load and analyse an inventory folder that must have no errors."""
    inventory, path_problems = load_inventory([folder])
    assert not path_problems
    assert not [p for p in inventory.problems if p.severity.value == "error"], inventory.problems
    return analyse_inventory(inventory, Config())


def svg_texts(path: Path) -> list[str]:
    """Return the text of every <text> element of an SVG, which must be well-formed XML."""
    root = ET.parse(path).getroot()
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def shapes_by_title(path: Path, kind: str) -> dict[str, ET.Element]:
    """Return the <g class=kind> groups of an SVG by their <title>."""
    root = ET.parse(path).getroot()
    groups = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == kind:
            title = group.find(f"{SVG}title")
            assert title is not None
            groups[title.text or ""] = group
    return groups


def x_extent(group: ET.Element, axis: int = 0) -> tuple[float, float]:
    """Return the smallest and largest x (axis 0) or y (axis 1) of the shapes drawn in a group."""
    xs: list[float] = []
    for element in group.iter():
        for attribute in ("points", "d"):
            xs += [float(xy[axis]) for xy in re.findall(r"(-?[\d.]+),(-?[\d.]+)", element.get(attribute, ""))]
        if element.tag == f"{SVG}ellipse":
            centre, radius = (("cx", "rx"), ("cy", "ry"))[axis]
            c, r = float(element.get(centre, 0)), float(element.get(radius, 0))
            xs += [c - r, c + r]
    assert xs, ET.tostring(group)
    return min(xs), max(xs)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """Return an inventory folder of two counters and three procedures."""
    return write(tmp_path / "inventories", {"kosodate.yaml": KOSODATE, "shimin.yaml": SHIMIN})


# --- escaping and text --------------------------------------------------------------------------


def test_text_escapes_markup_entities_backslashes_and_newlines() -> None:
    assert text('<b>"x" & y</b>') == "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"
    assert text("&amp;") == "&amp;amp;"
    # Graphviz expands \N, \G, \l … even inside HTML-like labels: a doubled backslash is one backslash.
    assert text("\\N") == "\\\\N"
    assert text("a\nb\r\nc") == "a<BR/>b<BR/>c"
    assert text("a\x00b\x0bc\ufffe") == "abc"


def test_text_drops_exactly_the_control_and_surrogate_characters_but_the_line_break() -> None:
    # One substitution stands for a look-up of every character's category (Cc, Cs) and U+FFFE, U+FFFF.
    everything = "".join(chr(code) for code in range(0x110000) if chr(code) not in "\r\t\n&<>\"'\\")
    kept = "".join(ch for ch in everything if unicodedata.category(ch) not in ("Cc", "Cs") and ch not in "\ufffe\uffff")
    assert len(kept) < len(everything) - 2000
    assert text(everything) == kept
    assert text("a\nb") == "a<BR/>b"


def test_a_preset_attribute_list_writes_what_the_attributes_write() -> None:
    given, preset = DotGraph("g", "Noto Sans CJK JP"), DotGraph("g", "Noto Sans CJK JP")
    given.node("a", shape="point", label='say "hi"')
    given.edge("a", "b", style="invis", weight="0")
    preset.node("a", attributes(shape="point", label='say "hi"'))
    preset.edge("a", "b", attributes(style="invis", weight="0"))
    assert preset.source == given.source
    assert '"a" -> "b" [style="invis" weight="0"]' in preset.source
    with pytest.raises(ValueError):
        attributes()


def test_quote_escapes_quotes_and_backslashes() -> None:
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c d"'


def test_wrap_breaks_japanese_by_width_and_keeps_closing_marks_on_the_line() -> None:
    assert wrap("あいうえおかきくけこ", width=10) == ["あいうえお", "かきくけこ"]
    assert wrap("ふりこみ口座等）を記入", width=16) == ["ふりこみ口座等）", "を記入"]
    assert wrap("apply for residence card", width=12) == ["apply for", "residence", "card"]
    assert wrap("一二三四五六七八九十" * 3, width=10, max_lines=2) == ["一二三四五", "六七八九…"]


def test_format_minutes_in_japanese() -> None:
    assert [format_minutes(m) for m in (15, 90, 60, 4320, 2160)] == ["15分", "1.5時間", "1時間", "3日", "1.5日"]


def test_wrap_keeps_opening_brackets_off_the_end_of_a_line() -> None:
    assert wrap("印鑑相違・記載不備（返戻）", width=18) == ["印鑑相違・記載不備", "（返戻）"]
    assert wrap("一二三四五六七八「九十」", width=16) == ["一二三四五六七八", "「九十」"]


def test_expected_figures_read_as_a_reader_writes_them() -> None:
    assert [format_count(v) for v in (1.0, 1.1111111111111112, 2.0000001, 1.04, 0.5)] == [
        "1",
        "1.1",
        "2",
        "1.04",
        "0.5",
    ]
    assert [format_share(v) for v in (0.1, 0.9, 1 / 3, 0.005, 0.0001, 0.99999, 1.0, 0.0)] == [
        "10%",
        "90%",
        "33.3%",
        "0.5%",
        "0.1%未満",
        "99.9%超",
        "100%",
        "0%",
    ]
    assert [format_hours(v) for v in (1234.4, 99078.2, 4.94, 0.0)] == ["1,234時間", "99,078時間", "4.9時間", "0時間"]
    assert [format_fte(v) for v in (5.73, 0.176, 0.05, 0.004, 0.0)] == [
        "5.7人工",
        "0.2人工",
        "0.05人工",
        "0.01人工未満",
        "0人工",
    ]


def test_batches_spread_over_workers_and_keep_every_name() -> None:
    names = [f"p{i}" for i in range(100)]
    split = batches(names, 2)
    assert [name for batch in split for name in batch] == names
    assert len(split) >= 8
    assert batches([], 2) == []


def test_big_counters_get_longer_columns_instead_of_more_than_eight() -> None:
    assert rows_per_column([5, 2, 0, 0, 2]) == 10
    assert rows_per_column([54, 11, 2, 21, 12]) == 18  # 3 + 1 + 1 + 2 + 1 columns
    assert rows_per_column([200]) == 25
    assert rows_per_column([]) == 10


# --- selection ------------------------------------------------------------------------------


def test_every_procedure_and_counter_is_selected_without_filters(sample: Path) -> None:
    analysis = analyse(sample)
    diagrams = collect_diagrams(analysis, select_diagrams(analysis), "Noto Sans CJK JP")
    assert sorted(d.name for d in diagrams) == [
        "counter-kosodate",
        "counter-shimin",
        "genkyo",
        "jidoteate",
        "tennyu",
    ]


def test_filters_select_procedures_and_counters_with_theirs(sample: Path) -> None:
    analysis = analyse(sample)
    selection = select_diagrams(analysis, ["tennyu"], ["kosodate"])
    assert sorted(item.id for item in selection.procedures) == ["genkyo", "jidoteate", "tennyu"]
    assert [counter.id for counter, _ in selection.counters] == ["kosodate"]


def test_unknown_ids_name_the_closest(sample: Path) -> None:
    analysis = analyse(sample)
    with pytest.raises(UnknownId, match=r"no procedure 'tenyu' \(did you mean 'tennyu'\?\); no counter 'kosodat'"):
        select_diagrams(analysis, ["tenyu"], ["kosodat"])


# --- branches, the main path and the title -------------------------------------------------------


def edge_attributes(source: str, tail: str, head: str, *, rework: bool = False) -> str:
    """Return the attribute list of the one DOT edge from tail to head (rework: the dashed one)."""
    found = [
        attributes
        for attributes in re.findall(rf'^\t"{tail}" -> "{head}" \[(.*)\]$', source, re.MULTILINE)
        if ('style="dashed"' in attributes) is rework
    ]
    assert len(found) == 1, (tail, head, found)
    return str(found[0])


def branches_item(tmp_path: Path, content: str = BRANCHES) -> tuple[Analysis, ScoredProcedure]:
    """Return the analysis of the branches inventory and its one procedure."""
    analysis = analyse(write(tmp_path / "branches", {"koseki.yaml": content}))
    (item,) = analysis.procedures
    return analysis, item


def test_branch_conditions_and_shares_are_written_on_their_arrows(tmp_path: Path) -> None:
    analysis, item = branches_item(tmp_path)
    source = swimlane_source(item, "F", analysis.hours_per_fte)
    assert "不備あり 10%" in edge_attributes(source, "check", "fix")
    assert ">90%<" in edge_attributes(source, "check", "enter")  # the share derived for the normal case
    assert ">70%<" in edge_attributes(source, "enter", "send") and ">30%<" in edge_attributes(source, "enter", "mail")
    # The rework arrow (drawn downwards, its arrowhead reversed) carries its written condition instead of
    # 差し戻し, without a share (one way on).
    rework = edge_attributes(source, "check", "fix", rework=True)
    assert "補正後に再審査" in rework and "差し戻し" not in rework and "%" not in rework


def test_steps_written_with_plain_ids_show_no_shares(sample: Path) -> None:
    analysis = analyse(sample)
    (item,) = [i for i in analysis.procedures if i.id == "jidoteate"]
    source = swimlane_source(item, "F", analysis.hours_per_fte)
    # The first successor takes every case by rule, not by survey: no edge says 100% / 0%.
    edges = [line for line in source.splitlines() if "->" in line]
    assert edges and not any("%" in line for line in edges)
    assert "差し戻し" in edge_attributes(source, "write", "approve", rework=True)


def test_the_main_path_is_the_most_probable_one_not_the_branch_written_first(tmp_path: Path) -> None:
    analysis, item = branches_item(tmp_path)
    assert item.figures.main_path == ("submit", "check", "enter", "send")
    source = swimlane_source(item, "F", analysis.hours_per_fte)
    for tail, head in (("submit", "check"), ("check", "enter"), ("enter", "send")):
        assert 'penwidth="2.6"' in edge_attributes(source, tail, head), (tail, head)
    assert 'penwidth="1.2"' in edge_attributes(source, "check", "fix")
    assert 'penwidth="1.2"' in edge_attributes(source, "enter", "mail")
    # The 補正 loop: the forward branch and the dashed rework arrow join the same two steps, both drawn from
    # 審査 to 補正. 補正 (住民) is left of 審査 (担当課): the branch leaves 審査 below and enters 補正 from the
    # right; the rework leaves 審査 on the left and enters 補正 from above. Side by side, apart at both ends.
    forward = edge_attributes(source, "check", "fix")
    rework = edge_attributes(source, "check", "fix", rework=True)
    assert 'tailport="s"' in forward and 'headport="e"' in forward
    assert 'tailport="w"' in rework and 'headport="n"' in rework


def _path_ends(group: ET.Element) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
    """Return the first and last points of an SVG edge's path, and the centre of its arrowhead."""
    path, polygon = group.find(f"{SVG}path"), group.find(f"{SVG}polygon")
    assert path is not None and polygon is not None
    points = [tuple(map(float, p.split(","))) for p in re.findall(r"-?[\d.]+,-?[\d.]+", path.attrib["d"])]
    corners = [tuple(map(float, p.split(","))) for p in polygon.attrib["points"].split()]
    centre = (sum(x for x, _ in corners) / len(corners), sum(y for _, y in corners) / len(corners))
    return (points[0][0], points[0][1]), (points[-1][0], points[-1][1]), centre


@needs_dot
@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_a_branch_and_its_rework_end_apart_at_both_steps(tmp_path: Path, direction: str) -> None:
    # 婚姻届 (issue 23): the 不備あり arrowhead lay on the 差し戻し arrow's end at 補正, both drawn 審査 → 補正.
    analysis, item = branches_item(tmp_path)
    source = swimlane_source(item, "Noto Sans CJK JP", analysis.hours_per_fte, direction=direction)
    (written,) = render_diagrams([Diagram("konin", source)], tmp_path / "out")
    # An edge's title names its ends, with their ports: check:s->fix:e.
    titled = re.compile(r"check(:\w+)?->fix(:\w+)?")
    edges = [g for g in ET.parse(written).getroot().iter(f"{SVG}g") if titled.fullmatch(g.findtext(f"{SVG}title", ""))]
    (rework,) = [g for g in edges if 'stroke-dasharray="' in ET.tostring(g, encoding="unicode")]
    (branch,) = [g for g in edges if g is not rework]
    branch_start, _, branch_head = _path_ends(branch)
    _, rework_end, rework_head = _path_ends(rework)
    assert math.dist(branch_head, rework_end) > 12  # at 補正: the branch's arrowhead, the rework's start
    assert math.dist(rework_head, branch_start) > 12  # at 審査: the rework's arrowhead, the branch's start


def test_the_title_shows_expected_visits_staff_hours_in_fte_and_the_measures(tmp_path: Path) -> None:
    analysis, item = branches_item(tmp_path)
    assert item.figures.visits == pytest.approx(1 + 0.1 / 0.9)
    source = swimlane_source(item, "F", analysis.hours_per_fte)
    assert "来庁1.1回" in source and "1.11" not in source
    plans = (
        MeasurePlan(Measure.ONLINE, Role.PRIMARY, 600.0, 80.0, 520.0, 525.4, 60.0),
        MeasurePlan(Measure.RPA, Role.COMPLEMENT, 106.0, 106.0, 0.0, 105.7, 41.0),
    )
    shown = replace(
        item,
        recommendation=Measure.ONLINE,
        measures=plans,
        figures=replace(item.figures, staff_hours=900.0, citizen_hours=1234.5),
    )
    source = swimlane_source(shown, "F", 1800.0)
    assert "推奨: オンライン化 ＋ RPA" in source
    # The total is the sum of the parts as shown (525 + 106), not 631.1 rounded apart from them.
    assert "期待削減 631時間/年 (オンライン化 525時間 ＋ RPA 106時間)" in source
    assert "職員 900時間/年 (0.5人工)" in source and "住民 1,234時間/年" in source
    assert "マイナポータル" not in source
    online = item.procedure.online.model_copy(update={"mynaportal": True})
    portal = item.procedure.model_copy(update={"online": online})
    uptake = replace(shown, procedure=portal, measures=(replace(plans[0], uptake=True), plans[1]))
    assert "マイナポータルから申請可: 利用率の向上" in swimlane_source(uptake, "F", 1800.0)
    # Model v3: the primary's uptake, cost and payback under the saving.
    costed = replace(plans[0], uptake_share=0.3, cost_initial=500.0, cost_annual=200.0, payback_years=1.4)
    with_cost = replace(shown, measures=(costed, plans[1]))
    assert "利用率 30% (見込み)・費用 初期500千円・年200千円・回収 1.4年" in swimlane_source(with_cost, "F", 1800.0)


def test_the_overview_shows_expected_hours_complements_and_what_the_roadmap_does(tmp_path: Path) -> None:
    _, item = branches_item(tmp_path)
    plans = (
        MeasurePlan(Measure.ONLINE, Role.PRIMARY, 600.0, 80.0, 520.0, 525.4, 60.0, uptake=True),
        MeasurePlan(Measure.RPA, Role.COMPLEMENT, 106.0, 106.0, 0.0, 105.7, 41.0),
    )
    shown = replace(item, recommendation=Measure.ONLINE, measures=plans)
    roadmap = Roadmap(
        start_fy=2022,
        years=4,
        items=(),
        kpis=(),
        unscheduled=(RoadmapItem("konin", Measure.RPA, 2026, fixed=False, role=Role.COMPLEMENT),),
        uptake=(("konin", 0.9),),
    )
    source = overview_source(item.counter, [shown], "F", roadmap)
    assert "年間300件 ・ 期待削減 525時間/年" in source
    assert "併せて RPA 106時間/年" in source
    assert "計画: オンライン化は利用率の向上、RPAは期間内に枠なし" in source
    nothing = overview_source(item.counter, [replace(item, recommendation=Measure.NONE, measures=())], "F", None)
    (box,) = [line for line in nothing.splitlines() if line.startswith('\t"p_konin" [')]
    assert "年間300件" in box and "期待削減" not in box  # none recommended: no saving claimed


# --- DOT without Graphviz -----------------------------------------------------------------------


def test_dot_format_needs_no_graphviz(
    sample: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert shutil.which("dot") is None
    out = tmp_path / "out"
    result = runner.invoke(app, ["diagram", str(sample), "-o", str(out), "--format", "dot"])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    # .bpr-diagram lists what bpr diagram wrote, so that `bpr build` knows those files for bpr's (docs/output.md).
    assert files == [
        ".bpr-diagram",
        "counter-kosodate.dot",
        "counter-shimin.dot",
        "genkyo.dot",
        "jidoteate.dot",
        "tennyu.dot",
    ]
    source = (out / "jidoteate.dot").read_text(encoding="utf-8")
    assert source.startswith('digraph "jidoteate" {')
    assert "認定請求書の記入" in source and "差し戻し" in source and 'fontname="Noto Sans CJK JP"' in source


def test_rendered_format_without_dot_exits_2_with_the_install_command(
    sample: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    out = tmp_path / "out"
    for fmt in ("svg", "png", "pdf"):
        result = runner.invoke(app, ["diagram", str(sample), "-o", str(out), "--format", fmt])
        assert result.exit_code == 2
        assert "apt-get install graphviz fonts-noto-cjk" in result.stderr
    assert not out.exists()


def test_render_diagrams_raises_when_dot_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    with pytest.raises(GraphvizNotFound, match="apt-get install graphviz fonts-noto-cjk"):
        render_diagrams([Diagram("a", "digraph { a }")], tmp_path / "out", "svg")


def test_unknown_procedure_exits_2_with_did_you_mean(sample: Path, tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["diagram", str(sample), "-o", str(tmp_path / "o"), "-f", "dot", "--procedure", "tenyu"]
    )
    assert result.exit_code == 2
    assert "did you mean 'tennyu'?" in result.stderr


def test_invalid_inventory_exits_1_and_writes_nothing(tmp_path: Path, runner: CliRunner) -> None:
    folder = write(tmp_path / "inv", {"bad.yaml": KOSODATE.replace("next: [notify, write]", "next: [notfy]")})
    result = runner.invoke(app, ["diagram", str(folder), "-o", str(tmp_path / "o"), "-f", "dot"])
    assert result.exit_code == 1
    assert re.search(r"bad\.yaml:\d+:\d+: error unknown-reference ", result.stderr)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("option", ["diagram", "doctor", "build"])
def test_help_works(runner: CliRunner, option: str) -> None:
    result = runner.invoke(app, [option, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


# --- rendered SVG -------------------------------------------------------------------------------


@needs_dot
def test_every_procedure_and_counter_gets_an_svg(sample: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["diagram", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 diagrams (3 procedures, 2 counters)" in result.output
    written = ["counter-kosodate.svg", "counter-shimin.svg", "genkyo.svg", "jidoteate.svg", "tennyu.svg"]
    assert sorted(p.name for p in out.iterdir()) == [".bpr-diagram", *written]
    assert json.loads((out / ".bpr-diagram").read_text(encoding="utf-8"))["files"] == [".bpr-diagram", *written]


@needs_dot
def test_swimlane_svg_holds_the_japanese_labels_as_text(sample: Path, tmp_path: Path) -> None:
    analysis = analyse(sample)
    (written,) = render_diagrams(
        collect_diagrams(analysis, select_diagrams(analysis, ["jidoteate"]), "Noto Sans CJK JP"), tmp_path / "o"
    )
    texts = svg_texts(written)
    for label in ("児童手当 認定請求", "認定請求書の記入", "住民", "窓口", "担当課", "差し戻し", "凡例", "主経路"):
        assert any(label in t for t in texts), label
    for mark in ("押印", "来庁①", "手書き"):
        assert texts.count(mark) >= 2, mark  # on a step and in the legend
    assert any("15分" in t and "待ち20分" in t for t in texts)
    assert any("待ち3日" in t for t in texts)
    assert any("年間900件" in t for t in texts)
    assert any("推奨" in t for t in texts)
    assert any(t.startswith("オンライン") for t in texts) and any(t.startswith("AI-OCR") for t in texts)
    assert not any(t == "システム" for t in texts), "no システム lane: no system step"


@needs_dot
def test_rework_edges_are_dashed_red_and_the_main_path_is_thick(sample: Path, tmp_path: Path) -> None:
    analysis = analyse(sample)
    (written,) = render_diagrams(
        collect_diagrams(analysis, select_diagrams(analysis, ["jidoteate"]), "F"), tmp_path / "o"
    )
    edges = shapes_by_title(written, "edge")
    rework = edges["write:e->approve:w"].find(f"{SVG}path")  # drawn downwards, its arrow reversed
    assert rework is not None
    assert rework.get("stroke") == "#d62728" and rework.get("stroke-dasharray")
    main = edges["write->receive"].find(f"{SVG}path")
    assert main is not None and float(main.get("stroke-width", "1")) > 2


@needs_dot
def test_svg_is_well_formed_and_shows_hostile_labels_as_typed(tmp_path: Path) -> None:
    analysis = analyse(write(tmp_path / "inv", {"hostile.yaml": HOSTILE}))
    written = render_diagrams(collect_diagrams(analysis, select_diagrams(analysis), "Noto Sans CJK JP"), tmp_path / "o")
    assert sorted(p.name for p in written) == ["counter-hostile.svg", "hostile-proc.svg"]
    texts = [t.strip() for t in svg_texts(tmp_path / "o" / "hostile-proc.svg")]
    for fragment in HOSTILE_FRAGMENTS:
        assert fragment in texts, (fragment, texts)
    assert '<b>"手続"</b> & \\N {x|y}' in texts
    assert any('窓口 <i>"&amp;"</i>' in t and "課 \\N" in t for t in texts)
    assert '<sys> & "x"' in texts
    overview = svg_texts(tmp_path / "o" / "counter-hostile.svg")
    assert '窓口 <i>"&amp;"</i>' in overview
    assert '<b>"手続"</b> & \\N {x|y}' in overview


@needs_dot
def test_branch_labels_render_and_the_main_path_is_drawn_heavy(tmp_path: Path) -> None:
    analysis = analyse(write(tmp_path / "inv", {"koseki.yaml": BRANCHES}))
    (written,) = render_diagrams(
        collect_diagrams(analysis, select_diagrams(analysis, ["konin"]), "Noto Sans CJK JP"), tmp_path / "o"
    )
    texts = svg_texts(written)
    for label in ("不備あり 10%", "90%", "70%", "30%", "補正後に再審査"):
        assert label in texts, (label, texts)
    assert any("来庁1.1回" in t for t in texts)
    edges = shapes_by_title(written, "edge")
    main = edges["check->enter"].find(f"{SVG}path")
    branch = edges["enter->mail"].find(f"{SVG}path")
    assert main is not None and float(main.get("stroke-width", "1")) > 2
    assert branch is not None and float(branch.get("stroke-width", "1")) < 2


@needs_dot
def test_a_hostile_branch_label_renders_as_typed(tmp_path: Path) -> None:
    analysis = analyse(write(tmp_path / "inv", {"koseki.yaml": HOSTILE_BRANCHES}))
    (item,) = analysis.procedures
    source = swimlane_source(item, "F", analysis.hours_per_fte)
    assert "&lt;b&gt;&quot;不備&quot; &amp; &amp;amp; \\\\N&lt;/b&gt;<BR/>次の行 10%" in source
    assert "\a" not in source
    (written,) = render_diagrams(
        collect_diagrams(analysis, select_diagrams(analysis, ["konin"]), "Noto Sans CJK JP"), tmp_path / "o"
    )
    texts = [t.strip() for t in svg_texts(written)]
    assert '<b>"不備" & &amp; \\N</b>' in texts, texts
    assert "次の行 10%" in texts


@needs_dot
def test_a_failing_diagram_leaves_no_partial_output(tmp_path: Path) -> None:
    good = Diagram("good", "digraph { a -> b }")
    broken = Diagram("broken", "digraph { a -> }")
    out = tmp_path / "out"
    with pytest.raises(RenderError, match="broken"):
        render_diagrams([good, broken, Diagram("also-good", "digraph { c }")], out, "svg", workers=2)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], "the staging folder is removed"
    out.mkdir()
    (out / "good.svg").write_text("previous")
    with pytest.raises(RenderError):
        render_diagrams([good, broken], out, "svg")
    assert (out / "good.svg").read_text() == "previous"


@needs_dot
def test_png_and_pdf_are_written(sample: Path, tmp_path: Path, runner: CliRunner) -> None:
    for fmt, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
        out = tmp_path / fmt
        result = runner.invoke(app, ["diagram", str(sample), "-o", str(out), "-f", fmt, "--counter", "shimin"])
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in out.iterdir()) == [".bpr-diagram", f"counter-shimin.{fmt}", f"tennyu.{fmt}"]
        assert (out / f"tennyu.{fmt}").read_bytes().startswith(magic)


@needs_dot
def test_one_and_two_workers_write_the_same_bytes(sample: Path, tmp_path: Path) -> None:
    analysis = analyse(sample)
    diagrams = collect_diagrams(analysis, select_diagrams(analysis), "Noto Sans CJK JP")
    one = render_diagrams(diagrams, tmp_path / "one", workers=1)
    two = render_diagrams(diagrams, tmp_path / "two", workers=2)
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]


@needs_dot
def test_counter_overview_colours_procedures_by_recommendation(sample: Path, tmp_path: Path) -> None:
    analysis = analyse(sample)
    out = tmp_path / "o"
    render_diagrams(collect_diagrams(analysis, select_diagrams(analysis, counter_ids=["kosodate"]), "F"), out)
    nodes = shapes_by_title(out / "counter-kosodate.svg", "node")
    texts = svg_texts(out / "counter-kosodate.svg")
    for item in analysis.procedures:
        if item.counter.id != "kosodate":
            continue
        shape = nodes[f"p_{item.id}"].find(f"{SVG}path")
        assert shape is not None and shape.get("fill") == MEASURE_FILLS[item.recommendation]
        assert str(item.rank) in texts
        assert any(t.startswith(f"年間{item.procedure.annual_volume:,}件") for t in texts)
    assert "子育て支援課 窓口" in texts


# --- lane order ---------------------------------------------------------------------------------


def random_inventory(seed: int, procedures: int) -> str:
    """Return a valid inventory whose flows visit the lanes in random orders, with branches and loops."""
    rng = random.Random(seed)
    actors = [actor.value for actor in LANE_ORDER]
    media = ["paper", "electronic", "verbal", "none"]
    lines = ["version: 1", f"counter: {{id: c{seed}, name: 窓口{seed}, section: 課{seed}}}", "procedures:"]
    for p in range(procedures):
        count = rng.randint(3, 12)
        lines += [
            f"  - id: p{seed}-{p}",
            f"    name: 手続{p}",
            f"    annual_volume: {rng.randint(1, 5000)}",
            "    steps:",
        ]
        for s in range(count):
            targets = []
            if s < count - 1:
                targets = sorted({rng.randint(s + 1, min(count - 1, s + 3)) for _ in range(rng.choice((1, 1, 2)))})
                if s > 1 and rng.random() < 0.15:
                    targets.append(rng.randint(0, s - 1))
            nxt = f", next: [{', '.join(f's{t}' for t in targets)}]" if targets else ", next: []"
            lines.append(
                f"      - {{id: s{s}, name: 工程{s}の作業, actor: {rng.choice(actors)}, medium: {rng.choice(media)},"
                f" effort: {rng.randint(0, 30)}{nxt}}}"
            )
    return "\n".join(lines) + "\n"


@needs_dot
@pytest.mark.parametrize(("seed", "direction"), [(1, "TB"), (2, "TB"), (3, "TB"), (4, "LR"), (5, "LR")])
def test_lanes_keep_their_order_and_steps_stay_in_their_lane(tmp_path: Path, seed: int, direction: str) -> None:
    analysis = analyse(write(tmp_path / "inv", {"random.yaml": random_inventory(seed, 12)}))
    selection = select_diagrams(analysis, counter_ids=[])
    out = tmp_path / "o"
    render_diagrams(collect_diagrams(analysis, selection, "Noto Sans CJK JP", direction=direction), out)
    # Top to bottom, lanes are columns (their bounds are x); left to right, rows (their bounds are y).
    axis = 0 if direction == "TB" else 1
    for item in analysis.procedures:
        svg = out / f"{item.id}.svg"
        lanes = [actor for actor in LANE_ORDER if any(step.actor is actor for step in item.procedure.steps)]
        edges = shapes_by_title(svg, "edge")
        nodes = shapes_by_title(svg, "node")
        # The lane lines: boundary i is the edge from _b{i}_0 to _b{i}_1, along the flow.
        lines = [edges[f"_b{i}_0->_b{i}_1"] for i in range(len(lanes) + 1)]
        low, high = x_extent(lines[0], 1 - axis)
        assert high - low > 1, "a lane line runs along the flow"
        bounds = [x_extent(line, axis)[0] for line in lines]
        assert bounds == sorted(bounds) and len(set(bounds)) == len(bounds), (item.id, bounds)
        for index, actor in enumerate(lanes):
            left, right = x_extent(nodes[f"_lane{index}"], axis)
            assert bounds[index] <= left and right <= bounds[index + 1], (item.id, actor)
            header = nodes[f"_lane{index}"].find(f"{SVG}text")
            assert header is not None and "".join(header.itertext()) == LANE_LABELS[actor]
        for step in item.procedure.steps:
            left, right = x_extent(nodes[step.id], axis)
            lane = lanes.index(step.actor)
            assert bounds[lane] - 1 <= left and right <= bounds[lane + 1] + 1, (item.id, step.id, step.actor)


@needs_dot
def test_a_diagram_dot_cannot_route_is_drawn_with_straight_edges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A `dot` that aborts like Graphviz 2.43 in bezier_bb unless edges are straight.
    real = shutil.which("dot")
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text(
        f'#!/bin/sh\ncase "$*" in *-Gsplines=line*) exec {real} "$@";; esac\n'
        "echo 'dot: emit.c:3970: bezier_bb: Assertion failed.' >&2\nexit 134\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}")
    written = render_diagrams([Diagram("a", "digraph { a -> b }"), Diagram("b", "digraph { c }")], tmp_path / "o")
    assert [p.name for p in written] == ["a.svg", "b.svg"]
    assert ET.parse(written[0]).getroot().tag == f"{SVG}svg"


def test_labels_keep_katakana_words_whole_and_never_start_a_line_with_closing_marks() -> None:
    from bpr.linebreak import NO_LINE_START

    assert wrap("住民記録システムから証明書を出力する。", 12, 4) == [
        "住民記録",
        "システムから",
        "証明書を",
        "出力する。",
    ]
    assert "システム" in "".join(wrap("本人確認・請求権限の確認、システムへの入力", 14, 4)).split("、")[-1]
    for label in ("マイナンバーカードの交付（電子証明書の発行）", "戸籍謄抄本（全部・個人事項証明書）の交付請求"):
        for width in range(6, 20):
            lines = wrap(label, width, 8)
            assert all(line[0] not in NO_LINE_START for line in lines[1:]), (width, lines)


# --- slides and paper: direction, visits by trip, the title, the legend (issue 14, item 10) -------------

# A return after 3 days is a second trip on the main path; the 補正 branch (20 %) is a trip of its own.
TRIPS = """\
version: 1
counter: {id: fukushi, name: 福祉課 窓口, section: 福祉課}
procedures:
  - id: teate
    name: 福祉手当の申請
    annual_volume: 400
    national_priority: true
    steps:
      - {id: write, name: 申請書の記入, actor: citizen, medium: paper, handwritten: true, in_person: true, effort: 10m}
      - {id: submit, name: 窓口で提出, actor: citizen, medium: paper, in_person: true, effort: 5m, wait: 15m}
      - {id: check, name: 審査, actor: back_office, medium: paper, effort: 20m, next: [{to: fix, share: 0.2, label: 不備あり}, {to: decide}]}
      - {id: fix, name: 補正（再来庁）, actor: citizen, medium: paper, in_person: true, effort: 10m, wait: 2d, next: [check]}
      - {id: decide, name: 決定, actor: back_office, medium: paper, effort: 5m}
      - {id: pickup, name: 決定通知書の受取り, actor: citizen, medium: paper, in_person: true, effort: 5m, wait: 3d}
"""


def trips_item(tmp_path: Path, content: str = TRIPS) -> tuple[Analysis, ScoredProcedure]:
    """Return the analysis of an inventory of one procedure, and the procedure."""
    analysis = analyse(write(tmp_path / "trips", {"fukushi.yaml": content}))
    (item,) = analysis.procedures
    return analysis, item


def node_label(source: str, node: str) -> str:
    """Return the attribute list of a node's definition in a DOT source."""
    (found,) = re.findall(rf'^\t"{node}" \[(label=.*)\]$', source, re.MULTILINE)
    return str(found)


def test_left_to_right_turns_the_graph_and_keeps_the_legend_beside_the_title(tmp_path: Path) -> None:
    analysis, item = branches_item(tmp_path)
    down = swimlane_source(item, "F", analysis.hours_per_fte)
    across = swimlane_source(item, "F", analysis.hours_per_fte, direction="LR")
    assert 'rankdir="TB"' in down and 'rankdir="LR"' not in down
    assert 'rankdir="LR"' in across and 'rankdir="TB"' not in across
    # The same lanes and steps either way; left to right, the legend is part of the title (graph label).
    for node in ("_lane0", "_lane1", "_lane2", "submit", "check", "fix", "enter", "send", "mail"):
        assert f'\t"{node}" [' in down and f'\t"{node}" [' in across, node
    assert '\t"_legend" [' in down and '\t"_legend" [' not in across
    (title,) = re.findall(r"^\tgraph \[.*label=(<.*>) labelloc", across, re.MULTILINE)
    assert "凡例" in title and "婚姻届" in title
    # Across, the ports of the 補正 pair turn with the graph (time runs right, the lanes down); a rework arrow
    # without a forward partner gets none, and dot routes it clear of the branches it would cross.
    assert 'tailport="e"' in edge_attributes(across, "check", "fix")
    assert 'headport="s"' in edge_attributes(across, "check", "fix")
    assert 'tailport="n"' in edge_attributes(across, "check", "fix", rework=True)
    assert 'headport="w"' in edge_attributes(across, "check", "fix", rework=True)


def test_in_person_steps_are_numbered_by_trip_and_the_legend_explains_the_expected_visits(tmp_path: Path) -> None:
    analysis, item = trips_item(tmp_path)
    assert item.figures.visits == pytest.approx(2 + 0.2 / 0.8)  # two trips, and the 補正 loop's
    source = swimlane_source(item, "F", analysis.hours_per_fte)
    badges = {node: re.findall(r">来庁([①-⑳])<", node_label(source, node)) for node in item.figures.passes}
    # The same trip keeps its number; the return after 3 days is ②; the 補正 (a rare, separate trip) is ③.
    assert badges == {"write": ["①"], "submit": ["①"], "check": [], "fix": ["③"], "decide": [], "pickup": ["②"]}
    assert "来庁2.2回" in source  # the title keeps the expected visits
    assert "来庁①②③: 何回目の来庁か" in source and "来庁2.2回は1件あたりの期待値" in source
    # Without the 補正 branch, two trips and 来庁2回: the numbers and the title agree, and no note is needed.
    plain = TRIPS.replace("next: [{to: fix, share: 0.2, label: 不備あり}, {to: decide}]", "next: [decide]")
    plain = "".join(line for line in plain.splitlines(keepends=True) if "id: fix" not in line)
    analysis, item = trips_item(tmp_path / "plain", plain)
    source = swimlane_source(item, "F", analysis.hours_per_fte)
    assert "来庁2回" in source and "来庁①②: 何回目の来庁か" in source and "期待値" not in source


@pytest.mark.parametrize("seed", range(8))
def test_on_a_flow_without_branches_the_last_trip_number_is_the_expected_visits(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    steps = [
        f"      - {{id: s{i}, name: 工程{i}, actor: {rng.choice(['citizen', 'counter'])},"
        f" in_person: {str(rng.random() < 0.5).lower()}, wait: {rng.choice(['0m', '30m', '1d', '3d'])}}}"
        for i in range(rng.randint(3, 9))
    ]
    content = TRIPS.split("    steps:\n")[0] + "    steps:\n" + "\n".join(steps) + "\n"
    analysis, item = trips_item(tmp_path, content)
    source = swimlane_source(item, "F", analysis.hours_per_fte)
    numbers = [ord(n) - ord("①") + 1 for n in re.findall(r">来庁([①-⑳])<", source)]
    assert max(numbers, default=0) == item.figures.visits


def test_the_title_shows_national_priority_and_the_planned_year_and_no_id(tmp_path: Path) -> None:
    analysis, item = trips_item(tmp_path)
    roadmap = Roadmap(
        start_fy=2024,
        years=4,
        items=(RoadmapItem("teate", Measure.ONLINE, 2025, fixed=False, deadline_fy=2025),),
        kpis=(),
    )
    source = swimlane_source(item, "F", analysis.hours_per_fte, roadmap=roadmap)
    (title,) = re.findall(r"^\tgraph \[.*label=(<.*>) labelloc", source, re.MULTILINE)
    assert ">国の優先手続<" in title and "計画: 令和7年度 オンライン化" in title
    assert "teate" not in title and "fukushi" not in title  # no romaji id in the title
    assert source.startswith('digraph "teate" {')  # the id stays the graph's name: the SVG's <title>
    late = replace(roadmap, items=(RoadmapItem("teate", Measure.ONLINE, 2026, fixed=False, deadline_fy=2025),))
    assert "計画: 令和8年度 オンライン化、期限 令和7年度を超過" in swimlane_source(item, "F", 1800.0, roadmap=late)
    ordinary = replace(item, procedure=item.procedure.model_copy(update={"national_priority": False}))
    assert "国の優先手続" not in swimlane_source(ordinary, "F", 1800.0, roadmap=roadmap)


def test_the_legend_lists_only_what_the_diagram_draws(tmp_path: Path) -> None:
    analysis, item = trips_item(tmp_path)
    legend = node_label(swimlane_source(item, "F", analysis.hours_per_fte), "_legend")
    for drawn in ("紙", "来庁①", "手書き", "主経路", "分岐", "差し戻し", "%: その矢印へ進む案件の割合"):
        assert drawn in legend, drawn
    for absent in ("電子", "口頭", "媒体なし", "押印"):
        assert absent not in legend, absent
    # One electronic step and nothing else: one medium, no mark, no branch, no rework, no share.
    (genkyo,) = [i for i in analyse(write(tmp_path / "k", {"k.yaml": KOSODATE})).procedures if i.id == "genkyo"]
    legend = node_label(swimlane_source(genkyo, "F", 1800.0), "_legend")
    assert "電子" in legend and "主経路" in legend
    for absent in ("紙", "口頭", "押印", "来庁", "手書き", "分岐", "差し戻し", "%"):
        assert absent not in legend, absent


@needs_dot
@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_no_romaji_id_in_the_visible_title(tmp_path: Path, direction: str) -> None:
    analysis = analyse(write(tmp_path / "inv", {"fukushi.yaml": TRIPS, "kosodate.yaml": KOSODATE}))
    diagrams = collect_diagrams(analysis, select_diagrams(analysis), "Noto Sans CJK JP", direction=direction)
    out = tmp_path / "o"
    render_diagrams(diagrams, out)
    for name, ids in (("teate", ("teate", "fukushi")), ("counter-kosodate", ("kosodate", "jidoteate", "genkyo"))):
        texts = svg_texts(out / f"{name}.svg")
        assert not [t for t in texts if any(i in t for i in ids)], (name, texts)
        title = ET.parse(out / f"{name}.svg").getroot().find(f"{SVG}g/{SVG}title")
        assert title is not None and title.text == name  # the id stays in the SVG's <title> (a tooltip)


# --- slides and paper: resolution, pages, fonts (issue 14, item 10) --------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    """Return the width and height of a PNG from its header."""
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def pdf_page_sizes(path: Path) -> list[tuple[float, float]]:
    """Return the MediaBox width and height in points of every page of a PDF (cairo writes them uncompressed)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", path.read_bytes())
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


@needs_dot
def test_dpi_sets_the_resolution_of_png(sample: Path, tmp_path: Path, runner: CliRunner) -> None:
    sizes = {}
    for dpi in (None, 192):
        out = tmp_path / f"dpi{dpi}"
        options = ["--dpi", str(dpi)] if dpi else []
        result = runner.invoke(
            app, ["diagram", str(sample), "-o", str(out), "-f", "png", "--procedure", "genkyo", *options]
        )
        assert result.exit_code == 0, result.output
        sizes[dpi] = png_size(out / "genkyo.png")
    (width, height), (wide, high) = sizes[None], sizes[192]
    assert abs(wide - 2 * width) <= 2 and abs(high - 2 * height) <= 2, sizes  # Graphviz's default is 96 dpi


def test_dpi_and_paper_apply_to_their_format_only(sample: Path, tmp_path: Path, runner: CliRunner) -> None:
    for options, message in (
        (["-f", "svg", "--dpi", "150"], "--dpi applies to --format png only"),
        (["-f", "png", "--paper", "a4"], "--paper applies to --format pdf only"),
    ):
        result = runner.invoke(app, ["diagram", str(sample), "-o", str(tmp_path / "o"), *options])
        assert result.exit_code == 2 and message in result.stderr, result.output
    for options in (["--paper", "b5"], ["--direction", "RL"], ["--dpi", "0"]):
        result = runner.invoke(app, ["diagram", str(sample), "-o", str(tmp_path / "o"), "-f", "pdf", *options])
        assert result.exit_code == 2, options
    assert not (tmp_path / "o").exists()


def test_a_diagram_is_scaled_to_the_page_and_never_below_8_pt() -> None:
    source = 'digraph "p" {\n\tgraph [pad="0.3"]\n\ta [label=<<FONT POINT-SIZE="10">x</FONT>> fontsize="12"]\n}\n'
    diagram = Diagram("p", source)
    assert smallest_font(source) == 10
    small = fit_to_paper(diagram, (400, 300), "a4")  # fits as designed: never enlarged
    assert (small.paper, small.scale, small.smallest_text, small.fits) == ("a4", 1.0, 10.0, True)
    assert 'viewport="842,595,1.000000"' in small.diagram.source and small.diagram.source.endswith("}\n")
    shrunk = fit_to_paper(diagram, (800, 600), "a4")  # 0.9 (the height decides): text 9 pt
    assert shrunk.fits and shrunk.scale == pytest.approx((595.28 - 2 * MARGIN) / 600)
    assert shrunk.smallest_text >= 8
    big = fit_to_paper(diagram, (1300, 900), "a4")  # A4 would take the text to 5.9 pt: A3 instead
    assert (big.paper, big.paper_label, big.fits) == ("a3", "A3", False) and big.smallest_text >= 8
    assert 'viewport="1191,842,' in big.diagram.source
    huge = fit_to_paper(diagram, (10000, 5000), "a3")  # larger than A0 at 8 pt: a page of its own at 8 pt
    assert (
        huge.smallest_text == pytest.approx(8)
        and huge.paper_label == f"{round(8000 + 2 * MARGIN)}x{round(4000 + 2 * MARGIN)} pt"
    )


@needs_dot
def test_paper_a4_writes_an_a4_landscape_page_with_text_of_8_pt_or_more(
    sample: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "o"
    args = ["diagram", str(sample), "-o", str(out), "-f", "pdf", "--paper", "a4", "--direction", "LR"]
    result = runner.invoke(app, [*args, "--procedure", "genkyo"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    (width, height), *rest = pdf_page_sizes(out / "genkyo.pdf")
    assert not rest and (round(width), round(height)) == (842, 595)  # A4 landscape
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out / "genkyo.pdf")], capture_output=True, text=True, check=True)
        assert re.search(r"Page size:\s+842 x 595 pts \(A4\)", info.stdout), info.stdout
    # What the page holds: the same source as SVG shows the scale Graphviz applied and every font size.
    analysis = analyse(sample)
    diagrams = collect_diagrams(analysis, select_diagrams(analysis, ["genkyo"]), "Noto Sans CJK JP", direction="LR")
    (fit,) = [fit_to_paper(d, measure_diagrams([d])[d.name], "a4") for d in diagrams]
    (svg,) = render_diagrams([fit.diagram], tmp_path / "svg")
    root = ET.parse(svg).getroot()
    assert (root.get("width"), root.get("height")) == ("842pt", "595pt")
    graph = root.find(f"{SVG}g")
    assert graph is not None
    scale = float(re.findall(r"scale\(([\d.]+)", graph.get("transform", ""))[0])
    assert scale == pytest.approx(fit.scale, abs=0.006)  # the SVG writes it to two decimals
    smallest = min(float(t.get("font-size", "14")) for t in root.iter(f"{SVG}text"))
    assert smallest * scale >= 8, (smallest, scale)


@needs_dot
def test_a_diagram_too_big_for_the_paper_goes_on_a_larger_one_with_a_warning(tmp_path: Path, runner: CliRunner) -> None:
    # Twelve steps top to bottom: far taller than A4 landscape allows at 8 pt.
    steps = "\n".join(
        f"      - {{id: s{i}, name: 工程{i}の作業の名前, actor: {LANE_ORDER[i % 5].value}, medium: paper}}"
        for i in range(12)
    )
    content = TRIPS.split("    steps:\n")[0] + "    steps:\n" + steps + "\n"
    folder = write(tmp_path / "inv", {"long.yaml": content})
    out = tmp_path / "o"
    result = runner.invoke(app, ["diagram", str(folder), "-o", str(out), "-f", "pdf", "--paper", "a4"])
    assert result.exit_code == 0, result.output
    assert re.search(r"warning: teate does not fit A4 with text of 8 pt or more: written on A\d", result.stderr)
    assert "counter-fukushi" not in result.stderr  # the overview fits
    ((width, height),) = pdf_page_sizes(out / "teate.pdf")
    assert width > 842 and height > 595 and width > height  # a larger page, landscape
    assert [(round(w), round(h)) for w, h in pdf_page_sizes(out / "counter-fukushi.pdf")] == [(842, 595)]


@needs_dot
def test_the_svg_names_japanese_fonts_of_windows_and_linux_after_the_one_drawn_with(
    sample: Path, tmp_path: Path
) -> None:
    analysis = analyse(sample)
    (written,) = render_diagrams(
        collect_diagrams(analysis, select_diagrams(analysis, ["genkyo"]), "IPAexGothic"), tmp_path
    )
    families = {t.get("font-family") for t in ET.parse(written).getroot().iter(f"{SVG}text")}
    assert families == {'"IPAexGothic", "Noto Sans CJK JP", "Yu Gothic", "Meiryo", "BIZ UDGothic", sans-serif'}
    assert 'font-family="&quot;IPAexGothic&quot;, &quot;Noto Sans CJK JP&quot;' in written.read_text(encoding="utf-8")
    # The configured font is not named twice; the DOT keeps the one family Graphviz draws with.
    (again,) = render_diagrams(
        collect_diagrams(analysis, select_diagrams(analysis, ["genkyo"]), "Noto Sans CJK JP"), tmp_path / "n"
    )
    families = {t.get("font-family") for t in ET.parse(again).getroot().iter(f"{SVG}text")}
    assert families == {'"Noto Sans CJK JP", "IPAexGothic", "Yu Gothic", "Meiryo", "BIZ UDGothic", sans-serif'}


def test_png_and_pdf_fall_back_to_a_windows_japanese_font_when_the_configured_one_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bpr.cli.diagram as command

    monkeypatch.setattr(command, "japanese_fonts", lambda: ["MS Gothic", "Meiryo"])
    assert command.diagram_font("Noto Sans CJK JP", "png") == "Meiryo"  # not the first name with "Gothic"
    monkeypatch.setattr(command, "japanese_fonts", lambda: ["BIZ UDGothic", "IPAexGothic"])
    assert command.diagram_font("Noto Sans CJK JP", "pdf") == "IPAexGothic"  # Linux's first
    assert command.diagram_font("Noto Sans CJK JP", "svg") == "Noto Sans CJK JP"  # SVG names it; the viewer draws


def test_the_config_sets_direction_dpi_and_paper_and_options_override_it(runner: CliRunner, tmp_path: Path) -> None:
    from bpr.config import Config, load_config

    config = tmp_path / "bpr.yaml"
    config.write_text("diagram:\n  direction: LR\n  dpi: 48\n  paper: a3\n", encoding="utf-8")
    loaded = load_config(config)
    assert (loaded.diagram.direction, loaded.diagram.dpi, loaded.diagram.paper) == ("LR", 48, "a3")
    assert (Config().diagram.direction, Config().diagram.dpi, Config().diagram.paper) == ("TB", 96, None)
    inventory = Path(__file__).resolve().parents[1] / "inventories"
    base = ["diagram", str(inventory), "--procedure", "shimin-juminhyo", "--config", str(config), "-f", "dot"]
    assert runner.invoke(app, [*base, "-o", str(tmp_path / "a")]).exit_code == 0
    assert 'rankdir="LR"' in (tmp_path / "a" / "shimin-juminhyo.dot").read_text(encoding="utf-8")
    assert runner.invoke(app, [*base, "--direction", "TB", "-o", str(tmp_path / "b")]).exit_code == 0
    assert 'rankdir="LR"' not in (tmp_path / "b" / "shimin-juminhyo.dot").read_text(encoding="utf-8")


def test_the_title_links_back_to_the_workbook_only_when_given(tmp_path: Path) -> None:
    analysis, item = branches_item(tmp_path)
    linked = swimlane_source(item, "F", analysis.hours_per_fte, back_link="../roadmap.xlsx")
    plain = swimlane_source(item, "F", analysis.hours_per_fte)
    assert 'HREF="../roadmap.xlsx"' in linked and f"優先順位ワークブックの{item.rank}位へ" in linked
    assert "HREF" not in plain and "ワークブック" not in plain


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_build_links_each_diagram_to_its_workbook_and_back(tmp_path: Path) -> None:
    from bpr.cli.main import app

    inventory = Path(__file__).resolve().parents[1] / "inventories"
    result = CliRunner().invoke(app, ["build", str(inventory), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "out" / "diagrams" / "shimin-juminhyo.svg").read_text(encoding="utf-8")
    assert 'xlink:href="../roadmap.xlsx"' in svg
    assert (tmp_path / "out" / "diagrams" / ".." / "roadmap.xlsx").is_file()
    page = (tmp_path / "out" / "report" / "procedures" / "shimin-juminhyo.html").read_text(encoding="utf-8")
    assert "roadmap.xlsx" not in page  # the report's own links lead around it; the sanitiser drops the diagram's
    # and the workbook links each procedure to its diagram: a round trip
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "out" / "roadmap.xlsx")["優先順位"]
    targets = [row[-1].hyperlink.target for row in sheet.iter_rows(min_row=2) if row[-1].hyperlink]
    assert len(targets) == sheet.max_row - 1 and "diagrams/shimin-juminhyo.svg" in targets
    assert all((tmp_path / "out" / target).is_file() for target in targets)
