"""`bpr diagram --slide`: every procedure on 16:9 slides, its text 12 pt or more on 1280 × 720 px, split when it must be."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.analysis.outline import outline_flow
from bpr.cli.main import app
from bpr.export.diagram.slidepart import SlidePart, part_bounds
from bpr.export.diagram.slides import MIN_TEXT, slide_file_name
from bpr.inventory.flow import build_flow
from bpr.inventory.models import Step

from conftest import INVENTORIES, ROOT

SVG = "{http://www.w3.org/2000/svg}"
SLIDE_PX = (1280, 720)  # the slide at 96 dpi
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
_TRANSFORM = re.compile(r"scale\(([\d.]+) ([\d.]+)\) rotate\(0\) translate\(([-\d.]+) ([-\d.]+)\)")


@dataclass(frozen=True)
class Measured:
    """What a slide's SVG says of its size and its text, in points on the 1280 × 720 px slide."""

    width_px: float
    height_px: float
    smallest_text: float
    texts: tuple[tuple[str, float, float], ...]  # each text, and where it starts on the slide (pt)

    @property
    def aspect(self) -> float:
        """Return the page's width over its height."""
        return self.width_px / self.height_px


def measure(path: Path) -> Measured:
    """Read a rendered slide: its page in px at 96 dpi, and each text's size and place after every scaling."""
    root = ET.parse(path).getroot()
    width_pt, height_pt = (float(root.attrib[key].removesuffix("pt")) for key in ("width", "height"))
    graph = root.find(f"{SVG}g")
    assert graph is not None
    match = _TRANSFORM.fullmatch(graph.attrib["transform"])
    assert match, graph.attrib["transform"]
    zoom, _, dx, dy = (float(value) for value in match.groups())
    # A slide of 1280 px shows the page's width: a point of the page is 960 / width pt on the slide.
    to_slide = SLIDE_PX[0] * 0.75 / width_pt * zoom
    sizes, texts = [], []
    for element in root.iter(f"{SVG}text"):
        sizes.append(float(element.attrib["font-size"]) * to_slide)
        x, y = (float(element.attrib[key]) for key in ("x", "y"))
        texts.append((element.text or "", (x + dx) * to_slide, (y + dy) * to_slide))
    return Measured(width_pt / 0.75, height_pt / 0.75, min(sizes), tuple(texts))


