"""The report's diagrams sanitised by worker processes: the same bytes as sanitised in the writing process."""

from __future__ import annotations

import hashlib
import shutil
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bpr.analysis.pipeline import analyse_inventory
from bpr.analysis.results import Analysis
from bpr.cli.common import load_or_exit
from bpr.export.diagram import Selection, collect_diagrams, diagram_file_name, render_diagrams
from bpr.export.report import svg, write_report
from bpr.export.report.sanitising import MIN_DIAGRAMS, DiagramMarkups, Outcome, sanitising_workers
from bpr.export.report.svg import SvgStyles, embeddable_svg

from conftest import generate

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

SOURCE_DATE = {"SOURCE_DATE_EPOCH": "1765000000"}


def digests(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under a folder, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysis, Path]:
    """Return the analysis of a generated inventory and a folder of its swimlanes, one broken and one missing."""
    root = tmp_path_factory.mktemp("sanitising")
    inventory = generate(root / "inventory", 24, 2)
    loaded = load_or_exit([inventory], None)
    analysis = analyse_inventory(loaded.inventory, loaded.config)
    folder = root / "drawn"
    render_diagrams(collect_diagrams(analysis, Selection(analysis.procedures, ()), loaded.config.diagram.font), folder)
    ids = [item.id for item in analysis.procedures]
    (folder / f"{diagram_file_name(ids[3])}.svg").write_text("<svg><unclosed></svg>", encoding="utf-8")
    (folder / f"{diagram_file_name(ids[7])}.svg").unlink()
    return analysis, folder


@pytest.mark.parametrize("cache", ["cold", "none"])
def test_workers_write_the_pages_the_writing_process_writes(
    drawn: tuple[Analysis, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    analysis, folder = drawn
    if cache == "none":
        monkeypatch.setenv("BPR_NO_CACHE", "1")
    written = {}
    here: list[bytes] = []  # the SVGs sanitised in this process
    real = svg.embeddable_svg
    monkeypatch.setattr(svg, "embeddable_svg", lambda raw, *args: here.append(raw) or real(raw, *args))
    for workers in (0, 2):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{workers}"))  # each run starts cold
        out = tmp_path / f"workers-{workers}"
        out.mkdir()
        here.clear()
        outputs = write_report(analysis, out, diagrams=folder, environ=SOURCE_DATE, workers=workers)
        assert outputs.diagrams == len(analysis.procedures) - 2  # the broken and the missing one
        assert len(here) == (len(analysis.procedures) - 1 if workers == 0 else 0)
        written[workers] = digests(out)
    assert written[0] == written[2]
    if cache == "cold":  # the workers kept their entries where this process would have
        kept = {workers: digests(tmp_path / f"cache-{workers}" / "bpr" / "renders") for workers in (0, 2)}
        assert kept[0].keys() == kept[2].keys() and kept[0]


def test_workers_take_only_the_diagrams_said_to_be_drawn(
    drawn: tuple[Analysis, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # While dot draws, a page waits for its own diagram (`ready`) and the workers look ahead only at those
    # already drawn (`drawn`): here every other one, in whatever order they come.
    analysis, folder = drawn
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    stems = [diagram_file_name(item.id) for item in analysis.procedures]
    waited: list[str] = []
    (tmp_path / "serial").mkdir()
    (tmp_path / "ahead").mkdir()
    write_report(analysis, tmp_path / "serial", diagrams=folder, environ=SOURCE_DATE)
    write_report(
        analysis,
        tmp_path / "ahead",
        diagrams=folder,
        environ=SOURCE_DATE,
        ready=waited.append,
        drawn=lambda stem: stems.index(stem) % 2 == 0,
        workers=2,
    )
    assert waited == stems
    assert digests(tmp_path / "serial") == digests(tmp_path / "ahead")


def test_a_worker_that_died_leaves_the_diagram_to_this_process(drawn: tuple[Analysis, Path]) -> None:
    analysis, folder = drawn
    item = analysis.procedures[0]
    title = f"業務フロー図: {item.procedure.name}"
    raw = (folder / f"{diagram_file_name(item.id)}.svg").read_bytes()
    with DiagramMarkups(folder, workers=0) as markups:
        died: Future[Outcome] = Future()
        died.set_exception(BrokenProcessPool("a worker died"))
        markups.pending[diagram_file_name(item.id)] = died
        assert markups.markup(item.id, title, SvgStyles()) == embeddable_svg(raw, title, SvgStyles())
        assert markups.pending == {}


def test_workers_sanitise_only_a_report_large_enough_and_leave_a_core_to_the_pages() -> None:
    assert sanitising_workers(MIN_DIAGRAMS - 1, 8) == 0
    assert sanitising_workers(10_000, 1) == 0
    assert sanitising_workers(10_000, 2) == 1
    assert sanitising_workers(MIN_DIAGRAMS, 3) == 2
    assert sanitising_workers(10_000, 64) == 4
