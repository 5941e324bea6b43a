"""Loading on several processes gives exactly what one process gives, in the same order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bpr.inventory import loader, parallel
from bpr.inventory.loader import Inventory, load_inventory
from bpr.inventory.parallel import map_in_order, worker_count

from conftest import generate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CORPUS = [DATA / "valid", DATA / "invalid"]


def snapshot(inventory: Inventory) -> list[tuple[Any, ...]]:
    """Return everything a loaded inventory holds, comparable with ==."""
    return [(f.path, f.counter, f.procedures, f.problems, f.positions) for f in inventory.files]


def square(value: int) -> int:
    """Return value squared (a picklable task)."""
    return value * value


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated inventory of several files with warnings in most of them."""
    return generate(tmp_path_factory.mktemp("generated"), 150, 6)


@pytest.fixture
def always_parallel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Use the pool whatever the size of the input, with a private cache folder."""
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_BYTES", dict.fromkeys(parallel.MIN_BYTES, 0))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    monkeypatch.delenv("BPR_NO_CACHE", raising=False)


@pytest.mark.usefixtures("always_parallel")
@pytest.mark.parametrize("use_cache", [False, True], ids=["no-cache", "cache"])
def test_parallel_equals_single_process(generated: Path, use_cache: bool) -> None:
    paths = [*CORPUS, generated]
    single, single_paths = load_inventory(paths, use_cache=False, workers=1)
    pooled, pooled_paths = load_inventory(paths, use_cache=use_cache, workers=2)
    assert [f.path for f in pooled.files] == [f.path for f in single.files]
    assert snapshot(pooled) == snapshot(single)
    assert pooled_paths == single_paths
    assert pooled.problems == single.problems
    if use_cache:
        warm, _ = load_inventory(paths, workers=2)
        assert snapshot(warm) == snapshot(single)


@pytest.mark.usefixtures("always_parallel")
def test_missing_paths_are_reported_in_parallel_too(generated: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    inventory, path_problems = load_inventory([generated, missing], use_cache=False, workers=2)
    assert [(p.code, p.file) for p in path_problems] == [("file-unreadable", str(missing))]
    assert len(inventory.files) == 6


@pytest.mark.usefixtures("always_parallel")
def test_map_in_order_keeps_the_order_of_the_tasks() -> None:
    tasks = list(range(20))
    sizes = [(7 * i) % 11 for i in tasks]
    assert map_in_order(square, tasks, 2, sizes) == [i * i for i in tasks]


@pytest.mark.usefixtures("always_parallel")
def test_map_in_order_runs_here_when_no_pool_can_start(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError("no /dev/shm")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    assert map_in_order(square, [1, 2, 3], 2, [1, 1, 1]) == [1, 4, 9]


@pytest.mark.usefixtures("always_parallel")
def test_map_as_done_yields_every_task_once_with_its_index() -> None:
    tasks = list(range(20))
    sizes = [(7 * i) % 11 for i in tasks]
    got = list(parallel.map_as_done(square, tasks, 2, sizes))
    assert sorted(got) == [(i, i * i) for i in tasks]
    assert [index for index, _ in got[:3]] == [3, 14, 6]  # the biggest first: sizes 10, 10 (the first first), 9


@pytest.mark.usefixtures("always_parallel")
@pytest.mark.parametrize("cached", [False, True], ids=["parsed", "from-cache"])
@pytest.mark.parametrize("workers", [1, 2])
def test_each_file_is_scored_once_while_loading_as_the_analysis_would(
    generated: Path, workers: int, cached: bool
) -> None:
    from bpr.analysis.pipeline import ScoredFiles, analyse_inventory
    from bpr.config import load_config
    from bpr.export.jsonout import score_json

    config = load_config(None)
    if cached:
        load_inventory([generated], use_cache=True, workers=workers)
    seen: list[str] = []
    scored = ScoredFiles(config)

    def on_file(loaded: Any) -> None:
        seen.append(loaded.path)
        scored(loaded)

    inventory, _ = load_inventory([generated], use_cache=cached, workers=workers, on_file=on_file)
    assert sorted(seen) == sorted(loaded.path for loaded in inventory.files) and len(seen) == 6
    assert all(scored.of(loaded, config) is not None for loaded in inventory.files)
    with_scores = analyse_inventory(inventory, config, scored_files=scored)
    assert score_json(with_scores) == score_json(analyse_inventory(inventory, config))
    assert scored.of(inventory.files[0], load_config(None)) is None  # another config: scored afresh


@pytest.mark.usefixtures("always_parallel")
@pytest.mark.parametrize("which", ["generated", "corpus"])
def test_a_check_s_workers_send_only_facts_and_it_finds_what_one_process_finds(
    generated: Path, which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bpr.inventory.facts import unpack_facts
    from bpr.inventory.loader import check_inventory

    chosen = [generated] if which == "generated" else [DATA / "valid", DATA / "invalid"]
    sent: list[bytes] = []
    real = parallel.map_as_done

    def spy(function: Any, tasks: Any, workers: int, sizes: Any) -> Any:
        for index, payload in real(function, tasks, workers, sizes):
            sent.append(payload)
            yield index, payload

    monkeypatch.setattr(parallel, "map_as_done", spy)
    pooled, pooled_paths = check_inventory(chosen, use_cache=False, workers=2)
    alone, alone_paths = check_inventory(chosen, use_cache=False, workers=1)
    assert sent and all(unpack_facts(payload) for payload in sent)  # facts, no procedure model
    assert pooled.problems == alone.problems and pooled_paths == alone_paths
    assert [
        (f.path, f.counter_id, f.positions, f.declared_ids, f.procedure_count, f.references, f.procedures)
        for f in pooled.files
    ] == [
        (f.path, f.counter_id, f.positions, f.declared_ids, f.procedure_count, f.references, f.procedures)
        for f in alone.files
    ]


@pytest.mark.parametrize("payload", [(1, 2), ("c", [], {}, {}, 1, ["not a reference"]), (None, [()], {}, {}, 1, [])])
def test_packed_facts_that_are_not_facts_are_refused(payload: object) -> None:
    import pickle

    from bpr.inventory.facts import unpack_facts

    with pytest.raises(ValueError):
        unpack_facts(pickle.dumps(payload))


def test_worker_count_honours_bpr_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BPR_WORKERS", "3")
    assert worker_count() == 3
    for value in ("0", "many", ""):
        monkeypatch.setenv("BPR_WORKERS", value)
        assert worker_count() == parallel.available_cores()


@pytest.mark.parametrize("above", [False, True], ids=["below", "at-threshold"])
def test_pool_only_from_the_threshold_on(monkeypatch: pytest.MonkeyPatch, generated: Path, above: bool) -> None:
    total = sum(p.stat().st_size for p in generated.glob("*.yaml"))
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", total if above else total + 1)
    calls: list[int] = []
    real = parallel.map_as_done

    def spy(function: Any, tasks: Any, workers: int, sizes: Any) -> Any:
        calls.append(len(tasks))
        return real(function, tasks, workers, sizes)

    monkeypatch.setattr(parallel, "map_as_done", spy)
    inventory, _ = load_inventory([generated], use_cache=False, workers=2)
    assert len(inventory.files) == 6
    assert calls == ([6] if above else [])


def test_one_worker_never_starts_a_pool(monkeypatch: pytest.MonkeyPatch, generated: Path) -> None:
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "map_as_done", None)
    inventory, _ = load_inventory([generated], use_cache=False, workers=1)
    assert len(inventory.files) == 6


def test_loading_a_set_equals_loading_each_file_alone(generated: Path) -> None:
    from bpr.inventory.loader import load_file, run_inventory_rules
    from bpr.inventory.sources import iter_yaml_files

    alone = [load_file(found.path, str(found.path)) for found in iter_yaml_files([*CORPUS, generated])]
    run_inventory_rules(alone)
    together, _ = load_inventory([*CORPUS, generated], use_cache=False, workers=1)
    assert snapshot(together) == snapshot(Inventory(alone))


def test_equal_values_are_shared_within_a_file(generated: Path) -> None:
    inventory, _ = load_inventory([generated], use_cache=False, workers=1)
    steps = [step for _, procedure in inventory.files[0].procedures for step in procedure.steps]
    by_name: dict[str, list[Any]] = {}
    for step in steps:
        by_name.setdefault(step.name, []).append(step)
    repeated = [group for group in by_name.values() if len(group) > 1]
    assert repeated
    assert all(len({id(step.name) for step in group}) == 1 for group in repeated)
    field_sets = [step.__pydantic_fields_set__ for step in steps]
    assert len({id(fields) for fields in field_sets}) == len({frozenset(fields) for fields in field_sets})


# Under spawn (Windows, macOS, or Linux with threads running) a worker starts a new interpreter.


class PoolSpy:
    """Record the pools map_in_order starts: their start method and the language their workers speak."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.methods: list[str] = []
        self.languages: list[str] = []
        real = parallel.ProcessPoolExecutor

        def pool(*args: Any, **kwargs: Any) -> Any:
            self.methods.append(kwargs["mp_context"].get_start_method())
            self.languages.append(kwargs["initargs"][0])
            return real(*args, **kwargs)

        monkeypatch.setattr(parallel, "ProcessPoolExecutor", pool)