@pytest.fixture(scope="module")
def sample_slides(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder of every sample procedure's slides, drawn by one `bpr diagram --slide` (one batch of dot)."""
    out = tmp_path_factory.mktemp("slides")
    result = CliRunner().invoke(app, ["diagram", str(INVENTORIES), "--slide", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _procedures() -> Iterator[str]:
    for path in sorted(INVENTORIES.glob("*.yaml")):
        yield from re.findall(r"^  - id: (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)


@needs_dot
def test_every_sample_slide_is_16_9_with_text_of_12_pt_or_more(sample_slides: Path) -> None:
    procedures = list(_procedures())
    assert len(procedures) == 69
    files = sorted(sample_slides.glob("*.svg"))
    by_procedure = {pid: [f for f in files if re.fullmatch(rf"{pid}\.slide(-\d+)?\.svg", f.name)] for pid in procedures}
    assert all(by_procedure.values()), [pid for pid, found in by_procedure.items() if not found]
    assert sum(len(found) for found in by_procedure.values()) == len(files)
    smallest = []
    for path in files:
        slide = measure(path)
        assert (slide.width_px, slide.height_px) == SLIDE_PX, path.name
        assert abs(slide.aspect - 16 / 9) < 0.005, path.name
        assert slide.smallest_text >= MIN_TEXT - 0.01, (path.name, slide.smallest_text)
        # Every text starts on the page: nothing is cut off at its edges.
        outside = [t for t, x, y in slide.texts if not (0 <= x <= 960 and 0 <= y <= 540)]
        assert not outside, (path.name, outside)
        smallest.append(slide.smallest_text)
    # What docs/diagrams.md says of the sample.
    split = sorted(pid for pid, found in by_procedure.items() if len(found) > 1)
    assert split == ["kaigo-koshin", "kaigo-nintei", "shogai-shintai-techo"]
    docs = " ".join((ROOT / "docs" / "diagrams.md").read_text(encoding="utf-8").split())
    assert f"the 69 procedures give {len(files)} slides" in docs
    assert f"the smallest text on any slide is {min(smallest):.1f} pt" in docs
    # The Japanese part says the same (Japanese lines wrap anywhere: compared without spaces).
    compact = "".join(docs.split())
    assert f"見本の69手続は{len(files)}枚のスライドになります" in compact
    assert f"どのスライドでも最も小さい文字は{min(smallest):.1f}ptで" in compact


@needs_dot
def test_a_split_procedure_says_so_in_each_title(sample_slides: Path) -> None:
    # 要介護認定: 13 steps on its main path, too many for one slide at 12 pt.
    parts = sorted(sample_slides.glob("kaigo-nintei.slide-*.svg"))
    assert [p.name for p in parts] == ["kaigo-nintei.slide-1.svg", "kaigo-nintei.slide-2.svg"]
    first, second = ("".join(t for t, _, _ in measure(p).texts) for p in parts)
    assert "要介護・要支援認定の申請（新規） (1/2)" in first and "(2/2)" in second
    assert "主な流れ13工程を2枚に分割: この1枚目は工程1〜7" in first
    assert "この2枚目は工程8〜13" in second
    assert "2/2へ続く" in first and "1/2から" in second
    # The rework from step 8 goes back to step 5, on the first slide: the note says where it is, and step 5
    # carries the way's marker with an arrow.
    assert "工程8から 記載漏れ（意見書の再依頼） 10% → 工程5（1/2）へ戻る（差し戻し）" in second
    assert "※1" in second and "←※1" in first


@needs_dot
def test_the_ways_off_the_main_path_are_numbered_notes(sample_slides: Path) -> None:
    texts = [t for t, _, _ in measure(sample_slides / "koseki-konin.slide.svg").texts]
    said = "".join(texts)
    # Every step of the main path is a numbered box; the 補正 step off it is told in note ※1.
    assert sorted(int(t) for t in texts if t.isdigit()) == list(range(1, 9))
    assert "※1" in texts
    assert (
        "工程5から 不備あり（再来庁） 10% → 届出人への照会・補正（再来庁）（住民・紙・10分・待ち2日・来庁②・手書き）"
        in said.replace("\n", "")
    )
    assert "工程5へ戻る（差し戻し）" in said


def test_the_outline_tells_every_step_off_the_main_path() -> None:
    steps = [
        Step.model_validate(
            {"id": "a", "name": "A", "actor": "citizen", "next": [{"to": "b", "share": 0.8}, {"to": "x", "share": 0.2}]}
        ),
        Step.model_validate({"id": "b", "name": "B", "actor": "counter", "next": [{"to": "c"}, {"to": "y"}]}),
        Step.model_validate({"id": "c", "name": "C", "actor": "counter", "next": []}),
        Step.model_validate({"id": "x", "name": "X", "actor": "counter", "next": ["z"]}),
        Step.model_validate({"id": "z", "name": "Z", "actor": "counter", "next": ["a", "c"]}),
        Step.model_validate({"id": "y", "name": "Y", "actor": "counter", "next": []}),
        Step.model_validate({"id": "lone", "name": "L", "actor": "counter", "next": []}),
    ]
    outline = outline_flow(build_flow(steps), ("a", "b", "c"))
    found = [(d.origin, d.target, d.steps, d.rejoins, d.ends, d.back, d.share) for d in outline.detours]
    assert found == [
        ("a", "x", ("x", "z"), ("a", "c"), False, True, pytest.approx(0.2)),
        ("b", "y", ("y",), (), True, False, None),  # plain ids: no share to show
    ]
    assert outline.unreached == ("lone",)


def test_parts_are_consecutive_and_even() -> None:
    assert part_bounds(13, 2) == [(0, 7), (7, 13)]
    assert part_bounds(7, 3) == [(0, 3), (3, 5), (5, 7)]
    part = SlidePart(2, 3, 3, 5, 2, 7)
    assert [part.number_of(i) for i in range(7)] == [1, 1, 1, 2, 2, 3, 3]
    assert [list(row) for row in SlidePart(1, 1, 0, 7, 3, 7).rows()] == [[0, 1, 2], [3, 4, 5], [6]]


def test_slide_file_names_never_equal_a_diagram_s() -> None:
    one, split = SlidePart(1, 1, 0, 5, 3, 5), SlidePart(2, 3, 2, 4, 2, 5)
    assert slide_file_name("koseki-konin", one) == "koseki-konin.slide"
    assert slide_file_name("koseki-konin", split) == "koseki-konin.slide-2"
    # No slug holds a dot; a capped long id still gets a safe name of its own.
    long = slide_file_name("p" * 80, one)
    assert len(long) <= 80 and long != "p" * 80


def _long_counter(steps: int) -> str:
    """Return a counter file with one procedure of many long-named steps, branches, 差し戻し and an exception."""
    lines = [
        "version: 1",
        "counter: {id: test, name: 試験窓口, section: 試験課}",
        "procedures:",
        "  - id: test-long",
        "    name: とても長い手続の例（工程が多く、分岐と差し戻しがある）",
        "    annual_volume: 100",
        "    steps:",
    ]
    for i in range(steps):
        name = f"工程{i}: 申請内容の確認と住民記録システムへの入力（紙の台帳との照合を含む）"
        step = f"{{id: s{i}, name: '{name}', actor: {('citizen', 'counter', 'back_office')[i % 3]}, effort: 5m"
        if i % 6 == 3 and i + 1 < steps:
            step += f", next: [{{to: s{i + 1}, share: 0.85}}, {{to: fix{i}, share: 0.1, label: 記載不備}}"
            step += f", {{to: stop{i}, share: 0.05, label: 要件に該当しない}}]"
        elif i + 1 == steps:
            step += ", next: []"
        lines.append(f"      - {step}}}")
    for i in range(3, steps - 1, 6):
        lines.append(f"      - {{id: fix{i}, name: 補正の依頼と再提出, actor: citizen, in_person: true, next: [s{i}]}}")
        lines.append(f"      - {{id: stop{i}, name: 却下の通知, actor: back_office, next: []}}")
    return "\n".join(lines) + "\n"


@needs_dot
def test_a_long_flow_is_split_into_slides_that_each_keep_12_pt(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "test.yaml").write_text(_long_counter(40), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["diagram", str(tmp_path / "test.yaml"), "--slide", "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.svg"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    count = len(files)
    assert count >= 3 and f"{count} slides (1 procedure)" in result.output
    assert "1 procedure is split over several slides" in result.output
    numbers = []
    for number, path in enumerate(files, start=1):
        slide = measure(path)
        assert (slide.width_px, slide.height_px) == SLIDE_PX
        assert slide.smallest_text >= MIN_TEXT - 0.01
        said = [t for t, _, _ in slide.texts]
        assert any(f"({number}/{count})" in t for t in said)
        numbers.append(sorted(int(t) for t in said if t.isdigit()))
    # Every step of the main path once, in order over the slides.
    assert [n for part in numbers for n in part] == list(range(1, 41))


@needs_dot
def test_slides_are_the_same_bytes_each_time(tmp_path: Path, runner: CliRunner) -> None:
    runs = []
    for name in ("a", "b"):
        args = ["diagram", str(INVENTORIES), "--slide", "--counter", "koseki", "-f", "dot", "-o", str(tmp_path / name)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        runs.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
    assert runs[0] == runs[1] and "koseki-konin.slide.dot" in runs[0]
    assert 'viewport="960,540,' in runs[0]["koseki-konin.slide.dot"].decode()


def test_slide_refuses_direction_and_paper(runner: CliRunner) -> None:
    for extra in (["--direction", "LR"], ["-f", "pdf", "--paper", "a4"]):
        result = runner.invoke(app, ["diagram", str(INVENTORIES), "--slide", *extra, "-o", "unused"])
        assert result.exit_code == 2
        assert "--direction and --paper do not apply to --slide" in result.stderr
