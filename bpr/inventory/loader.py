"""Loading inventory files: finding them, reading them, the cache and the worker processes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bpr.collector import collector_paused
from bpr.i18n import _, current_language, phrase_from_data, set_language
from bpr.inventory.codes import severity_of
from bpr.inventory.facts import FactsParts, PackedProblem, decode_facts, pack_facts, unpack_facts
from bpr.inventory.problem import Problem, Severity, YamlInputError
from bpr.inventory.records import Inventory, LoadedFile, as_inventory_file, run_inventory_rules
from bpr.inventory.sources import decode_text, read_bytes, read_text

if TYPE_CHECKING:
    from bpr.inventory.cache import FileCache
    from bpr.inventory.packing import Parts

# Parsing (`bpr.inventory.checker`) and the whole entries (`bpr.inventory.packing`) are imported where a file is
# parsed or a whole entry read: a `bpr validate` that finds every file in the cache reads only their facts
# (`bpr.inventory.facts`), and imports neither pydantic nor the models.

# The records and the checker lived here before: their names stay importable from the loader.
__all__ = [
    "FileBytes",
    "Inventory",
    "LoadedFile",
    "as_inventory_file",
    "check_file",
    "check_inventory",
    "load_contents",
    "load_file",
    "load_inventory",
    "load_text",
    "run_inventory_rules",
]

# Below this many bytes to parse, starting worker processes costs more than it saves (see docs/performance.md).
PARALLEL_MIN_BYTES = 256 * 1024


def load_file(path: Path, display: str) -> LoadedFile:
    """Read, parse and validate one file; never raises for bad input."""
    return _read_then(path, display, load_text)


def check_file(path: Path, display: str) -> LoadedFile:
    """Read and check one file a procedure at a time, keeping what validate reports (`check_text`); never raises."""
    from bpr.inventory.checker import check_text

    return _read_then(path, display, check_text)


def load_text(text: str, display: str) -> LoadedFile:
    """Parse and validate the text of one file shown as `display`; never raises for bad input (see the checker)."""
    from bpr.inventory.checker import load_text as checked

    return checked(text, display)


def _read_then(path: Path, display: str, then: Callable[[str, str], LoadedFile]) -> LoadedFile:
    from bpr.inventory.checker import unreadable

    try:
        text = read_text(path)
    except YamlInputError as exc:
        return unreadable(display, exc)
    return then(text, display)


def _load_bytes(raw: bytes, display: str) -> LoadedFile:
    """Decode, parse and validate a file's bytes, as `load_file` does a file's; never raises for bad input."""
    from bpr.inventory.checker import unreadable

    try:
        text = decode_text(raw)
    except YamlInputError as exc:
        return unreadable(display, exc)
    return load_text(text, display)


def display_path(path: Path) -> str:
    """Return a path as the user would write it (relative stays relative)."""
    return str(path)


def load_inventory(
    paths: Sequence[Path], *, use_cache: bool | None = None, workers: int | None = None, on_file: FileHook | None = None
) -> tuple[Inventory, list[Problem]]:
    """Load every YAML file under paths; return the inventory and problems about the paths themselves.

    `on_file` sees each file once, as soon as it is loaded and before the cross-file rules: the analysis scores a
    file's procedures there while the workers parse the next files.
    """
    # Files whose bytes were loaded before come from the cache (unless use_cache is False, or None with
    # BPR_NO_CACHE set); the rest load on `workers` processes (default: every core) when there is enough
    # to parse. The result is the same either way, in path order; the cross-file rules always run afresh.
    stream = InventoryStream(paths, use_cache=use_cache, workers=workers, batch_bytes=None, on_file=on_file)
    # The collector would walk every object loaded so far, again and again, while nothing here makes cycles.
    with collector_paused():
        files = list(stream)
        run_inventory_rules(files)
    return Inventory(files), stream.path_problems


def check_inventory(
    paths: Sequence[Path], *, use_cache: bool | None = None, workers: int | None = None
) -> tuple[Inventory, list[Problem]]:
    """Check every YAML file under paths as `load_inventory` does, keeping of each file only what validate reports.

    Each file keeps its problems and what the cross-file rules read (`LoadedFile.facts_only`), not its models:
    memory does not grow with the inventory's procedures, and the models need no sharing. Return the checked
    files and the problems about the paths themselves.
    """
    stream = InventoryStream(
        paths, use_cache=use_cache, workers=workers, share=False, facts=True, by_procedure_from=BY_PROCEDURE_BYTES
    )
    files: list[LoadedFile] = []
    # Paused for the whole run, not per file: each time it came back on, it would walk every object kept so far.
    with collector_paused():
        for loaded in stream:
            files.append(dataclasses.replace(loaded.facts_only(), problems=loaded.problems))
        run_inventory_rules(files)
    return Inventory(files), stream.path_problems


class FileBytes(NamedTuple):
    """A file's content read elsewhere than from the disk (git's index), shown in messages as `display`."""

    display: str
    raw: bytes


def load_contents(
    items: Sequence[FileBytes | LoadedFile], *, use_cache: bool | None = None, workers: int | None = None
) -> Inventory:
    """Load files given by their bytes (and files already found unreadable, as they are), as `load_inventory` does.

    The same cache (keyed by the bytes: a file on disk with the same content shares the entry), the same
    workers and messages, the cross-file rules across every file, in the order given.
    """
    cache = _open_cache(use_cache)
    batch = _Batch()
    with collector_paused():
        for item in items:
            if not isinstance(item, FileBytes):
                batch.slots.append(item)
                continue
            hit = _from_cache(cache, item.raw, item.display) if cache is not None else None
            batch.slots.append(hit)
            if hit is None:
                root = cache.root if cache is not None else None
                batch.tasks.append(
                    LoadTask(Path(item.display), item.display, root, current_language(), content=item.raw)
                )
                batch.sizes.append(len(item.raw))
        files = batch.load(workers)
        if cache is not None and batch.tasks:
            from bpr.inventory.cache import cache_max_bytes

            cache.prune(cache_max_bytes())
        run_inventory_rules(files)
    return Inventory(files)


# What a caller does with each file as soon as it is loaded (`load_inventory`'s on_file).
FileHook = Callable[[LoadedFile], None]

# A streamed run loads this many bytes of YAML at a time (on every core where that pays), then hands the files
# on and forgets them: large enough for a pool to pay, small enough that a batch's models are a few hundred MB.
STREAM_BATCH_BYTES = 16 * 1024 * 1024
# `check_inventory` checks a file at least this big a procedure at a time (`check_file`), without the cache: loaded
# whole, a file costs about 28 times its size (8.8 GB for 300 MB), and one file needs no more than a batch does.
BY_PROCEDURE_BYTES = STREAM_BATCH_BYTES


class InventoryStream:
    """The loaded files under paths, one at a time in path order, loaded a batch at a time (no cross-file rules).

    `load_inventory` keeps every file; a streamed run (`bpr score --format jsonl`) keeps what it needs of each
    and lets the rest go, so its memory does not grow with the inventory. The problems about the paths
    themselves (a path that does not exist) are in `path_problems` once the files have been read.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        use_cache: bool | None = None,
        workers: int | None = None,
        batch_bytes: int | None = STREAM_BATCH_BYTES,
        share: bool = True,
        on_file: FileHook | None = None,
        facts: bool = False,
        by_procedure_from: int | None = None,
        then_facts: bool = False,
    ) -> None:
        self.paths = paths
        self.on_file = on_file
        # Each file is handed to on_file as soon as it is loaded, then only its facts are kept (`facts_only`): the
        # files come out as the cross-file rules read them, and no model outlives its hook (`bpr score` streamed).
        self.then_facts = then_facts and on_file is not None
        # What the cache gives is read as facts only (`decode_entry`): for a run that keeps `facts_only()`.
        self.facts = facts
        self.share = share
        # Files of at least this many bytes are checked a procedure at a time in this process (`check_file`), not
        # loaded: they come as `facts_only` files with their problems, neither looked up in the cache nor stored.
        self.by_procedure_from = by_procedure_from
        self.use_cache = use_cache
        self.workers = workers
        self.batch_bytes = batch_bytes
        self.path_problems: list[Problem] = []

    def __iter__(self) -> Iterator[LoadedFile]:
        from bpr.inventory.sources import iter_yaml_files

        cache = _open_cache(self.use_cache)
        batch = _Batch()
        stored = False
        for found in iter_yaml_files(self.paths):
            path, exists, error = found.path, found.exists, found.error
            if not exists:
                self.path_problems.append(_no_such_path(path))
                continue
            display = display_path(path)
            if error is not None:
                batch.slots.append(unreadable_folder(display, error))
            elif found.outside is not None:
                batch.slots.append(link_outside(display, found.outside))
            elif self.by_procedure_from is not None and _size(path) >= self.by_procedure_from:
                with collector_paused():
                    batch.slots.append(check_file(path, display))
            else:
                raw = _read_bytes(path) if cache is not None else None
                with collector_paused():
                    hit = (
                        _from_cache(cache, raw, display, self.share, self.facts)
                        if cache is not None and raw is not None
                        else None
                    )
                if hit is not None and self.then_facts and self.on_file is not None:
                    hit = batch.hand(hit, self.on_file)  # now: a batch of cached files would hold their models
                batch.slots.append(hit)
                if hit is None:
                    root = cache.root if cache is not None else None
                    batch.tasks.append(LoadTask(path, display, root, current_language(), self.share, facts=self.facts))
                    batch.sizes.append(len(raw) if raw is not None else _size(path))
                    batch.bytes += batch.sizes[-1]
            if self.batch_bytes is not None and batch.bytes >= self.batch_bytes:
                stored = stored or bool(batch.tasks)
                yield from batch.load(self.workers, self.on_file, self.then_facts)
                batch = _Batch()
        stored = stored or bool(batch.tasks)
        yield from batch.load(self.workers, self.on_file, self.then_facts)
        if cache is not None and stored:
            from bpr.inventory.cache import cache_max_bytes

            cache.prune(cache_max_bytes())


