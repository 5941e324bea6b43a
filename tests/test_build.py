"""`bpr build`: validate, then workbooks, diagrams and JSON into one folder that replaces the last build's outputs."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.build import MARKER
from bpr.cli.main import app
from bpr.export.diagram import RenderError

from conftest import INVENTORIES

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

INVENTORY = """\
version: 1
counter: {id: kosodate, name: 子育て支援課 窓口, section: 子育て支援課}
procedures:
  - id: jidoteate
    name: 児童手当 認定請求
    annual_volume: 900
    national_priority: true
    steps:
      - {id: write, name: 認定請求書の記入, actor: citizen, action: write, medium: paper, handwritten: true, in_person: true, effort: 15m, wait: 20m}
      - {id: receive, name: 窓口受付, actor: counter, action: receive, medium: paper, effort: 10m}
      - {id: enter, name: システム入力, actor: back_office, action: enter, medium: paper, rule_based: true, effort: 12m}
      - {id: approve, name: 認定決裁, actor: back_office, action: approve, medium: paper, effort: 5m, wait: 3d, next: [notify, write]}
      - {id: notify, name: 認定通知書の送付, actor: back_office, action: notify, medium: paper, effort: 3m}
  - id: genkyo
    name: 児童手当 現況届
    annual_volume: 1200
    steps:
      - {id: send, name: 電子申請で届出, actor: citizen, action: submit, medium: electronic, effort: 5m}
      - {id: check, name: 審査, actor: back_office, action: check, medium: electronic, rule_based: true, effort: 3m}
"""
SECOND = """\
version: 1
counter: {id: zeimu, name: 税務課 窓口, section: 税務課}
procedures:
  - id: shomei
    name: 所得証明書の交付
    annual_volume: 5000
    fee: {amount: 300}
    steps:
      - {id: write, name: 申請書の記入, actor: citizen, action: write, medium: paper, handwritten: true, in_person: true, effort: 5m}
      - {id: issue, name: 証明書の発行, actor: counter, action: issue, medium: electronic, rule_based: true, effort: 3m}
"""


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    """Return a valid inventory folder of two counters in two sections."""
    folder = tmp_path / "inventories"
    folder.mkdir()
    (folder / "kosodate.yaml").write_text(INVENTORY, encoding="utf-8")
    (folder / "zeimu.yaml").write_text(SECOND, encoding="utf-8")
    return folder


def leftovers(folder: Path) -> list[str]:
    """Return the staging or retired folders a build left beside its output."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith((".tmp", ".old")))


@needs_dot
def test_build_writes_workbooks_diagrams_and_json(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out), "--lang", "ja"])
    assert result.exit_code == 0, result.output + result.stderr
    assert zipfile.is_zipfile(out / "roadmap.xlsx")
    sections = sorted(p.name for p in (out / "sections").iterdir())
    assert sections == ["子育て支援課.xlsx", "税務課.xlsx"]
    assert all(zipfile.is_zipfile(out / "sections" / name) for name in sections)
    diagrams = sorted(p.name for p in (out / "diagrams").iterdir())
    assert diagrams == ["counter-kosodate.svg", "counter-zeimu.svg", "genkyo.svg", "jidoteate.svg", "shomei.svg"]
    # Every procedure on 16:9 slides too (bpr diagram --slide), for a deck.
    assert sorted(p.name for p in (out / "slides").iterdir()) == [
        "genkyo.slide.svg",
        "jidoteate.slide.svg",
        "shomei.slide.svg",
    ]
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert sorted(p["id"] for p in scores["procedures"]) == ["genkyo", "jidoteate", "shomei"]
    roadmap = json.loads((out / "roadmap.json").read_text(encoding="utf-8"))
    assert roadmap["start_fy"] == 2022 and roadmap["years"] == 4
    assert (out / MARKER).is_file()
    assert leftovers(tmp_path) == []
    for text in ("手続 3件", "優先順位", "KPI", "出力先", "roadmap.xlsx", "diagrams", "scores.json", "roadmap.json"):
        assert text in result.output, text
    assert "警告 1件" in result.output  # the rework loop


