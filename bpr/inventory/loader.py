"""Loading inventory files into models, with every problem at its file, line and column."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

from bpr.inventory.flow import build_flow
from bpr.inventory.models import Counter, InventoryFile, Procedure
from bpr.inventory.packing import Parts, decode, encode, pack, share_equal_values, unpack
from bpr.inventory.problem import Problem, Severity
from bpr.inventory.pydantic_errors import findings_from_error
from bpr.inventory.rules import RULES_BY_CODE, severity_of
from bpr.inventory.rules.base import PathKey, ProcedureContext, RuleFinding, did_you_mean
from bpr.inventory.sources import read_bytes, read_text
from bpr.inventory.yamlfile import ParsedYaml, YamlInputError, locate, parse_yaml

if TYPE_CHECKING:
    from bpr.inventory.cache import FileCache

TOP_LEVEL_FIELDS = ("version", "counter", "procedures")
FLOW_CODES = frozenset({"no-end", "endless-loop", "unreachable-step", "rework-loop"})
# Below this many bytes to parse, starting worker processes costs more than it saves (see docs/performance.md).
PARALLEL_MIN_BYTES = 256 * 1024


@dataclass
class LoadedFile:
    """One file after loading: its valid parts, its problems and the positions cross-file rules need."""

    path: str
    counter: Counter | None = None
    procedures: list[tuple[int, Procedure]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    # Every procedure id the file declares, by index, schema-valid or not: the cross-file rules see a
    # procedure with a typo in another field, so they neither report false unknown references to it
    # nor miss a duplicate of its id.
    declared_ids: dict[int, str] = field(default_factory=dict)

    def where(self, path: PathKey) -> str:
        """Return 'FILE:LINE:COL' of a recorded path."""
        line, column = self.positions.get(path, (1, 1))
        return f"{self.path}:{line}:{column}"

    def problem(self, code: str, finding: RuleFinding) -> Problem:
        """Return a problem for a finding at a recorded path."""
        line, column = self.positions.get(finding.path, (1, 1))
        index = finding.path[1] if finding.path[:1] == ("procedures",) else None
        owner = dict(self.procedures).get(index) if isinstance(index, int) else None
        return Problem(self.path, line, column, severity_of(code), code, finding.message, owner.id if owner else None)


@dataclass
class Inventory:
    """Every loaded file of an inventory set, in path order."""

    files: list[LoadedFile]

    def entries(self) -> Iterator[tuple[Counter, Procedure, str]]:
        """Yield (counter, procedure, file) for every valid procedure, in file order."""
        for loaded in self.files:
            if loaded.counter is None:
                continue
            for _, procedure in loaded.procedures:
                yield loaded.counter, procedure, loaded.path

    @property
    def problems(self) -> list[Problem]:
        """Return every problem of every file, sorted."""
        return sorted(p for loaded in self.files for p in loaded.problems)


class _FileChecker:
    """Validates one parsed document, part by part, so that one bad part hides nothing else."""

    def __init__(self, loaded: LoadedFile, root: Any) -> None:
        self.loaded = loaded
        self.root = root
        self.findings: list[tuple[str, RuleFinding]] = []

    def add(self, code: str, finding: RuleFinding) -> None:
        self.findings.append((code, finding))

    def check(self, data: Any) -> None:
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            self.add(
                "not-a-mapping",
                RuleFinding(
                    (), f"the file is {kind}; an inventory file is a mapping with 'version', 'counter' and 'procedures'"
                ),
            )
            return
        for key in data:
            if key not in TOP_LEVEL_FIELDS:
                self.add(
                    "unknown-field",
                    RuleFinding((key,), f"unknown field '{key}'{did_you_mean(key, TOP_LEVEL_FIELDS)}", at_key=True),
                )
        for key in TOP_LEVEL_FIELDS:
            if key not in data:
                self.add("missing-field", RuleFinding((), f"missing required field '{key}'"))
        if "version" in data and (data["version"] != 1 or isinstance(data["version"], bool)):
            self.add(
                "unsupported-version",
                RuleFinding(("version",), f"version {data['version']!r} is not supported: this bpr reads version 1"),
            )
            return
        if "counter" in data:
            self._validate(Counter, data["counter"], ("counter",))
        procedures = data.get("procedures")
        if "procedures" in data and not isinstance(procedures, list):
            self.add("invalid-value", RuleFinding(("procedures",), "procedures: must be a list of procedures"))
        elif isinstance(procedures, list) and not procedures:
            self.add("invalid-value", RuleFinding(("procedures",), "procedures: list at least one procedure"))
        elif isinstance(procedures, list):
            for index, item in enumerate(procedures):
                procedure = self._validate(Procedure, item, ("procedures", index))
                if isinstance(procedure, Procedure):
                    self.loaded.procedures.append((index, procedure))
                    self._run_procedure_rules(index, procedure)

    def _validate(self, model: type[Counter] | type[Procedure], value: Any, prefix: PathKey) -> Any:
        try:
            result = model.model_validate(value)
        except ValidationError as exc:
            for code, finding in findings_from_error(exc, model, prefix):
                self.add(code, finding)
            return None
        if isinstance(result, Counter):
            self.loaded.counter = result
        return result

    def _run_procedure_rules(self, index: int, procedure: Procedure) -> None:
        ctx = ProcedureContext(procedure, build_flow(procedure.steps))
        prefix: PathKey = ("procedures", index)
        # With a step id used twice the flow is ambiguous: report the duplicate, not the loops it seems to make.
        ambiguous = len({step.id for step in procedure.steps}) < len(procedure.steps)
        for code, rule in RULES_BY_CODE.items():
            check = getattr(rule, "check_procedure", None)
            if check is None or (ambiguous and code in FLOW_CODES):
                continue
            for finding in check(ctx):
                self.add(code, RuleFinding(prefix + finding.path, finding.message, finding.at_key))

    def _procedure_id(self, path: PathKey) -> str | None:
        if len(path) < 2 or path[0] != "procedures" or not isinstance(path[1], int):
            return None
        procedures = self.root.get("procedures") if isinstance(self.root, dict) else None
        if not isinstance(procedures, list) or path[1] >= len(procedures) or not isinstance(procedures[path[1]], dict):
            return None
        value = procedures[path[1]].get("id")
        return value if isinstance(value, str) else None

    def problems(self, document: ParsedYaml) -> list[Problem]:
        out = []
        for code, finding in self.findings:
            line, column = locate(document, finding.path, finding.at_key)
            owner = self._procedure_id(finding.path)
            out.append(Problem(self.loaded.path, line, column, severity_of(code), code, finding.message, owner))
        return out


def load_file(path: Path, display: str) -> LoadedFile:
    """Read, parse and validate one file; never raises for bad input."""
    try:
        text = read_text(path)
    except YamlInputError as exc:
        return _unreadable(display, exc)
    return load_text(text, display)


def load_text(text: str, display: str) -> LoadedFile:
    """Parse and validate the text of one file shown as `display`; never raises for bad input."""
    loaded = LoadedFile(path=display)
    try:
        document = parse_yaml(text)
        data, parse_findings = document.data, document.findings
    except YamlInputError as exc:
        return _unreadable(display, exc)
    except RecursionError:
        loaded.problems.append(
            Problem(display, 1, 1, severity_of("yaml-syntax"), "yaml-syntax", "the YAML is nested too deeply to read")
        )
        return loaded
    for item in parse_findings:
        loaded.problems.append(
            Problem(display, item.line, item.column, severity_of(item.code), item.code, item.message)
        )
    checker = _FileChecker(loaded, data)
    checker.check(data)
    loaded.problems.extend(checker.problems(document))
    _record_positions(loaded, document)
    loaded.problems.sort()
    return loaded


def _unreadable(display: str, exc: YamlInputError) -> LoadedFile:
    message = (
        # An encoding error names the file, as Excel users look for the name of the file to save again.
        f"{display} {exc.message}"
        if exc.code == "file-encoding"
        else f"the file {exc.message}"
        if exc.code in {"file-unreadable", "empty-file"}
        else exc.message
    )
    return LoadedFile(
        path=display, problems=[Problem(display, exc.line, exc.column, severity_of(exc.code), exc.code, message)]
    )


def _record_positions(loaded: LoadedFile, document: ParsedYaml) -> None:
    """Keep the positions that the cross-file rules report, so the node tree can be dropped."""
    paths: list[PathKey] = [("counter", "id")]
    raw = document.data.get("procedures") if isinstance(document.data, dict) else None
    if isinstance(raw, list):
        for index, item in enumerate(raw):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                loaded.declared_ids[index] = item["id"]
                paths.append(("procedures", index, "id"))
    for index, procedure in loaded.procedures:
        for number, attachment in enumerate(procedure.attachments):
            if attachment.procedure is not None:
                paths.append(("procedures", index, "attachments", number, "procedure"))
    for path in paths:
        loaded.positions[path] = locate(document, path)


def run_inventory_rules(files: Sequence[LoadedFile]) -> None:
    """Run the cross-file rules and add their problems to the files they concern."""
    for code, rule in RULES_BY_CODE.items():
        check = getattr(rule, "check_inventory", None)
        if check is None:
            continue
        for loaded, finding in check(files):
            loaded.problems.append(loaded.problem(code, finding))
    for loaded in files:
        loaded.problems.sort()


def display_path(path: Path) -> str:
    """Return a path as the user would write it (relative stays relative)."""
    return str(path)


def load_inventory(
    paths: Sequence[Path], *, use_cache: bool | None = None, workers: int | None = None
) -> tuple[Inventory, list[Problem]]:
    """Load every YAML file under paths; return the inventory and problems about the paths themselves."""
    # Files whose bytes were loaded before come from the cache (unless use_cache is False, or None with
    # BPR_NO_CACHE set); the rest load on `workers` processes (default: every core) when there is enough
    # to parse. The result is the same either way, in path order; the cross-file rules always run afresh.
    from bpr.inventory.sources import iter_yaml_files

    cache = _open_cache(use_cache)
    slots: list[LoadedFile | None] = []
    tasks: list[LoadTask] = []
    sizes: list[int] = []
    path_problems: list[Problem] = []
    # The collector would walk every object loaded so far, again and again, while nothing here makes cycles.
    with _gc_paused():
        for path, exists, error in iter_yaml_files(paths):
            if not exists:
                path_problems.append(_no_such_path(path))
                continue
            display = display_path(path)
            if error is not None:
                slots.append(_unreadable_folder(display, error))
                continue
            raw = _read_bytes(path) if cache is not None else None
            hit = _from_cache(cache, raw, display) if cache is not None and raw is not None else None
            slots.append(hit)
            if hit is None:
                tasks.append(LoadTask(path, display, cache.root if cache is not None else None))
                sizes.append(len(raw) if raw is not None else _size(path))
        pending = [index for index, slot in enumerate(slots) if slot is None]
        for index, loaded in zip(pending, _run_tasks(tasks, sizes, workers), strict=True):
            slots[index] = loaded
        if cache is not None and tasks:
            from bpr.inventory.cache import cache_max_bytes

            cache.prune(cache_max_bytes())
        files = [loaded for loaded in slots if loaded is not None]
        run_inventory_rules(files)
    return Inventory(files), path_problems


class LoadTask(NamedTuple):
    """One file to load, and the cache folder to store its result in (None: no cache)."""

    path: Path
    display: str
    cache_root: Path | None


def load_task(task: LoadTask) -> bytes:
    """Load one file and return its result packed (see `pack_loaded`), storing it in the cache when it may be."""
    with _gc_paused():
        return pack_loaded(_load_and_store(task))


def _load_and_store(task: LoadTask) -> LoadedFile:
    """Load one file, and store it in the cache when it may be."""
    # The key is the hash of the bytes read here: a file edited since the lookup is stored under its new content.
    raw = _read_bytes(task.path) if task.cache_root is not None else None
    text = _decode(raw) if raw is not None else None
    loaded = load_text(text, task.display) if text is not None else load_file(task.path, task.display)
    share_equal_values([loaded.counter] if loaded.counter is not None else [])
    share_equal_values(procedure for _, procedure in loaded.procedures)
    if task.cache_root is None or raw is None or text is None or not _cacheable(loaded):
        return loaded
    from bpr.inventory.cache import FileCache

    cache = FileCache(task.cache_root)
    cache.put(cache.key(raw), encode(_parts_of(loaded)))
    return loaded


def pack_loaded(loaded: LoadedFile) -> bytes:
    """Return a file's loading result as bytes for the parent process, not depending on its display path."""
    return pack(_parts_of(loaded))