class _Batch:
    """Files found in path order: those the cache had (or that need no parsing), and the tasks to load the rest."""

    def __init__(self) -> None:
        self.slots: list[LoadedFile | None] = []
        self.tasks: list[LoadTask] = []
        self.sizes: list[int] = []
        self.bytes = 0  # the sum of sizes
        self.handed: set[int] = set()  # the slots on_file has had already

    def hand(self, loaded: LoadedFile, on_file: FileHook) -> LoadedFile:
        """Give the next slot's file to on_file now, and return what the batch keeps of it: its facts."""
        self.handed.add(len(self.slots))
        on_file(loaded)
        return loaded.facts_only()

    def load(self, workers: int | None, on_file: FileHook | None = None, then_facts: bool = False) -> list[LoadedFile]:
        """Load the tasks and return every file of the batch, in path order.

        `on_file` is called once with each file of the batch, as soon as it is loaded (in no set order); with
        `then_facts`, the batch keeps and returns only each file's facts once on_file has had it.
        """
        if on_file is not None:
            for index, slot in enumerate(self.slots):
                if slot is not None and index not in self.handed:
                    on_file(slot)
                    if then_facts:
                        self.slots[index] = slot.facts_only()
        pending = [index for index, slot in enumerate(self.slots) if slot is None]
        with collector_paused():
            for task_index, loaded in _run_tasks(self.tasks, self.sizes, workers):
                if on_file is not None:
                    on_file(loaded)
                    if then_facts:
                        loaded = loaded.facts_only()
                self.slots[pending[task_index]] = loaded
        return [loaded for loaded in self.slots if loaded is not None]


