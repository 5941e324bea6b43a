"""`bpr build -o DIR`: what it may replace in DIR, what it keeps, and how it reports a folder it cannot write."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_build import INVENTORY, SECOND, leftovers
from typer.testing import CliRunner

from bpr.cli.build import MARKER
from bpr.cli.main import app
from bpr.export.output_folder import DIAGRAM_MARKER, STALE_AFTER_SECONDS

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    """Return a valid inventory folder of two counters in two sections."""
    folder = tmp_path / "inventories"
    folder.mkdir()
    (folder / "kosodate.yaml").write_text(INVENTORY, encoding="utf-8")
    (folder / "zeimu.yaml").write_text(SECOND, encoding="utf-8")
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder, by relative path, with its content."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def build(runner: CliRunner, inventory: Path, out: Path) -> tuple[int, str]:
    """Run `bpr build` and return its exit code and everything it printed."""
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output + result.stderr


# Item 2: the user's files are never lost.


@needs_dot
def test_a_folder_without_the_marker_is_refused_even_when_its_names_look_like_outputs(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    (out / "sections").mkdir(parents=True)
    (out / "sections" / "budget.docx").write_bytes(b"the budget")
    (out / "roadmap.xlsx").write_bytes(b"my own roadmap")
    before = tree(out)
    code, output = build(runner, inventory, out)
    assert code == 2, output
    assert f"bpr: cannot write {out}:" in output
    assert "not written by `bpr build`" in output and "empty folder" in output
    assert tree(out) == before
    assert leftovers(tmp_path) == []


@needs_dot
def test_a_folder_of_diagrams_without_the_marker_of_bpr_diagram_is_refused_too(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["diagram", str(inventory), "-o", str(out / "diagrams"), "-f", "dot"]).exit_code == 0
    (out / "diagrams" / DIAGRAM_MARKER).unlink()  # copied by hand, or written by a bpr before the marker
    before = tree(out)
    code, output = build(runner, inventory, out)
    assert code == 2, output
    assert tree(out) == before


# Issue 25, item 3: bpr's other outputs (bpr diagram, bpr report) are not foreign to a build, nor a build's
# report to `bpr report` (docs/output.md, "bpr's other outputs in the folder").


def manifest(marker: Path) -> list[str]:
    return list(json.loads(marker.read_text(encoding="utf-8"))["files"])


@needs_dot
def test_bpr_diagram_lists_what_it_wrote_and_keeps_the_list_across_runs(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "diagrams"
    out.mkdir()
    (out / "whiteboard.svg").write_text("<svg/>")

    def diagram(*args: str) -> None:
        result = runner.invoke(app, ["diagram", str(inventory), "-o", str(out), *args])
        assert result.exit_code == 0, result.output + result.stderr

    diagram("--counter", "zeimu")
    assert manifest(out / DIAGRAM_MARKER) == [DIAGRAM_MARKER, "counter-zeimu.svg", "shomei.svg"]
    diagram("-f", "dot", "--counter", "kosodate")
    (out / "shomei.svg").unlink()
    diagram("--procedure", "jidoteate")
    listed = [
        DIAGRAM_MARKER,
        "counter-kosodate.dot",
        "counter-zeimu.svg",
        "genkyo.dot",
        "jidoteate.dot",
        "jidoteate.svg",
    ]
    assert manifest(out / DIAGRAM_MARKER) == listed
    assert (out / "whiteboard.svg").read_text() == "<svg/>"  # never listed, never touched


def test_a_marker_place_that_holds_no_manifest_is_left_alone(tmp_path: Path) -> None:
    from bpr.export.output_folder import add_to_manifest

    (tmp_path / "a.svg").write_text("<svg/>")
    (tmp_path / DIAGRAM_MARKER).write_text("my notes")
    add_to_manifest(tmp_path, [tmp_path / "a.svg"])
    assert (tmp_path / DIAGRAM_MARKER).read_text() == "my notes"


@needs_dot
def test_a_build_takes_the_diagrams_of_bpr_diagram_for_its_own_to_overwrite_and_keeps_the_rest(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["diagram", str(inventory), "-o", str(out / "diagrams")]).exit_code == 0
    assert runner.invoke(app, ["diagram", str(inventory), "-o", str(out / "diagrams"), "-f", "dot"]).exit_code == 0
    (out / "diagrams" / "shomei.svg").write_text("<svg>drawn by an older run</svg>")
    code, output = build(runner, inventory, out)
    assert code == 0, output
    assert (out / MARKER).is_file() and (out / "roadmap.xlsx").is_file()
    assert (out / "diagrams" / "shomei.svg").read_text() != "<svg>drawn by an older run</svg>"
    assert (out / "diagrams" / "shomei.dot").is_file()  # bpr diagram's, which the build does not write: kept
    assert "shomei.dot" in manifest(out / "diagrams" / DIAGRAM_MARKER)
    assert "diagrams/shomei.dot" not in manifest(out / MARKER)
    assert leftovers(tmp_path) == []


@needs_dot
def test_bpr_diagram_into_a_build_then_a_new_counter_then_build_again(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    second = inventory.parent / "zeimu.yaml"
    (inventory / "zeimu.yaml").rename(second)
    assert build(runner, inventory, out)[0] == 0
    second.rename(inventory / "zeimu.yaml")  # as `bpr new` adds a counter
    assert runner.invoke(app, ["diagram", str(inventory), "-o", str(out / "diagrams")]).exit_code == 0
    (out / "notes.txt").write_text("keep me")
    code, output = build(runner, inventory, out)
    assert code == 0, output
    assert (out / "diagrams" / "counter-zeimu.svg").is_file() and (out / "sections" / "税務課.xlsx").is_file()
    assert (out / "notes.txt").read_text() == "keep me"


@needs_dot
def test_a_folder_of_bpr_outputs_and_a_file_of_the_users_is_refused_naming_that_file(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["diagram", str(inventory), "-o", str(out / "diagrams"), "-f", "dot"]).exit_code == 0
    (out / "diagrams" / "whiteboard.svg").write_text("<svg/>")
    before = tree(out)
    code, output = build(runner, inventory, out)
    assert code == 2, output
    assert "(diagrams/whiteboard.svg)" in output
    assert tree(out) == before


@needs_dot
def test_bpr_report_writes_over_the_report_of_a_build_and_the_build_over_it_again(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    assert build(runner, inventory, out)[0] == 0
    (out / "report" / "notes.txt").write_text("keep me")
    (out / "report" / "index.html").write_text("an older page")
    result = runner.invoke(app, ["report", str(inventory), "-o", str(out / "report")])
    assert result.exit_code == 0, result.output + result.stderr
    assert (out / "report" / "index.html").read_text(encoding="utf-8") != "an older page"
    assert (out / "report" / "notes.txt").read_text() == "keep me"
    assert "index.html" in manifest(out / "report" / ".bpr-report")
    assert "report/index.html" in manifest(out / MARKER)  # the build's manifest stays as the build wrote it
    code, output = build(runner, inventory, out)
    assert code == 0, output
    assert (out / "report" / "notes.txt").read_text() == "keep me"
    assert leftovers(tmp_path) == [] and leftovers(out) == []


@needs_dot
def test_bpr_report_is_not_written_over_a_whole_build(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    assert build(runner, inventory, out)[0] == 0
    before = tree(out)
    result = runner.invoke(app, ["report", str(inventory), "-o", str(out)])
    assert result.exit_code == 2 and "not written by `bpr report`" in result.stderr
    assert tree(out) == before


@needs_dot
def test_an_empty_folder_is_fine(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, output = build(runner, inventory, out)
    assert code == 0, output
    assert (out / MARKER).is_file() and (out / "roadmap.xlsx").is_file()


@needs_dot
def test_a_rebuild_replaces_only_what_the_last_build_wrote(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    assert build(runner, inventory, out)[0] == 0
    (out / "sections" / "budget.docx").write_bytes(b"the budget")
    (out / "diagrams" / "whiteboard.svg").write_text("<svg/>")
    (out / "notes").mkdir()
    (out / "notes" / "meeting.txt").write_text("keep me")
    (out / "notes" / "empty").mkdir()
    (out / "link").symlink_to("notes/meeting.txt")
    (inventory / "zeimu.yaml").unlink()
    code, output = build(runner, inventory, out)
    assert code == 0, output
    assert (out / "sections" / "budget.docx").read_bytes() == b"the budget"
    assert (out / "diagrams" / "whiteboard.svg").read_text() == "<svg/>"
    assert (out / "notes" / "meeting.txt").read_text() == "keep me"
    assert (out / "notes" / "empty").is_dir()
    assert os.readlink(out / "link") == "notes/meeting.txt"
    # What the first build wrote for 税務課 is gone; the rest is the new build's.
    assert sorted(p.name for p in (out / "sections").iterdir()) == ["budget.docx", "子育て支援課.xlsx"]
    assert not (out / "diagrams" / "shomei.svg").exists()
    assert leftovers(tmp_path) == []
    # The kept files stay kept, build after build.
    assert build(runner, inventory, out)[0] == 0
    assert (out / "sections" / "budget.docx").read_bytes() == b"the budget"
    assert (out / "notes" / "meeting.txt").read_text() == "keep me"


@needs_dot
def test_a_rebuild_refuses_to_overwrite_a_file_the_last_build_did_not_write(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    second = inventory.parent / "zeimu.yaml"
    (inventory / "zeimu.yaml").rename(second)
    assert build(runner, inventory, out)[0] == 0
    (out / "sections" / "税務課.xlsx").write_bytes(b"the chief's own copy")
    second.rename(inventory / "zeimu.yaml")
    before = tree(out)
    code, output = build(runner, inventory, out)
    assert code == 2, output
    assert "税務課.xlsx" in output and "cannot write" in output
    assert tree(out) == before
    assert leftovers(tmp_path) == []


@needs_dot
def test_a_marker_of_an_older_build_keeps_what_is_not_an_output(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    assert build(runner, inventory, out)[0] == 0
    # A build from before manifests: its marker, and none of the files added since (journeys.json, report/).
    (out / MARKER).write_text("written by `bpr build`; the whole folder is replaced on the next build\n")
    (out / "journeys.json").unlink()
    shutil.rmtree(out / "report")
    (out / "diagrams" / "stale.svg").write_text("<svg/>")
    (out / "sections" / "budget.docx").write_bytes(b"the budget")
    assert build(runner, inventory, out)[0] == 0
    assert not (out / "diagrams" / "stale.svg").exists()
    assert (out / "sections" / "budget.docx").read_bytes() == b"the budget"


# Item 10: an output folder that cannot be written is exit 2 with one line, never a traceback.


@needs_dot
def test_an_output_under_a_file_exits_2_saying_cannot_write(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    blocker = tmp_path / "somefile"
    blocker.write_text("x")
    result = runner.invoke(app, ["build", str(inventory), "-o", str(blocker / "out")])
    assert result.exit_code == 2, result.output + result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"bpr: cannot write {blocker / 'out'}: ")
    assert "Traceback" not in result.output + result.stderr
    assert blocker.read_text() == "x"


@needs_dot
def test_a_read_only_parent_exits_2_saying_cannot_write(
    inventory: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(tmp_path / "ro"))

    monkeypatch.setattr("tempfile.mkdtemp", refused)
    out = tmp_path / "ro" / "out"
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out)])
    assert result.exit_code == 2, result.output + result.stderr
    assert result.stderr == f"bpr: cannot write {out}: Permission denied\n"


# Item 13: staging folders left by a killed build are removed by the next one, and nothing else is.


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@needs_dot
def test_a_build_removes_the_staging_folders_of_killed_builds_only(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    two_days_ago = time.time() - 2 * 24 * 3600
    dead = tmp_path / f".out.{_dead_pid()}-abc12345.tmp"
    alive = tmp_path / f".out.{os.getpid()}-abc12345.tmp"
    older_bpr = tmp_path / ".out.k3x_9a0b.tmp"
    for folder in (dead, alive, older_bpr):
        (folder / "diagrams").mkdir(parents=True)
        (folder / "diagrams" / "x.svg").write_text("<svg/>")
    os.utime(older_bpr, (two_days_ago, two_days_ago))
    recent_older_bpr = tmp_path / ".out.zz99yy88.tmp"
    recent_older_bpr.mkdir()
    others = [
        tmp_path / ".out.backup.tmp",  # not a name bpr makes
        tmp_path / ".other.abc12345.tmp",  # another output's
        tmp_path / ".out.123-abc12345.tmp.keep",
        tmp_path / "out.abc12345.tmp",
    ]
    for folder in others:
        folder.mkdir()
        os.utime(folder, (two_days_ago, two_days_ago))
    as_file = tmp_path / f".out.{_dead_pid()}-abcdefgh.tmp"
    as_file.write_text("a file, not a staging folder")
    code, output = build(runner, inventory, tmp_path / "out")
    assert code == 0, output
    assert not dead.exists() and not older_bpr.exists()
    assert (alive / "diagrams" / "x.svg").is_file()  # a build still running
    assert recent_older_bpr.is_dir()  # owner unknown and young: perhaps still running
    assert all(folder.is_dir() for folder in others)
    assert as_file.is_file()


_KILLED_BUILD = """
import importlib, os, signal, sys
module, name = sys.argv[1].split(":")
def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
setattr(importlib.import_module(module), name, killed)
from bpr.cli.main import app
app(["build", sys.argv[2], "-o", sys.argv[3]])
"""


@needs_dot
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL")
@pytest.mark.parametrize("moment", ["bpr.cli.build:write_outputs", "bpr.export.output_folder:swap_folder"])
def test_the_next_build_cleans_up_after_a_sigkill(
    inventory: Path, tmp_path: Path, runner: CliRunner, moment: str
) -> None:
    out = tmp_path / "out"
    assert build(runner, inventory, out)[0] == 0
    (out / "notes.txt").write_text("keep me")
    before = tree(out)
    killed = subprocess.run([sys.executable, "-c", _KILLED_BUILD, moment, str(inventory), str(out)], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert tree(out) == before
    code, output = build(runner, inventory, out)
    assert code == 0, output
    assert leftovers(tmp_path) == []
    assert (out / "notes.txt").read_text() == "keep me"


@needs_dot
def test_a_manifest_that_lists_a_folder_does_not_take_the_files_in_it(
    inventory: Path, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    assert build(runner, inventory, out)[0] == 0
    manifest = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert "sections/税務課.xlsx" in manifest["files"] and MARKER in manifest["files"]
    manifest["files"] += ["notes", "sections"]
    (out / MARKER).write_text(json.dumps(manifest), encoding="utf-8")
    (out / "notes").mkdir()
    (out / "notes" / "meeting.txt").write_text("keep me")
    (out / "sections" / "budget.docx").write_bytes(b"the budget")
    code, output = build(runner, inventory, out)
    assert code == 0, output
    assert (out / "notes" / "meeting.txt").read_text() == "keep me"
    assert (out / "sections" / "budget.docx").read_bytes() == b"the budget"


@needs_dot
def test_an_output_retired_by_a_killed_build_is_put_back(inventory: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    assert build(runner, inventory, out)[0] == 0
    (out / "notes.txt").write_text("keep me")
    out.rename(tmp_path / f".out.{_dead_pid()}-abcdefgh.old")  # killed between its two renames
    code, output = build(runner, inventory, out)
    assert code == 0, output
    assert (out / "notes.txt").read_text() == "keep me"
    assert leftovers(tmp_path) == []


@needs_dot
def test_files_the_user_writes_into_the_folder_during_a_build_are_kept(
    inventory: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 24, item 12: a file saved into out/ while bpr writes (after it linked the user's files) is not lost."""
    from bpr.export import output_folder

    out = tmp_path / "out"
    assert build(runner, inventory, out)[0] == 0
    (out / "notes.txt").write_text("first")
    original = output_folder.swap_folder

    def late_writes(staging: Path, output: Path, replaced: frozenset[str] = frozenset()) -> None:
        # An Excel save into sections/ and a note saved over by rename (a new file, as editors do) while
        # the outputs were being written: both after carry_over, just before the swap.
        (output / "sections" / "課長のメモ.xlsx").write_bytes(b"saved during the build")
        fresh = output / "notes.txt.new"
        fresh.write_text("second")
        os.replace(fresh, output / "notes.txt")
        (output / "new-folder").mkdir()
        (output / "new-folder" / "a.txt").write_text("a")
        original(staging, output, replaced)

    monkeypatch.setattr(output_folder, "swap_folder", late_writes)
    assert build(runner, inventory, out)[0] == 0
    assert (out / "sections" / "課長のメモ.xlsx").read_bytes() == b"saved during the build"
    assert (out / "notes.txt").read_text() == "second"
    assert (out / "new-folder" / "a.txt").read_text() == "a"
    assert leftovers(tmp_path) == []


def test_the_doc_gives_the_age_after_which_an_unchecked_staging_folder_goes() -> None:
    # docs/output.md says, in Japanese and in English, how old a staging folder whose build cannot be checked is
    # when the next build removes it: the code's figure.
    doc = (Path(__file__).resolve().parents[1] / "docs" / "output.md").read_text(encoding="utf-8")
    japanese, english = doc.split('<a id="english"></a>')
    assert STALE_AFTER_SECONDS == 24 * 3600
    assert "作られてから 1 日たったフォルダを消します" in japanese
    assert "the folder is removed once\nit is older than a day" in english
    assert doc.index("## English") > doc.index("# `bpr build -o DIR` の出力先フォルダ") == 0