def unpack_loaded(payload: bytes, display: str) -> LoadedFile:
    """Return the file that `pack_loaded` packed, shown as `display`; raise ValueError when the payload is not one."""
    return _loaded_from_parts(unpack(payload), display)


def decode_entry(payload: bytes, display: str) -> LoadedFile:
    """Return the file of a cache entry, shown as `display`; raise ValueError when the entry is not valid data."""
    loaded = _loaded_from_parts(decode(payload), display)
    share_equal_values([loaded.counter] if loaded.counter is not None else [])
    share_equal_values(procedure for _, procedure in loaded.procedures)
    return loaded


def _parts_of(loaded: LoadedFile) -> Parts:
    problems = [(p.line, p.column, p.severity.value, p.code, p.message, p.procedure) for p in loaded.problems]
    return loaded.counter, loaded.procedures, problems, loaded.positions, loaded.declared_ids


def _loaded_from_parts(parts: Parts, display: str) -> LoadedFile:
    counter, procedures, problems, positions, declared_ids = parts
    found = [
        Problem(display, line, column, Severity(level), code, text, owner)
        for line, column, level, code, text, owner in problems
    ]
    return LoadedFile(display, counter, procedures, found, positions, declared_ids)


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


def _from_cache(cache: FileCache, raw: bytes, display: str) -> LoadedFile | None:
    payload = cache.get(cache.key(raw))
    if payload is None:
        return None
    try:
        return decode_entry(payload, display)
    except Exception:  # an entry that does not load is a miss; loading the file rewrites it
        return None


