"""The content-hash cache of per-file results: identical results, safe to delete, corrupt entries ignored."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import bpr
from bpr.cli.main import app
from bpr.inventory import cache as cache_module
from bpr.inventory.cache import MAGIC, FileCache, code_fingerprint, default_cache_dir
from bpr.inventory.loader import Inventory, load_inventory

from conftest import generate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CORPUS = [DATA / "valid", DATA / "invalid"]


def snapshot(inventory: Inventory) -> list[tuple[Any, ...]]:
    """Return everything a loaded inventory holds, comparable with ==."""
    return [(f.path, f.counter, f.procedures, f.problems, f.positions) for f in inventory.files]


def entries(root: Path) -> list[Path]:
    """Return the cache entry files under a cache folder."""
    return sorted(p for p in (root / "bpr").rglob("*") if p.is_file())


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point XDG_CACHE_HOME at an empty folder and clear BPR_NO_CACHE."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("BPR_NO_CACHE", raising=False)
    yield home


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated inventory of several files."""
    return generate(tmp_path_factory.mktemp("generated"), 120, 4)


def test_default_folder_follows_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "bpr"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")
    assert default_cache_dir() == Path.home() / ".cache" / "bpr"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "bpr"


@pytest.mark.parametrize("paths", [CORPUS, None], ids=["corpus", "generated"])
def test_warm_load_equals_cold_load(cache_home: Path, generated: Path, paths: list[Path] | None) -> None:
    chosen = paths or [generated]
    cold, cold_paths = load_inventory(chosen, use_cache=False)
    filled, _ = load_inventory(chosen)
    written = entries(cache_home)
    warm, warm_paths = load_inventory(chosen)
    assert written
    assert entries(cache_home) == written
    assert snapshot(filled) == snapshot(cold)
    assert snapshot(warm) == snapshot(cold)
    assert warm_paths == cold_paths
    assert warm.problems == cold.problems


def facts(inventory: Inventory) -> list[tuple[Any, ...]]:
    """Return what `bpr validate` keeps of each checked file, comparable with ==."""
    return [
        (f.path, f.counter, f.counter_id, f.problems, f.positions, f.declared_ids, f.procedure_count, f.references)
        for f in inventory.files
    ]


@pytest.mark.parametrize("paths", [CORPUS, None], ids=["corpus", "generated"])
def test_validate_reads_only_the_facts_of_an_entry_and_finds_what_a_cold_run_finds(
    cache_home: Path, generated: Path, paths: list[Path] | None
) -> None:
    from bpr.inventory.loader import check_inventory

    chosen = paths or [generated]
    cold, cold_paths = check_inventory(chosen, use_cache=False)
    load_inventory(chosen)  # fills the cache with whole entries
    warm, warm_paths = check_inventory(chosen)
    assert facts(warm) == facts(cold) and warm_paths == cold_paths
    assert warm.problems == cold.problems
    assert any(f.references for f in cold.files)  # covers and attachments name other procedures
    assert all(f.procedures == [] and f.counter is None for f in warm.files)  # no model kept, facts or whole
    assert any(f.counter_id for f in warm.files)


def test_an_entry_whose_facts_are_invalid_is_a_miss_for_validate(cache_home: Path, tmp_path: Path) -> None:
    import json

    from bpr.inventory.loader import check_inventory

    path = tmp_path / "inv.yaml"
    path.write_bytes((DATA / "invalid" / "unknown-reference" / "covers-typo.yaml").read_bytes())
    cold, _ = check_inventory([path], use_cache=False)
    load_inventory([path])
    (target,) = entries(cache_home)
    head, whole = target.read_bytes()[len(MAGIC) + 32 :].split(b"\n")
    data = json.loads(head)
    covers = [reference for reference in data["references"] if reference[3] is not None]  # [path, target, _, step]
    covers[0][1] = "Not A Slug"
    cache = FileCache(default_cache_dir())
    assert cache.put(target.name, json.dumps(data).encode() + b"\n" + whole)  # signed: only the data is bad
    again, _ = check_inventory([path])
    assert facts(again) == facts(cold) and again.problems == cold.problems


