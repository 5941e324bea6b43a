"""The render cache: each DOT source is drawn by Graphviz once, and kept drawings come back byte for byte.

`dot` is wrapped by a script that logs every invocation, so the tests count what Graphviz was asked to draw.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.export.diagram import Diagram, render_diagrams
from bpr.export.diagram import cache as render_cache
from bpr.export.diagram.cache import PART, RenderCache
from bpr.export.diagram.render import measure_diagrams
from bpr.inventory import cache as file_cache

from conftest import INVENTORIES, generate

REAL_DOT = shutil.which("dot")
pytestmark = pytest.mark.skipif(REAL_DOT is None, reason="Graphviz dot is not installed")


class DotLog:
    """The invocations of a logging `dot` put first on PATH."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def calls(self) -> list[list[str]]:
        """Return the arguments of every `dot` that drew something (not `dot -V`)."""
        if not self.log.exists():
            return []
        lines = [line.split("\t") for line in self.log.read_text(encoding="utf-8").splitlines()]
        return [args for args in lines if args != ["-V"]]

    def drawn(self) -> list[str]:
        """Return the names of the sources every `dot` was given (the arguments after -O), in order."""
        names = []
        for args in self.calls():
            names += [Path(arg).name for arg in args[args.index("-O") + 1 :]]
        return names

    def clear(self) -> None:
        self.log.unlink(missing_ok=True)


@pytest.fixture
def dot_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DotLog:
    """Put a `dot` that logs its arguments (one line a call, tab-separated) before the real one on PATH."""
    folder = tmp_path / "logging-dot"
    folder.mkdir()
    log = tmp_path / "dot.log"
    script = folder / "dot"
    script.write_text(
        f"#!/bin/sh\n( IFS='\t'; printf '%s\\n' \"$*\" ) >> '{log}'\nexec '{REAL_DOT}' \"$@\"\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return DotLog(log)


def renders(cache_home: Path) -> list[Path]:
    """Return the render cache's entry files."""
    folder = cache_home / "bpr" / PART
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".tmp-"))