@needs_dot
def test_build_takes_the_roadmap_horizon(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out), "--start-fy", "2024", "--years", "2"])
    assert result.exit_code == 0, result.output + result.stderr
    roadmap = json.loads((out / "roadmap.json").read_text(encoding="utf-8"))
    assert (roadmap["start_fy"], roadmap["years"]) == (2024, 2)
    assert all(2024 <= item["fy"] <= 2025 for item in roadmap["items"])


def test_build_refuses_an_invalid_inventory_and_writes_nothing(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    (inventory / "kosodate.yaml").write_text(INVENTORY.replace("next: [notify, write]", "next: [notfy]"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out)])
    assert result.exit_code == 1
    assert re.search(r"kosodate\.yaml:\d+:\d+: error unknown-reference step 'approve' goes to 'notfy'", result.stderr)
    assert not out.exists()
    assert leftovers(tmp_path) == []


@needs_dot
def test_an_invalid_inventory_leaves_the_previous_build_as_it_was(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(inventory), "-o", str(out)]).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (inventory / "zeimu.yaml").write_text(SECOND.replace("annual_volume: 5000", "annual_volume: many"))
    assert runner.invoke(app, ["build", str(inventory), "-o", str(out)]).exit_code == 1
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@needs_dot
def test_rebuilding_replaces_the_outputs_cleanly(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(inventory), "-o", str(out)]).exit_code == 0
    (inventory / "zeimu.yaml").unlink()
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    assert sorted(p.name for p in (out / "diagrams").iterdir()) == [
        "counter-kosodate.svg",
        "genkyo.svg",
        "jidoteate.svg",
    ]
    assert sorted(p.name for p in (out / "sections").iterdir()) == ["子育て支援課.xlsx"]
    assert leftovers(tmp_path) == []


@needs_dot
def test_a_failing_render_leaves_the_previous_build_intact(
    inventory: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(inventory), "-o", str(out)]).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args: object, **kwargs: object) -> None:
        raise RenderError("dot failed on some diagrams; nothing was written:\njidoteate: crashed")

    monkeypatch.setattr("bpr.export.diagram.render._render_batches", broken)
    monkeypatch.setenv("BPR_NO_CACHE", "1")  # else the first build's drawings come back from the render cache
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out)])
    assert result.exit_code == 2
    assert "jidoteate: crashed" in result.stderr
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert leftovers(tmp_path) == []


def test_build_refuses_a_folder_it_did_not_write(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out)])
    assert result.exit_code == 2
    assert "not written by `bpr build`" in result.stderr
    assert (out / "notes.txt").read_text() == "keep me"
    file_out = tmp_path / "file"
    file_out.write_text("x")
    assert runner.invoke(app, ["build", str(inventory), "-o", str(file_out)]).exit_code == 2


def test_build_without_dot_builds_the_rest_and_writes_the_diagrams_as_dot(
    inventory: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "apt-get install graphviz fonts-noto-cjk" in result.stderr and "bpr doctor" in result.stderr
    assert (out / "roadmap.xlsx").is_file() and (out / "report" / "index.html").is_file()
    dot_files = sorted((out / "diagrams").glob("*.dot"))
    assert dot_files and not list((out / "diagrams").glob("*.svg"))
    assert dot_files[0].read_text(encoding="utf-8").lstrip().startswith("digraph")
    assert "(DOT)" in result.stdout


def test_build_with_no_diagrams_writes_none(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out), "--no-diagrams", "--lang", "ja"])
    assert result.exit_code == 0, result.output
    assert not (out / "diagrams").exists()
    assert (out / "roadmap.xlsx").is_file() and (out / "report" / "index.html").is_file()
    assert "業務フロー図" not in result.stdout


def test_build_of_a_missing_path_exits_2(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


@needs_dot
@pytest.mark.skipif(not INVENTORIES.is_dir(), reason="no sample inventory")
def test_build_of_the_sample_inventory(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(INVENTORIES), "-o", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))["procedures"]
    counters = {p["counter"] for p in scores}
    expected = {f"{p['id']}.svg" for p in scores} | {f"counter-{c}.svg" for c in counters}
    assert {p.name for p in (out / "diagrams").iterdir()} == expected
    sections = {p["section"] for p in scores}
    assert len(list((out / "sections").glob("*.xlsx"))) == len(sections)
    assert zipfile.is_zipfile(out / "roadmap.xlsx")
    assert json.loads((out / "roadmap.json").read_text(encoding="utf-8"))["kpis"]