def test_validate_reads_the_facts_line_and_the_other_commands_the_whole_entry(cache_home: Path, tmp_path: Path) -> None:
    from bpr.inventory.loader import check_inventory

    path = tmp_path / "inv.yaml"
    path.write_bytes((DATA / "valid" / "kosodate-spec-example.yaml").read_bytes())
    cold_check, _ = check_inventory([path], use_cache=False)
    cold, _ = load_inventory([path], use_cache=False)
    load_inventory([path])
    (target,) = entries(cache_home)
    head, whole = target.read_bytes()[len(MAGIC) + 32 :].split(b"\n")
    assert len(head) < len(whole)  # the facts are a part of the entry
    cache = FileCache(default_cache_dir())
    assert cache.put(target.name, head + b"\n" + b"{}")  # the whole entry damaged, the facts intact
    checked, _ = check_inventory([path])
    assert facts(checked) == facts(cold_check)
    assert target.read_bytes()[len(MAGIC) + 32 :].endswith(b"\n{}")  # validate read the facts: no miss, no rewrite
    loaded, _ = load_inventory([path])  # a miss for the commands that need the models: parsed again and rewritten
    assert snapshot(loaded) == snapshot(cold)
    assert target.read_bytes()[len(MAGIC) + 32 :].split(b"\n")[1] == whole


