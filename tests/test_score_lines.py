"""`bpr score --format jsonl`: the records of `--format json`, one a line, scored a batch of files at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bpr.analysis.pipeline import analyse_inventory
from bpr.cli.main import app
from bpr.config import Config
from bpr.export.jsonout import score_json
from bpr.export.score_lines import RankedLines
from bpr.inventory.loader import InventoryStream, load_inventory

from conftest import INVENTORIES, ROOT

INVALID = ROOT / "tests" / "data" / "invalid"


def json_lines(result_stdout: str) -> list[str]:
    """Return the procedure lines of `--format json` output (one record a line, trailing commas dropped)."""
    lines = result_stdout.splitlines()[1:-1]
    return [line.removesuffix(",") for line in lines]


def test_each_line_is_the_json_record_in_rank_order(runner):
    whole = runner.invoke(app, ["score", str(INVENTORIES), "--format", "json"])
    streamed = runner.invoke(app, ["score", str(INVENTORIES), "--format", "jsonl"])
    assert (whole.exit_code, streamed.exit_code) == (0, 0)
    lines = streamed.stdout.splitlines()
    assert lines == json_lines(whole.stdout)
    assert [json.loads(line)["rank"] for line in lines] == list(range(1, len(lines) + 1))
    assert len(lines) == len(json.loads(whole.stdout)["procedures"]) > 50


def test_the_config_used_is_said_on_stderr(runner):
    result = runner.invoke(app, ["score", str(INVENTORIES), "--format", "jsonl"])
    assert result.stderr.startswith("Settings: ")


def test_batches_of_any_size_give_the_same_lines():
    inventory, _ = load_inventory([INVENTORIES], use_cache=False)
    expected = json_lines(score_json(analyse_inventory(inventory, Config())))
    for batch_bytes in (1, 20_000, None):
        lines = RankedLines(Config())
        for loaded in InventoryStream([INVENTORIES], use_cache=False, batch_bytes=batch_bytes):
            lines.add(loaded)
        got = b"".join(lines.blocks()).decode().splitlines()
        lines.close()
        assert got == expected, batch_bytes


@pytest.mark.parametrize("case", sorted(p.name for p in INVALID.iterdir()))
def test_an_inventory_with_errors_exits_as_json_does_and_writes_nothing(runner, case):
    whole = runner.invoke(app, ["score", str(INVALID / case), "--format", "json"])
    streamed = runner.invoke(app, ["score", str(INVALID / case), "--format", "jsonl"])
    assert streamed.exit_code == whole.exit_code
    if whole.exit_code:
        assert streamed.stdout == ""
        assert streamed.stderr == whole.stderr  # the same errors, cross-file ones included, in the same order


def test_a_duplicate_in_a_later_batch_is_found(tmp_path, monkeypatch, runner):
    # The cross-file rules see every file although each batch is forgotten once scored.
    monkeypatch.setattr("bpr.inventory.loader.STREAM_BATCH_BYTES", 1)
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_bytes((INVENTORIES / "shimin.yaml").read_bytes())
    result = runner.invoke(app, ["score", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "duplicate-id" in result.stderr


def test_the_spool_leaves_no_file_behind(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path), "BPR_LANG": "en", "BPR_NO_CACHE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "bpr", "score", "--format", "jsonl", str(INVENTORIES)],
        env=env,
        capture_output=True,
        cwd=ROOT,
    )
    assert result.returncode == 0 and result.stdout.count(b"\n") > 50
    assert list(tmp_path.iterdir()) == []


def test_under_pipefail_a_pipe_into_head_passes():
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", '"$PY" -m bpr score --format jsonl inventories | head -1'],
        cwd=ROOT,
        env={**os.environ, "PY": sys.executable, "BPR_LANG": "en"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rank"] == 1


def test_an_unknown_format_names_jsonl(runner):
    result = runner.invoke(app, ["score", str(INVENTORIES), "--format", "yaml"])
    assert result.exit_code == 2 and "jsonl" in result.stderr


def test_no_file_is_a_usage_problem(runner, tmp_path: Path):
    result = runner.invoke(app, ["score", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 2 and "no-inventory" in result.stderr


def test_json_of_no_procedure_is_one_empty_list():
    from dataclasses import replace

    analysis = analyse_inventory(load_inventory([INVENTORIES], use_cache=False)[0], Config())
    empty = score_json(replace(analysis, procedures=()))
    assert json.loads(empty)["procedures"] == []
    assert empty.endswith('"procedures": []}\n')


def test_the_ranking_alone_writes_the_records_of_the_whole_analysis():
    from bpr.analysis.pipeline import rank_inventory
    from bpr.config import ScoringConfig
    from bpr.export.jsonout import score_csv

    inventory = load_inventory([INVENTORIES], use_cache=False)[0]
    # The staff cost and hours of a person-year go into every record: a config that moves them must move both.
    config = Config(scoring=ScoringConfig(hours_per_fte=1500, staff_cost_per_hour=5200))
    ranking, analysis = rank_inventory(inventory, config), analyse_inventory(inventory, config)
    assert ranking.procedures == analysis.procedures
    assert score_json(ranking) == score_json(analysis) != score_json(analyse_inventory(inventory, Config()))
    assert score_csv(ranking) == score_csv(analysis)


def test_the_json_command_writes_the_whole_analysis_document(runner):
    result = runner.invoke(app, ["score", str(INVENTORIES), "--format", "json"])
    assert result.exit_code == 0
    # The streamed document (ranked lines, the latest 調査日 of the counters in 版) is the analysis's, byte for byte.
    assert result.stdout == score_json(analyse_inventory(load_inventory([INVENTORIES], use_cache=False)[0], Config()))


def test_json_blocks_of_no_line_are_an_empty_list():
    lines = RankedLines(Config())
    try:
        assert b"".join(lines.json_blocks("HEAD[")) == b"HEAD[]}\n"
        assert list(lines.blocks()) == []
    finally:
        lines.close()


@pytest.mark.parametrize("cached", [False, True])
def test_a_stream_that_keeps_facts_hands_every_file_once_whole(tmp_path, monkeypatch, cached):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if cached:
        load_inventory([INVENTORIES], use_cache=True)  # every file from the cache next
    handed: list[str] = []

    def take(loaded):
        assert loaded.counter is not None and loaded.procedures  # the whole file, models and all
        handed.append(loaded.path)

    stream = InventoryStream([INVENTORIES], use_cache=cached, on_file=take, then_facts=True, batch_bytes=None)
    kept = list(stream)
    whole = load_inventory([INVENTORIES], use_cache=False)[0].files
    assert sorted(handed) == sorted(f.path for f in whole) and len(handed) == len(set(handed))
    assert [f.path for f in kept] == [f.path for f in whole]
    assert all(f.counter is None and not f.procedures for f in kept)  # what the cross-file rules read, no model
    assert [f.declared_ids for f in kept] == [f.declared_ids for f in whole]


def test_json_goes_to_a_stdout_without_bytes_below_as_text(monkeypatch):
    import io

    from bpr.cli import emit_blocks

    text = io.StringIO()  # an embedding program's stdout: no .buffer
    monkeypatch.setattr("sys.stdout", text)
    emit_blocks(iter([b'{"name": "\xe5\xa9\x9a\xe5\xa7\xbb\xe5\xb1\x8a"', b"}\n"]))
    assert text.getvalue() == '{"name": "婚姻届"}\n'


def test_a_scored_procedure_keeps_its_procedure_s_id_through_replace_and_pickle():
    import pickle
    from dataclasses import replace

    analysis = analyse_inventory(load_inventory([INVENTORIES], use_cache=False)[0], Config())
    first, second = analysis.procedures[:2]
    assert [item.id for item in analysis.procedures] == [item.procedure.id for item in analysis.procedures]
    assert replace(first, procedure=second.procedure).id == second.procedure.id != first.id
    assert pickle.loads(pickle.dumps(first)).id == first.id
