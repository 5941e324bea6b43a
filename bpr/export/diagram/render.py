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
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat
from xml.sax.saxutils import escape, unescape

from bpr.export.atomic import replace_file
from bpr.export.diagram.cache import RenderCache
from bpr.export.filenames import WINDOWS_MAX_PATH, too_long_for_windows
from bpr.export.fonts import INSTALL_COMMAND
from bpr.i18n import N_, _

FORMATS = ("svg", "png", "pdf", "dot")
RENDERED_FORMATS = frozenset({"svg", "png", "pdf"})
MAX_BATCH = 100  # each `dot` costs some 14 ms of CPU to start (fontconfig, the CJK fonts)
SECONDS_PER_DIAGRAM = 10
FALLBACK_OPTIONS = ("-Gsplines=line",)
_PAGE_ID = re.compile(rb'id="page[0-9]+,[0-9]+_(graph[0-9]+)"')
_FONT_FAMILY = re.compile(rb'font-family="[^"]*"')
MIN_DPI, MAX_DPI = 36, 1200
# Japanese families an SVG names after the one it was drawn with: Linux, then Windows (BIZ UD ships with 10).
SVG_FONT_FALLBACKS = ("Noto Sans CJK JP", "IPAexGothic", "Yu Gothic", "Meiryo", "BIZ UDGothic")

NO_OUTPUT = N_("no output")

ProgressCallback = Callable[[int], None]
DrawnCallback = Callable[[Sequence[str]], None]


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
    diagrams: Iterable[Diagram],
    out_dir: Path,
    fmt: str = "svg",
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
    *,
    dpi: int | None = None,
    total: int | None = None,
) -> list[Path]:
    """Write every diagram into out_dir as <name>.<fmt> (rendered by `dot` unless fmt is dot); return the paths.

    `dpi` sets the resolution of PNG (Graphviz draws 96 by default); the other formats ignore it.
    `diagrams` may be a generator, with `total` saying how many it gives: each source is then written
    (or found in the render cache) and let go as it comes, and `dot` draws the first batches meanwhile.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown diagram format {fmt!r}")
    if dpi is not None and not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"dpi must be between {MIN_DPI} and {MAX_DPI}, not {dpi}")
    options = (f"-Gdpi={dpi}",) if dpi is not None and fmt == "png" else ()
    if total is None:
        diagrams = list(diagrams)
        total = len(diagrams)
    dot = None
    if fmt in RENDERED_FORMATS:
        dot = find_dot()
        if dot is None:
            raise GraphvizNotFound()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        if dot is None:
            subjects = _write_sources(diagrams, staging, out_dir)
            if on_progress:
                on_progress(len(subjects))
        else:
            subjects = _draw(dot, staging, diagrams, total, fmt, workers, on_progress, options, out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, subject in subjects.items():
            target = out_dir / f"{name}.{fmt}"
            try:
                replace_file(staging / f"{name}.{fmt}", target)
            except OSError as error:
                raise _write_error(subject, target, error) from error
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def draw_diagrams(
    diagrams: Iterable[Diagram],
    folder: Path,
    total: int,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
    on_ready: DrawnCallback | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Draw every diagram as <name>.svg straight into a folder of the caller's own (a temporary one), no staging.

    `on_ready` is told the names of the SVGs in place as they are, so that a reader can take each while
    the next are drawn (`bpr report` writes the pages meanwhile); setting `stop` gives up on the rest.
    The DOT sources are left in the folder as <name> without extension. Raise RenderError, once every
    other diagram is drawn, when some fail.
    """
    dot = find_dot()
    if dot is None:
        raise GraphvizNotFound()
    _draw(dot, folder, diagrams, total, "svg", workers, on_progress, (), on_ready=on_ready, stop=stop)


def _write_sources(diagrams: Iterable[Diagram], folder: Path, out_dir: Path) -> dict[str, str]:
    """Write each diagram's DOT source as <name>.dot; return the subject of each name, in order."""
    names = _Names()
    for diagram in diagrams:
        names.add(diagram)
        _write_source(diagram, folder / f"{diagram.name}.dot", out_dir / f"{diagram.name}.dot")
    return names.checked()