class LoadTask(NamedTuple):
    """One file to load, the cache folder to store its result in (None: no cache) and the language of its messages.

    `content` is the file's bytes when they come from elsewhere than `path` (git's index); then path is not read.
    """

    path: Path
    display: str
    cache_root: Path | None
    language: str
    # Make equal values one object (`share_equal_values`): for what an analysis holds, not for a run that only
    # checks (validate keeps each file's facts and problems). A worker always shares: the parent unpickles less.
    share: bool = True
    content: bytes | None = None
    # The parent keeps only the file's facts and problems (`facts_only`): a worker sends no more than that.
    facts: bool = False


def load_task(task: LoadTask) -> bytes:
    """Load one file and return its result packed (see `pack_loaded`), storing it in the cache when it may be."""
    # A worker process started by spawn imports bpr afresh and knows only BPR_LANG, not `--lang`: the
    # task says the language of the run, so that a worker's messages are those of the parent.
    if task.language != current_language():
        set_language(task.language)
    with collector_paused():
        if task.facts:
            return pack_facts(_facts_parts_of(_load_and_store(task)))
        return pack_loaded(_load_and_store(task._replace(share=True)))


def _load_and_store(task: LoadTask) -> LoadedFile:
    """Load one file, and store it in the cache when it may be."""
    # The key is the hash of the bytes read here: a file edited since the lookup is stored under its new content.
    if task.content is not None:
        raw: bytes | None = task.content
    else:
        raw = _read_bytes(task.path) if task.cache_root is not None else None
    text = _decode(raw) if raw is not None else None
    if text is not None:
        loaded = load_text(text, task.display)
    elif task.content is not None:
        loaded = _load_bytes(task.content, task.display)
    else:
        loaded = load_file(task.path, task.display)
    if task.share:
        _share(loaded)
    if task.cache_root is None or raw is None or text is None or not _cacheable(loaded):
        return loaded
    from bpr.inventory.cache import FileCache
    from bpr.inventory.packing import encode

    cache = FileCache(task.cache_root)
    cache.put(cache.key(raw), encode(_parts_of(loaded)))
    return loaded


