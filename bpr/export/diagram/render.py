"""Rendering DOT sources with Graphviz `dot`, in parallel batches, all or nothing.

Starting `dot` costs more than laying out a small diagram (fontconfig and the Japanese fonts load
each time), so sources are rendered in batches, `dot -Tsvg -O a b c …`, one batch per worker thread
at a time. Everything is written into a staging folder next to the output folder and moved in only
when every diagram has rendered, so a failure leaves no partial output.
"""

from __future__ import annotations

import errno
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat
from xml.sax.saxutils import escape, unescape

from bpr.export.atomic import replace_file
from bpr.export.filenames import WINDOWS_MAX_PATH, too_long_for_windows
from bpr.export.fonts import INSTALL_COMMAND
from bpr.i18n import N_, _

FORMATS = ("svg", "png", "pdf", "dot")
RENDERED_FORMATS = frozenset({"svg", "png", "pdf"})
MAX_BATCH = 40
SECONDS_PER_DIAGRAM = 10
FALLBACK_OPTIONS = ("-Gsplines=line",)
_PAGE_ID = re.compile(r'id="page\d+,\d+_(graph\d+)"')
_FONT_FAMILY = re.compile(r'font-family="([^"]*)"')
MIN_DPI, MAX_DPI = 36, 1200
# Japanese families an SVG names after the one it was drawn with: Linux, then Windows (BIZ UD ships with 10).
SVG_FONT_FALLBACKS = ("Noto Sans CJK JP", "IPAexGothic", "Yu Gothic", "Meiryo", "BIZ UDGothic")

NO_OUTPUT = N_("no output")

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class Diagram:
    """A diagram to write: its file name without extension, its DOT source, and what it draws (for messages)."""

    name: str
    source: str
    procedure: str | None = None  # the id of the procedure it draws
    counter: str | None = None  # the id of the counter whose overview it is

    def subject(self) -> str:
        """Return what the diagram draws, as a message names it: procedure 'tennyu', counter 'shimin' or its file."""
        if self.procedure is not None:
            return _("procedure '{id}'").format(id=self.procedure)
        if self.counter is not None:
            return _("counter '{id}'").format(id=self.counter)
        return self.name


class GraphvizNotFound(Exception):
    """`dot` is not on PATH, and a rendered format was asked for."""

    def __init__(self) -> None:
        message = _(
            "Graphviz `dot` is not on PATH: install it with `{install}`, or write DOT sources with --format dot"
        )
        super().__init__(message.format(install=INSTALL_COMMAND))


class RenderError(Exception):
    """`dot` failed on some diagrams; nothing was written."""


def find_dot() -> str | None:
    """Return the path of Graphviz `dot` on PATH, or None."""
    return shutil.which("dot")


def default_workers() -> int:
    """Return the number of rendering workers: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def render_diagrams(
    diagrams: Sequence[Diagram],
    out_dir: Path,
    fmt: str = "svg",
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
    *,
    dpi: int | None = None,
) -> list[Path]:
    """Write every diagram into out_dir as <name>.<fmt> (rendered by `dot` unless fmt is dot); return the paths.

    `dpi` sets the resolution of PNG (Graphviz draws 96 by default); the other formats ignore it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown diagram format {fmt!r}")
    if dpi is not None and not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"dpi must be between {MIN_DPI} and {MAX_DPI}, not {dpi}")
    options = (f"-Gdpi={dpi}",) if dpi is not None and fmt == "png" else ()
    _check_names(diagrams)
    dot = None
    if fmt in RENDERED_FORMATS:
        dot = find_dot()
        if dot is None:
            raise GraphvizNotFound()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        for diagram in diagrams:
            # Rendered, a source has no extension: `dot -O` names each output <name>.<fmt>.
            source = staging / (f"{diagram.name}.dot" if dot is None else diagram.name)
            try:
                source.write_text(diagram.source, encoding="utf-8")
            except OSError as error:
                raise _write_error(diagram, out_dir / f"{diagram.name}.{fmt}", error) from error
        if dot is None:
            if on_progress:
                on_progress(len(diagrams))
        else:
            subjects = {diagram.name: diagram.subject() for diagram in diagrams}
            _render_batches(dot, staging, subjects, fmt, workers or default_workers(), on_progress, options)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for diagram in diagrams:
            target = out_dir / f"{diagram.name}.{fmt}"
            try:
                replace_file(staging / f"{diagram.name}.{fmt}", target)
            except OSError as error:
                raise _write_error(diagram, target, error) from error
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_names(diagrams: Sequence[Diagram]) -> None:
    """Raise RenderError when two diagrams would be one file (Windows does not tell A.svg from a.svg)."""
    by_file: dict[str, list[str]] = {}
    for diagram in diagrams:
        by_file.setdefault(diagram.name.casefold(), []).append(diagram.subject())
    clashes = sorted(" = ".join(subjects) for subjects in by_file.values() if len(subjects) > 1)
    if clashes:
        message = _("two diagrams would be written to the same file: {names}")
        raise RenderError(message.format(names="; ".join(clashes)))


def _write_error(diagram: Diagram, target: Path, error: OSError) -> RenderError:
    """Return the error of a diagram whose file could not be written to `target` (or its staging copy)."""
    reason = str(error.strerror or error)
    failed = Path(error.filename) if isinstance(error.filename, str) else target
    if too_long_for_windows(failed) and (isinstance(error, FileNotFoundError) or error.errno == errno.ENAMETOOLONG):
        # Windows without long paths says "not found" of a path it cannot hold.
        reason = _(
            "the path is longer than Windows allows ({limit} characters): write into a folder with a shorter path"
        ).format(limit=WINDOWS_MAX_PATH)
    message = _("cannot write the diagram of {subject} to {path}: {reason}")
    return RenderError(message.format(subject=diagram.subject(), path=target, reason=reason))