def _draw(
    dot: str,
    folder: Path,
    diagrams: Iterable[Diagram],
    total: int,
    fmt: str,
    workers: int | None,
    on_progress: ProgressCallback | None,
    options: Sequence[str],
    out_dir: Path | None = None,
    on_ready: DrawnCallback | None = None,
    stop: threading.Event | None = None,
) -> dict[str, str]:
    """Put every diagram's <name>.<fmt> into folder: from the render cache, else drawn by dot and stored there.

    Return the subject of each name, in order. Batches go to `dot` as the diagrams come, so a generator
    is drawn while it makes the next sources; `on_ready` is told the names of the files in place as they
    are (from the thread that put them there). A write that fails names the diagram's file in out_dir
    when given (the staging copy is bpr's business).
    """
    cache = RenderCache.open(dot, fmt, options)
    workers = workers or default_workers()
    size = batch_size(total, workers)
    names = _Names()
    subjects: dict[str, str] = {}  # of the diagrams dot draws
    keys: dict[str, str] = {}

    def to_draw() -> Iterator[list[str]]:
        batch: list[str] = []
        kept = 0
        for diagram in diagrams:
            if stop is not None and stop.is_set():
                return
            names.add(diagram)
            drawn_to = folder / f"{diagram.name}.{fmt}"
            shown = out_dir / drawn_to.name if out_dir is not None else drawn_to
            key = cache.key(diagram.source) if cache is not None else None
            drawing = cache.get(key) if cache is not None and key is not None else None
            if drawing is not None:
                try:
                    drawn_to.write_bytes(drawing)
                except OSError as error:
                    raise _write_error(diagram.subject(), shown, error) from error
                if on_ready is not None:
                    on_ready([diagram.name])
                kept += 1
                if on_progress and kept >= size:
                    on_progress(kept)
                    kept = 0
                continue
            # To be drawn, a source has no extension: `dot -O` names each output <name>.<fmt>.
            _write_source(diagram, folder / diagram.name, shown)
            subjects[diagram.name] = diagram.subject()
            if key is not None:
                keys[diagram.name] = key
            batch.append(diagram.name)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch
        if on_progress and kept:
            on_progress(kept)
        names.checked()  # two names for one file: an error before anything is moved in

    def drawn(names: Sequence[str]) -> None:
        if cache is not None:
            for name in names:
                try:
                    cache.put(keys[name], (folder / f"{name}.{fmt}").read_bytes())
                except OSError:
                    continue
        if on_ready is not None:
            on_ready(names)

    try:
        on_drawn = drawn if cache is not None or on_ready is not None else None
        _render_batches(dot, folder, subjects, fmt, workers, on_progress, options, on_drawn, to_draw(), stop)
    finally:
        if cache is not None:
            cache.prune()
    return names.checked()


class _Names:
    """The names of the diagrams of a run as they come, with their subjects, and the files two would share."""

    def __init__(self) -> None:
        self.subjects: dict[str, str] = {}
        self.by_file: dict[str, list[str]] = {}

    def add(self, diagram: Diagram) -> None:
        subject = diagram.subject()
        self.subjects[diagram.name] = subject
        self.by_file.setdefault(diagram.name.casefold(), []).append(subject)

    def checked(self) -> dict[str, str]:
        """Return the subject of each name; raise RenderError when two diagrams would be one file.

        Windows does not tell A.svg from a.svg.
        """
        clashes = sorted(" = ".join(subjects) for subjects in self.by_file.values() if len(subjects) > 1)
        if clashes:
            message = _("two diagrams would be written to the same file: {names}")
            raise RenderError(message.format(names="; ".join(clashes)))
        return self.subjects


def _write_source(diagram: Diagram, path: Path, shown: Path) -> None:
    """Write a diagram's DOT source to path; a failure is the RenderError of its file `shown`."""
    try:
        path.write_text(diagram.source, encoding="utf-8")
    except OSError as error:
        raise _write_error(diagram.subject(), shown, error) from error


def _write_error(subject: str, target: Path, error: OSError) -> RenderError:
    """Return the error of a diagram (its subject) whose file could not be written to `target` (or its staging copy)."""
    reason = str(error.strerror or error)
    failed = Path(error.filename) if isinstance(error.filename, str) else target
    if too_long_for_windows(failed) and (isinstance(error, FileNotFoundError) or error.errno == errno.ENAMETOOLONG):
        # Windows without long paths says "not found" of a path it cannot hold.
        reason = _(
            "the path is longer than Windows allows ({limit} characters): write into a folder with a shorter path"
        ).format(limit=WINDOWS_MAX_PATH)
    message = _("cannot write the diagram of {subject} to {path}: {reason}")
    return RenderError(message.format(subject=subject, path=target, reason=reason))


def batches(names: Sequence[str], workers: int) -> list[list[str]]:
    """Split names into batches: a few per worker, so the load balances and progress moves, at most MAX_BATCH each."""
    if not names:
        return []
    size = batch_size(len(names), workers)
    return [list(names[start : start + size]) for start in range(0, len(names), size)]


def batch_size(count: int, workers: int) -> int:
    """Return how many of `count` diagrams one `dot` draws: a few batches per worker, at most MAX_BATCH."""
    return max(1, min(MAX_BATCH, math.ceil(count / (workers * 4))))