def pack_loaded(loaded: LoadedFile) -> bytes:
    """Return a file's loading result as bytes for the parent process, not depending on its display path."""
    from bpr.inventory.packing import pack

    return pack(_parts_of(loaded))


def unpack_loaded(payload: bytes, display: str) -> LoadedFile:
    """Return the file that `pack_loaded` packed, shown as `display`; raise ValueError when the payload is not one."""
    from bpr.inventory.packing import unpack

    return _loaded_from_parts(unpack(payload), display)


def _facts_parts_of(loaded: LoadedFile) -> FactsParts:
    facts = loaded.facts_only()
    return (
        facts.counter_id,
        _packed_problems(loaded.problems),
        facts.positions,
        facts.declared_ids,
        facts.procedure_count,
        facts.references,
    )


def unpack_facts_loaded(payload: bytes, display: str) -> LoadedFile:
    """Return the facts and problems of a file that a worker packed with `pack_facts`, shown as `display`."""
    return _facts_file(unpack_facts(payload), display)


def _facts_file(parts: FactsParts, display: str) -> LoadedFile:
    """Return a file that holds only its facts and problems (as `LoadedFile.facts_only` with its problems)."""
    counter_id, problems, positions, declared_ids, count, references = parts
    return LoadedFile(
        display,
        None,
        [],
        _problems_from(problems, display),
        positions,
        declared_ids,
        valid_count=count,
        kept_references=references,
        kept_counter_id=counter_id,
    )


def decode_entry(payload: bytes, display: str, share: bool = True, facts: bool = False) -> LoadedFile:
    """Return the file of a cache entry, shown as `display`; raise ValueError when the entry is not valid data.

    With `facts`, only the entry's first line is read, and the file holds only its facts (`_facts_file`).
    """
    if facts:
        head, newline, _whole = payload.partition(b"\n")
        if not newline:
            raise ValueError("not a cache entry")
        return _facts_file(decode_facts(head), display)
    from bpr.inventory.packing import decode

    loaded = _loaded_from_parts(decode(payload), display)
    if share:
        _share(loaded)
    return loaded