def batches(names: Sequence[str], workers: int) -> list[list[str]]:
    """Split names into batches: a few per worker, so the load balances and progress moves, at most MAX_BATCH each."""
    if not names:
        return []
    size = max(1, min(MAX_BATCH, math.ceil(len(names) / (workers * 4))))
    return [list(names[start : start + size]) for start in range(0, len(names), size)]


def _render_batches(
    dot: str,
    folder: Path,
    subjects: Mapping[str, str],
    fmt: str,
    workers: int,
    on_progress: ProgressCallback | None,
    options: Sequence[str] = (),
) -> None:
    """Render the sources named by the keys of `subjects`; raise RenderError naming the subjects of those that fail."""
    failures: list[str] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            pool.submit(_render_batch, dot, folder, batch, fmt, options): batch
            for batch in batches(list(subjects), workers)
        }
        for future in as_completed(futures):
            missing, stderr = future.result()
            for name in missing:
                # Alone (a crash ends the whole batch), then with straight edges: Graphviz can fail to
                # route an edge (2.43 aborts in bezier_bb), and straight edges always route.
                for fallback in ((), FALLBACK_OPTIONS):
                    retry_missing, retry_stderr = _render_batch(dot, folder, [name], fmt, (*options, *fallback))
                    if not retry_missing:
                        break
                else:
                    failures.append(f"{subjects[name]}: {retry_stderr or stderr or _(NO_OUTPUT)}")
            if on_progress:
                on_progress(len(futures[future]))
    if failures:
        said = _("dot failed on some diagrams; nothing was written:")
        raise RenderError("\n".join([said, *sorted(failures)]))


def _render_batch(
    dot: str, folder: Path, batch: Sequence[str], fmt: str, options: Sequence[str] = ()
) -> tuple[list[str], str]:
    """Run one `dot` on a batch; return the names it wrote no output for, and its error text."""
    # -O names each output <input>.<fmt>: the inputs have no extension, so the outputs are <name>.<fmt>.
    command = [dot, f"-T{fmt}", *options, "-O", *(str(folder / name) for name in batch)]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, errors="replace", timeout=60 + SECONDS_PER_DIAGRAM * len(batch)
        )
    except subprocess.TimeoutExpired:
        return list(batch), _("dot took too long")
    missing = [name for name in batch if not _nonempty(folder / f"{name}.{fmt}")]
    if result.returncode != 0 and not missing:
        # dot stops at the first input it cannot read; a later output may be a leftover: redo the batch.
        missing = list(batch)
    stderr = result.stderr.strip()
    if fmt == "svg":
        for name in batch:
            if name not in missing:
                problem = _normalise_svg(folder / f"{name}.svg")
                if problem:
                    missing.append(name)
                    stderr = f"{stderr}\n{problem}".strip()
    return missing, stderr


def _normalise_svg(path: Path) -> str | None:
    """Check and tidy an SVG `dot` wrote; return why it is unusable, or None.

    Bytes that are not UTF-8 (a font or a locale can bring them in) are replaced by U+FFFD and the file
    is written back as UTF-8, as its XML declaration says. An SVG that is not well-formed XML is refused,
    so a `dot` that exits 0 with a broken file fails the run. In a batch, dot prefixes the later graphs'
    ids with a page: every SVG gets the ids a lone `dot` writes.
    """
    raw = path.read_bytes()
    content = raw.decode("utf-8", errors="replace")
    try:
        parser = expat.ParserCreate("UTF-8")
        parser.Parse(content.encode("utf-8"), True)
    except expat.ExpatError as error:
        said = _("dot wrote an SVG that is not well-formed XML ({error}, line {line})")
        return said.format(error=expat.ErrorString(error.code), line=error.lineno)
    fixed = _FONT_FAMILY.sub(_font_fallback, _PAGE_ID.sub(r'id="\1"', content, count=1))
    encoded = fixed.encode("utf-8")
    if encoded != raw:
        path.write_bytes(encoded)
    return None


def _font_fallback(match: re.Match[str]) -> str:
    """Return a font-family attribute that names Japanese fonts of Windows and Linux after the one drawn with.

    Graphviz writes the one family it laid the text out with; an SVG opened on a PC without that font
    would show Japanese in whatever the viewer picks, or as boxes.
    """
    drawn = unescape(match.group(1), {"&quot;": '"', "&apos;": "'"})
    if "," in drawn:  # already a list (an SVG written again)
        return match.group(0)
    families = [drawn, *(name for name in SVG_FONT_FALLBACKS if name.casefold() != drawn.casefold())]
    css = ", ".join('"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"' for name in families)
    return f'font-family="{escape(css + ", sans-serif", {chr(34): "&quot;"})}"'


def measure_diagrams(diagrams: Sequence[Diagram], workers: int | None = None) -> dict[str, tuple[float, float]]:
    """Return the width and height in points of each diagram's drawing as `dot` lays it out (no pad)."""
    dot = find_dot()
    if dot is None:
        raise GraphvizNotFound()
    subjects = {diagram.name: diagram.subject() for diagram in diagrams}
    sizes = {}
    with tempfile.TemporaryDirectory(prefix="bpr-measure-") as folder:
        for diagram in diagrams:
            (Path(folder) / diagram.name).write_text(diagram.source, encoding="utf-8")
        _render_batches(dot, Path(folder), subjects, "plain", workers or default_workers(), None)
        for name in subjects:
            # The first line of -Tplain: "graph <scale> <width> <height>", in inches.
            first = (Path(folder) / f"{name}.plain").read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
            _, _, width, height = first.split()[:4]
            sizes[name] = (float(width) * 72, float(height) * 72)
    return sizes


def _nonempty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False