def test_no_cache_neither_reads_nor_writes(cache_home: Path, generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_inventory([generated], use_cache=False)
    assert not entries(cache_home)
    monkeypatch.setenv("BPR_NO_CACHE", "1")
    load_inventory([generated])
    assert not entries(cache_home)
    monkeypatch.setenv("BPR_NO_CACHE", "0")
    load_inventory([generated])
    assert entries(cache_home)


def test_validate_no_cache_option(cache_home: Path, generated: Path) -> None:
    from typer.testing import CliRunner

    runner = CliRunner()
    result = runner.invoke(app, ["validate", "--no-cache", str(generated)])
    assert result.exit_code == 0, result.output
    assert not entries(cache_home)
    again = runner.invoke(app, ["validate", str(generated)])
    assert entries(cache_home)
    assert again.output == result.output


def test_same_bytes_under_two_paths_keep_their_own_path(cache_home: Path, tmp_path: Path) -> None:
    source = DATA / "invalid" / "unknown-field"
    case = next(p for p in sorted(source.iterdir()) if p.is_file())
    first, second = tmp_path / "a" / case.name, tmp_path / "b" / case.name
    for copy in (first, second):
        copy.parent.mkdir()
        copy.write_bytes(case.read_bytes())
    load_inventory([first])
    assert len(entries(cache_home)) == 1
    warm, _ = load_inventory([second])
    assert warm.problems
    assert {p.file for p in warm.problems} == {str(second)}
    assert snapshot(warm) == snapshot(load_inventory([second], use_cache=False)[0])


def test_an_empty_file_result_is_reused_under_another_path(cache_home: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        path.write_text("# nothing yet\n")
    assert [p.code for p in load_inventory([first])[0].problems] == ["empty-file"]
    assert len(entries(cache_home)) == 1
    warm = load_inventory([second])[0].problems
    assert [(p.file, p.code) for p in warm] == [(str(second), "empty-file")]
    assert "a.yaml" not in warm[0].message


def test_editing_a_file_misses(cache_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    original = (DATA / "valid" / "minimal.yml").read_bytes()
    path.write_bytes(original)
    load_inventory([path])
    path.write_bytes(original.replace(b"annual_volume: ", b"annual_volume: -"))
    edited, _ = load_inventory([path])
    assert snapshot(edited) == snapshot(load_inventory([path], use_cache=False)[0])
    assert len(entries(cache_home)) == 2


def test_key_depends_on_bytes_and_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cache = FileCache(tmp_path)
    key = cache.key(b"version: 1\n")
    assert key != cache.key(b"version: 2\n")
    monkeypatch.setattr(bpr, "__version__", "999.0")
    code_fingerprint.cache_clear()
    try:
        assert cache.key(b"version: 1\n") != key
    finally:
        monkeypatch.undo()
        code_fingerprint.cache_clear()
    assert cache.key(b"version: 1\n") == key


def corrupt_variants(blob: bytes) -> dict[str, bytes]:
    """Return ways an entry can be damaged: each must be ignored."""
    header = len(MAGIC) + 32
    garbage = b"not a pickle at all"
    wrong_type = b'["a", "list", "of", "strings"]'
    return {
        "empty": b"",
        "truncated": blob[: len(blob) // 2],
        "flipped byte": blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:],
        "other magic": b"X" + blob[1:],
        "checksummed garbage": MAGIC + hashlib.sha256(garbage).digest() + garbage,
        "checksummed wrong shape": MAGIC + hashlib.sha256(wrong_type).digest() + wrong_type,
        "header only": blob[:header],
    }


@pytest.mark.parametrize("damage", list(corrupt_variants(b"x" * 200)))
def test_corrupt_entry_is_ignored_and_rewritten(cache_home: Path, generated: Path, damage: str) -> None:
    cold, _ = load_inventory([generated], use_cache=False)
    load_inventory([generated])
    target = entries(cache_home)[0]
    good = target.read_bytes()
    target.write_bytes(corrupt_variants(good)[damage])
    again, _ = load_inventory([generated])
    assert snapshot(again) == snapshot(cold)
    assert target.read_bytes() == good


def test_entry_that_is_a_folder_is_ignored(cache_home: Path, generated: Path) -> None:
    cold, _ = load_inventory([generated], use_cache=False)
    load_inventory([generated])
    target = entries(cache_home)[0]
    target.unlink()
    target.mkdir()
    again, _ = load_inventory([generated])
    assert snapshot(again) == snapshot(cold)


def test_unwritable_cache_breaks_nothing(tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "home"
    blocker.mkdir()
    (blocker / "bpr").write_text("a file where the cache folder should be\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("BPR_NO_CACHE", raising=False)
    cold, _ = load_inventory([generated], use_cache=False)
    loaded, _ = load_inventory([generated])
    assert snapshot(loaded) == snapshot(cold)
    assert (blocker / "bpr").is_file()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only folders")
def test_read_only_cache_folder_breaks_nothing(cache_home: Path, generated: Path) -> None:
    folder = cache_home / "bpr"
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        cold, _ = load_inventory([generated], use_cache=False)
        loaded, _ = load_inventory([generated])
        assert snapshot(loaded) == snapshot(cold)
        assert not entries(cache_home)
    finally:
        folder.chmod(0o700)


def test_put_is_atomic_and_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = FileCache(tmp_path)
    key = cache.key(b"data")
    assert cache.put(key, b"first")
    assert cache.put(key, b"second")
    assert cache.get(key) == b"second"
    assert [p.name for p in cache.entry_path(key).parent.iterdir()] == [key]

    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cache_module.os, "replace", broken_replace)
    assert not cache.put(key, b"third")
    assert cache.get(key) == b"second"
    assert [p.name for p in cache.entry_path(key).parent.iterdir()] == [key]


def test_deleting_the_cache_is_safe(cache_home: Path, generated: Path) -> None:
    import shutil

    cold, _ = load_inventory([generated], use_cache=False)
    load_inventory([generated])
    shutil.rmtree(cache_home)
    again, _ = load_inventory([generated])
    assert snapshot(again) == snapshot(cold)
    assert entries(cache_home)


class _RunsCode:
    """A pickle that creates a folder when it is loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def test_a_hostile_pickle_entry_runs_no_code(cache_home: Path, generated: Path, tmp_path: Path) -> None:
    import pickle

    cold, _ = load_inventory([generated], use_cache=False)
    load_inventory([generated])
    marker = tmp_path / "pwned"
    hostile = pickle.dumps(_RunsCode(marker))
    for target in entries(cache_home):
        target.write_bytes(MAGIC + hashlib.sha256(hostile).digest() + hostile)
    again, _ = load_inventory([generated])
    assert not marker.exists()
    assert snapshot(again) == snapshot(cold)


def test_entries_hold_json_data(cache_home: Path, generated: Path) -> None:
    import json

    load_inventory([generated])
    written = entries(cache_home)
    assert written
    header = len(MAGIC) + 32
    for target in written:
        payload = target.read_bytes()[header:]
        assert not payload.startswith(b"\x80")  # a pickle's protocol byte
        head, whole = payload.split(b"\n")  # the facts, then the whole entry
        assert isinstance(json.loads(head), dict) and isinstance(json.loads(whole), dict)
        assert set(json.loads(head)) == {"counter", "problems", "positions", "declared_ids", "count", "references"}


def test_an_entry_with_invalid_data_is_a_miss(cache_home: Path, tmp_path: Path) -> None:
    import json

    path = tmp_path / "inv.yaml"
    path.write_bytes((DATA / "valid" / "minimal.yml").read_bytes())
    cold, _ = load_inventory([path], use_cache=False)
    load_inventory([path])
    (target,) = entries(cache_home)
    header = len(MAGIC) + 32
    head, whole = target.read_bytes()[header:].split(b"\n")
    data = json.loads(whole)
    data["procedures"][0][1]["annual_volume"] = -5  # the model refuses it
    damaged = [json.dumps(data).encode(), b"[" * 100_000, b'{"counter": 1}', b"\xff\xfe"]
    for payload in [head + b"\n" + bad for bad in damaged] + [head, whole, b""]:
        assert FileCache(default_cache_dir()).put(target.name, payload)  # signed: only the data is bad
        again, _ = load_inventory([path])
        assert snapshot(again) == snapshot(cold)


def test_prune_removes_the_oldest_entries_first(tmp_path: Path) -> None:
    cache = FileCache(tmp_path)
    keys = [cache.key(bytes([n])) for n in range(5)]
    for age, key in enumerate(keys):
        assert cache.put(key, b"x" * 1000)
        os.utime(cache.entry_path(key), (1_000_000 + age, 1_000_000 + age))
    size = cache.entry_path(keys[0]).stat().st_size
    cache.prune(3 * size)
    assert [cache.get(key) is not None for key in keys] == [False, False, True, True, True]
    cache.prune(10 * size)
    assert [cache.get(key) is not None for key in keys] == [False, False, True, True, True]


def test_loading_keeps_the_cache_under_its_cap(
    cache_home: Path, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_inventory([generated])
    sizes = [p.stat().st_size for p in entries(cache_home)]
    assert len(sizes) > 2
    for target in entries(cache_home):
        os.utime(target, (1_000_000, 1_000_000))
    other = generate(cache_home.parent / "other", 30, 1)
    monkeypatch.setenv("BPR_CACHE_MAX_BYTES", str(max(sizes) + 1))
    load_inventory([other])
    left = entries(cache_home)
    assert sum(p.stat().st_size for p in left) <= max(sizes) + 1
    assert all(p.stat().st_mtime > 1_000_000 for p in left)


def test_cache_cap_falls_back_to_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BPR_CACHE_MAX_BYTES", "lots")
    assert cache_module.cache_max_bytes() == cache_module.DEFAULT_CACHE_MAX_BYTES == 256 * 1024 * 1024
    monkeypatch.setenv("BPR_CACHE_MAX_BYTES", "1000")
    assert cache_module.cache_max_bytes() == 1000


def test_a_rule_s_phrase_comes_back_from_the_cache(cache_home: Path) -> None:
    from conftest import INVENTORIES

    fresh, _ = load_inventory([INVENTORIES], use_cache=True)
    served, _ = load_inventory([INVENTORIES], use_cache=True)
    assert entries(cache_home)
    phrases = [p.phrase for p in fresh.problems if p.phrase is not None]
    assert phrases  # the sample's warnings (押印, 差し戻し …)
    assert [p.phrase for p in served.problems] == [p.phrase for p in fresh.problems]
    assert [p.phrase.say("ja", names=True) for p in served.problems if p.phrase] == [
        p.say("ja", names=True) for p in phrases
    ]


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"msgid": "x"},
        {"msgid": 1, "fields": {}},
        {"msgid": "x", "fields": {"a": True}},
        {"msgid": "x", "fields": {"a": ["one"]}},
        {"msgid": "x", "fields": {"a": None}},
        {"msgid": "x", "fields": {}, "code": "__import__('os')"},
    ],
)
def test_a_stored_phrase_that_is_not_one_is_refused(data: object) -> None:
    from bpr.i18n import phrase_from_data

    with pytest.raises(ValueError):
        phrase_from_data(data)


def test_threads_making_the_signing_key_at_once_all_get_the_same_whole_key(tmp_path) -> None:
    # The render cache's threads asked for the key together: one read the file another was still writing
    # (empty), and that process went on without a cache. The key is linked into place only once written.
    import threading

    from bpr.inventory import cache

    for round_ in range(20):
        path = tmp_path / str(round_) / "bpr" / "cache-key"
        barrier = threading.Barrier(8)
        keys: list[bytes | None] = []

        def ask(path=path, barrier=barrier, keys=keys) -> None:
            barrier.wait()
            keys.append(cache._secret_at.__wrapped__(path))

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert None not in keys and len(set(keys)) == 1 and keys[0] == path.read_bytes()
        assert [p.name for p in path.parent.iterdir()] == ["cache-key"]  # no draft left behind