def _share(loaded: LoadedFile) -> None:
    """Make the equal values of a file's models one object each (a third of a warm load's time, half its memory)."""
    from bpr.inventory.packing import share_equal_values

    share_equal_values([loaded.counter] if loaded.counter is not None else [])
    share_equal_values(procedure for _, procedure in loaded.procedures)


def _packed_problems(problems: list[Problem]) -> list[PackedProblem]:
    return [
        (
            p.line,
            p.column,
            p.severity.value,
            p.code,
            p.message,
            p.procedure,
            None if p.phrase is None else p.phrase.to_data(),
        )
        for p in problems
    ]


def _problems_from(packed: list[PackedProblem], display: str) -> list[Problem]:
    return [
        Problem(
            display, line, column, Severity(level), code, text, owner, phrase=phrase_from_data(data) if data else None
        )
        for line, column, level, code, text, owner, data in packed
    ]


def _parts_of(loaded: LoadedFile) -> Parts:
    return loaded.counter, loaded.procedures, _packed_problems(loaded.problems), loaded.positions, loaded.declared_ids


def _loaded_from_parts(parts: Parts, display: str) -> LoadedFile:
    counter, procedures, problems, positions, declared_ids = parts
    return LoadedFile(display, counter, procedures, _problems_from(problems, display), positions, declared_ids)


def _cacheable(loaded: LoadedFile) -> bool:
    # A result that names its own path (an empty or binary file) cannot be reused under another path.
    return all(loaded.path not in problem.message for problem in loaded.problems)


def _decode(raw: bytes) -> str | None:
    """Return the text of bytes that `read_text` accepts as they are, else None (it then explains why)."""
    if b"\x00" in raw[:8192]:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _open_cache(use_cache: bool | None) -> FileCache | None:
    from bpr.inventory.cache import FileCache, cache_disabled_by_env, default_cache_dir

    if use_cache is False or (use_cache is None and cache_disabled_by_env()):
        return None
    return FileCache(default_cache_dir())


def _from_cache(
    cache: FileCache, raw: bytes, display: str, share: bool = True, facts: bool = False
) -> LoadedFile | None:
    payload = cache.get(cache.key(raw))
    if payload is None:
        return None
    try:
        return decode_entry(payload, display, share, facts)
    except Exception:  # an entry that does not load is a miss; loading the file rewrites it
        return None


def _no_such_path(path: Path) -> Problem:
    message = _("{path}: no such file or folder").format(path=path)
    return Problem(str(path), 1, 1, severity_of("file-unreadable"), "file-unreadable", message)


def link_outside(display: str, target: str) -> LoadedFile:
    """Return the result of a file that links out of the folder given: one problem, nothing read."""
    message = _(
        "links to {target}, outside the folder given: not read (a link may not leave the inventory; --follow-links"
        " reads it)"
    ).format(target=target)
    code = "file-unreadable"
    return LoadedFile(path=display, problems=[Problem(display, 1, 1, severity_of(code), code, message)])


def unreadable_folder(display: str, reason: str) -> LoadedFile:
    """Return the result of a folder whose YAML files were not read, and why: one problem."""
    message = _("the folder cannot be read ({reason}): the YAML files in it were not checked").format(reason=reason)
    code = "file-unreadable"
    return LoadedFile(path=display, problems=[Problem(display, 1, 1, severity_of(code), code, message)])


def _run_tasks(tasks: list[LoadTask], sizes: list[int], workers: int | None) -> Iterator[tuple[int, LoadedFile]]:
    """Yield (index, loaded file) for every task, each as soon as it is loaded (on every core where that pays)."""
    if len(tasks) > 1 and sum(sizes) >= PARALLEL_MIN_BYTES:
        from bpr.inventory.parallel import map_as_done, worker_count

        count = worker_count() if workers is None else workers
        if count > 1:
            for index, payload in map_as_done(load_task, tasks, count, sizes):
                task = tasks[index]
                yield index, (unpack_facts_loaded if task.facts else unpack_loaded)(payload, task.display)
            return
    for index, task in enumerate(tasks):
        yield index, _load_and_store(task)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return read_bytes(path)
    except YamlInputError:
        return None  # load_file reads it again and says why it cannot


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