def _render_batches(
    dot: str,
    folder: Path,
    subjects: Mapping[str, str],
    fmt: str,
    workers: int,
    on_progress: ProgressCallback | None,
    options: Sequence[str] = (),
    on_drawn: DrawnCallback | None = None,
    to_draw: Iterable[list[str]] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Render the sources named by the keys of `subjects`; raise RenderError naming the subjects of those that fail.

    `to_draw` gives the batches (by default, `batches` of every name in `subjects`), and may fill `subjects`
    as it goes: each batch is handed to a worker as soon as it comes. `on_drawn` is given the names of each
    batch's drawings as they are written (in the worker that drew them). Once `stop` is set, the batches
    not started are dropped and the rest is not checked: whoever set it gives up on the drawings.
    """
    failures: list[str] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            futures = {
                pool.submit(_render_batch, dot, folder, batch, fmt, options, on_drawn): batch
                for batch in (batches(list(subjects), workers) if to_draw is None else to_draw)
            }
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the batches not started yet are not drawn for nothing
            raise
        for future in as_completed(futures):
            if stop is not None and stop.is_set():
                pool.shutdown(cancel_futures=True)
                return
            missing, stderr = future.result()
            for name in missing:
                # Alone (a crash ends the whole batch), then with straight edges: Graphviz can fail to
                # route an edge (2.43 aborts in bezier_bb), and straight edges always route.
                for fallback in ((), FALLBACK_OPTIONS):
                    retry_missing, retry_stderr = _render_batch(
                        dot, folder, [name], fmt, (*options, *fallback), on_drawn
                    )
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
    dot: str,
    folder: Path,
    batch: Sequence[str],
    fmt: str,
    options: Sequence[str] = (),
    on_drawn: DrawnCallback | None = None,
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
    if on_drawn is not None:
        failed = set(missing)
        on_drawn([name for name in batch if name not in failed])
    return missing, stderr


def _normalise_svg(path: Path) -> str | None:
    """Check and tidy an SVG `dot` wrote; return why it is unusable, or None.

    Bytes that are not UTF-8 (a font or a locale can bring them in) are replaced by U+FFFD and the file
    is written back as UTF-8, as its XML declaration says. An SVG that is not well-formed XML is refused,
    so a `dot` that exits 0 with a broken file fails the run. In a batch, dot prefixes the later graphs'
    ids with a page: every SVG gets the ids a lone `dot` writes.

    One pass each, on the bytes: a check that they are UTF-8, the XML parse, and the two substitutions
    (the fonts' attribute is worked out once per family, not once per text).
    """
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        content = raw
    except UnicodeDecodeError:
        content = raw.decode("utf-8", errors="replace").encode("utf-8")
    try:
        parser = expat.ParserCreate("UTF-8")
        parser.Parse(content, True)
    except expat.ExpatError as error:
        said = _("dot wrote an SVG that is not well-formed XML ({error}, line {line})")
        return said.format(error=expat.ErrorString(error.code), line=error.lineno)
    # The patterns are ASCII and a UTF-8 sequence holds no ASCII byte: on the bytes they match as on the text.
    fixed = _FONT_FAMILY.sub(_font_fallback, _PAGE_ID.sub(rb'id="\1"', content, count=1))
    if fixed != raw:
        path.write_bytes(fixed)
    return None


def _font_fallback(match: re.Match[bytes]) -> bytes:
    """Return the font-family attribute of a match of _FONT_FAMILY with the Japanese fallbacks (see font_families)."""
    return font_families(match.group(0))


@lru_cache(maxsize=64)
def font_families(attribute: bytes) -> bytes:
    """Return a font-family attribute that names Japanese fonts of Windows and Linux after the one drawn with.

    Graphviz writes the one family it laid the text out with; an SVG opened on a PC without that font
    would show Japanese in whatever the viewer picks, or as boxes.
    """
    value = attribute[len(b'font-family="') : -1].decode("utf-8")
    drawn = unescape(value, {"&quot;": '"', "&apos;": "'"})
    if "," in drawn:  # already a list (an SVG written again)
        return attribute
    families = [drawn, *(name for name in SVG_FONT_FALLBACKS if name.casefold() != drawn.casefold())]
    css = ", ".join('"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"' for name in families)
    return f'font-family="{escape(css + ", sans-serif", {chr(34): "&quot;"})}"'.encode()


def measure_diagrams(diagrams: Sequence[Diagram], workers: int | None = None) -> dict[str, tuple[float, float]]:
    """Return the width and height in points of each diagram's drawing as `dot` lays it out (no pad)."""
    dot = find_dot()
    if dot is None:
        raise GraphvizNotFound()
    sizes = {}
    with tempfile.TemporaryDirectory(prefix="bpr-measure-") as folder:
        for name in _draw(dot, Path(folder), diagrams, len(diagrams), "plain", workers, None, ()):
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