def test_bpr_start_method_chooses_how_workers_start(monkeypatch: pytest.MonkeyPatch) -> None:
    for method in ("spawn", "fork", "SPAWN "):
        monkeypatch.setenv("BPR_START_METHOD", method)
        assert parallel.start_method() == method.strip().lower()
    for method in ("", "thread", "fork-please"):
        monkeypatch.setenv("BPR_START_METHOD", method)
        assert parallel.start_method() in ("fork", "spawn")  # the default of this system


def test_a_spawned_pool_needs_more_work_than_a_forked_one() -> None:
    assert parallel.MIN_BYTES["spawn"] > parallel.MIN_BYTES["fork"]
    between = (parallel.MIN_BYTES["fork"] + parallel.MIN_BYTES["spawn"]) // 2
    assert parallel.pool_pays([between // 2, between - between // 2], 2, "fork")
    assert not parallel.pool_pays([between // 2, between - between // 2], 2, "spawn")
    assert parallel.pool_pays([parallel.MIN_BYTES["spawn"], 0], 2, "spawn")
    assert not parallel.pool_pays([parallel.MIN_BYTES["spawn"]], 2, "spawn")  # one task: nothing to share
    assert not parallel.pool_pays([parallel.MIN_BYTES["spawn"], 1], 1, "spawn")  # one worker


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_map_in_order_starts_a_pool_only_where_it_pays(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    monkeypatch.setenv("BPR_START_METHOD", method)
    spy = PoolSpy(monkeypatch)
    tasks = [1, 2, 3, 4]
    below = parallel.MIN_BYTES[method] // len(tasks) - 1
    assert map_in_order(square, tasks, 2, [below] * len(tasks)) == [1, 4, 9, 16]
    assert spy.methods == []
    at = parallel.MIN_BYTES[method] // len(tasks) + 1
    assert map_in_order(square, tasks, 2, [at] * len(tasks)) == [1, 4, 9, 16]
    assert spy.methods == [method]


@pytest.mark.usefixtures("always_parallel")
def test_a_spawned_pool_loads_what_one_process_loads(monkeypatch: pytest.MonkeyPatch, generated: Path) -> None:
    monkeypatch.setenv("BPR_START_METHOD", "spawn")
    spy = PoolSpy(monkeypatch)
    paths = [*CORPUS, generated]
    single, single_paths = load_inventory(paths, use_cache=False, workers=1)
    spawned, spawned_paths = load_inventory(paths, use_cache=False, workers=2)
    assert spy.methods == ["spawn"]
    assert snapshot(spawned) == snapshot(single)
    assert spawned_paths == single_paths and spawned.problems == single.problems


def language_of_worker(_: int) -> str:
    """Return the language a worker speaks, and one message in it (a picklable task)."""
    from bpr.i18n import _ as say
    from bpr.i18n import current_language

    return f"{current_language()} {say('Permission denied')}"


@pytest.mark.usefixtures("always_parallel")
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_speak_the_language_of_the_run(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    from bpr.i18n import _ as say
    from bpr.i18n import set_language

    monkeypatch.setenv("BPR_START_METHOD", method)
    monkeypatch.setenv("BPR_LANG", "ja")  # what a spawned worker would take without being told
    spy = PoolSpy(monkeypatch)
    set_language("en")  # as --lang en does, after BPR_LANG was read
    assert map_in_order(language_of_worker, [1, 2], 2, [1, 1]) == ["en Permission denied"] * 2
    assert spy.languages == ["en"]
    set_language("ja")
    japanese = say("Permission denied")
    assert map_in_order(language_of_worker, [1, 2], 2, [1, 1]) == [f"ja {japanese}"] * 2
    set_language("en")