def digests(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under a folder, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_second_build_draws_nothing_and_writes_the_same_bytes(
    tmp_path: Path, runner: CliRunner, dot_log: DotLog
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert runner.invoke(app, ["-q", "build", str(INVENTORIES), "-o", str(first)]).exit_code == 0
    drawn = dot_log.drawn()
    # Every diagram and slide, and the slides' candidate layouts, measured with -Tplain.
    assert len(drawn) > len(list((first / "diagrams").glob("*.svg")))
    assert any("-Tplain" in args for args in dot_log.calls())
    dot_log.clear()
    assert runner.invoke(app, ["-q", "build", str(INVENTORIES), "-o", str(second)]).exit_code == 0
    assert dot_log.calls() == []
    assert digests(second) == digests(first)


def test_the_same_bytes_without_the_cache(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    inventory = generate(tmp_path / "inventory", 12, 2)
    cached, warm, uncached = tmp_path / "cached", tmp_path / "warm", tmp_path / "uncached"
    for out in (cached, warm):
        assert runner.invoke(app, ["-q", "build", str(inventory), "-o", str(out)]).exit_code == 0
    monkeypatch.setenv("BPR_NO_CACHE", "1")
    assert runner.invoke(app, ["-q", "build", str(inventory), "-o", str(uncached)]).exit_code == 0
    assert digests(cached) == digests(warm) == digests(uncached)


def test_diagram_and_report_share_the_drawings_and_draw_nothing_again(
    tmp_path: Path, runner: CliRunner, dot_log: DotLog
) -> None:
    inventory = generate(tmp_path / "inventory", 6, 1)
    assert runner.invoke(app, ["-q", "diagram", str(inventory), "-o", str(tmp_path / "d1")]).exit_code == 0
    assert len(dot_log.drawn()) == 7  # six swimlanes and the counter's overview
    dot_log.clear()
    # The report draws the same swimlanes as `bpr diagram` (top to bottom, no link back): all kept.
    assert runner.invoke(app, ["-q", "report", str(inventory), "-o", str(tmp_path / "r1")]).exit_code == 0
    assert dot_log.calls() == []
    assert runner.invoke(app, ["-q", "diagram", str(inventory), "-o", str(tmp_path / "d2")]).exit_code == 0
    assert runner.invoke(app, ["-q", "report", str(inventory), "-o", str(tmp_path / "r2")]).exit_code == 0
    assert dot_log.calls() == []
    assert digests(tmp_path / "d2") == digests(tmp_path / "d1")
    assert digests(tmp_path / "r2") == digests(tmp_path / "r1")


def test_a_changed_procedure_draws_only_the_diagrams_whose_source_changed(
    tmp_path: Path, runner: CliRunner, dot_log: DotLog
) -> None:
    inventory = generate(tmp_path / "inventory", 8, 2)
    assert runner.invoke(app, ["-q", "diagram", str(inventory), "-o", str(tmp_path / "before")]).exit_code == 0
    sources_before = digests(_dot_sources(runner, inventory, tmp_path / "dot-before"))
    (path,) = [p for p in sorted(inventory.glob("*.yaml"))[:1]]
    text = path.read_text(encoding="utf-8")
    assert "annual_volume: " in text
    path.write_text(text.replace("annual_volume: ", "annual_volume: 1", 1), encoding="utf-8")
    sources_after = digests(_dot_sources(runner, inventory, tmp_path / "dot-after"))
    changed = sorted(name.removesuffix(".dot") for name in sources_after if sources_after[name] != sources_before[name])
    assert 1 <= len(changed) < len(sources_after)  # the procedure, and perhaps its counter's overview
    dot_log.clear()
    assert runner.invoke(app, ["-q", "diagram", str(inventory), "-o", str(tmp_path / "after")]).exit_code == 0
    assert sorted(dot_log.drawn()) == changed


def _dot_sources(runner: CliRunner, inventory: Path, out: Path) -> Path:
    result = runner.invoke(app, ["-q", "diagram", str(inventory), "-o", str(out), "--format", "dot"])
    assert result.exit_code == 0, result.output
    return out


def _signed(key: str, payload: bytes) -> bytes:
    """Return an entry as bpr would write it: magic, HMAC under this machine's key, payload."""
    secret = file_cache.signing_key()
    assert secret is not None
    signature = hmac.new(secret, key.encode("ascii") + b"\0" + payload, hashlib.sha256).digest()
    return file_cache.MAGIC + signature + payload


DAMAGES = {
    "truncated": lambda key, blob: blob[: len(blob) // 2],
    "a byte flipped": lambda key, blob: blob[:-10] + bytes([blob[-10] ^ 1]) + blob[-9:],
    "empty": lambda key, blob: b"",
    "signed, not zlib": lambda key, blob: _signed(key, b"<?xml version='1.0'?><svg/></svg>\n"),
    "signed, not an svg": lambda key, blob: _signed(key, zlib.compress(b"<html><script>alert(1)</script></html>")),
    "signed, cut short": lambda key, blob: _signed(key, zlib.compress(b'<?xml version="1.0"?>\n<svg>')),
    "signed, more after": lambda key, blob: _signed(key, zlib.compress(b"<?xml?><svg></svg>\n") + b"junk"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_or_hostile_entry_is_a_miss_and_is_replaced(tmp_path: Path, dot_log: DotLog, damage: str) -> None:
    diagrams = [Diagram("a", "digraph { a -> b }"), Diagram("b", 'digraph { c [label="し"] }')]
    first = render_diagrams(diagrams, tmp_path / "first")
    cache = RenderCache.open(shutil.which("dot") or "", "svg")
    assert cache is not None
    key = cache.key(diagrams[0].source)
    entry = cache.store.entry_path(key)
    entry.write_bytes(DAMAGES[damage](key, entry.read_bytes()))
    assert cache.get(key) is None
    dot_log.clear()
    again = render_diagrams(diagrams, tmp_path / "again")
    assert dot_log.drawn() == ["a"]
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in first]
    assert cache.get(key) == first[0].read_bytes()


def test_no_cache_draws_everything_and_keeps_nothing(
    tmp_path: Path, dot_log: DotLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BPR_NO_CACHE", "1")
    diagrams = [Diagram(name, f"digraph {{ {name} }}") for name in ("a", "b", "c")]
    render_diagrams(diagrams, tmp_path / "one")
    render_diagrams(diagrams, tmp_path / "two")
    measure_diagrams(diagrams)
    assert sorted(dot_log.drawn()) == sorted(["a", "b", "c"] * 3)
    assert renders(Path(os.environ["XDG_CACHE_HOME"])) == []


def test_sizes_for_the_paper_and_slides_come_back_from_the_cache(dot_log: DotLog) -> None:
    diagrams = [Diagram("a", "digraph { a -> b -> c }"), Diagram("b", "digraph { rankdir=LR; a -> b -> c }")]
    sizes = measure_diagrams(diagrams)
    assert len(dot_log.drawn()) == 2
    dot_log.clear()
    assert measure_diagrams(diagrams) == sizes
    assert dot_log.calls() == []


def test_pdf_is_always_drawn(tmp_path: Path, dot_log: DotLog) -> None:
    # Graphviz writes the time into a PDF: a kept one would not be what dot writes now.
    diagrams = [Diagram("a", "digraph { a }")]
    render_diagrams(diagrams, tmp_path / "one", "pdf")
    render_diagrams(diagrams, tmp_path / "two", "pdf")
    assert dot_log.drawn() == ["a", "a"]


def test_png_options_are_part_of_the_key(tmp_path: Path, dot_log: DotLog) -> None:
    diagrams = [Diagram("a", "digraph { a -> b }")]
    (low,) = render_diagrams(diagrams, tmp_path / "low", "png", dpi=72)
    (high,) = render_diagrams(diagrams, tmp_path / "high", "png", dpi=144)
    (again,) = render_diagrams(diagrams, tmp_path / "again", "png", dpi=72)
    assert dot_log.drawn() == ["a", "a"]
    assert again.read_bytes() == low.read_bytes() != high.read_bytes()


def test_the_key_changes_with_graphviz_the_fonts_and_bpr_s_treatment(monkeypatch: pytest.MonkeyPatch) -> None:
    dot = shutil.which("dot") or ""
    source = "digraph { a }"

    def key() -> str:
        cache = RenderCache.open(dot, "svg")
        assert cache is not None
        return cache.key(source)

    first = key()
    assert key() == first
    for name in ("graphviz_signature", "fonts_signature", "treatment_signature"):
        with monkeypatch.context() as patch:
            patch.setattr(render_cache, name, lambda *args, name=name: f"another {name}".encode())
            assert key() != first, name
    cache = RenderCache.open(dot, "svg")
    assert cache is not None and cache.key("digraph { b }") != first
    assert RenderCache.open(dot, "plain") is not None and RenderCache.open(dot, "pdf") is None


def test_a_dot_that_cannot_say_its_version_is_never_cached(tmp_path: Path) -> None:
    silent = tmp_path / "dot"
    silent.write_text("#!/bin/sh\nexit 1\n")
    silent.chmod(0o755)
    assert RenderCache.open(str(silent), "svg") is None


def test_the_drawings_stay_under_the_cache_cap(
    tmp_path: Path, dot_log: DotLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Path(os.environ["XDG_CACHE_HOME"])
    diagrams = [Diagram(f"d{n}", f'digraph {{ a{n} [label="{"あ" * 40}{n}"] }}') for n in range(6)]
    render_diagrams(diagrams[:3], tmp_path / "one")
    sizes = [p.stat().st_size for p in renders(home)]
    assert len(sizes) == 3
    for entry in renders(home):
        os.utime(entry, (1_000_000, 1_000_000))
    cap = 3 * max(sizes) + 10
    monkeypatch.setenv("BPR_CACHE_MAX_BYTES", str(cap))
    render_diagrams(diagrams[3:], tmp_path / "two")
    left = renders(home)
    assert sum(p.stat().st_size for p in left) <= cap
    assert all(p.stat().st_mtime > 1_000_000 for p in left)  # the oldest went first
    dot_log.clear()
    render_diagrams(diagrams[3:], tmp_path / "three")
    assert dot_log.calls() == []


def test_an_unwritable_cache_draws_all_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    diagrams = [Diagram("a", "digraph { a }")]
    (written,) = render_diagrams(diagrams, tmp_path / "out")
    assert written.read_bytes().startswith(b"<?xml")


def test_report_pages_written_while_drawing_are_those_written_after(tmp_path: Path, runner: CliRunner) -> None:
    # `bpr report` writes each page as soon as its diagram is drawn; the pages are the bytes of a report
    # written from a folder of finished drawings.
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.common import load_or_exit
    from bpr.export.diagram import Selection, collect_diagrams
    from bpr.export.report import write_report

    inventory = generate(tmp_path / "inventory", 30, 3)
    result = runner.invoke(app, ["-q", "report", str(inventory), "-o", str(tmp_path / "pipelined")])
    assert result.exit_code == 0, result.output
    loaded = load_or_exit([inventory], None)
    analysis = analyse_inventory(loaded.inventory, loaded.config)
    drawn = tmp_path / "drawn"
    render_diagrams(collect_diagrams(analysis, Selection(analysis.procedures, ()), loaded.config.diagram.font), drawn)
    (tmp_path / "after").mkdir()
    write_report(analysis, tmp_path / "after", diagrams=drawn)
    pipelined = digests(tmp_path / "pipelined")
    del pipelined[".bpr-report"]
    assert pipelined == digests(tmp_path / "after")


def test_report_exits_2_and_writes_nothing_when_dot_fails(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken-dot"
    broken.mkdir()
    (broken / "dot").write_text("#!/bin/sh\necho 'dot: out of memory' >&2\nexit 1\n")
    (broken / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", f"{broken}{os.pathsep}{os.environ.get('PATH', '')}")
    inventory = generate(tmp_path / "inventory", 4, 1)
    result = runner.invoke(app, ["report", str(inventory), "-o", str(tmp_path / "report")])
    assert result.exit_code == 2
    assert "dot failed on some diagrams" in result.stderr and "dot: out of memory" in result.stderr
    assert not (tmp_path / "report").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_a_stopped_drawing_starts_no_dot(tmp_path: Path, dot_log: DotLog) -> None:
    import threading

    from bpr.export.diagram.render import draw_diagrams

    stop = threading.Event()
    stop.set()
    diagrams = [Diagram(f"d{n}", f"digraph {{ a{n} }}") for n in range(5)]
    draw_diagrams(iter(diagrams), tmp_path, len(diagrams), stop=stop)
    assert dot_log.calls() == []


def test_the_docs_say_the_cache_s_folder_and_cap_as_the_code_has_them() -> None:
    from conftest import ROOT

    docs = " ".join((ROOT / "docs" / "diagrams.md").read_text(encoding="utf-8").split())
    assert f"$XDG_CACHE_HOME/bpr/{PART}" in docs
    assert f"`BPR_CACHE_MAX_BYTES`（既定 {file_cache.DEFAULT_CACHE_MAX_BYTES // 2**20} MiB）" in docs
    assert {"svg", "png", "plain"} == render_cache.CACHED_FORMATS  # docs: PDF is not kept, -Tplain is