def _no_such_path(path: Path) -> Problem:
    message = f"{path}: no such file or folder"
    return Problem(str(path), 1, 1, severity_of("file-unreadable"), "file-unreadable", message)


def _unreadable_folder(display: str, reason: str) -> LoadedFile:
    message = f"the folder cannot be read ({reason}): the YAML files in it were not checked"
    code = "file-unreadable"
    return LoadedFile(path=display, problems=[Problem(display, 1, 1, severity_of(code), code, message)])


def _run_tasks(tasks: list[LoadTask], sizes: list[int], workers: int | None) -> list[LoadedFile]:
    if len(tasks) > 1 and sum(sizes) >= PARALLEL_MIN_BYTES:
        from bpr.inventory.parallel import map_in_order, worker_count

        count = worker_count() if workers is None else workers
        if count > 1:
            payloads = map_in_order(load_task, tasks, count, sizes)
            return [unpack_loaded(payload, task.display) for task, payload in zip(tasks, payloads, strict=True)]
    return [_load_and_store(task) for task in tasks]


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


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def as_inventory_file(loaded: LoadedFile) -> InventoryFile | None:
    """Return the whole-file model when every part of the file is valid."""
    if loaded.counter is None or not loaded.procedures:
        return None
    return InventoryFile.model_construct(
        version=1, counter=loaded.counter, procedures=[p for _, p in loaded.procedures]
    )
